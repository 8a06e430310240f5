"""Coaches, for any channel: adding them, one-time sign-in links, tying a coach's Telegram
account to her, and participants joining a coach with her join code."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from storage.coach_repository import Coach
from storage.repository import Clock, Repository, utc_now

SIGN_IN_MINUTES = 15
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
JOIN_CODE = re.compile(rf"[A-Z0-9]{{{JOIN_CODE_LENGTH}}}")
"""What may be a join code when read back (lenient; the database decides whether it is one)."""
TELEGRAM_CODE_LENGTH = 10
_NAME = re.compile(r"\S(.{0,58}\S)?")


class CoachError(ValueError):
    """Something about a coach that cannot be done, said so that a person can act on it."""


@dataclass(frozen=True)
class NewCoach:
    coach: Coach
    sign_in_link: str


def new_code(length: int) -> str:
    """A code with at least one digit, so that no everyday word ("dankje") looks like one."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        if any(char.isdigit() for char in code):
            return code


def looks_like_join_code(text: str) -> bool:
    """Whether what someone typed can be a join code (six code characters, one a digit)."""
    code = normal_code(text)
    return bool(JOIN_CODE.fullmatch(code)) and any(char.isdigit() for char in code)


def normal_code(text: str) -> str:
    """What a person typed as a code: no spaces or dashes, upper case."""
    return re.sub(r"[\s-]", "", text).upper()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Coaching:
    def __init__(self, repository: Repository, web_url: str, clock: Clock = utc_now) -> None:
        self._repository = repository
        self._coaches = repository.coaches
        self._web_url = web_url
        self._clock = clock

    async def add_coach(self, name: str) -> NewCoach:
        name = " ".join(name.split())
        if not _NAME.fullmatch(name):
            raise CoachError("a coach's name has 1 to 60 characters")
        if await self._coaches.by_name(name) is not None:
            raise CoachError(f"there is already a coach called {name!r}")
        coach = await self._coaches.add(
            name, new_code(JOIN_CODE_LENGTH), new_code(TELEGRAM_CODE_LENGTH)
        )
        return NewCoach(coach, await self.sign_in_link(coach))

    async def coach_named(self, name: str) -> Coach:
        coach = await self._coaches.by_name(" ".join(name.split()))
        if coach is None:
            raise CoachError(f"there is no coach called {name!r}")
        return coach

    async def sign_in_link(self, coach: Coach) -> str:
        """A link to the portal that works once, for 15 minutes."""
        token = secrets.token_urlsafe(32)
        expires = self._clock() + timedelta(minutes=SIGN_IN_MINUTES)
        await self._coaches.add_sign_in(coach.id, token_hash(token), expires)
        return f"{self._web_url}/coach/aanmelden/{token}"

    async def sign_in_coach(self, token: str) -> Coach | None:
        """The coach a sign-in link is for, without using it up (for the page that asks her
        to confirm: a link preview or mail scanner that opens the link must not burn it)."""
        if not token or len(token) > 100:
            return None
        return await self._coaches.sign_in_coach(token_hash(token))

    async def sign_in(self, token: str) -> Coach | None:
        """The coach a sign-in link belongs to; the link is used up."""
        if not token or len(token) > 100:
            return None
        return await self._coaches.use_sign_in(token_hash(token))

    async def coach_of_telegram(self, telegram_user_id: str) -> Coach | None:
        return await self._coaches.by_telegram(telegram_user_id)

    async def link_telegram(self, telegram_user_id: str, code: str) -> Coach | None:
        return await self._coaches.link_telegram(normal_code(code), telegram_user_id)

    async def join(self, channel: str, external_id: str, code: str) -> Coach | None:
        """Let a participant who gave consent join the coach with this join code."""
        coach = await self._coaches.by_join_code(normal_code(code))
        participant = await self._repository.participant(channel, external_id)
        if coach is None or participant is None or not participant.consent_given:
            return None
        await self._coaches.join(participant.id, coach.id)
        return coach
