"""`popbot serve` (what `make run` starts): the web chat alone without a token, the web chat
and the Telegram bot in one process with one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.fake_bot_api import FakeBotApi
from tests.test_browser import free_port


def start_serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for_page(url: str, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                return str(answer.read().decode())
        except OSError:
            assert process.poll() is None, "popbot serve stopped"
            assert time.monotonic() < deadline, "the web chat did not come up"
            time.sleep(0.1)


def base_env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPBOT_")}
    env.update({"POPBOT_DATA_DIR": str(tmp_path / "data"), "POPBOT_WEB_PORT": str(port)})
    return env


def stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    return process.returncode, output.decode()


def test_without_a_token_serve_brings_up_the_web_chat(tmp_path: Path) -> None:
    port = free_port()
    process = start_serve(base_env(tmp_path, port))
    page = wait_for_page(f"http://127.0.0.1:{port}/", process)
    assert "Mag ik je antwoorden bewaren?" in page
    code, output = stop(process)
    assert code == 0
    assert f"http://127.0.0.1:{port}" in output


def test_with_a_token_serve_runs_the_bot_and_the_web_chat_together(tmp_path: Path) -> None:
    port = free_port()
    with FakeBotApi() as api:
        env = base_env(tmp_path, port)
        env.update({"POPBOT_TELEGRAM_TOKEN": api.token, "POPBOT_TELEGRAM_API_URL": api.url})
        process = start_serve(env)
        assert "Tik op een knop" in wait_for_page(f"http://127.0.0.1:{port}/", process)
        anna = api.participant(77, "Anna", timeout=20)
        replies = anna.say("/start")
        assert any("antwoorden bewaren" in (m.text or "") for m in replies)
        code, output = stop(process)
        assert api.errors == []
    assert code == 0, output
