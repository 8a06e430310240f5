"""Coaches: adding them, one-time sign-in links, linking Telegram once, joining a coach."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.coaching import (
    CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    TELEGRAM_CODE_LENGTH,
    CoachError,
    Coaching,
)
from storage.repository import DATABASE_FILE, Repository
from tests.conftest import FakeClock

WEB = "https://pop.example.org"
PREFIX = f"{WEB}/coach/aanmelden/"


@pytest.fixture
def coaching(repository: Repository, clock: FakeClock) -> Coaching:
    return Coaching(repository, WEB, clock)


def token_of(link: str) -> str:
    assert link.startswith(PREFIX)
    return link.removeprefix(PREFIX)


def sign_ins(data_dir: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / DATABASE_FILE) as db:
        return [tuple(row) for row in db.execute("SELECT * FROM coach_sign_ins")]


async def test_a_new_coach_gets_readable_codes_and_a_link(coaching: Coaching) -> None:
    added = await coaching.add_coach("  Sara   De Smet ")
    coach = added.coach
    assert coach.name == "Sara De Smet"
    assert len(coach.join_code) == JOIN_CODE_LENGTH
    assert coach.telegram_code is not None and len(coach.telegram_code) == TELEGRAM_CODE_LENGTH
    for code in (coach.join_code, coach.telegram_code):
        assert set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("01OIl")  # nothing to misread
    assert coach.telegram_user_id is None
    assert len(token_of(added.sign_in_link)) >= 40
    assert await coaching.coach_named(" Sara De  Smet") == coach


async def test_codes_differ_between_coaches(coaching: Coaching) -> None:
    coaches = [(await coaching.add_coach(f"Coach {n}")).coach for n in range(12)]
    assert len({c.join_code for c in coaches}) == 12
    assert len({c.telegram_code for c in coaches}) == 12
    # A digit in every code, so that a typed everyday word is never taken for one.
    assert all(any(char.isdigit() for char in c.join_code) for c in coaches)


async def test_names_are_unique(coaching: Coaching) -> None:
    await coaching.add_coach("Sara")
    with pytest.raises(CoachError, match="already"):
        await coaching.add_coach(" Sara ")
    with pytest.raises(CoachError, match="no coach"):
        await coaching.coach_named("Nobody")


@pytest.mark.parametrize("name", ["", "   ", "\n\t", "x" * 61, "a " * 31])
async def test_blank_or_too_long_names_are_refused(coaching: Coaching, name: str) -> None:
    with pytest.raises(CoachError, match="1 to 60"):
        await coaching.add_coach(name)


async def test_sixty_characters_is_fine(coaching: Coaching) -> None:
    assert (await coaching.add_coach("x" * 60)).coach.name == "x" * 60


async def test_a_sign_in_link_works_once(coaching: Coaching) -> None:
    added = await coaching.add_coach("Sara")
    token = token_of(added.sign_in_link)
    assert await coaching.sign_in(token) == added.coach
    assert await coaching.sign_in(token) is None
    again = token_of(await coaching.sign_in_link(added.coach))
    assert again != token
    assert await coaching.sign_in(again) == added.coach


async def test_a_sign_in_link_expires_after_fifteen_minutes(
    coaching: Coaching, clock: FakeClock
) -> None:
    coach = (await coaching.add_coach("Sara")).coach
    early = token_of(await coaching.sign_in_link(coach))
    late = token_of(await coaching.sign_in_link(coach))
    clock.now += timedelta(minutes=14)
    assert await coaching.sign_in(early) == coach
    clock.now += timedelta(minutes=1)
    assert await coaching.sign_in(late) is None
    clock.now += timedelta(days=1)
    assert await coaching.sign_in(late) is None


async def test_only_a_hash_of_the_token_is_stored(coaching: Coaching, data_dir: Path) -> None:
    added = await coaching.add_coach("Sara")
    token = token_of(added.sign_in_link)
    ((token_hash, coach_id, created, expires, used),) = sign_ins(data_dir)
    assert token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert coach_id == added.coach.id and used is None
    assert created < expires
    with sqlite3.connect(data_dir / DATABASE_FILE) as db:
        dump = "\n".join(db.iterdump())
    assert token not in dump and token[:16] not in dump
    await coaching.sign_in(token)
    assert sign_ins(data_dir)[0][4] is not None  # marked used


@pytest.mark.parametrize(
    "token",
    ["", "x", "nope" * 10, "a" * 101, "' OR 1=1 --", "%00", "😀" * 30],
)
async def test_unknown_or_garbage_tokens_are_refused(coaching: Coaching, token: str) -> None:
    added = await coaching.add_coach("Sara")
    assert await coaching.sign_in(token) is None
    assert await coaching.sign_in(token_of(added.sign_in_link)[:-1]) is None
    assert await coaching.sign_in(token_of(added.sign_in_link).upper()) is None
    assert await coaching.sign_in(token_of(added.sign_in_link)) == added.coach


async def test_the_hash_of_a_link_is_not_itself_a_link(coaching: Coaching) -> None:
    added = await coaching.add_coach("Sara")
    stored = hashlib.sha256(token_of(added.sign_in_link).encode()).hexdigest()
    assert await coaching.sign_in(stored) is None


async def test_telegram_is_linked_once_and_for_one_account(coaching: Coaching) -> None:
    coach = (await coaching.add_coach("Sara")).coach
    assert coach.telegram_code is not None
    assert await coaching.coach_of_telegram("42") is None
    typed = f" {coach.telegram_code[:5].lower()}-{coach.telegram_code[5:]} "
    linked = await coaching.link_telegram("42", typed)
    assert linked is not None and linked.id == coach.id and linked.telegram_user_id == "42"
    assert linked.telegram_code is None  # used up
    assert await coaching.coach_of_telegram("42") == linked
    assert await coaching.link_telegram("43", coach.telegram_code) is None
    assert await coaching.link_telegram("42", coach.telegram_code) is None
    assert await coaching.coach_of_telegram("43") is None
    assert await coaching.link_telegram("44", "WRONGCODE2") is None


async def test_one_telegram_account_cannot_become_a_second_coach(coaching: Coaching) -> None:
    sara = (await coaching.add_coach("Sara")).coach
    tom = (await coaching.add_coach("Tom")).coach
    assert sara.telegram_code is not None and tom.telegram_code is not None
    assert await coaching.link_telegram("42", sara.telegram_code) is not None
    assert await coaching.link_telegram("42", tom.telegram_code) is None
    coach = await coaching.coach_of_telegram("42")
    assert coach is not None and coach.id == sara.id
    # Tom's code is still his to use.
    tom_linked = await coaching.link_telegram("77", tom.telegram_code)
    assert tom_linked is not None and tom_linked.id == tom.id


async def test_joining_needs_consent(coaching: Coaching, repository: Repository) -> None:
    coach = (await coaching.add_coach("Sara")).coach
    assert await coaching.join("telegram", "7", coach.join_code) is None
    assert await repository.participant("telegram", "7") is None
    await repository.record_consent("telegram", "8", given=False)
    assert await coaching.join("telegram", "8", coach.join_code) is None
    refused = await repository.participant("telegram", "8")
    assert refused is not None and refused.coach_id is None
    await repository.record_consent("telegram", "9", given=True)
    assert await coaching.join("telegram", "9", "ZZZZZZ") is None
    typed = f"{coach.join_code[:3].lower()} {coach.join_code[3:]}"
    assert await coaching.join("telegram", "9", typed) == coach
    joined = await repository.participant("telegram", "9")
    assert joined is not None and joined.coach_id == coach.id
