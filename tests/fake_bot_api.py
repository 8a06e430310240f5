"""A fake Telegram Bot API server for end-to-end tests.

The real bot runs as a separate process and talks to this server instead of
``api.telegram.org`` (``POPBOT_TELEGRAM_API_URL=http://127.0.0.1:<port>``).  The test plays
the participant: it pushes updates (texts, button presses, voice notes, stickers…) and
inspects what the bot sent.

Usage::

    with FakeBotApi(token="123:ABC") as api:
        env = {**os.environ, **api.env()}
        ...start `popbot run` with env...
        user = api.participant(42)
        replies = user.say("/start")          # push the text, wait until the bot is quiet
        replies = user.tap("Дальше")         # press a button by its label
        assert api.errors == []

The server is a starlette app served by uvicorn in a background thread, so it can be used
from sync tests and from async tests alike.  All test-side methods are thread-safe.

Trouble on demand, for the messages the bot sends (sendMessage, sendPhoto, sendDocument):
``fail_next`` answers the next ones with an error (429 with ``retry_after``, 5xx, 400…),
``hang_next`` holds one without an answer (delivered or not) until ``release_hung``,
``flood_limit`` answers 429 like Telegram when more arrive in a second, ``latency`` delays
every answer like a network would, and ``deliveries`` lists each message delivered with the
time of the ``clock`` it was given.

Protocol notes (python-telegram-bot 22.x, ``HTTPXRequest``): parameters are POSTed as
``application/x-www-form-urlencoded`` where every non-string value (``reply_markup``,
``media``, ``allowed_updates``, ints, bools…) is a JSON-encoded string; requests that carry
files are ``multipart/form-data``: a plain ``sendPhoto(photo=bytes)`` uploads the file under
the part name ``photo``, while an ``InputMedia*`` refers to its upload as
``attach://<part name>``.  JSON bodies are accepted as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar

import pytest
import telegram
import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = [
    "DEFAULT_TOKEN",
    "Activity",
    "AnsweredCallback",
    "ApiErrorRecord",
    "Button",
    "Call",
    "Delivery",
    "FakeBotApi",
    "FakeBotApiTimeout",
    "FileTransfer",
    "Participant",
    "SentMessage",
    "StoredFile",
    "Upload",
    "fake_bot_api",
]

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]
ActionKind = Literal["send", "edit", "delete", "answer"]
T = TypeVar("T")

DEFAULT_TOKEN = "123456:FAKE-token-for-tests"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_GETFILE_SIZE = 20 * 1024 * 1024
CHAT_ACTION_SECONDS = 5.0

# Form fields whose value PTB JSON-encodes (decoded when the request is read, for the log).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "media",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "message_ids",
    }
)

# Real Bot API methods (PTB's camelCase aliases): unimplemented ones get a clear 400, while
# names Telegram does not know get 404 (which PTB reports as InvalidToken/EndPointNotFound).
_KNOWN_METHODS = {
    name.lower(): name
    for name in dir(telegram.Bot)
    if not name.startswith("_") and name != name.lower()
}

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


class FakeBotApiTimeout(AssertionError):
    """A ``wait_*`` helper gave up; the message carries the recent transcript."""


class Button(NamedTuple):
    """An inline keyboard button; compares equal to a ``(text, callback_data)`` tuple."""

    text: str
    callback_data: str | None


class Call(NamedTuple):
    """One Bot API call made by the bot (``getUpdates`` is not logged here)."""

    method: str
    params: JSONDict


class ApiErrorRecord(NamedTuple):
    """An error response the fake returned to the bot."""

    method: str
    code: int
    description: str


class Delivery(NamedTuple):
    """A message the bot sent that arrived in the chat; ``at`` is the fake's ``clock()``."""

    chat_id: int
    message_id: int
    method: str
    at: Any


class AnsweredCallback(NamedTuple):
    callback_query_id: str
    user_id: int
    message_id: int | None
    text: str | None
    show_alert: bool


class FileTransfer(NamedTuple):
    """A file the bot sent: ``uploaded`` is True for new bytes, False for a file_id reuse."""

    kind: str
    file_id: str
    uploaded: bool


@dataclass(frozen=True)
class Upload:
    """A file part received in a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Upload(filename={self.filename!r}, size={len(self.data)})"


@dataclass(frozen=True)
class StoredFile:
    """A file known to the fake (uploaded by the bot or pushed by a participant)."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes = field(repr=False)
    file_path: str
    file_size: int
    width: int = 0
    height: int = 0
    file_name: str | None = None
    mime_type: str | None = None
    from_bot: bool = False


@dataclass(frozen=True)
class SentMessage:
    """A snapshot of a message the bot sent, as the participant sees it now."""

    message_id: int
    chat_id: int
    kind: str
    """``"text"``, ``"photo"`` or ``"document"``."""
    text: str | None
    """Text or caption as displayed (HTML tags stripped, entities decoded)."""
    raw_text: str | None
    """Text or caption exactly as the bot sent it (with its markup)."""
    parse_mode: str | None
    buttons: list[list[Button]]
    """Inline keyboard rows of ``Button(text, callback_data)``; ``[]`` when there is none."""
    keyboard: list[list[str]]
    """Reply keyboard rows (``ReplyKeyboardMarkup``) sent with the message."""
    photo: str | None
    """file_id of the photo (largest size)."""
    document: str | None
    edits: int
    deleted: bool
    reply_markup: JSONDict | None
    """The markup as the bot sent it last (any kind)."""
    raw: JSONDict = field(repr=False)
    """The Telegram ``Message`` object as last returned to the bot."""

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def button(self, label: str) -> Button:
        """The button labelled ``label`` (exact match, else the only one containing it)."""
        flat = [button for row in self.buttons for button in row]
        for button in flat:
            if button.text == label:
                return button
        partial = [button for button in flat if label.casefold() in button.text.casefold()]
        if len(partial) == 1:
            return partial[0]
        raise LookupError(
            f"no single button {label!r} in message #{self.message_id}; "
            f"buttons: {self.button_texts}"
        )


@dataclass(frozen=True)
class Activity:
    """Something the bot did in a chat; ``seq`` orders all activities (see ``mark()``)."""

    seq: int
    chat_id: int
    action: ActionKind
    method: str
    message_id: int | None
    message: SentMessage | None
    """Snapshot of the message right after the action."""


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


_SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


