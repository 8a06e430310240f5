"""`popbot run` as a real process against the fake Bot API on 127.0.0.1: a whole Droompagina
over HTTP, a SIGKILL halfway, a restart, and `popbot export` at the end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_bot_api import FakeBotApi, Participant, SentMessage

USER = 4242
VOICE = b"OggS\x00\x02voice-note-of-the-participant"


def popbot(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "bot", *args], env=env, **kwargs
    )


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def bot_env(api: FakeBotApi, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "POPBOT_TELEGRAM_TOKEN": api.token,
        "POPBOT_TELEGRAM_API_URL": api.url,
        "POPBOT_DATA_DIR": str(tmp_path / "data"),
        "NO_PROXY": "127.0.0.1,localhost",
    }


class Bot:
    """The bot process; started fresh, killed or stopped."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, api: FakeBotApi) -> None:
        polls = api.polls
        with self.log.open("ab") as log:
            self.process = popbot("run", env=self.env, stdout=log, stderr=subprocess.STDOUT)
        api.wait_for(lambda: api.polls > polls, timeout=30, what="the bot to poll")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)


def texts(messages: list[SentMessage]) -> str:
    """What the participant reads: message texts and button labels."""
    return "\n".join(f"{m.text or ''} {' '.join(m.button_texts)}" for m in messages)


def test_whole_droompagina_survives_sigkill_and_exports(
    api: FakeBotApi, bot_env: dict[str, str], tmp_path: Path
) -> None:
    bot = Bot(bot_env, tmp_path / "bot.log")
    bot.start(api)
    ann: Participant = api.participant(USER, "Ann", timeout=20)

    assert "antwoorden bewaren" in texts(ann.say("/start"))
    menu = ann.tap("✅ Ja, dat mag")[-1]
    assert "Droompagina" in texts([menu]) and menu.kind == "photo", "the menu has its picture"
    grid = ann.tap("🌈 Droompagina")[-1]
    assert grid.kind == "photo" and api.uploads == 2, "the menu, then the first page"
    first_label = grid.button_texts[0].split(" ", 1)[1]

    edited = ann.tap(grid.button_texts[0], message_id=grid.message_id)
    assert [m.message_id for m in edited] == [grid.message_id]
    assert edited[0].button_texts[0] == f"✅ {first_label}"
    assert edited[0].photo is not None and grid.photo is not None
    assert api.uploaded_photo(edited[0].photo) != api.uploaded_photo(grid.photo)

    why = ann.tap("🏁 Klaar")[-1]
    assert first_label in (why.text or "") and why.kind == "photo"
    assert "Kan die droom" in texts(ann.send_voice(VOICE, duration=7))
    assert api.downloads, "the voice note was fetched from the Bot API"
    ann.tap("👍 Ja")

    bot.kill()
    bot.start(api)

    resumed = ann.say("/start")
    assert "Wat moet je daarvoor doen?" in texts(resumed)
    assert "Aan welke droom" in texts(ann.say("Een opleiding volgen."))
    ann.tap(f"1️⃣ {first_label}")
    result = ann.say("Morgen bel ik de VDAB.")
    dream_page = next(m for m in result if m.kind == "photo")
    assert "droompagina" in (dream_page.text or "")
    assert dream_page.photo is not None
    assert api.uploaded_photo(dream_page.photo)[:3] == b"\xff\xd8\xff"
    assert bot.stop() == 0
    assert api.errors == []
    log = bot.log.read_text(encoding="utf-8")
    assert "VDAB" not in log and "opleiding" not in log, "answers must never be logged"
    assert api.token not in log, "the token must never be logged"

    export = subprocess.run(
        [sys.executable, "-m", "bot", "export", str(USER)],
        env=bot_env,
        capture_output=True,
        check=True,
    )
    data = json.loads(export.stdout)
    assert data["consent"]["given"] is True
    (run,) = data["runs"]
    assert run["method"] == "droompagina" and run["status"] == "finished"
    answers = {(step["step"], (step["about"] or {}).get("label")): step for step in run["steps"]}
    assert answers[("dreams", None)]["answer"]["pictures"][0]["label"] == first_label
    voice = answers[("why", first_label)]["answer"]
    assert voice["kind"] == "voice" and voice["duration"] == 7
    assert (Path(bot_env["POPBOT_DATA_DIR"]) / voice["file"]).read_bytes() == VOICE
    assert answers[("come_true", first_label)]["answer"] == {
        "kind": "option",
        "option": "ja",
        "label": "👍 Ja",
    }
    assert answers[("need", first_label)]["answer"]["text"] == "Een opleiding volgen."
    assert answers[("first_step", None)]["answer"]["text"] == "Morgen bel ik de VDAB."


def test_prentenbeeld_over_http_ends_with_its_picture_and_export(
    api: FakeBotApi, bot_env: dict[str, str], tmp_path: Path
) -> None:
    bot = Bot(bot_env, tmp_path / "bot.log")
    bot.start(api)
    bea: Participant = api.participant(USER + 1, "Bea", timeout=20)
    bea.say("/start")
    bea.tap("✅ Ja, dat mag")
    grid = bea.tap("🪞 Prentenbeeld")[-1]
    assert grid.kind == "photo"
    chosen = grid.button_texts[0].split(" ", 1)[1]
    bea.tap(grid.button_texts[0], message_id=grid.message_id)
    question = bea.tap("🏁 Klaar")[-1]
    assert question.kind == "photo" and chosen in (question.text or "")
    bea.tap("💪 Ja, goed")
    bea.tap("👍 Ja")
    finished = bea.say("Elke week oefenen.")
    picture = next(m for m in finished if m.kind == "photo")
    assert "Dit ben jij" in (picture.text or "") and picture.photo is not None
    assert api.uploaded_photo(picture.photo)[:3] == b"\xff\xd8\xff"
    assert "🪞 Prentenbeeld ✅" in texts(finished)
    assert bot.stop() == 0

    export = subprocess.run(
        [sys.executable, "-m", "bot", "export", str(USER + 1)],
        env=bot_env,
        capture_output=True,
        check=True,
    )
    (run,) = json.loads(export.stdout)["runs"]
    assert run["method"] == "prentenbeeld" and run["status"] == "finished"
    said = {(s["step"], (s["about"] or {}).get("label")): s["answer"] for s in run["steps"]}
    assert said[("side", chosen)]["label"] == "💪 Ja, goed"
    assert said[("how", chosen)]["text"] == "Elke week oefenen."
