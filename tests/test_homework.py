"""Homework: when its messages go out (never at night in Brussels), what they say, how the
web chat shows it, and how far a participant is with it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.conversation import MENU_QUESTION, Incoming, Start
from bot.homework import BRUSSELS, HomeworkError, allowed_moment, dutch_date
from bot.services import Services
from bot.settings import Settings
from flows.conversation_types import Button, Reply, Tap
from storage.coach_repository import Coach
from storage.repository import Participant
from tests.conftest import FakeClock
from tests.transcript import Transcript

DROOM = "🌈 Droompagina"


def local(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A moment on the clock in Brussels."""
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await Services.open(Settings(data_dir=tmp_path / "data"), clock)
    yield opened
    await opened.close()


@pytest.fixture
async def sara(services: Services) -> Coach:
    return (await services.coaching.add_coach("Sara Peeters")).coach


class WebTalk(Transcript):
    """A participant in the web chat, talking to the same conversation."""

    async def send(self, incoming: Incoming, shown: str) -> list[Reply]:
        replies = await self.conversation.handle("web", self.user, incoming)
        self.replies.extend(replies)
        return replies


async def joined(services: Services, coach: Coach, talk: Transcript) -> Participant:
    """Consent through the coach's link, as a participant does it."""
    (_, consent) = await talk.send(Start(join_code=coach.join_code), "/start code")
    await talk.tap("✅", consent)
    channel = "web" if isinstance(talk, WebTalk) else "telegram"
    participant = await services.repository.participant(channel, talk.user)
    assert participant is not None and participant.coach_id == coach.id
    return participant


async def finish_droompagina(talk: Transcript) -> None:
    await talk.tap(DROOM)
    for button in ("1️⃣", "🏁 Klaar", "⏭️ Overslaan", "🤷", "1️⃣", "⏭️ Overslaan"):
        await talk.tap(button)


# ----- allowed_moment and dutch_date -------------------------------------------------------

WINTER, SUMMER = (2026, 1, 14), (2026, 7, 15)
SPRING_NIGHT, AUTUMN_NIGHT = (2026, 3, 28), (2026, 10, 24)  # clocks change the next night


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(*WINTER, 20, 59), "2026-01-14T19:59:00+00:00"),
        (local(*WINTER, 21, 0), "2026-01-15T07:00:00+00:00"),
        (local(*WINTER, 23, 30), "2026-01-15T07:00:00+00:00"),
        (local(*WINTER, 3, 0), "2026-01-14T07:00:00+00:00"),
        (local(*WINTER, 7, 59), "2026-01-14T07:00:00+00:00"),
        (local(*WINTER, 8, 0), "2026-01-14T07:00:00+00:00"),
        (local(*SUMMER, 20, 59), "2026-07-15T18:59:00+00:00"),
        (local(*SUMMER, 21, 0), "2026-07-16T06:00:00+00:00"),
        (local(*SUMMER, 23, 30), "2026-07-16T06:00:00+00:00"),
        (local(*SUMMER, 3, 0), "2026-07-15T06:00:00+00:00"),
        (local(*SUMMER, 7, 59), "2026-07-15T06:00:00+00:00"),
        (local(*SUMMER, 8, 0), "2026-07-15T06:00:00+00:00"),
        # Winter time in the evening, summer time by the morning (and back in October).
        (local(*SPRING_NIGHT, 20, 59), "2026-03-28T19:59:00+00:00"),
        (local(*SPRING_NIGHT, 23, 30), "2026-03-29T06:00:00+00:00"),
        (local(2026, 3, 29, 3, 0), "2026-03-29T06:00:00+00:00"),
        (local(2026, 3, 29, 8, 0), "2026-03-29T06:00:00+00:00"),
        (local(*AUTUMN_NIGHT, 21, 0), "2026-10-25T07:00:00+00:00"),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-25T07:00:00+00:00"),  # 02:30 CET
        (local(2026, 10, 25, 7, 59), "2026-10-25T07:00:00+00:00"),
        (local(2026, 10, 25, 8, 0), "2026-10-25T07:00:00+00:00"),
    ],
)
def test_messages_wait_from_21_until_08_brussels(moment: datetime, expected: str) -> None:
    assert utc(allowed_moment(moment)) == expected
    assert utc(allowed_moment(moment.astimezone(UTC))) == expected


def test_dutch_date() -> None:
    assert dutch_date(date(2026, 11, 27)) == "vrijdag 27 november"
    assert dutch_date(date(2026, 3, 1)) == "zondag 1 maart"
    assert dutch_date(date(2026, 1, 5)) == "maandag 5 januari"


# ----- assigning ---------------------------------------------------------------------------


