"""Settings come from POPBOT_* variables, and only when load_settings() is called."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456:AAFakeTokenForTests"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No POPBOT_* variable of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.upper().startswith("POPBOT_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.data_dir == Path("data")
    assert settings.telegram_token is None
    assert settings.telegram_api_url is None


def test_env_vars_with_the_prefix_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POPBOT_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("POPBOT_TELEGRAM_API_URL", "http://127.0.0.1:8081")
    monkeypatch.setenv("POPBOT_DATA_DIR", "/srv/popbot")
    settings = load_settings()
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == TOKEN
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.data_dir == Path("/srv/popbot")


def test_vars_without_the_prefix_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("DATA_DIR", "/elsewhere")
    settings = load_settings()
    assert settings.telegram_token is None
    assert settings.data_dir == Path("data")


def test_each_call_reads_the_environment_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().data_dir == Path("data")
    monkeypatch.setenv("POPBOT_DATA_DIR", "/now/here")
    assert load_settings().data_dir == Path("/now/here")


def test_the_token_is_not_shown_when_settings_are_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POPBOT_TELEGRAM_TOKEN", TOKEN)
    settings = load_settings()
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)


@pytest.mark.parametrize("blank", ["", " ", "\t\n"])
def test_a_blank_token_is_unset(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    monkeypatch.setenv("POPBOT_TELEGRAM_TOKEN", blank)
    assert load_settings().telegram_token is None


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081"),
        ("https://bot-api.example.org//", "https://bot-api.example.org"),
        ("  http://localhost:8081/  ", "http://localhost:8081"),
        ("https://example.org/bot/", "https://example.org/bot"),
        ("", None),
        ("   ", None),
    ],
)
def test_api_url_is_tidied(monkeypatch: pytest.MonkeyPatch, given: str, kept: str | None) -> None:
    monkeypatch.setenv("POPBOT_TELEGRAM_API_URL", given)
    assert load_settings().telegram_api_url == kept


@pytest.mark.parametrize(
    "url", ["ftp://example.org", "127.0.0.1:8081", "localhost", "file:///etc/passwd", "http"]
)
def test_a_non_http_api_url_is_rejected(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("POPBOT_TELEGRAM_API_URL", url)
    with pytest.raises(ValidationError, match="http:// or https://"):
        load_settings()


def test_settings_can_be_made_directly_for_tests(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, telegram_api_url="https://x.org/")
    assert settings.data_dir == tmp_path
    assert settings.telegram_api_url == "https://x.org"


def test_settings_are_not_read_at_import_time() -> None:
    """A broken variable must not break importing the bot; load_settings() reads the
    environment as it is when called, not as it was at import."""
    script = (
        "import os\n"
        "import bot.settings, bot.services, bot.cli\n"
        "os.environ['POPBOT_TELEGRAM_API_URL'] = 'https://later.example.org/'\n"
        "os.environ['POPBOT_DATA_DIR'] = '/set/after/import'\n"
        "settings = bot.settings.load_settings()\n"
        "print(settings.telegram_api_url, settings.data_dir)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("POPBOT_")}
    env |= {"POPBOT_TELEGRAM_API_URL": "ftp://broken", "POPBOT_DATA_DIR": "/at/import"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["https://later.example.org", "/set/after/import"]
