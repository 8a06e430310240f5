"""Storage of the check-ins on a plan's actions: planning them in place of those not due yet,
one answer per check-in, and the alert of a 🆘 claimed once, tried again only when told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.check_in_repository import CHECK_IN_KIND, CoachToTell
from storage.outbox_repository import OutgoingMessage
from storage.records import stored_time
from storage.repository import Repository
from tests.conftest import FakeClock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def a_plan(repository: Repository, user: str = "7") -> tuple[int, int, int]:
    """A participant, her coach and a plan: their ids."""
    participant = await repository.record_consent("telegram", user, given=True)
    coach = await repository.coaches.by_name("Sara") or await repository.coaches.add(
        "Sara", "JOINCODE22", "COACHCODE2"
    )
    stored = await repository.plans.save(participant.id, coach.id, '{"actions": []}')
    return participant.id, coach.id, stored.id


async def check_ins(repository: Repository, participant_id: int) -> list[OutgoingMessage]:
    messages = await repository.outbox.of_participant(participant_id)
    return [message for message in messages if message.kind == CHECK_IN_KIND]


async def test_planning_again_replaces_only_what_is_not_due_yet(
    repository: Repository, clock: FakeClock
) -> None:
    participant, _, plan = await a_plan(repository)
    soon, later = NOW + timedelta(hours=1), NOW + timedelta(days=3)
    await repository.check_ins.replace_pending(participant, plan, [(0, soon), (0, later)])
    first, _ = await check_ins(repository, participant)
    clock.now = soon + timedelta(minutes=1)  # the first is due now
    await repository.check_ins.replace_pending(participant, plan, [(0, later + timedelta(days=1))])
    kept = await check_ins(repository, participant)
    assert [m.send_after for m in kept] == [stored_time(soon), stored_time(later + timedelta(1))]
    assert kept[0] == first, "the one due stays as it was"


async def test_an_answer_is_kept_once_per_check_in(repository: Repository) -> None:
    participant, _, plan = await a_plan(repository)
    await repository.check_ins.replace_pending(participant, plan, [(1, NOW + timedelta(1))])
    (message,) = await check_ins(repository, participant)
    kept = await repository.check_ins.record(message, "een_beetje")
    assert kept is not None and (kept.action_index, kept.answer) == (1, "een_beetje")
    assert await repository.check_ins.record(message, "gelukt") is None, "answered before"
    assert [c.answer for c in await repository.check_ins.of_plan(plan)] == ["een_beetje"]
    assert await repository.check_ins.answered(participant) == {message.id}
    with pytest.raises(ValueError):
        await repository.check_ins.record(message, "gelukt", CoachToTell(1, "/x"))


async def test_an_alert_is_claimed_once_and_tried_again_only_when_told(
    repository: Repository, clock: FakeClock
) -> None:
    participant, coach, plan = await a_plan(repository)
    await repository.check_ins.replace_pending(participant, plan, [(0, NOW + timedelta(1))])
    (message,) = await check_ins(repository, participant)
    alerts = repository.check_ins
    assert not alerts.alert_waiting.is_set()
    help_asked = await alerts.record(message, "hulp", CoachToTell(coach, "https://x/plan"))
    assert help_asked is not None and help_asked.alert_state == "waiting"
    assert alerts.alert_waiting.is_set(), "a sender may send it at once"

    (claimed,) = await alerts.claim_alerts()
    assert claimed.id == help_asked.id and await alerts.claim_alerts() == []
    await alerts.alert_retry_later(claimed.id, clock.now + timedelta(minutes=1), "rate_limited")
    assert await alerts.claim_alerts() == [], "not before its next try"
    clock.now += timedelta(minutes=2)
    (again,) = await alerts.claim_alerts()
    assert again.alert_attempts == 1 and again.alert_failure == "rate_limited"
    await alerts.alert_sent(again.id)
    (done,) = await alerts.of_plan(plan)
    assert done.alert_state == "sent" and await alerts.claim_alerts() == []


async def test_a_claim_left_by_a_crash_is_never_sent_again(
    repository: Repository, clock: FakeClock
) -> None:
    participant, coach, plan = await a_plan(repository)
    await repository.check_ins.replace_pending(participant, plan, [(0, NOW + timedelta(1))])
    (message,) = await check_ins(repository, participant)
    await repository.check_ins.record(message, "hulp", CoachToTell(coach, "https://x/plan"))
    assert await repository.check_ins.claim_alerts() != []  # … and the process dies
    clock.now += timedelta(minutes=20)
    assert await repository.check_ins.mark_abandoned_alerts(timedelta(minutes=15)) == 1
    (left,) = await repository.check_ins.of_plan(plan)
    assert left.alert_state == "unknown" and await repository.check_ins.claim_alerts() == []
