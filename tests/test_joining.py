"""Joining a coach: an unknown code is passed over, a first coach is joined at once, moving
to another coach is asked first and only a yes moves her."""

from __future__ import annotations

from bot.joining import JOINED, SWITCH_KEPT, answer_to_switch, asks_to_switch, join
from storage.repository import Repository


async def test_joining_and_moving_to_another_coach(repository: Repository) -> None:
    sara = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    tom = await repository.coaches.add("Tom", "TOMM45", "TOMMTELEG2")
    mia = await repository.record_consent("telegram", "1", True)
    assert await join(repository, mia, "zz9zzz") == [], "nobody has that code"
    (joined,) = await join(repository, mia, "sara 23")
    assert joined.text == JOINED.format(name="Sara")
    mia = await repository.participant("telegram", "1") or mia
    asked = await join(repository, mia, "TOMM45")
    assert asks_to_switch(asked) and mia.coach_id == sara.id
    (kept,) = await answer_to_switch(repository, mia, "no")
    assert kept.text == SWITCH_KEPT
    still = await repository.participant("telegram", "1")
    assert still is not None and still.coach_id == sara.id
    yes = next(b.action for row in asked[0].buttons for b in row if b.action.startswith("yes"))
    (moved,) = await answer_to_switch(repository, mia, yes)
    assert moved.text == JOINED.format(name="Tom")
    now = await repository.participant("telegram", "1")
    assert now is not None and now.coach_id == tom.id
