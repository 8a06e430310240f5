"""Who is on the web chat: the secret, the device cookie, personal links and one-time notes."""

from __future__ import annotations

import stat
import time
from pathlib import Path
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

from bot.web_identity import (
    CODE_ALPHABET,
    CODE_LENGTH,
    NOTES_COOKIE,
    PARTICIPANT_COOKIE,
    SECRET_FILE,
    WebIdentity,
    is_code,
    load_or_create_secret,
    new_code,
)

CODE = "ABCDEFGHJK"


def request_with(cookies: dict[str, str]) -> Request:
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return Request({"type": "http", "headers": [(b"cookie", header.encode())]})


def set_cookies(response: Response) -> dict[str, str]:
    """name -> the whole Set-Cookie header of that cookie."""
    headers = [value for key, value in response.raw_headers if key == b"set-cookie"]
    return {h.decode().split("=", 1)[0]: h.decode() for h in headers}


def cookie_value(response: Response, name: str) -> str:
    return set_cookies(response)[name].split("=", 1)[1].split(";", 1)[0]


def remembered(identity: WebIdentity, code: str) -> str:
    response = Response()
    identity.remember(response, code)
    return cookie_value(response, PARTICIPANT_COOKIE)


# ----- the secret -----------------------------------------------------------------------------


def test_secret_is_made_once_readable_by_the_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = load_or_create_secret(data_dir, None)
    path = data_dir / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_or_create_secret(data_dir, None) == first
    assert path.read_text(encoding="ascii") == first


def test_secrets_of_two_installations_differ(tmp_path: Path) -> None:
    assert load_or_create_secret(tmp_path / "a", None) != load_or_create_secret(
        tmp_path / "b", None
    )


def test_configured_secret_wins_and_nothing_is_written(tmp_path: Path) -> None:
    assert load_or_create_secret(tmp_path, SecretStr("from-the-environment")) == (
        "from-the-environment"
    )
    assert not (tmp_path / SECRET_FILE).exists()


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_configured_secret_is_not_used_to_sign(tmp_path: Path, blank: str) -> None:
    # POPBOT_WEB_SECRET= in an env file must not sign every cookie and link with "".
    secret = load_or_create_secret(tmp_path, SecretStr(blank))
    assert secret.strip()
    assert load_or_create_secret(tmp_path, SecretStr(blank)) == secret
    assert WebIdentity(blank).link_token(CODE) != WebIdentity(secret).link_token(CODE)


def test_empty_secret_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_text("", encoding="ascii")
    secret = load_or_create_secret(tmp_path, None)
    assert secret.strip()
    assert load_or_create_secret(tmp_path, None) == secret


# ----- codes ----------------------------------------------------------------------------------


def test_new_codes_are_easy_to_read_aloud_and_differ() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == CODE_LENGTH and is_code(code)
        assert not set(code) & set("01OI")
    assert set("".join(codes)) <= set(CODE_ALPHABET)


@pytest.mark.parametrize(
    "value",
    [
        "ABCDEFGHJ",
        "ABCDEFGHJKL",
        "ABCDEFGHJ0",
        "ABCDEFGHJO",
        "ABCDEFGHJ1",
        "abcdefghjk",
        "",
        None,
        7,
    ],
)
def test_is_code_rejects_anything_else(value: object) -> None:
    assert not is_code(value)


# ----- the device cookie ----------------------------------------------------------------------


def test_cookie_brings_back_the_same_participant() -> None:
    identity = WebIdentity("s1")
    raw = remembered(identity, CODE)
    assert CODE not in raw.split(".")[-1]  # signed, not just the code
    assert identity.participant(request_with({PARTICIPANT_COOKIE: raw})) == CODE


def test_cookie_is_http_only_lax_and_long_lived() -> None:
    response = Response()
    WebIdentity("s1").remember(response, CODE)
    header = set_cookies(response)[PARTICIPANT_COOKIE].lower()
    assert "httponly" in header and "samesite=lax" in header and "path=/" in header
    assert "max-age=31536000" in header
    assert "secure" not in header.replace("samesite", "")


def test_secure_cookies_when_asked() -> None:
    response = Response()
    WebIdentity("s1", secure_cookies=True).remember(response, CODE)
    assert "; secure" in set_cookies(response)[PARTICIPANT_COOKIE].lower()


