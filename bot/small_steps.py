"""Small steps (Stebo's mini-POP) and their check-ins.

After a mini-POP the bot plans a check-in on the day she chose, at a decent hour. The
check-in ("did it work?") comes as a message with three buttons; her tap starts the check-in
flow with that answer. A success ends in a success card, kept among "my successes"; a bit or
not yet asks what got in the way, then she tries again (a new check-in tomorrow) or chooses
a smaller step (a new mini-POP that starts at the step, her question kept). Each check-in
knows the mini-POP it is about, so the coach sees them as a chain.

The flows say what is asked (flows/mini_pop.yaml, flows/mini_pop_check.yaml); this module
does what happens around them: planning, the check-in message, and what follows.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.homework import BRUSSELS, MONTHS, allowed_moment, dutch_date
from flows.answers import AnswerKey, Answers, OptionAnswer, TextAnswer
from flows.conversation_types import Button, ImagePart, Reply
from flows.engine import FlowEngine
from storage.outbox_repository import MessageKind
from storage.records import stored_time
from storage.repository import Clock, Participant, Repository, StoredRun, utc_now

STEP_FLOW, CHECK_FLOW = "mini_pop", "mini_pop_check"
CHECK_KIND: MessageKind = "mini_pop_check"
"""The outbox kind of a check-in message (its run_id names the mini-POP)."""
CHECK_AT = time(17, 0)
"""When a check-in is asked: after a working day, well before the quiet hours."""
LATER_THIS_WEEK = 3
"""'Later this week': the check-in comes after this many days (at most on Sunday)."""
CHECK_SCOPE = "m"
CHECK_ACTION = re.compile(r"^check:(?P<run>[0-9]{1,12}):(?P<option>ja|beetje|niet|later)$")
ANSWERS = (("ja", "😀 Ja"), ("beetje", "🙂 Een beetje"), ("niet", "😕 Nog niet"))
NOT_NOW = ("later", "⏰ Morgen")
"""Not now: the check-in comes again tomorrow."""
LATER_SAID = "Oké, ik vraag het je {day}. ⏰"

PLANNED = "Ik vraag het je {day}. ⏰\nVeel succes! 💪"
CHECK_QUESTION = "👣 Je kleine stap:\n“{step}”\nIs het gelukt?"
AGAIN = "Oké! Ik vraag het je {day} nog eens. 💪"
SMALLER = "Goed idee. Kies een kleinere stap. 🐾"
NEXT_STEP = "Wil je nog een kleine stap zetten? Tik op 👣 Kleine stap."
FINISH_FIRST = "Maak eerst dit even af. Daarna kan je op je knop tikken. 👇"
ALREADY_ANSWERED = "Dat heb je al verteld. Dank je! 👍"


@dataclass(frozen=True)
class AfterRun:
    """What follows a finished run: a few words, and maybe a next run to start at once
    (a flow id and the answers it starts with)."""

    replies: tuple[Reply, ...] = ()
    start: tuple[str, Answers] | None = None


AfterHook = Callable[[Participant, StoredRun, Answers], Awaitable[AfterRun]]
AFTER_HOOKS = frozenset({"plan_check", "check_done"})
"""The names a flow file may give as `after:`; checked when the bot starts."""


@dataclass(frozen=True)
class SmallStep:
    """What a finished mini-POP says: her question, her step and when she will do it."""

    question: str
    step: str
    when: str


def long_date(day: date) -> str:
    """E.g. '22 november 2026' (on a success card)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


