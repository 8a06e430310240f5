"""Which failures of a send the outbox tries again: only those that prove Telegram did not
get the message. What Telegram refused, and what it may have got, is never sent again."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.telegram_outbox import TRIED_AGAIN, failure_of
from storage.outbox_repository import FailureKind

REQUEST = httpx.Request("POST", "https://api.telegram.org/bot123:abc/sendPhoto")


def caused(error: Exception, cause: BaseException) -> Exception:
    """`error` as PTB raises it: `raise error from cause`."""
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        # Telegram surely did not get it: tried again.
        (RetryAfter(timedelta(seconds=7)), "rate_limited"),
        (NetworkError("Internal Server Error"), "server_error"),
        (NetworkError("Bad Gateway"), "server_error"),
        (NetworkError("Service Unavailable (503)"), "server_error"),
        (caused(NetworkError("Bad Gateway (502)"), NetworkError("not JSON")), "server_error"),
        (InvalidToken(), "server_error"),
        (BadRequest("Bad Request: please try again later"), "temporary"),
        (
            caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")),
            "not_connected",
        ),
        (caused(TimedOut(), httpx.ConnectTimeout("connecting")), "not_connected"),
        (caused(TimedOut("Pool timeout"), httpx.PoolTimeout("none free")), "not_connected"),
        (caused(NetworkError("Unknown error"), ConnectionRefusedError()), "not_connected"),
        # It went out and no answer came: maybe it arrived, never sent again.
        (caused(TimedOut(), httpx.ReadTimeout("reading", request=REQUEST)), "no_answer"),
        (caused(TimedOut(), httpx.WriteTimeout("writing", request=REQUEST)), "no_answer"),
        (TimedOut(), "no_answer"),
        (
            caused(
                NetworkError("httpx.RemoteProtocolError: Server disconnected"),
                httpx.RemoteProtocolError("Server disconnected without sending a response."),
            ),
            "no_answer",
        ),
        (caused(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), "no_answer"),
        (NetworkError("Gateway Timeout (504)"), "no_answer"),
        (sqlite3.OperationalError("database is locked"), "unknown"),
        # Telegram refused it, or POP-bot could not make it: never sent again.
        (Forbidden("Forbidden: bot was blocked by the user"), "blocked"),
        (BadRequest("Bad Request: chat not found"), "rejected"),
        (BadRequest("Bad Request: message caption is too long"), "rejected"),
        (ChatMigrated(-100), "rejected"),
        (KeyError("bestaat_niet"), "error"),
        (OSError("no such file"), "error"),
    ],
)
def test_only_what_telegram_surely_did_not_get_is_tried_again(
    error: Exception, kind: FailureKind
) -> None:
    assert failure_of(error)[0] == kind
    tried_again = kind in {"rate_limited", "server_error", "not_connected", "temporary"}
    assert (kind in TRIED_AGAIN) == tried_again


def test_a_429_says_how_long_to_wait() -> None:
    assert failure_of(RetryAfter(timedelta(seconds=90))) == ("rate_limited", timedelta(seconds=90))
    assert failure_of(NetworkError("Internal Server Error"))[1] == timedelta(0)
