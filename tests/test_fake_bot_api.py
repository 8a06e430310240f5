"""The fake Bot API, driven by a real python-telegram-bot ``Bot`` (default HTTPXRequest)."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest, Conflict, InvalidToken, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from tests.fake_bot_api import (
    DEFAULT_TOKEN,
    Button,
    FakeBotApi,
    FakeBotApiTimeout,
    fake_bot_api,  # noqa: F401  (fixture)
)

USER = 42


def png(color: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


@pytest.fixture
def api(fake_bot_api: FakeBotApi) -> FakeBotApi:  # noqa: F811
    fake_bot_api.add_chat(USER, "Ann")
    return fake_bot_api


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(
        api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot"
    ) as tg_bot:
        yield tg_bot


async def test_get_me(bot: Bot, api: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == int(DEFAULT_TOKEN.split(":")[0])
    assert me.username == api.bot_username
    assert api.calls[0].method == "getMe"


async def test_send_message_with_inline_keyboard(bot: Bot, api: FakeBotApi) -> None:
    markup = keyboard([("Yes", "y"), ("No", "n")], [("Later", "later")])
    message = await bot.send_message(USER, "<b>Ready?</b> 1 &lt; 2", "HTML", reply_markup=markup)

    assert message.message_id == 1
    assert message.chat.id == USER and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.is_bot
    assert message.text == "Ready? 1 < 2"
    assert message.reply_markup == markup

    [sent] = api.sent(USER)
    assert sent.kind == "text"
    assert sent.text == "Ready? 1 < 2"
    assert sent.raw_text == "<b>Ready?</b> 1 &lt; 2"
    assert sent.buttons == [[("Yes", "y"), ("No", "n")], [("Later", "later")]]
    assert sent.button("Lat") == Button("Later", "later")
    # form encoding: reply_markup arrives as a JSON string and is decoded for the log
    [params] = api.calls_to("sendMessage")
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "y"
    assert params["chat_id"] == str(USER)


async def test_telegram_like_errors(bot: Bot, api: FakeBotApi) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "hi")
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "hi", reply_markup=keyboard([("x", "d" * 65)]))
    assert [e.code for e in api.errors] == [400, 400, 400]
    assert api.sent(USER) == []


async def test_send_photo_upload_then_reuse(bot: Bot, api: FakeBotApi) -> None:
    data = png("red")
    first = await bot.send_photo(USER, data, caption="Pick one")
    file_id = first.photo[-1].file_id
    assert (first.photo[-1].width, first.photo[-1].height) == (64, 48)
    assert first.caption == "Pick one"

    second = await bot.send_photo(USER, file_id)
    assert second.photo[-1].file_id == file_id
    assert second.message_id == first.message_id + 1

    assert (api.uploads, api.reuses) == (1, 1)
    assert api.uploaded_photo(file_id) == data
    assert [(m.kind, m.photo, m.text) for m in api.sent(USER)] == [
        ("photo", file_id, "Pick one"),
        ("photo", file_id, None),
    ]
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(USER, "no-such-file-id")


async def test_edit_message_media_replaces_photo(bot: Bot, api: FakeBotApi) -> None:
    original = await bot.send_photo(USER, png("red"), reply_markup=keyboard([("Next", "next")]))
    new_data = png("blue")
    edited = await bot.edit_message_media(
        InputMediaPhoto(new_data, caption="Second"),
        chat_id=USER,
        message_id=original.message_id,
        reply_markup=keyboard([("Back", "back")]),
    )
    assert isinstance(edited, type(original))
    assert edited.message_id == original.message_id
    new_id = edited.photo[-1].file_id
    assert new_id != original.photo[-1].file_id

    [sent] = api.sent(USER)
    assert (sent.photo, sent.text, sent.edits) == (new_id, "Second", 1)
    assert sent.buttons == [[("Back", "back")]]
    assert api.uploaded_photo(new_id) == new_data
    assert api.uploads == 2
    # multipart: the InputMediaPhoto refers to its file part by attach://<name>
    [params] = api.calls_to("editMessageMedia")
    assert params["media"]["media"].startswith("attach://")


async def test_edits_drop_keyboard_unless_given_and_reject_no_op(bot: Bot, api: FakeBotApi) -> None:
    message = await bot.send_message(USER, "Question", reply_markup=keyboard([("A", "a")]))
    await bot.edit_message_text("Question?", USER, message.message_id)
    assert api.last(USER).buttons == []
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Question?", USER, message.message_id)
    await bot.edit_message_reply_markup(
        USER, message.message_id, reply_markup=keyboard([("B", "b")])
    )
    assert api.last(USER).buttons == [[("B", "b")]]
    assert api.last(USER).edits == 2
    assert await bot.delete_message(USER, message.message_id)
    assert api.sent(USER) == []
    assert [a.action for a in api.activity(USER)] == ["send", "edit", "edit", "delete"]


async def test_pushed_updates_roundtrip(bot: Bot, api: FakeBotApi) -> None:
    api.send_text(USER, "/start hello")
    question = await bot.send_message(USER, "Go?", reply_markup=keyboard([("Go", "go")]))
    query_id = api.press(USER, question.message_id, "go")

    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 2
    text = updates[0].message
    assert text is not None and text.text == "/start hello"
    assert text.message_id == 1 and text.from_user is not None and text.from_user.id == USER
    assert text.entities[0].type == "bot_command" and text.entities[0].length == len("/start")
    query = updates[1].callback_query
    assert query is not None and query.id == query_id and query.data == "go"
    assert query.message is not None and query.message.message_id == question.message_id

    assert await bot.answer_callback_query(query_id, text="ok")
    assert api.answered_callbacks[0].text == "ok"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)

    # the same updates again until confirmed by offset
    assert len(await bot.get_updates(timeout=0)) == 2
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert api.pending_updates == 0


async def test_long_poll_returns_when_update_arrives(bot: Bot, api: FakeBotApi) -> None:
    timer = threading.Timer(0.3, api.send_text, (USER, "hello"))
    started = time.monotonic()
    timer.start()
    try:
        updates = await bot.get_updates(timeout=5)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 2
    assert [u.message.text for u in updates if u.message] == ["hello"]

    started = time.monotonic()
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.45


async def test_second_poller_conflicts(bot: Bot, api: FakeBotApi) -> None:
    async with Bot(
        api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot"
    ) as other:
        first = asyncio.create_task(bot.get_updates(timeout=3))
        await asyncio.sleep(0.2)
        assert await other.get_updates(timeout=0) == ()
        with pytest.raises(Conflict):
            await first
    assert api.errors[-1][:2] == ("getUpdates", 409)


async def test_voice_get_file_and_download(bot: Bot, api: FakeBotApi) -> None:
    data = b"OggS" + bytes(range(256)) * 4
    api.send_voice(USER, data, duration=3)
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.voice is not None
    voice = update.message.voice
    assert (voice.file_size, voice.mime_type) == (len(data), "audio/ogg")

    tg_file = await bot.get_file(voice.file_id)
    assert tg_file.file_size == len(data)
    buffer = io.BytesIO()
    await tg_file.download_to_memory(buffer)
    assert buffer.getvalue() == data
    assert api.downloads == [api.file(voice.file_id).file_path]

    api.send_voice(USER, b"x", duration=900, file_size=25 * 1024 * 1024)
    updates = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    big = updates[0].message
    assert big is not None and big.voice is not None
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(big.voice.file_id)


async def test_other_pushes_parse(bot: Bot, api: FakeBotApi) -> None:
    api.send_sticker(USER)
    api.send_document(USER, "plan.pdf", b"%PDF-1.4")
    api.send_photo(USER)
    messages = [u.message for u in await bot.get_updates(timeout=0)]
    assert messages[0] is not None and messages[0].sticker is not None
    assert messages[1] is not None and messages[1].document is not None
    assert messages[1].document.file_name == "plan.pdf"
    assert messages[2] is not None and messages[2].photo


async def test_unknown_method_and_wrong_token(bot: Bot, api: FakeBotApi) -> None:
    with pytest.raises(TelegramError, match=r"(?i)not found"):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": USER})
    assert api.errors[-1][:2] == ("sendTelepathy", 404)
    with pytest.raises(BadRequest, match=r"(?i)does not implement sendDice"):
        await bot.send_dice(USER)

    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=f"{api.url}/bot"):
            pass
    assert api.errors[-1][1] == 401


async def test_json_bodies_are_accepted(api: FakeBotApi) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=f"{api.url}/bot{api.token}") as client:
        response = await client.post(
            "/sendMessage",
            json={
                "chat_id": USER,
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
            },
        )
    body = response.json()
    assert body["ok"] and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    assert api.last(USER).buttons == [[("A", "a")]]


async def test_mark_and_wait_for_activity(bot: Bot, api: FakeBotApi) -> None:
    await bot.send_message(USER, "before")
    mark = api.mark()

    async def reply() -> None:
        await bot.send_chat_action(USER, "typing")
        await asyncio.sleep(0.1)
        message = await bot.send_message(USER, "one")
        await asyncio.sleep(0.1)
        await bot.edit_message_text("one (edited)", USER, message.message_id)
        await bot.send_message(USER, "two")

    task = asyncio.create_task(reply())
    activities = await api.wait_for_activity_async(USER, mark, timeout=5)
    await task
    assert [a.action for a in activities] == ["send", "edit", "send"]
    replies = await api.wait_for_reply_async(USER, mark, timeout=1)
    assert [m.text for m in replies] == ["one (edited)", "two"]

    with pytest.raises(FakeBotApiTimeout, match="transcript"):
        await api.wait_for_reply_async(USER, api.mark(), timeout=0.2)


def test_participant_plays_a_conversation(api: FakeBotApi) -> None:
    """A small PTB Application in its own thread; the test thread plays the user."""

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"echo: {update.effective_message.text}",
            reply_markup=keyboard([("👍 Like", "like"), ("Stop", "stop")]),
        )

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("noted")
        await query.edit_message_text(f"you pressed {query.data}")

    app = Application.builder().token(api.token).base_url(f"{api.url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(CallbackQueryHandler(on_press))
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()

    async def main() -> None:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(timeout=1, poll_interval=0)
            ready.set()
            await stop.wait()
            await app.updater.stop()
            await app.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),))
    thread.start()
    try:
        assert ready.wait(10)
        user = api.participant(USER, "Ann", timeout=5)
        [reply] = user.say("hi there")
        assert reply.text == "echo: hi there"
        assert reply.button_texts == ["👍 Like", "Stop"]

        [edited] = user.tap("Like")
        assert edited.message_id == reply.message_id
        assert (edited.text, edited.buttons, edited.edits) == ("you pressed like", [], 1)
        assert api.answered_callbacks[-1].text == "noted"
        with pytest.raises(LookupError):
            user.tap("Stop")  # the keyboard is gone after the edit
        assert "you pressed like" in api.transcript(USER)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
    assert api.errors == []