class SmallSteps:
    def __init__(
        self,
        repository: Repository,
        engines: Mapping[str, FlowEngine],
        clock: Clock = utc_now,
    ) -> None:
        self._repository = repository
        self._engines = engines
        self._clock = clock

    # ----- after-hooks (named in the flow files) -----------------------------------------

    async def plan_check(
        self, participant: Participant, run: StoredRun, answers: Answers
    ) -> AfterRun:
        """After a mini-POP: the check-in on the day she chose."""
        step = self.small_step(answers)
        due = self.check_moment(step.when)
        await self._repository.outbox.schedule(participant.id, CHECK_KIND, due, run_id=run.id)
        return AfterRun((Reply(PLANNED.format(day=self._day_words(due))),))

    async def check_done(
        self, participant: Participant, run: StoredRun, answers: Answers
    ) -> AfterRun:
        """After a check-in: try again, a smaller step, or (after a success) the next one."""
        about = _text(answers, "about_run")
        planned = await self._step_run(participant, int(about)) if about.isdigit() else None
        follow = answers.get(AnswerKey(step="next"))
        if planned is not None and follow == OptionAnswer(option="opnieuw"):
            tomorrow = self.check_moment("morgen")
            await self._repository.outbox.schedule(
                participant.id, CHECK_KIND, tomorrow, run_id=planned.id
            )
            return AfterRun((Reply(AGAIN.format(day=self._day_words(tomorrow))),))
        if planned is not None and follow == OptionAnswer(option="kleiner"):
            earlier = await self._repository.answers(planned.id)
            kept = {key: earlier[key] for key in _question_keys(earlier)}
            return AfterRun((Reply(SMALLER),), start=(STEP_FLOW, kept))
        return AfterRun((Reply(NEXT_STEP),))

    # ----- the check-in message and her answer to it ---------------------------------------

    async def check_message(self, participant: Participant, run_id: int) -> Reply | None:
        """The check-in for this mini-POP, or None when there is nothing to ask about."""
        planned = await self._step_run(participant, run_id)
        if planned is None or await self._answered(participant, planned):
            return None
        step = self.small_step(await self._repository.answers(planned.id))
        buttons = tuple(Button(f"check:{run_id}:{option}", text) for option, text in ANSWERS)
        later = Button(f"check:{run_id}:{NOT_NOW[0]}", NOT_NOW[1])
        return Reply(CHECK_QUESTION.format(step=step.step), (buttons, (later,)), scope=CHECK_SCOPE)

    def after_hooks(self) -> dict[str, AfterHook]:
        """The after-hooks flow files may name (`after:`), by name (see AFTER_HOOKS)."""
        hooks: dict[str, AfterHook] = {"plan_check": self.plan_check, "check_done": self.check_done}
        assert hooks.keys() == AFTER_HOOKS
        return hooks

    async def open(self, participant: Participant) -> list[Reply]:
        """The check-ins due now and not answered yet (the web chat shows them above its
        menu; on Telegram they come as messages)."""
        now = stored_time(self._clock())
        due = {
            message.run_id
            for message in await self._repository.outbox.of_participant(participant.id)
            if message.kind == CHECK_KIND and message.run_id and message.send_after <= now
        }
        asked = [await self.check_message(participant, run_id) for run_id in sorted(due)]
        return [reply for reply in asked if reply is not None]

    def is_answer(self, action: str) -> bool:
        return CHECK_ACTION.fullmatch(action) is not None

    async def take(
        self, participant: Participant, action: str
    ) -> tuple[str, Answers] | list[Reply]:
        """Her tap on a check-in button: the check-in flow to start with her answer, or a
        hint when the button is forged, about another participant's step, or answered."""
        found = CHECK_ACTION.fullmatch(action)
        planned = await self._step_run(participant, int(found["run"])) if found else None
        if found is None or planned is None:
            return []
        if await self._answered(participant, planned):
            return [Reply(ALREADY_ANSWERED)]
        if found["option"] == NOT_NOW[0]:
            tomorrow = self.check_moment("morgen")
            await self._repository.outbox.schedule(
                participant.id, CHECK_KIND, tomorrow, run_id=planned.id
            )
            return [Reply(LATER_SAID.format(day=self._day_words(tomorrow)))]
        step = self.small_step(await self._repository.answers(planned.id))
        today = self._clock().astimezone(BRUSSELS).date()
        given: Answers = {
            AnswerKey(step="about_run"): TextAnswer(text=str(planned.id)),
            AnswerKey(step="step"): TextAnswer(text=step.step),
            AnswerKey(step="day"): TextAnswer(text=long_date(today)),
            AnswerKey(step="worked"): OptionAnswer(option=found["option"]),
        }
        return CHECK_FLOW, given

    # ----- reading a mini-POP ----------------------------------------------------------------

    def small_step(self, answers: Answers) -> SmallStep:
        """Her question, step and 'when' from a mini-POP's answers (as on her card)."""
        image = self._engines[STEP_FLOW].result(answers).image
        parts: dict[str, ImagePart] = {part.place: part for part in image.parts} if image else {}

        def said(place: str) -> str:
            part = parts.get(place)
            return part.words[-1] if part is not None and part.words else ""

        when = parts.get("when")
        return SmallStep(said("question"), said("step"), when.values[0] if when else "")

    def check_moment(self, when: str) -> datetime:
        """When to ask "did it work?" for a step planned `when` (vandaag, morgen, deze_week):
        that day at 17:00 in Brussels; today, when that hour has passed, tomorrow."""
        now = self._clock()
        today = now.astimezone(BRUSSELS).date()
        days = {"vandaag": 0, "morgen": 1}.get(when, min(LATER_THIS_WEEK, 6 - today.weekday()))
        moment = datetime.combine(today + timedelta(days=max(days, 0)), CHECK_AT, BRUSSELS)
        if moment <= now:
            moment = datetime.combine(today + timedelta(days=1), CHECK_AT, BRUSSELS)
        return allowed_moment(moment)

    async def _answered(self, participant: Participant, planned: StoredRun) -> bool:
        """Whether her latest check-in of this mini-POP is done (not "try again")."""
        checks = []
        for run in await self._repository.runs(participant.id):
            if run.flow_id == CHECK_FLOW and run.status == "finished":
                checked = await self._repository.answers(run.id)
                if _text(checked, "about_run") == str(planned.id):
                    checks.append(checked)
        again = OptionAnswer(option="opnieuw")
        return bool(checks) and checks[-1].get(AnswerKey(step="next")) != again

    async def _step_run(self, participant: Participant, run_id: int) -> StoredRun | None:
        """Her finished mini-POP with this id (never another participant's)."""
        for run in await self._repository.runs(participant.id):
            if run.id == run_id and run.flow_id == STEP_FLOW and run.status == "finished":
                return run
        return None

    def _day_words(self, moment: datetime) -> str:
        day = moment.astimezone(BRUSSELS).date()
        today = self._clock().astimezone(BRUSSELS).date()
        if day == today:
            return "vandaag om 17 uur"
        if day == today + timedelta(days=1):
            return "morgen om 17 uur"
        return f"op {dutch_date(day)}"


def _text(answers: Answers, step: str) -> str:
    answer = answers.get(AnswerKey(step=step))
    return answer.text if isinstance(answer, TextAnswer) else ""


KEPT_FOR_A_SMALLER_STEP = (
    "theme",
    "question_way",
    "question_attitude",
    "question_learn",
    "question_me",
    "own_question",
)
"""The steps of flows/mini_pop.yaml up to her question: kept when she picks a smaller step."""


def _question_keys(answers: Answers) -> list[AnswerKey]:
    return [key for key in answers if key.step in KEPT_FOR_A_SMALLER_STEP]