async def outbox(services: Services, participant: Participant) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for homework in await services.repository.homework.of_participant(participant.id):
        for message in await services.repository.homework.messages(homework.id):
            rows.append((message.kind, message.send_after))
    return rows


@pytest.mark.parametrize(
    ("given", "due", "reminder"),
    [
        (local(2026, 3, 2, 10, 0), date(2026, 3, 6), "2026-03-05T09:00:00+00:00"),
        (local(2026, 7, 13, 10, 0), date(2026, 7, 17), "2026-07-16T08:00:00+00:00"),
    ],
)
async def test_telegram_gets_a_message_now_and_a_reminder_the_day_before_at_10(
    services: Services, sara: Coach, clock: FakeClock, given: datetime, due: date, reminder: str
) -> None:
    mia = await joined(services, sara, Transcript(services.conversation, "4242"))
    clock.now = given
    await services.homework.assign(sara.id, mia, "droompagina", due)
    (kind, first), second = await outbox(services, mia)
    assert kind == "homework"
    assert timedelta(0) <= datetime.fromisoformat(first) - given < timedelta(seconds=10)
    assert second == ("homework_reminder", reminder)


async def test_homework_given_at_night_waits_until_8(
    services: Services, sara: Coach, clock: FakeClock
) -> None:
    mia = await joined(services, sara, Transcript(services.conversation, "4242"))
    clock.now = local(2026, 1, 14, 22, 30)
    await services.homework.assign(sara.id, mia, "droompagina", date(2026, 1, 20))
    assert await outbox(services, mia) == [
        ("homework", "2026-01-15T07:00:00+00:00"),
        ("homework_reminder", "2026-01-19T09:00:00+00:00"),
    ]


@pytest.mark.parametrize("due", [date(2026, 3, 3), date(2026, 3, 2)])
async def test_no_reminder_when_the_day_before_10_is_past(
    services: Services, sara: Coach, clock: FakeClock, due: date
) -> None:
    mia = await joined(services, sara, Transcript(services.conversation, "4242"))
    clock.now = local(2026, 3, 2, 11, 0)
    await services.homework.assign(sara.id, mia, "droompagina", due)
    assert [kind for kind, _ in await outbox(services, mia)] == ["homework"]


async def test_a_past_date_or_an_unknown_method_is_refused(
    services: Services, sara: Coach, clock: FakeClock
) -> None:
    mia = await joined(services, sara, Transcript(services.conversation, "4242"))
    clock.now = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # already 15 January in Brussels
    with pytest.raises(HomeworkError, match="voorbij"):
        await services.homework.assign(sara.id, mia, "droompagina", date(2026, 1, 14))
    with pytest.raises(HomeworkError, match="onbekende methode"):
        await services.homework.assign(sara.id, mia, "zwemmen", date(2026, 1, 20))
    assert await services.repository.homework.of_participant(mia.id) == []
    await services.homework.assign(sara.id, mia, "droompagina", date(2026, 1, 15))
    assert len(await services.repository.homework.of_participant(mia.id)) == 1


async def test_the_web_chat_shows_homework_above_the_menu_until_it_is_done(
    services: Services, sara: Coach, clock: FakeClock
) -> None:
    talk = WebTalk(services.conversation, "WEBCODE234")
    mia = await joined(services, sara, talk)
    homework = await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    assert await services.repository.homework.messages(homework.id) == []
    line = "📚 Huiswerk: de Droompagina, voor vrijdag 6 maart."
    assert [r.text for r in await services.conversation.current("web", talk.user)] == [
        line,
        MENU_QUESTION,
    ]
    assert [r.text for r in await talk.send(Start(), "/start")][1:] == [line, MENU_QUESTION]
    await finish_droompagina(talk)
    shown = [r.text for r in await services.conversation.current("web", talk.user)]
    assert line not in shown and shown[-1] == MENU_QUESTION
    assert line not in [r.text for r in await talk.send(Start(), "/start")]


# ----- how far she is ----------------------------------------------------------------------


async def states(services: Services, participant: Participant) -> list[str]:
    return [line.state for line in await services.homework.lines(participant)]


async def test_states_open_bezig_klaar(services: Services, sara: Coach) -> None:
    talk = Transcript(services.conversation, "4242")
    mia = await joined(services, sara, talk)
    await finish_droompagina(talk)  # before the homework: does not count
    await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    assert await states(services, mia) == ["open"]
    await talk.tap(DROOM)
    await talk.tap("1️⃣")
    assert await states(services, mia) == ["bezig"]
    for button in ("🏁 Klaar", "⏭️ Overslaan", "🤷", "1️⃣", "⏭️ Overslaan"):
        await talk.tap(button)
    assert await states(services, mia) == ["klaar"]


