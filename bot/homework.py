"""Homework: a coach gives a method with a due date; the participant gets one picture and one
sentence, and a reminder the day before, never between 21:00 and 08:00 in Brussels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.conversation_types import Button, ImageSpec, Reply
from flows.engine import FlowEngine
from storage.homework_repository import Homework, MessageKind, OutgoingMessage
from storage.repository import Clock, Participant, Repository, utc_now

BRUSSELS = ZoneInfo("Europe/Brussels")
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
REMINDER_AT = time(10, 0)
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
NEW_HOMEWORK = "📚 Huiswerk van {coach}: de {title}.\nDoe het voor {due}. 👇"
REMINDER = "⏰ Denk je aan je huiswerk?\nDe {title}, voor morgen. 👇"
OPEN_HOMEWORK = "📚 Huiswerk: de {title}, voor {due}."
MENU_SCOPE = "m"
LATER = "⏰ Morgen"
QUIET = "🔕 Geen herinneringen"
LATER_SAID = "Oké, ik vraag het morgen nog eens. ⏰"
QUIET_SAID = "Oké, je krijgt geen herinneringen meer. 🔕"
HomeworkState = Literal["open", "bezig", "klaar", "te laat"]


class HomeworkError(ValueError):
    """Homework that cannot be given, said so that a coach can act on it."""


def dutch_date(day: date) -> str:
    """E.g. 'vrijdag 28 november'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def brussels(moment: str) -> str:
    """An ISO time as a coach in Flanders reads it: '22/11/2026 11:21'."""
    return datetime.fromisoformat(moment).astimezone(BRUSSELS).strftime("%d/%m/%Y %H:%M")


def brussels_day(moment: str) -> str:
    return datetime.fromisoformat(moment).astimezone(BRUSSELS).strftime("%d/%m/%Y")


def allowed_moment(moment: datetime) -> datetime:
    """The moment itself, or the next 08:00 when it falls between 21:00 and 08:00 in
    Brussels."""
    local = moment.astimezone(BRUSSELS)
    if local.time() >= QUIET_FROM:
        morning = datetime.combine(local.date() + timedelta(days=1), QUIET_UNTIL, BRUSSELS)
    elif local.time() < QUIET_UNTIL:
        morning = datetime.combine(local.date(), QUIET_UNTIL, BRUSSELS)
    else:
        return moment
    return morning


@dataclass(frozen=True)
class HomeworkLine:
    """Homework with how far it is, for the portal."""

    homework: Homework
    state: HomeworkState
    messages: tuple[OutgoingMessage, ...]


class HomeworkService:
    def __init__(
        self, repository: Repository, engines: Mapping[str, FlowEngine], clock: Clock = utc_now
    ) -> None:
        self._repository = repository
        self._engines = engines
        self._clock = clock

    def today(self) -> date:
        return self._clock().astimezone(BRUSSELS).date()

    def quiet_now(self) -> bool:
        """Between 21:00 and 08:00 in Brussels, when no message goes out by itself."""
        now = self._clock()
        return allowed_moment(now) != now

    async def assign(
        self, coach_id: int, participant: Participant, flow_id: str, due: date
    ) -> Homework:
        if flow_id not in self._engines:
            raise HomeworkError(f"onbekende methode {flow_id!r}")
        if due < self.today():
            raise HomeworkError("de datum is al voorbij")
        now = self._clock()
        messages: list[tuple[MessageKind, datetime]] = []
        if participant.channel == "telegram":  # the web chat shows homework on its page
            messages.append(("homework", allowed_moment(now)))
            reminder = datetime.combine(due - timedelta(days=1), REMINDER_AT, BRUSSELS)
            if reminder > now:
                messages.append(("homework_reminder", allowed_moment(reminder)))
        return await self._repository.homework.assign(
            participant.id, coach_id, flow_id, due, messages
        )

    async def lines(self, participant: Participant) -> list[HomeworkLine]:
        runs = await self._repository.runs(participant.id)
        lines = []
        for homework in await self._repository.homework.of_participant(participant.id):
            # Runs not finished before the homework was given: also one begun before it.
            since = [
                run
                for run in runs
                if run.flow_id == homework.flow_id
                and (run.finished_at is None or run.finished_at >= homework.created_at)
            ]
            state: HomeworkState = "open"
            if any(run.status == "finished" for run in since):
                state = "klaar"
            elif since:
                state = "bezig"
            elif homework.due_date < self.today():
                state = "te laat"
            messages = tuple(await self._repository.homework.messages(homework.id))
            lines.append(HomeworkLine(homework, state, messages))
        return lines

    async def remind_tomorrow(self, participant: Participant, homework_id: int) -> bool:
        """'Not now': the reminder comes again tomorrow at 10:00 (Brussels)."""
        homework = await self._repository.homework.get(homework_id)
        if homework is None or homework.participant_id != participant.id:
            return False
        tomorrow = self.today() + timedelta(days=1)
        again = allowed_moment(datetime.combine(tomorrow, REMINDER_AT, BRUSSELS))
        await self._repository.homework.add_message(
            participant.id, "homework_reminder", homework.id, again
        )
        return True

    async def stop_reminders(self, participant: Participant) -> None:
        await self._repository.homework.set_reminders_off(participant.id, off=True)

    async def open_homework(self, participant: Participant) -> list[Reply]:
        """A line per homework not done yet, to show above the participant's menu."""
        return [
            Reply(
                OPEN_HOMEWORK.format(
                    title=self._engines[line.homework.flow_id].flow.title,
                    due=dutch_date(line.homework.due_date),
                )
            )
            for line in await self.lines(participant)
            if line.state in {"open", "te laat"} and line.homework.flow_id in self._engines
        ]

    async def message(self, message: OutgoingMessage) -> Reply | None:
        """What an outbox message says: a picture of the method, one sentence, one button."""
        homework = (
            await self._repository.homework.get(message.homework_id)
            if message.homework_id is not None
            else None
        )
        if homework is None or homework.flow_id not in self._engines:
            return None
        flow = self._engines[homework.flow_id].flow
        coach = await self._repository.coaches.by_id(homework.coach_id)
        if message.kind == "homework":
            text = NEW_HOMEWORK.format(
                coach=coach.name if coach else "je coach",
                title=flow.title,
                due=dutch_date(homework.due_date),
            )
        else:
            text = REMINDER.format(title=flow.title)
        button: tuple[tuple[Button, ...], ...] = ((Button(flow.id, f"{flow.emoji} {flow.title}"),),)
        if message.kind == "homework_reminder":
            button += ((Button(f"later:{homework.id}", LATER), Button("quiet", QUIET)),)
        image = (
            ImageSpec("collage", flow.cover, title=f"Huiswerk: {flow.title}")
            if flow.cover
            else None
        )
        return Reply(text, button, image, scope=MENU_SCOPE)
