"""The Telegram channel through PTB's offline route: a recording request, process_update."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.services import Services
from bot.settings import Settings
from bot.telegram_channel import build_application

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "POP-bot", "username": "popbot_test"}
VOICE_BYTES = b"OggS-voice-from-telegram"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    uploads: bool
    file_id: str | None = None
    """The file_id Telegram gave a photo this call sent."""


@dataclass
class RecordingRequest(BaseRequest):
    """Answers every Bot API call like Telegram would, and remembers it."""

    calls: list[Call] = field(default_factory=list)
    next_message_id: int = 500
    next_file: int = 0

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            self.calls.append(Call("download", {"url": url}, False))
            return 200, VOICE_BYTES
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        uploads = bool(request_data and request_data.contains_files)
        self.calls.append(Call(api_method, params, uploads))
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return BOT_USER
        if api_method == "getFile":
            return {"file_id": params["file_id"], "file_unique_id": "u", "file_path": "voice/a.oga"}
        if api_method in {"sendMessage", "sendPhoto", "editMessageMedia"}:
            self.next_message_id += 1
            message: dict[str, Any] = {
                "message_id": params.get("message_id", self.next_message_id),
                "date": 0,
                "chat": {"id": params.get("chat_id", 0), "type": "private"},
                "from": BOT_USER,
            }
            if api_method == "sendMessage":
                message["text"] = params["text"]
            else:
                photo = params.get("photo")
                if not isinstance(photo, str) or photo.startswith("attach://"):
                    self.next_file += 1
                    photo = f"PHOTO-{self.next_file}"
                message["photo"] = [
                    {"file_id": photo, "file_unique_id": photo, "width": 90, "height": 90}
                ]
                self.calls[-1].file_id = photo
            return message
        return True

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    def take(self) -> list[Call]:
        taken, self.calls = self.calls, []
        return taken


@dataclass
class Chat:
    application: Application  # type: ignore[type-arg]
    request: RecordingRequest
    services: Services
    update_id: int = 0

    async def push(self, payload: dict[str, Any]) -> list[Call]:
        self.update_id += 1
        self.request.take()
        update = Update.de_json({"update_id": self.update_id, **payload}, self.application.bot)
        await self.application.process_update(update)
        return self.request.take()

    async def text(self, user: int, text: str, chat_type: str = "private") -> list[Call]:
        message: dict[str, Any] = {**_message_base(user, chat_type), "text": text}
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self.push({"message": message})

    async def press(
        self, user: int, data: str, message: dict[str, Any] | None = None
    ) -> list[Call]:
        shown = message or {"message_id": 1, "date": 0, "chat": {"id": user, "type": "private"}}
        query = {
            "id": f"q{self.update_id}",
            "from": _user(user),
            "chat_instance": "ci",
            "data": data,
            "message": {**shown, "from": BOT_USER},
        }
        return await self.push({"callback_query": query})

    async def voice(self, user: int, seconds: int, size: int = 2000) -> list[Call]:
        voice = {
            "file_id": "VOICE-1",
            "file_unique_id": "v1",
            "duration": seconds,
            "file_size": size,
        }
        return await self.push({"message": {**_message_base(user), "voice": voice}})

    async def sticker(self, user: int) -> list[Call]:
        sticker = {
            "file_id": "S",
            "file_unique_id": "s",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return await self.push({"message": {**_message_base(user), "sticker": sticker}})


def _user(user: int) -> dict[str, Any]:
    return {"id": user, "is_bot": False, "first_name": "Deelnemer"}


def _message_base(user: int, chat_type: str = "private") -> dict[str, Any]:
    return {
        "message_id": 10,
        "date": 0,
        "chat": {"id": user, "type": chat_type},
        "from": _user(user),
    }


def buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [button["callback_data"] for row in markup.get("inline_keyboard", []) for button in row]


def sent(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method in {"sendMessage", "sendPhoto", "editMessageMedia"}]


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[Chat]:
    settings = Settings(telegram_token=TOKEN, data_dir=tmp_path / "data")
    services = await Services.open(settings)
    request = RecordingRequest()
    application = build_application(services, request=request)
    await application.initialize()
    try:
        yield Chat(application, request, services)
    finally:
        await application.shutdown()
        await services.close()


async def consent_and_open_droompagina(chat: Chat, user: int) -> list[Call]:
    await chat.text(user, "/start")
    await chat.press(user, "c:yes")
    return await chat.press(user, "m:droompagina")


async def test_start_asks_consent_with_picture_buttons(chat: Chat) -> None:
    calls = sent(await chat.text(7, "/start"))
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]
    assert buttons(calls[1]) == ["c:yes", "c:no"]
    assert await chat.services.repository.participant("telegram", "7") is None


async def test_grid_is_uploaded_once_then_sent_by_file_id(chat: Chat) -> None:
    first = sent(await consent_and_open_droompagina(chat, 7))
    grid = first[-1]
    assert grid.method == "sendPhoto" and grid.uploads
    assert "p:" in buttons(grid)[0] and buttons(grid)[0].startswith("r")
    again = sent(await consent_and_open_droompagina(chat, 8))[-1]
    assert again.method == "sendPhoto" and not again.uploads
    assert again.params["photo"] == grid.file_id


async def test_tapping_a_picture_edits_the_grid_in_place(chat: Chat) -> None:
    grid = sent(await consent_and_open_droompagina(chat, 7))[-1]
    first_picture = buttons(grid)[0]
    shown = {"message_id": 77, "date": 0, "chat": {"id": 7, "type": "private"}}
    shown["photo"] = [{"file_id": "PHOTO-1", "file_unique_id": "x", "width": 9, "height": 9}]
    calls = await chat.press(7, first_picture, shown)
    assert calls[0].method == "answerCallbackQuery"
    (edit,) = sent(calls)
    assert edit.method == "editMessageMedia" and edit.params["message_id"] == 77
    keyboard = edit.params["reply_markup"]["inline_keyboard"]
    assert keyboard[0][0]["text"].startswith("✅")


@pytest.mark.parametrize("data", ["r999.1:p:home", "m:nope", "💣", "x" * 80, "c:yes"])
async def test_forged_or_stale_buttons_change_nothing(chat: Chat, data: str) -> None:
    grid = sent(await consent_and_open_droompagina(chat, 7))[-1]
    participant = await chat.services.repository.participant("telegram", "7")
    assert participant is not None
    before = await chat.services.repository.open_run(participant.id)
    calls = sent(await chat.press(7, data))
    assert calls[0].method == "sendMessage" and "knop" in calls[0].params["text"]
    assert calls[-1].method == "sendPhoto" and buttons(calls[-1]) == buttons(grid)
    assert await chat.services.repository.open_run(participant.id) == before


async def test_sticker_gets_a_hint_and_the_same_question(chat: Chat) -> None:
    grid = sent(await consent_and_open_droompagina(chat, 7))[-1]
    calls = sent(await chat.sticker(7))
    assert calls[0].method == "sendMessage"
    assert buttons(calls[-1]) == buttons(grid)


async def test_group_chats_are_ignored(chat: Chat) -> None:
    assert sent(await chat.text(7, "/start", chat_type="group")) == []


async def pick_one_and_finish_choice(chat: Chat, user: int) -> None:
    grid = sent(await consent_and_open_droompagina(chat, user))[-1]
    await chat.press(user, buttons(grid)[0])
    done = next(data for data in buttons(grid) if data.endswith(":done"))
    await chat.press(user, done)


async def test_voice_note_is_downloaded_and_stored(chat: Chat) -> None:
    await pick_one_and_finish_choice(chat, 7)
    calls = await chat.voice(7, seconds=20)
    assert "getFile" in [c.method for c in calls] and "download" in [c.method for c in calls]
    stored = list((chat.services.settings.data_dir / "voice").rglob("*.ogg"))
    assert [path.read_bytes() for path in stored] == [VOICE_BYTES]


async def test_too_long_voice_note_is_refused_without_download(chat: Chat) -> None:
    await pick_one_and_finish_choice(chat, 7)
    calls = await chat.voice(7, seconds=180)
    assert "getFile" not in [c.method for c in calls]
    assert "2 minuten" in sent(calls)[0].params["text"]
    assert not (chat.services.settings.data_dir / "voice").exists()


async def test_a_failure_is_logged_without_what_the_participant_said(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(channel: str, external_id: str, incoming: object) -> list[object]:
        raise ValueError(f"could not use {incoming!r}")

    monkeypatch.setattr(chat.services.conversation, "handle", broken)
    with caplog.at_level("ERROR"):
        await chat.text(7, "Mijn geheime antwoord")
    assert "update failed: ValueError" in caplog.text
    assert "geheime" not in caplog.text