@dataclass
class _Failure:
    """Answer the next ``times`` sends (to ``chat_id``, or to anyone) with this error."""

    code: int
    description: str
    chat_id: int | None
    retry_after: int | None
    times: int


@dataclass
class _Hang:
    """Hold the next send to ``chat_id`` without an answer until released."""

    chat_id: int
    delivered: bool
    event: asyncio.Event | None = None
    released: bool = False


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class _Message:
    chat_id: int
    message_id: int
    from_bot: bool
    kind: str
    raw: JSONDict
    raw_text: str | None = None
    parse_mode: str | None = None
    sent_markup: JSONDict | None = None
    edits: int = 0
    deleted: bool = False


@dataclass
class _Chat:
    user_id: int
    first_name: str
    language_code: str | None = None
    blocked: bool = False
    next_message_id: int = 1


@dataclass
class _CallbackQuery:
    user_id: int
    message_id: int
    data: str
    answered: bool = False


_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _parse_html(text: str, strict: bool) -> str:
    """Telegram-style HTML → displayed text; raises like Telegram on malformed markup."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0

    def fail(reason: str, at: int) -> ApiError:
        offset = len(text[:at].encode("utf-8"))
        return _bad(f"can't parse entities: {reason} at byte offset {offset}")

    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG_RE.match(text, pos)
            if match is None:
                if strict:
                    raise fail("Unsupported start tag", pos)
                out.append(char)
                pos += 1
                continue
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if strict and tag not in _HTML_TAGS:
                raise fail(f'Unsupported start tag "{tag}"', pos)
            if closing:
                if strict and (not stack or stack[-1] != tag):
                    raise fail(f'Unmatched end tag "{tag}"', pos)
                if stack:
                    stack.pop()
            else:
                stack.append(tag)
            pos = match.end()
        elif char == "&":
            match = _ENTITY_RE.match(text, pos)
            if match is None:
                out.append(char)
                pos += 1
                continue
            name = match.group(1)
            if name.startswith("#x"):
                out.append(chr(int(name[2:], 16)))
            elif name.startswith("#"):
                out.append(chr(int(name[1:])))
            elif name in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[name])
            elif strict:
                raise fail(f'Unsupported HTML entity "&{name};"', pos)
            else:
                out.append(match.group(0))
            pos = match.end()
        else:
            out.append(char)
            pos += 1
    if strict and stack:
        raise _bad(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            return int(width), int(height)
    except Exception:
        return 0, 0


def _present(params: JSONDict, name: str) -> bool:
    return params.get(name) not in (None, "")


def _str(params: JSONDict, name: str) -> str:
    if not _present(params, name):
        raise _bad(f"{name} is empty")
    return str(params[name])


def _opt_str(params: JSONDict, name: str) -> str | None:
    return str(params[name]) if _present(params, name) else None


def _int(params: JSONDict, name: str) -> int:
    value = params.get(name)
    if value in (None, ""):
        raise _bad(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


def _opt_float(params: JSONDict, name: str) -> float | None:
    if not _present(params, name):
        return None
    try:
        return float(params[name])
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


def _bool(params: JSONDict, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _json(params: JSONDict, name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse {name} JSON object") from None
    return value


def _decode_field(name: str, value: str) -> Any:
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _buttons(markup: JSONDict | None) -> list[list[Button]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [Button(str(button.get("text", "")), button.get("callback_data")) for button in row]
        for row in markup["inline_keyboard"]
    ]


def _keyboard(markup: JSONDict | None) -> list[list[str]]:
    if not markup or "keyboard" not in markup:
        return []
    return [
        [button if isinstance(button, str) else str(button.get("text", "")) for button in row]
        for row in markup["keyboard"]
    ]


def _check_markup(markup: Any, *, inline_only: bool) -> JSONDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
                actions = {"callback_data", "url", "web_app", "switch_inline_query", "pay"}
                if not actions & button.keys() and not any(k.startswith("switch_") for k in button):
                    raise _bad(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
    elif inline_only:
        raise _bad("inline keyboard expected")
    return markup


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """A fake Bot API on ``http://127.0.0.1:<free port>`` served from a background thread."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "popbot_fake_bot",
        bot_first_name: str = "POP-bot (fake)",
        quiet: float = 0.3,
        strict_html: bool = True,
        strict_not_modified: bool = True,
        require_known_chat: bool = True,
        latency: float = 0.0,
        flood_limit: int | None = None,
        clock: Callable[[], Any] | None = None,
    ) -> None:
        """
        Args:
            quiet: default quiet period for ``wait_for_activity``/``wait_for_reply``: the bot
                must have been silent in the chat that long before the wait returns.
            strict_html: reject malformed ``parse_mode=HTML`` like Telegram does.
            strict_not_modified: reject edits that change nothing ("message is not modified").
            require_known_chat: reject sends to chats no participant has written from
                ("chat not found"); register chats with ``add_chat`` / ``participant``.
            latency: seconds each send waits before it is answered (a network's round trip).
            flood_limit: sends allowed per second (all chats); more get 429 retry_after 1.
            clock: stamps each delivery (``Delivery.at``), e.g. the bot's fake clock.
        """
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 1
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.quiet = quiet
        self.strict_html = strict_html
        self.strict_not_modified = strict_not_modified
        self.require_known_chat = require_known_chat
        self.latency = latency
        self.flood_limit = flood_limit
        self.clock = clock

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)

        self._chats: dict[int, _Chat] = {}
        self._messages: dict[tuple[int, int], _Message] = {}
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._next_file = 1
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._next_callback = 1
        self._calls: list[Call] = []
        self._errors: list[ApiErrorRecord] = []
        self._answered: list[AnsweredCallback] = []
        self._transfers: list[FileTransfer] = []
        self._downloads: list[str] = []
        self._chat_actions: list[tuple[int, str]] = []
        self._commands: list[JSONDict] = []
        self._activities: list[Activity] = []
        self._timeline: list[tuple[int, str]] = []
        self._last_activity: dict[int, float] = {}
        self._last_chat_action: dict[int, float] = {}
        self._allowed_updates: list[str] = []
        self._inflight = 0
        self._polls = 0
        self._poll_generation = 0
        self._closing = False
        self._failures: list[_Failure] = []
        self._hangs: list[_Hang] = []
        self._send_times: list[float] = []
        self._deliveries: list[Delivery] = []

        self._methods: dict[str, tuple[str, Callable[[JSONDict], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._ok,
                "close": self._ok,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageMedia": self._edit_message_media,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "getFile": self._get_file,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendChatAction": self._send_chat_action,
                "getUpdates": self._ok,  # served by _get_updates (async long poll)
            }.items()
        }

        self._app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._handle_method, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._handle_file, methods=["GET"]),
                Route("/{path:path}", self._handle_unknown, methods=["GET", "POST"]),
            ]
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poll_event: asyncio.Event | None = None
        self._port: int | None = None
        self._thread_error: BaseException | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:53817`` (the value of POPBOT_TELEGRAM_API_URL)."""
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment variables pointing the bot process at this fake."""
        return {"POPBOT_TELEGRAM_API_URL": self.url}

    def bot_kwargs(self) -> dict[str, str]:
        """``telegram.Bot(api.token, **api.bot_kwargs())``."""
        return {"base_url": f"{self.url}/bot", "base_file_url": f"{self.url}/file/bot"}

    def start(self) -> FakeBotApi:
        if self._thread is not None:
            raise RuntimeError("FakeBotApi already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self._port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            self._app,
            host="127.0.0.1",
            port=self._port,
            log_config=None,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=3,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._run, args=(sock,), name=f"fake-bot-api-{self._port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10.0
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"fake Bot API did not start: {self._thread_error!r}")
            time.sleep(0.01)
        return self

    def _run(self, sock: socket.socket) -> None:
        try:
            asyncio.run(self._serve(sock))
        except BaseException as exc:
            self._thread_error = exc
            log.exception("fake Bot API server crashed")

    async def _serve(self, sock: socket.socket) -> None:
        assert self._server is not None
        self._loop = asyncio.get_running_loop()
        self._poll_event = asyncio.Event()
        await self._server.serve(sockets=[sock])

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self.release_hung()
        self._wake_pollers_threadsafe()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ trouble on demand

    def fail_next(
        self,
        code: int,
        description: str,
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` sends (to ``chat_id``, or any) with this error, e.g.
        ``fail_next(429, "Too Many Requests: retry after 5", retry_after=5)``."""
        with self._cond:
            self._failures.append(_Failure(code, description, chat_id, retry_after, times))

    def hang_next(self, chat_id: int, *, delivered: bool) -> None:
        """Hold the next send to ``chat_id`` without an answer until ``release_hung``:
        ``delivered`` -- the message arrives first (only the answer is lost); otherwise it
        never arrives and the held request is answered 500 when released."""
        with self._cond:
            self._hangs.append(_Hang(chat_id, delivered))

    @property
    def hung(self) -> int:
        """Sends held right now."""
        with self._lock:
            return sum(1 for h in self._hangs if h.event is not None and not h.released)

    def release_hung(self) -> None:
        """Answer every held send (and hold no more)."""
        with self._cond:
            hangs, self._hangs = self._hangs, []
            for hang in hangs:
                hang.released = True
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for hang in hangs:
            if hang.event is not None:
                with contextlib.suppress(RuntimeError):
                    loop.call_soon_threadsafe(hang.event.set)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every message the bot sent that arrived, in order."""
        with self._lock:
            return list(self._deliveries)

    async def _trouble(self, method: str, params: JSONDict) -> _Hang | None:
        """Runs before a send is handled: raises the error asked for, or returns the hang
        to hold it with."""
        chat_id = int(params["chat_id"]) if str(params.get("chat_id", "")).isdigit() else None
        with self._cond:
            if self.flood_limit is not None:
                now = time.monotonic()
                self._send_times = [t for t in self._send_times if t > now - 1.0]
                if len(self._send_times) >= self.flood_limit:
                    raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
                self._send_times.append(now)
            for failure in self._failures:
                if failure.times > 0 and failure.chat_id in (None, chat_id):
                    failure.times -= 1
                    extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                    raise ApiError(failure.code, failure.description, extra)
            hang = next(
                (h for h in self._hangs if h.chat_id == chat_id and h.event is None),
                None,
            )
            if hang is not None and not hang.released:
                hang.event = asyncio.Event()
            else:
                hang = None
        if self.latency:
            await asyncio.sleep(self.latency)
        return hang

    async def _hold(self, hang: _Hang) -> None:
        assert hang.event is not None
        await hang.event.wait()
        with self._cond:
            hang.released = True
            if hang in self._hangs:
                self._hangs.remove(hang)
            self._cond.notify_all()

    # ------------------------------------------------------------------ participants: push

    def add_chat(
        self, user_id: int, first_name: str = "Tester", language_code: str | None = None
    ) -> None:
        """Register a private chat (done implicitly by every push)."""
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                self._chats[user_id] = _Chat(user_id, first_name, language_code)
            else:
                chat.first_name = first_name
                chat.language_code = language_code

    def participant(
        self,
        user_id: int,
        first_name: str = "Tester",
        language_code: str | None = None,
        timeout: float = 10.0,
    ) -> Participant:
        """A conversation helper playing user ``user_id`` (see ``Participant``)."""
        self.add_chat(user_id, first_name, language_code)
        return Participant(self, user_id, timeout=timeout)

    def block(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks the bot: sends to this chat fail with 403."""
        with self._cond:
            self._chat(user_id).blocked = blocked

    def send_text(self, user_id: int, text: str) -> int:
        """The user sends ``text``; returns the new message_id."""
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        return self._push_message(user_id, "text", content, text)

    def send_voice(
        self, user_id: int, data: bytes, duration: int, file_size: int | None = None
    ) -> int:
        """The user sends a voice note; ``file_size`` may lie (e.g. to test size limits)."""
        stored = self._store_file(
            "voice", data, ext="oga", mime_type="audio/ogg", declared_size=file_size
        )
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.file_size,
        }
        return self._push_message(user_id, "voice", {"voice": voice}, f"voice {duration}s")

    def send_sticker(self, user_id: int, emoji: str = "👍") -> int:
        stored = self._store_file("sticker", b"RIFF\x00\x00\x00\x00WEBPfake", ext="webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.file_size,
        }
        return self._push_message(user_id, "sticker", {"sticker": sticker}, f"sticker {emoji}")

    def send_document(
        self,
        user_id: int,
        name: str,
        data: bytes = b"fake document",
        mime_type: str = "application/octet-stream",
    ) -> int:
        stored = self._store_file(
            "document", data, ext=name.rsplit(".", 1)[-1], mime_type=mime_type, file_name=name
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": name,
            "mime_type": mime_type,
            "file_size": stored.file_size,
        }
        return self._push_message(user_id, "document", {"document": document}, f"document {name}")

    def send_photo(
        self,
        user_id: int,
        data: bytes = b"fake photo",
        caption: str | None = None,
        width: int = 800,
        height: int = 600,
    ) -> int:
        stored = self._store_file("photo", data, ext="jpg", width=width, height=height)
        content: JSONDict = {"photo": [self._photo_size(stored)]}
        if caption is not None:
            content["caption"] = caption
        return self._push_message(user_id, "photo", content, f"photo {caption or ''}".strip())

    def press(self, user_id: int, message_id: int, callback_data: str) -> str:
        """The user presses an inline button of bot message ``message_id``.

        Returns the callback_query_id.  The data is not checked against the keyboard, so
        stale presses can be simulated; use ``Participant.tap`` to press by label.
        """
        with self._cond:
            message = self._messages.get((user_id, message_id))
            if message is None or not message.from_bot or message.deleted:
                raise LookupError(f"no bot message #{message_id} in chat {user_id}")
            query_id = f"cq{self._next_callback}"
            self._next_callback += 1
            self._callbacks[query_id] = _CallbackQuery(user_id, message_id, callback_data)
            self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": self._user(user_id),
                        "message": copy.deepcopy(message.raw),
                        "chat_instance": f"ci{user_id}",
                        "data": callback_data,
                    }
                }
            )
            label = next(
                (
                    b.text
                    for row in _buttons(message.raw.get("reply_markup"))
                    for b in row
                    if b.callback_data == callback_data
                ),
                "?",
            )
            self._note(user_id, f"→ press [{label}] ({callback_data}) on #{message_id}")
            return query_id

    def push_update(self, update: JSONDict) -> int:
        """Push a raw update (without ``update_id``); returns the update_id."""
        with self._cond:
            return self._enqueue(copy.deepcopy(update))

    # ------------------------------------------------------------------ inspection

    def sent(self, chat_id: int, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in this chat, in order, in their current state."""
        with self._lock:
            return [
                self._view(message)
                for (chat, _), message in sorted(self._messages.items())
                if chat == chat_id and message.from_bot and (include_deleted or not message.deleted)
            ]

    def last(self, chat_id: int) -> SentMessage:
        messages = self.sent(chat_id)
        if not messages:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None or not message.from_bot:
                raise LookupError(f"no bot message #{message_id} in chat {chat_id}")
            return self._view(message)

    @property
    def calls(self) -> list[Call]:
        """Every API call except getUpdates, in order, with decoded params."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[JSONDict]:
        return [call.params for call in self.calls if call.method == method]

    @property
    def errors(self) -> list[ApiErrorRecord]:
        """Error responses returned to the bot (assert ``api.errors == []`` at the end)."""
        with self._lock:
            return list(self._errors)

    @property
    def transfers(self) -> list[FileTransfer]:
        with self._lock:
            return list(self._transfers)

    @property
    def uploads(self) -> int:
        """Photos the bot uploaded as bytes."""
        return sum(1 for t in self.transfers if t.kind == "photo" and t.uploaded)

    @property
    def reuses(self) -> int:
        """Photos the bot sent by an existing file_id."""
        return sum(1 for t in self.transfers if t.kind == "photo" and not t.uploaded)

    def file(self, file_id: str) -> StoredFile:
        with self._lock:
            return self._files[file_id]

    def uploaded_photo(self, file_id: str) -> bytes:
        stored = self.file(file_id)
        if stored.kind != "photo" or not stored.from_bot:
            raise LookupError(f"{file_id} is not a photo uploaded by the bot")
        return stored.data

    @property
    def answered_callbacks(self) -> list[AnsweredCallback]:
        with self._lock:
            return list(self._answered)

    @property
    def downloads(self) -> list[str]:
        """file_paths the bot downloaded via /file/bot<token>/<file_path>."""
        with self._lock:
            return list(self._downloads)

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        with self._lock:
            return list(self._chat_actions)

    @property
    def commands(self) -> list[JSONDict]:
        """The commands last set with setMyCommands."""
        with self._lock:
            return copy.deepcopy(self._commands)

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (via getUpdates offset)."""
        with self._lock:
            return len(self._updates)

    @property
    def polls(self) -> int:
        """Number of getUpdates requests received."""
        with self._lock:
            return self._polls

    def activity(self, chat_id: int | None = None, since: int = 0) -> list[Activity]:
        with self._lock:
            return [a for a in self._activities[since:] if chat_id in (None, a.chat_id)]

    def transcript(self, chat_id: int | None = None, last: int | None = None) -> str:
        """A human-readable log of the conversation(s) (→ user, ← bot)."""
        with self._lock:
            lines = [line for chat, line in self._timeline if chat_id in (None, chat)]
        if last is not None:
            lines = lines[-last:]
        return "\n".join(lines)

    # ------------------------------------------------------------------ waiting

    def mark(self) -> int:
        """A point in the bot's activity stream; pass it to ``wait_for_activity``."""
        with self._lock:
            return len(self._activities)

    def wait_for(
        self, predicate: Callable[[], T], timeout: float = 10.0, what: str | None = None
    ) -> T:
        """Block until ``predicate()`` is truthy (re-checked on every state change and every
        50 ms) and return its value.  It runs with the fake's lock held: keep it quick; it may
        call the fake's own methods."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FakeBotApiTimeout(self._timeout_message(what or repr(predicate), None))
                self._cond.wait(min(remaining, 0.05))

    async def wait_for_async(
        self, predicate: Callable[[], T], timeout: float = 10.0, what: str | None = None
    ) -> T:
        """``wait_for`` for async tests whose event loop must keep running."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise FakeBotApiTimeout(self._timeout_message(what or repr(predicate), None))
            await asyncio.sleep(0.02)

    def wait_for_activity(
        self, chat_id: int, mark: int, timeout: float = 10.0, quiet: float | None = None
    ) -> list[Activity]:
        """Wait until the bot did something in ``chat_id`` after ``mark`` and then stayed
        quiet for ``quiet`` seconds (no request in flight, no fresh "typing…" action)."""
        quiet = self.quiet if quiet is None else quiet
        result = self.wait_for(
            lambda: self._settled(chat_id, mark, quiet),
            timeout,
            f"bot activity in chat {chat_id} after mark {mark}",
        )
        assert result is not None
        return result

    async def wait_for_activity_async(
        self, chat_id: int, mark: int, timeout: float = 10.0, quiet: float | None = None
    ) -> list[Activity]:
        quiet = self.quiet if quiet is None else quiet
        result = await self.wait_for_async(
            lambda: self._settled(chat_id, mark, quiet),
            timeout,
            f"bot activity in chat {chat_id} after mark {mark}",
        )
        assert result is not None
        return result

    def wait_for_reply(
        self, chat_id: int, after: int, timeout: float = 10.0, quiet: float | None = None
    ) -> list[SentMessage]:
        """Like ``wait_for_activity`` but returns the current state of every message the bot
        sent or edited after ``after`` (a ``mark()``), in order of first touch.  A reply that
        was only a callback answer gives ``[]``."""
        return self._touched(self.wait_for_activity(chat_id, after, timeout, quiet))

    async def wait_for_reply_async(
        self, chat_id: int, after: int, timeout: float = 10.0, quiet: float | None = None
    ) -> list[SentMessage]:
        return self._touched(await self.wait_for_activity_async(chat_id, after, timeout, quiet))

    def _touched(self, activities: list[Activity]) -> list[SentMessage]:
        seen: dict[int, None] = {}
        for activity in activities:
            if activity.message_id is not None and activity.action != "answer":
                seen.setdefault(activity.message_id, None)
        with self._lock:
            chat_id = activities[0].chat_id if activities else 0
            return [self._view(self._messages[(chat_id, mid)]) for mid in seen]

    def _settled(self, chat_id: int, mark: int, quiet: float) -> list[Activity] | None:
        activities = [a for a in self._activities[mark:] if a.chat_id == chat_id]
        if not activities or self._inflight:
            return None
        now = time.monotonic()
        last = self._last_activity.get(chat_id, 0.0)
        if now - last < quiet:
            return None
        action = self._last_chat_action.get(chat_id, 0.0)
        if action > last and now - action < CHAT_ACTION_SECONDS:
            return None
        return activities

    def _timeout_message(self, what: str, chat_id: int | None) -> str:
        with self._lock:
            errors = self._errors[-5:]
            inflight = self._inflight
        return (
            f"timed out waiting for {what}\n"
            f"requests in flight: {inflight}; pending updates: {self.pending_updates}\n"
            f"recent errors returned to the bot: {errors}\n"
            f"transcript (last 30 lines):\n{self.transcript(chat_id, last=30)}"
        )

    # ------------------------------------------------------------------ state helpers (locked)

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(chat_id, "Tester")
        return chat

    def _user(self, user_id: int) -> JSONDict:
        chat = self._chat(user_id)
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": chat.first_name}
        if chat.language_code:
            user["language_code"] = chat.language_code
        return user

    def _chat_json(self, chat_id: int) -> JSONDict:
        return {"id": chat_id, "type": "private", "first_name": self._chat(chat_id).first_name}

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _note(self, chat_id: int, line: str) -> None:
        self._timeline.append((chat_id, f"[{chat_id}] {line}"))

    def _enqueue(self, body: JSONDict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **body})
        self._cond.notify_all()
        self._wake_pollers_threadsafe()
        return update_id

    def _push_message(self, user_id: int, kind: str, content: JSONDict, summary: str) -> int:
        with self._cond:
            chat = self._chat(user_id)
            message_id = chat.next_message_id
            chat.next_message_id += 1
            raw: JSONDict = {
                "message_id": message_id,
                "from": self._user(user_id),
                "chat": self._chat_json(user_id),
                "date": int(time.time()),
                **content,
            }
            self._messages[(user_id, message_id)] = _Message(user_id, message_id, False, kind, raw)
            self._enqueue({"message": copy.deepcopy(raw)})
            self._note(user_id, f"→ #{message_id} {summary}")
            return message_id

    def _store_file(
        self,
        kind: str,
        data: bytes,
        *,
        ext: str,
        mime_type: str | None = None,
        declared_size: int | None = None,
        file_name: str | None = None,
        width: int = 0,
        height: int = 0,
        from_bot: bool = False,
    ) -> StoredFile:
        with self._lock:
            number = self._next_file
            self._next_file += 1
            folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(kind, kind)
            stored = StoredFile(
                file_id=f"fake-{kind}-{number}",
                file_unique_id=f"fake-uniq-{number}",
                kind=kind,
                data=data,
                file_path=f"{folder}/file_{number}.{ext}",
                file_size=len(data) if declared_size is None else declared_size,
                width=width,
                height=height,
                file_name=file_name,
                mime_type=mime_type,
                from_bot=from_bot,
            )
            self._files[stored.file_id] = stored
            self._files_by_path[stored.file_path] = stored
            return stored

    @staticmethod
    def _photo_size(stored: StoredFile) -> JSONDict:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
            "file_size": stored.file_size,
        }

    def _view(self, message: _Message) -> SentMessage:
        raw = copy.deepcopy(message.raw)
        photo = raw["photo"][-1]["file_id"] if raw.get("photo") else None
        document = raw["document"]["file_id"] if raw.get("document") else None
        return SentMessage(
            message_id=message.message_id,
            chat_id=message.chat_id,
            kind=message.kind,
            text=raw.get("text", raw.get("caption")),
            raw_text=message.raw_text,
            parse_mode=message.parse_mode,
            buttons=_buttons(raw.get("reply_markup")),
            keyboard=_keyboard(message.sent_markup),
            photo=photo,
            document=document,
            edits=message.edits,
            deleted=message.deleted,
            reply_markup=copy.deepcopy(message.sent_markup),
            raw=raw,
        )

    def _record(
        self,
        chat_id: int,
        action: ActionKind,
        method: str,
        message: _Message | None,
        summary: str,
    ) -> None:
        self._activities.append(
            Activity(
                seq=len(self._activities) + 1,
                chat_id=chat_id,
                action=action,
                method=method,
                message_id=message.message_id if message else None,
                message=self._view(message) if message else None,
            )
        )
        self._last_activity[chat_id] = time.monotonic()
        self._note(chat_id, summary)
        self._cond.notify_all()

    @staticmethod
    def _summary(message: _Message) -> str:
        raw = message.raw
        body = str(raw.get("text", raw.get("caption", "")))
        if message.kind != "text":
            body = f"[{message.kind}] {body}".rstrip()
        buttons = _buttons(raw.get("reply_markup"))
        if buttons:
            body += "  " + " ".join(f"[{b.text}]" for row in buttons for b in row)
        return body

    def _target_chat(self, params: JSONDict) -> int:
        chat_id = _int(params, "chat_id")
        chat = self._chats.get(chat_id)
        if chat is None and self.require_known_chat:
            raise _bad("chat not found")
        if chat is not None and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _render(self, text: str | None, parse_mode: str | None) -> str | None:
        if text is None:
            return None
        if parse_mode and parse_mode.lower() == "html":
            return _parse_html(text, self.strict_html)
        return text

    def _text_content(self, params: JSONDict) -> tuple[str, str]:
        raw_text = params.get("text")
        if raw_text in (None, ""):
            raise _bad("message text is empty")
        text = self._render(str(raw_text), _opt_str(params, "parse_mode")) or ""
        if not text.strip():
            raise _bad("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad("message is too long")
        return str(raw_text), text

    def _caption(self, raw_caption: Any, parse_mode: str | None) -> str | None:
        if raw_caption in (None, ""):
            return None
        caption = self._render(str(raw_caption), parse_mode)
        if caption is not None and len(caption) > MAX_CAPTION_LENGTH:
            raise _bad("message caption is too long")
        return caption

    def _edited(self, params: JSONDict) -> _Message:
        if _present(params, "inline_message_id"):
            raise _bad("inline messages are not supported by the fake")
        chat_id = self._target_chat(params)
        message = self._messages.get((chat_id, _int(params, "message_id")))
        if message is None or message.deleted:
            raise _bad("message to edit not found")
        if not message.from_bot:
            raise _bad("message can't be edited")
        return message

    def _resolve_file(
        self, value: Any, params: JSONDict, kind: str, *, filename: str | None = None
    ) -> StoredFile:
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
            if not isinstance(value, Upload):
                raise _bad("wrong HTTP URL specified")
        if isinstance(value, Upload):
            if not value.data:
                raise _bad("file must be non-empty")
            width, height = _image_size(value.data) if kind == "photo" else (0, 0)
            name = value.filename or filename
            ext = name.rsplit(".", 1)[-1] if name and "." in name else "jpg"
            stored = self._store_file(
                kind,
                value.data,
                ext=ext if kind != "photo" else "jpg",
                mime_type=value.content_type,
                file_name=name if kind == "document" else None,
                width=width,
                height=height,
                from_bot=True,
            )
            self._transfers.append(FileTransfer(kind, stored.file_id, True))
            return stored
        if isinstance(value, str) and value:
            stored_or_none = self._files.get(value)
            if stored_or_none is None:
                raise _bad("wrong file identifier/HTTP URL specified")
            if stored_or_none.kind != kind:
                raise _bad(
                    f"can't use file of type {stored_or_none.kind.title()} as {kind.title()}"
                )
            self._transfers.append(FileTransfer(kind, value, False))
            return stored_or_none
        raise _bad(f"there is no {kind} in the request")

    def _media_content(self, stored: StoredFile, caption: str | None) -> JSONDict:
        content: JSONDict
        if stored.kind == "photo":
            content = {"photo": [self._photo_size(stored)]}
        else:
            content = {
                "document": {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_name": stored.file_name or stored.file_path.rsplit("/", 1)[-1],
                    "mime_type": stored.mime_type or "application/octet-stream",
                    "file_size": stored.file_size,
                }
            }
        if caption is not None:
            content["caption"] = caption
        return content

    def _new_bot_message(
        self,
        method: str,
        chat_id: int,
        kind: str,
        content: JSONDict,
        params: JSONDict,
        raw_text: str | None,
    ) -> JSONDict:
        markup = _check_markup(_json(params, "reply_markup"), inline_only=False)
        chat = self._chat(chat_id)
        message_id = chat.next_message_id
        chat.next_message_id += 1
        raw: JSONDict = {
            "message_id": message_id,
            "from": self._bot_user(),
            "chat": self._chat_json(chat_id),
            "date": int(time.time()),
            **content,
        }
        if markup and "inline_keyboard" in markup:
            raw["reply_markup"] = copy.deepcopy(markup)
        message = _Message(
            chat_id,
            message_id,
            True,
            kind,
            raw,
            raw_text=raw_text,
            parse_mode=_opt_str(params, "parse_mode"),
            sent_markup=markup,
        )
        self._messages[(chat_id, message_id)] = message
        self._record(chat_id, "send", method, message, f"← #{message_id} {self._summary(message)}")
        at = self.clock() if self.clock is not None else None
        self._deliveries.append(Delivery(chat_id, message_id, method, at))
        return copy.deepcopy(raw)

    def _apply_edit(
        self,
        method: str,
        message: _Message,
        content: JSONDict,
        drop: tuple[str, ...],
        params: JSONDict,
        raw_text: str | None,
        parse_mode: str | None,
        kind: str | None = None,
    ) -> JSONDict:
        """Edits drop the inline keyboard unless reply_markup is given (real Telegram)."""
        markup = _check_markup(_json(params, "reply_markup"), inline_only=True)
        new_raw = {k: v for k, v in message.raw.items() if k not in drop and k != "reply_markup"}
        new_raw.update(copy.deepcopy(content))
        if markup:
            new_raw["reply_markup"] = copy.deepcopy(markup)
        old_raw = {k: v for k, v in message.raw.items() if k != "edit_date"}
        if self.strict_not_modified and old_raw == {
            k: v for k, v in new_raw.items() if k != "edit_date"
        }:
            raise ApiError(400, _NOT_MODIFIED)
        new_raw["edit_date"] = int(time.time())
        message.raw = new_raw
        message.edits += 1
        message.raw_text, message.parse_mode = raw_text, parse_mode
        message.sent_markup = markup
        if kind is not None:
            message.kind = kind
        self._record(
            message.chat_id,
            "edit",
            method,
            message,
            f"✎ #{message.message_id} {self._summary(message)}",
        )
        return copy.deepcopy(new_raw)

    # ------------------------------------------------------------------ method handlers

    def _ok(self, params: JSONDict) -> bool:
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _delete_webhook(self, params: JSONDict) -> bool:
        if _bool(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        raise _bad("webhooks are not supported by the fake; use getUpdates")

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._target_chat(params)
        raw_text, text = self._text_content(params)
        return self._new_bot_message(
            "sendMessage", chat_id, "text", {"text": text}, params, raw_text
        )

    def _send_file(self, method: str, kind: str, params: JSONDict) -> JSONDict:
        chat_id = self._target_chat(params)
        parse_mode = _opt_str(params, "parse_mode")
        caption = self._caption(params.get("caption"), parse_mode)
        stored = self._resolve_file(params.get(kind), params, kind)
        content = self._media_content(stored, caption)
        return self._new_bot_message(
            method, chat_id, kind, content, params, _opt_str(params, "caption")
        )

    def _send_photo(self, params: JSONDict) -> JSONDict:
        return self._send_file("sendPhoto", "photo", params)

    def _send_document(self, params: JSONDict) -> JSONDict:
        return self._send_file("sendDocument", "document", params)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        message = self._edited(params)
        if "text" not in message.raw:
            raise _bad("there is no text in the message to edit")
        raw_text, text = self._text_content(params)
        return self._apply_edit(
            "editMessageText",
            message,
            {"text": text},
            ("text", "entities"),
            params,
            raw_text,
            _opt_str(params, "parse_mode"),
        )

    def _edit_message_caption(self, params: JSONDict) -> JSONDict:
        message = self._edited(params)
        if message.kind == "text":
            raise _bad("there is no caption in the message to edit")
        parse_mode = _opt_str(params, "parse_mode")
        caption = self._caption(params.get("caption"), parse_mode)
        content = {} if caption is None else {"caption": caption}
        return self._apply_edit(
            "editMessageCaption",
            message,
            content,
            ("caption", "caption_entities"),
            params,
            _opt_str(params, "caption"),
            parse_mode,
        )

    def _edit_message_media(self, params: JSONDict) -> JSONDict:
        message = self._edited(params)
        if message.kind == "text":
            raise _bad("there is no media in the message to edit")
        media = _json(params, "media")
        if not isinstance(media, dict):
            raise _bad("can't parse InputMedia JSON object")
        kind = media.get("type")
        if kind not in ("photo", "document"):
            raise _bad(f"media type {kind!r} is not supported by the fake")
        parse_mode = media.get("parse_mode")
        caption = self._caption(media.get("caption"), parse_mode)
        stored = self._resolve_file(media.get("media"), params, str(kind))
        content = self._media_content(stored, caption)
        return self._apply_edit(
            "editMessageMedia",
            message,
            content,
            ("photo", "document", "caption", "caption_entities"),
            params,
            media.get("caption"),
            parse_mode,
            kind=str(kind),
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message = self._edited(params)
        return self._apply_edit(
            "editMessageReplyMarkup",
            message,
            {},
            (),
            params,
            message.raw_text,
            message.parse_mode,
        )

    def _delete_message(self, params: JSONDict) -> bool:
        chat_id = self._target_chat(params)
        message = self._messages.get((chat_id, _int(params, "message_id")))
        if message is None or message.deleted:
            raise _bad("message to delete not found")
        message.deleted = True
        self._record(chat_id, "delete", "deleteMessage", message, f"✗ #{message.message_id}")
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = _str(params, "callback_query_id")
        query = self._callbacks.get(query_id)
        if query is None or query.answered:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        query.answered = True
        text = _opt_str(params, "text")
        show_alert = _bool(params, "show_alert")
        self._answered.append(
            AnsweredCallback(query_id, query.user_id, query.message_id, text, show_alert)
        )
        message = self._messages.get((query.user_id, query.message_id))
        shown = f" {'alert' if show_alert else 'toast'}: {text}" if text else ""
        self._record(query.user_id, "answer", "answerCallbackQuery", message, f"← answer{shown}")
        return True

    def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(_str(params, "file_id"))
        if stored is None:
            raise _bad("invalid file_id")
        if stored.file_size > MAX_GETFILE_SIZE:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = _json(params, "commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        self._commands = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self._commands)

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands = []
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        chat_id = self._target_chat(params)
        action = _str(params, "action")
        self._chat_actions.append((chat_id, action))
        self._last_chat_action[chat_id] = time.monotonic()
        return True

    async def _get_updates(self, params: JSONDict, request: Request) -> list[JSONDict] | None:
        """Long poll; ``None`` means "superseded, and its client has gone" (no response)."""
        loop = asyncio.get_running_loop()
        offset = _int(params, "offset") if _present(params, "offset") else None
        limit = min(max(_int(params, "limit") if _present(params, "limit") else 100, 1), 100)
        timeout = max(_opt_float(params, "timeout") or 0.0, 0.0)
        allowed = _json(params, "allowed_updates")
        with self._cond:
            self._polls += 1
            self._poll_generation += 1
            generation = self._poll_generation
            if offset is not None and offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset is not None and offset < 0:
                self._updates = self._updates[offset:]
            if isinstance(allowed, list):
                self._allowed_updates = [str(kind) for kind in allowed]
            self._cond.notify_all()
        self._wake_pollers()  # an older long poll (another bot instance?) gets 409
        deadline = loop.time() + timeout
        while True:
            event = self._poll_event
            with self._lock:
                superseded = generation != self._poll_generation
                wanted = set(self._allowed_updates)
                batch = [
                    copy.deepcopy(update)
                    for update in self._updates
                    if not wanted or wanted & update.keys()
                ][:limit]
                closing = self._closing
            if superseded:
                # PTB cancels a long poll by dropping the connection and then polls again:
                # only a still-connected client means a second bot instance.
                if await request.is_disconnected():
                    return None
                raise ApiError(409, _CONFLICT)
            remaining = deadline - loop.time()
            if batch or closing or remaining <= 0 or event is None:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _wake_pollers(self) -> None:
        """Runs on the server loop: wake every waiting getUpdates."""
        event, self._poll_event = self._poll_event, asyncio.Event()
        if event is not None:
            event.set()

    def _wake_pollers_threadsafe(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._wake_pollers)

    # ------------------------------------------------------------------ HTTP layer

    def _error(
        self, method: str, code: int, description: str, parameters: JSONDict | None = None
    ) -> JSONResponse:
        with self._cond:
            self._errors.append(ApiErrorRecord(method, code, description))
            self._cond.notify_all()
        if code != 409:
            log.info("fake Bot API %s -> %s %s", method, code, description)
        body: JSONDict = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return JSONResponse(body, status_code=code)

    async def _read_params(self, request: Request) -> JSONDict:
        params: JSONDict = {k: _decode_field(k, v) for k, v in request.query_params.items()}
        content_type = request.headers.get("content-type", "")
        if request.method != "POST":
            return params
        if content_type.startswith("application/json"):
            body = await request.body()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError:
                    raise _bad("can't parse JSON body") from None
                if not isinstance(data, dict):
                    raise _bad("JSON body must be an object")
                params.update(data)
        elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            async with request.form(max_part_size=16 * 1024 * 1024) as form:
                for key, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        data_bytes = await value.read()
                        params[key] = Upload(value.filename, value.content_type, data_bytes)
                    else:
                        params[key] = _decode_field(key, value)
        return params

    async def _handle_method(self, request: Request) -> Response:
        method = str(request.path_params["method"])
        if request.path_params["token"] != self.token:
            return self._error(method, 401, "Unauthorized")
        entry = self._methods.get(method.lower())
        if entry is None:
            if method.lower() in _KNOWN_METHODS:
                name = _KNOWN_METHODS[method.lower()]
                with self._cond:
                    self._calls.append(Call(name, await self._read_params(request)))
                return self._error(name, 400, f"Bad Request: the fake does not implement {name}")
            return self._error(method, 404, "Not Found")
        name, handler = entry
        polling = name == "getUpdates"
        if not polling:
            with self._cond:
                self._inflight += 1
        try:
            params = await self._read_params(request)
            if polling:
                result: Any = await self._get_updates(params, request)
                if result is None:
                    return Response(status_code=204)
            else:
                with self._cond:
                    self._calls.append(Call(name, params))
                hang = await self._trouble(name, params) if name in _SENDS else None
                if hang is not None and not hang.delivered:
                    await self._hold(hang)
                    raise ApiError(500, "Internal Server Error: the request was dropped")
                with self._cond:
                    result = handler(params)
                if hang is not None:
                    await self._hold(hang)
        except ApiError as exc:
            return self._error(name, exc.code, exc.description, exc.parameters)
        except Exception as exc:
            log.exception("fake Bot API: %s failed", name)
            return self._error(name, 500, f"Internal Server Error: fake failed: {exc!r}")
        finally:
            if not polling:
                with self._cond:
                    self._inflight -= 1
                    self._cond.notify_all()
        return JSONResponse({"ok": True, "result": result})

    async def _handle_file(self, request: Request) -> Response:
        file_path = str(request.path_params["file_path"])
        with self._cond:
            stored = self._files_by_path.get(file_path)
            if request.path_params["token"] != self.token or stored is None:
                self._errors.append(ApiErrorRecord(f"file/{file_path}", 404, "Not Found"))
                self._cond.notify_all()
                return JSONResponse(
                    {"ok": False, "error_code": 404, "description": "Not Found"},
                    status_code=404,
                )
            self._downloads.append(file_path)
            self._cond.notify_all()
        return Response(stored.data, media_type=stored.mime_type or "application/octet-stream")

    async def _handle_unknown(self, request: Request) -> Response:
        return self._error(request.url.path, 404, "Not Found")


# --------------------------------------------------------------------------------------------
# Conversation helper
# --------------------------------------------------------------------------------------------


class Participant:
    """Plays one user in a private chat; each action waits for the bot's reaction.

    Every action returns the bot messages sent or edited in reaction (current state, see
    ``FakeBotApi.wait_for_reply``); pass ``wait=False`` to fire and forget.  The waits
    block the calling thread: use them when the bot runs in another process or thread.
    """

    def __init__(self, api: FakeBotApi, user_id: int, timeout: float = 10.0) -> None:
        self.api = api
        self.user_id = user_id
        self.timeout = timeout

    @property
    def chat_id(self) -> int:
        return self.user_id

    @property
    def messages(self) -> list[SentMessage]:
        return self.api.sent(self.user_id)

    @property
    def last(self) -> SentMessage:
        return self.api.last(self.user_id)

    def _act(self, push: Callable[[], object], wait: bool) -> list[SentMessage]:
        mark = self.api.mark()
        push()
        if not wait:
            return []
        return self.api.wait_for_reply(self.user_id, mark, timeout=self.timeout)

    def say(self, text: str, *, wait: bool = True) -> list[SentMessage]:
        return self._act(lambda: self.api.send_text(self.user_id, text), wait)

    def find_button(self, label: str, message_id: int | None = None) -> tuple[SentMessage, Button]:
        """The newest bot message having a button ``label`` (see ``SentMessage.button``)."""
        if message_id is not None:
            message = self.api.message(self.user_id, message_id)
            return message, message.button(label)
        for message in reversed(self.messages):
            with contextlib.suppress(LookupError):
                return message, message.button(label)
        raise LookupError(
            f"no button {label!r} in chat {self.user_id}; visible buttons: "
            f"{[(m.message_id, m.button_texts) for m in self.messages if m.buttons]}"
        )

    def tap(
        self, label: str, *, message_id: int | None = None, wait: bool = True
    ) -> list[SentMessage]:
        message, button = self.find_button(label, message_id)
        if button.callback_data is None:
            raise LookupError(f"button {button.text!r} has no callback_data")
        data = button.callback_data
        return self._act(lambda: self.api.press(self.user_id, message.message_id, data), wait)

    def send_voice(
        self, data: bytes, duration: int, file_size: int | None = None, *, wait: bool = True
    ) -> list[SentMessage]:
        return self._act(lambda: self.api.send_voice(self.user_id, data, duration, file_size), wait)

    def send_sticker(self, *, wait: bool = True) -> list[SentMessage]:
        return self._act(lambda: self.api.send_sticker(self.user_id), wait)

    def send_document(
        self, name: str, data: bytes = b"fake document", *, wait: bool = True
    ) -> list[SentMessage]:
        return self._act(lambda: self.api.send_document(self.user_id, name, data), wait)

    def send_photo(self, *, wait: bool = True) -> list[SentMessage]:
        return self._act(lambda: self.api.send_photo(self.user_id), wait)


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotApi]:
    """A started ``FakeBotApi`` with ``DEFAULT_TOKEN``, stopped after the test."""
    with FakeBotApi() as api:
        yield api