@pytest.mark.parametrize("raw", ["", "ABCDEFGHJK", "garbage.abc", "IkFCQ0RFRkdISksi.xx"])
def test_unsigned_or_garbled_cookie_is_ignored(raw: str) -> None:
    assert WebIdentity("s1").participant(request_with({PARTICIPANT_COOKIE: raw})) is None


def test_cookie_signed_with_another_secret_is_ignored() -> None:
    raw = remembered(WebIdentity("other"), CODE)
    assert WebIdentity("s1").participant(request_with({PARTICIPANT_COOKIE: raw})) is None


def test_signed_value_that_is_not_a_code_is_ignored() -> None:
    from itsdangerous import URLSafeSerializer

    raw = URLSafeSerializer("s1", salt="participant-cookie").dumps("../../etc")
    assert WebIdentity("s1").participant(request_with({PARTICIPANT_COOKIE: raw})) is None


# ----- personal links -------------------------------------------------------------------------


def test_link_token_round_trips() -> None:
    identity = WebIdentity("s1")
    token = identity.link_token(CODE)
    assert identity.from_link(token) == CODE
    assert WebIdentity("s1").from_link(token) == CODE  # after a restart


def test_link_token_only_for_codes() -> None:
    with pytest.raises(ValueError):
        WebIdentity("s1").link_token("not a code")


def test_tampered_or_foreign_link_fails() -> None:
    identity = WebIdentity("s1")
    token = identity.link_token(CODE)
    # Change the signed content (the signature's last base64 character may only hold padding
    # bits, so changing that one is not always a change at all).
    first = "J" if token[0] != "J" else "K"
    assert identity.from_link(first + token[1:]) is None
    assert identity.from_link(token[:-3]) is None
    assert identity.from_link(WebIdentity("other").link_token(CODE)) is None
    assert identity.from_link("") is None
    assert identity.from_link("nonsense") is None


def test_link_and_cookie_cannot_stand_in_for_each_other() -> None:
    identity = WebIdentity("s1")
    assert identity.from_link(remembered(identity, CODE)) is None
    token = identity.link_token(CODE)
    assert identity.participant(request_with({PARTICIPANT_COOKIE: token})) is None


def test_link_expires_after_thirty_days(monkeypatch: pytest.MonkeyPatch) -> None:
    identity = WebIdentity("s1")
    now = int(time.time())
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: now - 29 * 86400)
        fresh = identity.link_token(CODE)
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: now - 31 * 86400)
        stale = identity.link_token(CODE)
    assert identity.from_link(fresh) == CODE
    assert identity.from_link(stale) is None


# ----- notes ----------------------------------------------------------------------------------


def test_notes_round_trip() -> None:
    identity = WebIdentity("s1")
    notes: list[dict[str, Any]] = [{"text": "Dank je! 🙏"}, {"text": "x", "image": ["a", [], []]}]
    response = Response()
    identity.leave_notes(response, notes)
    header = set_cookies(response)[NOTES_COOKIE].lower()
    assert "httponly" in header and "max-age=120" in header
    raw = cookie_value(response, NOTES_COOKIE)
    assert identity.read_notes(request_with({NOTES_COOKIE: raw})) == notes


def test_no_notes_no_cookie() -> None:
    response = Response()
    WebIdentity("s1").leave_notes(response, [])
    assert NOTES_COOKIE not in set_cookies(response)


def test_forgetting_notes_expires_the_cookie() -> None:
    response = Response()
    WebIdentity("s1").forget_notes(response)
    assert "max-age=0" in set_cookies(response)[NOTES_COOKIE].lower()


def test_bad_notes_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    identity = WebIdentity("s1")
    foreign = Response()
    WebIdentity("other").leave_notes(foreign, [{"text": "vals"}])
    now = int(time.time())
    old = Response()
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: now - 600)
        identity.leave_notes(old, [{"text": "oud"}])
    from itsdangerous import URLSafeTimedSerializer

    not_a_list = URLSafeTimedSerializer("s1", salt="notes").dumps({"text": "x"})
    for raw in [
        "",
        "garbage",
        cookie_value(foreign, NOTES_COOKIE),
        cookie_value(old, NOTES_COOKIE),
        not_a_list,
    ]:
        assert identity.read_notes(request_with({NOTES_COOKIE: raw})) == []
    assert identity.read_notes(request_with({})) == []
