"""Who is on the web chat: a signed cookie per device, personal links, one-time notes.

No account and no password: the first visit gets a new participant code in a signed,
http-only cookie. A personal link carries the same code, signed, so that the participant
can go on on another device.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import Response

PARTICIPANT_COOKIE = "popbot_deelnemer"
NOTES_COOKIE = "popbot_berichten"
SECRET_FILE = "web-secret"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
COOKIE_DAYS = 365
LINK_DAYS = 30
NOTES_SECONDS = 120


def load_or_create_secret(data_dir: Path, configured: SecretStr | None) -> str:
    """The configured secret, or one made once and kept (readable by the owner only)."""
    # A blank secret (POPBOT_WEB_SECRET= in an env file) would let anyone sign cookies.
    if configured is not None and configured.get_secret_value().strip():
        return configured.get_secret_value()
    path = data_dir / SECRET_FILE
    if path.exists():
        stored = path.read_text(encoding="ascii").strip()
        if stored:
            return stored
        path.unlink()  # left empty when making it failed halfway: make a new one
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secret)
    return secret


def new_code() -> str:
    """A participant code that is easy to read aloud: no 0/O or 1/I."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_code(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == CODE_LENGTH
        and all(char in CODE_ALPHABET for char in value)
    )


class WebIdentity:
    def __init__(self, secret: str, secure_cookies: bool = False) -> None:
        self._cookies = URLSafeSerializer(secret, salt="participant-cookie")
        self._links = URLSafeTimedSerializer(secret, salt="personal-link")
        self._notes = URLSafeTimedSerializer(secret, salt="notes")
        self._secure = secure_cookies

    # ----- the participant on this device ---------------------------------------------------

    def participant(self, request: Request) -> str | None:
        raw = request.cookies.get(PARTICIPANT_COOKIE)
        if not raw:
            return None
        try:
            code = self._cookies.loads(raw)
        except BadSignature:
            return None
        return code if is_code(code) else None

    def remember(self, response: Response, code: str) -> None:
        self._set(response, PARTICIPANT_COOKIE, self._cookies.dumps(code), COOKIE_DAYS * 86400)

    # ----- personal links --------------------------------------------------------------------

    def link_token(self, code: str) -> str:
        if not is_code(code):
            raise ValueError(f"not a participant code: {code!r}")
        return self._links.dumps(code)

    def from_link(self, token: str) -> str | None:
        try:
            code = self._links.loads(token, max_age=LINK_DAYS * 86400)
        except BadSignature:
            return None
        return code if is_code(code) else None

    # ----- what to show once after a form was sent ------------------------------------------

    def leave_notes(self, response: Response, notes: list[dict[str, Any]]) -> None:
        if notes:
            self._set(response, NOTES_COOKIE, self._notes.dumps(notes), NOTES_SECONDS)

    def read_notes(self, request: Request) -> list[dict[str, Any]]:
        raw = request.cookies.get(NOTES_COOKIE)
        if not raw:
            return []
        try:
            notes = self._notes.loads(raw, max_age=NOTES_SECONDS)
        except BadSignature:
            return []
        return notes if isinstance(notes, list) else []

    def forget_notes(self, response: Response) -> None:
        response.delete_cookie(NOTES_COOKIE, path="/")

    def _set(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=self._secure,
        )
