"""Aftercare (Stuyven): three months after the last contact the bot asks how things are going.

Once a day is enough to look: a participant who agreed, has a coach, did not have aftercare
switched off by that coach, and was last seen three months ago gets one aftercare question
(in the outbox, never between 21:00 and 08:00; on the web chat it waits above the menu). Her
tap on it starts the aftercare flow with that first answer (flows/aftercare.yaml); when she
is done, her coach is told. A new contact starts the three months again.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, time, timedelta

from bot.homework import BRUSSELS, allowed_moment
from bot.small_steps import AfterRun
from flows.answers import AnswerKey, Answers, OptionAnswer
from flows.conversation_types import Button, Reply
from flows.engine import FlowEngine
from storage.outbox_repository import MessageKind
from storage.records import stored_time
from storage.repository import Clock, Participant, Repository, StoredRun, utc_now

AFTERCARE_FLOW = "aftercare"
AFTERCARE_KIND: MessageKind = "aftercare"
AFTER_LAST_CONTACT = timedelta(days=91)
"""About three months."""
ASK_AT = time(10, 0)
SCOPE = "m"
ANSWER = re.compile(r"^nazorg:(?P<message>[0-9]{1,12}):(?P<how>goed|gaat_wel|niet_goed)$")
HOW = (("goed", "😀 Goed"), ("gaat_wel", "🙂 Gaat wel"), ("niet_goed", "😕 Niet zo goed"))
QUESTION = "👋 Hallo! Het is al even geleden.\nHoe gaat het met je?"
ALREADY_ANSWERED = "Dat heb je al verteld. Dank je! 👍"
TOLD_COACH = "Je coach weet het nu. 🤝"

AFTERCARE_HOOKS = frozenset({"aftercare_done"})
"""The after-hook names of aftercare a flow file may give (see `after_hooks`)."""
CoachNote = Callable[[Participant, str], Awaitable[bool]]
"""Tells her coach something about her (a Telegram message); False when it could not."""


class Aftercare:
    def __init__(
        self,
        repository: Repository,
        engines: Mapping[str, FlowEngine],
        clock: Clock = utc_now,
        tell_coach: CoachNote | None = None,
    ) -> None:
        self._repository = repository
        self._engines = engines
        self._clock = clock
        self._tell_coach = tell_coach

    async def plan_due(self) -> int:
        """Plan the aftercare question for everyone whose last contact is three months ago;
        returns how many were planned."""
        now = self._clock()
        due = await self._repository.aftercare.due(now - AFTER_LAST_CONTACT)
        local = now.astimezone(BRUSSELS)
        moment = datetime.combine(local.date(), ASK_AT, BRUSSELS)
        at = allowed_moment(max(now, moment))
        for participant_id in due:
            await self._repository.outbox.schedule(participant_id, AFTERCARE_KIND, at)
        return len(due)

    async def message(self, participant: Participant, message_id: int) -> Reply | None:
        """The aftercare question, or None when she already answered it."""
        if await self._answered_since(participant, message_id):
            return None
        buttons = tuple(Button(f"nazorg:{message_id}:{how}", text) for how, text in HOW)
        return Reply(QUESTION, (buttons,), scope=SCOPE)

    async def open(self, participant: Participant) -> list[Reply]:
        """The aftercare question when it is due and not answered (for the web chat)."""
        now = stored_time(self._clock())
        due = [
            message.id
            for message in await self._repository.outbox.of_participant(participant.id)
            if message.kind == AFTERCARE_KIND and message.send_after <= now
        ]
        asked = await self.message(participant, due[-1]) if due else None
        return [asked] if asked is not None else []

    def is_answer(self, action: str) -> bool:
        return ANSWER.fullmatch(action) is not None

    async def take(
        self, participant: Participant, action: str
    ) -> tuple[str, Answers] | list[Reply]:
        """Her tap on the question: the aftercare flow to start with her answer, or a hint
        (nothing when the button is forged or not hers)."""
        found = ANSWER.fullmatch(action)
        if found is None or not await self._asked(participant, int(found["message"])):
            return []
        if await self._answered_since(participant, int(found["message"])):
            return [Reply(ALREADY_ANSWERED)]
        return AFTERCARE_FLOW, {AnswerKey(step="how"): OptionAnswer(option=found["how"])}

    def after_hooks(
        self,
    ) -> dict[str, Callable[[Participant, StoredRun, Answers], Awaitable[AfterRun]]]:
        return {"aftercare_done": self.done}

    async def done(self, participant: Participant, run: StoredRun, answers: Answers) -> AfterRun:
        """Her answers go to her coach."""
        engine = self._engines[AFTERCARE_FLOW]
        said = []
        for key in engine.answer_order(answers):
            answer = answers.get(key)
            if isinstance(answer, OptionAnswer):
                said.append(engine.option_text(key.step, answer.option))
        note = "👋 Nazorg: " + " · ".join(said)
        told = self._tell_coach is not None and await self._tell_coach(participant, note)
        return AfterRun((Reply(TOLD_COACH),) if told else ())

    async def _asked(self, participant: Participant, message_id: int) -> bool:
        return any(
            message.id == message_id and message.kind == AFTERCARE_KIND
            for message in await self._repository.outbox.of_participant(participant.id)
        )

    async def _answered_since(self, participant: Participant, message_id: int) -> bool:
        """Whether she finished an aftercare run after this question was asked."""
        asked = [
            message.send_after
            for message in await self._repository.outbox.of_participant(participant.id)
            if message.id == message_id
        ]
        return bool(asked) and any(
            run.flow_id == AFTERCARE_FLOW
            and run.status == "finished"
            and run.started_at >= asked[0]
            for run in await self._repository.runs(participant.id)
        )