async def test_a_run_begun_before_and_finished_after_the_homework_counts(
    services: Services, sara: Coach
) -> None:
    talk = Transcript(services.conversation, "4242")
    mia = await joined(services, sara, talk)
    await talk.tap(DROOM)
    await talk.tap("1️⃣")
    await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    assert await states(services, mia) == ["bezig"]
    for button in ("🏁 Klaar", "⏭️ Overslaan", "🤷", "1️⃣", "⏭️ Overslaan"):
        await talk.tap(button)
    assert await states(services, mia) == ["klaar"]
    assert "Huiswerk" not in " ".join(r.text for r in await talk.start())


async def test_te_laat_when_the_due_date_passed_and_nothing_was_done(
    services: Services, sara: Coach, clock: FakeClock
) -> None:
    mia = await joined(services, sara, Transcript(services.conversation, "4242"))
    await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    clock.now = local(2026, 3, 6, 23, 59)
    assert await states(services, mia) == ["open"]
    clock.now = local(2026, 3, 7, 0, 1)
    assert await states(services, mia) == ["te laat"]


# ----- what the messages say ---------------------------------------------------------------


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


async def test_messages_are_short_with_the_cover_and_a_button_that_opens_the_flow(
    services: Services, sara: Coach, clock: FakeClock
) -> None:
    talk = Transcript(services.conversation, "4242")
    mia = await joined(services, sara, talk)
    homework = await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    first, reminder = await services.repository.homework.messages(homework.id)
    new, later = await services.homework.message(first), await services.homework.message(reminder)
    assert new is not None and later is not None
    assert "Sara Peeters" in new.text and "vrijdag 6 maart" in new.text
    assert "morgen" in later.text and "Droompagina" in later.text
    cover = services.engines["droompagina"].flow.cover
    for reply in (new, later):
        assert all(len(sentence.split()) <= 10 for sentence in sentences(reply.text)), reply.text
        assert reply.image is not None and reply.image.hook == "collage"
        assert reply.image.pictures == tuple(cover)
        assert reply.scope == "m" and reply.buttons[0] == (Button("droompagina", DROOM),)
    assert new.buttons[1:] == ()
    assert later.buttons[1:] == (
        (Button(f"later:{homework.id}", "⏰ Morgen"), Button("quiet", "🔕 Geen herinneringen")),
    ), "a reminder can be put off or switched off"
    opened = await talk.send(Tap(new.scope, "droompagina"), "tap the homework button")
    run = await services.repository.open_run(mia.id)
    assert run is not None and run.flow_id == "droompagina" and opened


async def test_not_now_brings_the_reminder_back_tomorrow_at_ten(
    services: Services, sara: Coach, clock: FakeClock
) -> None:
    talk = Transcript(services.conversation, "4242")
    mia = await joined(services, sara, talk)
    homework = await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    clock.now = datetime(2026, 3, 5, 10, 0, tzinfo=BRUSSELS)
    said = await talk.send(Tap("m", f"later:{homework.id}"), "tap ⏰ Morgen")
    assert said[0].text == "Oké, ik vraag het morgen nog eens. ⏰"
    assert said[-1].actions() >= {"droompagina"}, "back at the menu"
    *_, again = await services.repository.homework.messages(homework.id)
    assert again.kind == "homework_reminder"
    assert datetime.fromisoformat(again.send_after) == datetime(2026, 3, 6, 10, 0, tzinfo=BRUSSELS)


async def test_a_later_button_for_someone_elses_homework_changes_nothing(
    services: Services, sara: Coach
) -> None:
    talk = Transcript(services.conversation, "4242")
    mia = await joined(services, sara, talk)
    homework = await services.homework.assign(sara.id, mia, "droompagina", date(2026, 3, 6))
    before = await services.repository.homework.messages(homework.id)
    other = Transcript(services.conversation, "5353")
    await joined(services, sara, other)
    said = await other.send(Tap("m", f"later:{homework.id}"), "forged ⏰ Morgen")
    assert said[0].text.startswith("Die knop is oud")
    assert await services.repository.homework.messages(homework.id) == before


async def test_no_more_reminders_is_kept(services: Services, sara: Coach) -> None:
    talk = Transcript(services.conversation, "4242")
    await joined(services, sara, talk)
    said = await talk.send(Tap("m", "quiet"), "tap 🔕")
    assert said[0].text == "Oké, je krijgt geen herinneringen meer. 🔕"
    mia = await services.repository.participant("telegram", "4242")
    assert mia is not None and mia.reminders_off_at is not None
