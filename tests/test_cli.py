"""The `popbot` command line: refusing to run without a token, personal links, export."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.web_identity import WebIdentity, load_or_create_secret
from storage.repository import Repository


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("POPBOT_TELEGRAM_TOKEN", "POPBOT_WEB_SECRET", "POPBOT_WEB_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POPBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_run_without_a_token_says_in_one_line_what_to_set(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "POPBOT_TELEGRAM_TOKEN" in error
    assert not data_dir.exists(), "nothing is created before the bot can run"


def test_link_resumes_the_participant_it_was_made_for(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POPBOT_WEB_PUBLIC_URL", "https://pop.example.org/")
    assert main(["link", "k7q2m9xdab"]) == 0
    url = capsys.readouterr().out.strip()
    prefix = "https://pop.example.org/p/"
    assert url.startswith(prefix)
    identity = WebIdentity(load_or_create_secret(data_dir, None))
    assert identity.from_link(url.removeprefix(prefix)) == "K7Q2M9XDAB"


def test_link_refuses_what_is_not_a_code(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["link", "../../etc"]) == 2
    assert "not a participant code" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["export", "999"], ["export", "--web", "K7Q2M9XDAB"]])
def test_export_of_someone_unknown_fails_with_a_message(
    data_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(args) == 1
    assert args[-1] in capsys.readouterr().err


def test_export_prints_json_for_a_participant_who_said_yes(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def consent() -> None:
        repository = await Repository.open(data_dir)
        await repository.record_consent("telegram", "4242", given=True)
        await repository.close()

    asyncio.run(consent())
    assert main(["export", "4242"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["participant"]["id"] == "4242" and data["consent"]["given"] is True
    assert data["runs"] == []


def test_a_broken_folder_of_own_pictures_stops_with_one_line(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("POPBOT_IMAGES_DIR", str(tmp_path / "nowhere"))
    assert main(["web"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no manifest.yaml in the folder of own pictures" in error
