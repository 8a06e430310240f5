"""Check-ins on the actions of her plan (handbook 4.3: follow up every action).

When her coach sends the plan, every action with a date gets two check-ins: halfway between
that day and its date, and on its date, each at 17:00 in Brussels (a halfway day that is
today is skipped, and so is a moment that has passed). Sending the plan again replaces the
check-ins not due yet, so none comes twice. An action without a date gets none.

A check-in is one message (her action's picture, its words, "Hoe gaat het?") with four
buttons: 😀 Goed, 🙂 Een beetje, 😕 Nog niet, 🆘 Ik heb hulp nodig. On Telegram the outbox
sends it; the web chat shows a due one above its menu. Her tap is kept (several answers per
action over time) and answered in one sentence. A 🆘 also tells her coach at once in Telegram
when the coach linked Telegram; the portal shows every 🆘 highlighted anyway.

A button is only believed when it is about a check-in of hers that is due, not answered yet,
about her current plan and an action it still has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.action_plan import Action, ActionPlan
from bot.homework import BRUSSELS, allowed_moment, brussels
from bot.small_steps import ALREADY_ANSWERED
from flows.conversation_types import Button, ImageSpec, Reply
from storage.check_in_repository import (
    CHECK_IN_KIND,
    CheckInAnswer,
    CoachToTell,
    StoredCheckIn,
)
from storage.outbox_repository import OutgoingMessage
from storage.plan_repository import StoredPlan
from storage.records import stored_time
from storage.repository import Clock, Participant, Repository, utc_now

CHECK_AT = time(17, 0)
"""When a check-in is asked: after a working day, well before the quiet hours."""
SCOPE = "m"
"""Her buttons belong to the menu: a tap is routed before any run (bot.conversation)."""
BUTTON_ACTION = re.compile(
    r"^actie:(?P<message>[1-9][0-9]{0,11}):(?P<answer>gelukt|een_beetje|nog_niet|hulp)$"
)
ANSWERS: tuple[tuple[CheckInAnswer, str], ...] = (
    ("gelukt", "😀 Goed"),
    ("een_beetje", "🙂 Een beetje"),
    ("nog_niet", "😕 Nog niet"),
    ("hulp", "🆘 Ik heb hulp nodig"),
)
ANSWER_OF: Mapping[str, CheckInAnswer] = {answer: answer for answer, _ in ANSWERS}
QUESTION = "📋 Je actie:\n“{what}”\nHoe gaat het?"
THANKS: Mapping[CheckInAnswer, str] = {
    "gelukt": "Super, goed bezig! 💪",
    "een_beetje": "Mooi, elke stap telt. 👍",
    "nog_niet": "Dat is oké, probeer het nog eens. 🌱",
    "hulp": "Ik laat het je coach meteen weten. 🤝",
}
MAX_WHAT = 120
"""Characters of her action in a check-in: one look, one thought."""

COACH_ALERT = "{name} vraagt om hulp 🆘\nBij de actie: “{what}”\nIn het portaal: {link}"
PORTAL_WORDS: Mapping[CheckInAnswer, str] = {
    "gelukt": "😀 gaat goed",
    "een_beetje": "🙂 een beetje",
    "nog_niet": "😕 nog niet",
    "hulp": "🆘 vraagt om hulp",
}
NOT_TOLD = "Niet in Telegram gemeld: je Telegram is niet gekoppeld (/coach)."
TOLD = {
    "sent": "In Telegram gemeld op {at}.",
    "waiting": "Wordt in Telegram gemeld.",
    "sending": "Wordt in Telegram gemeld.",
    "failed": "Melding in Telegram mislukt.",
    "unknown": "Melding in Telegram misschien niet aangekomen.",
}


@dataclass(frozen=True)
class CheckInLine:
    """One answer as the coach reads it in the portal."""

    answered_at: str
    answer: CheckInAnswer
    words: str
    told: str = ""
    """For a 🆘: whether and how the coach was told in Telegram."""

    @property
    def help(self) -> bool:
        return self.answer == "hulp"


@dataclass(frozen=True)
class HelpRequest:
    number: int
    """The action's number in the plan (1 is the first)."""
    what: str
    line: CheckInLine


@dataclass(frozen=True)
class PortalCheckIns:
    """The check-ins of a plan for its page in the portal."""

    answered: Mapping[int, Sequence[CheckInLine]]
    """Her answers by the index of their action, the oldest first."""
    planned: Mapping[int, Sequence[str]]
    """When the check-ins still to come will be asked (UTC, ISO), by action."""
    help: Sequence[HelpRequest]
    """Her calls for help, the newest first."""


class ActionCheckIns:
    def __init__(
        self, repository: Repository, clock: Clock = utc_now, portal_url: str = ""
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._portal_url = portal_url

    # ----- planning ------------------------------------------------------------------------

    def moments(self, plan: ActionPlan) -> list[tuple[int, datetime]]:
        """When to ask about each action with a date: halfway and on its date at 17:00 in
        Brussels, both still to come (a halfway day that is today is skipped)."""
        now = self._clock()
        today = now.astimezone(BRUSSELS).date()
        found: list[tuple[int, datetime]] = []
        for index, action in enumerate(plan.actions):
            if action.by_when is None:
                continue
            halfway = today + timedelta(days=(action.by_when - today).days // 2)
            days = [halfway] if halfway > today else []
            for day in [*days, action.by_when]:
                moment = allowed_moment(datetime.combine(day, CHECK_AT, BRUSSELS))
                if moment > now and (index, moment) not in found:
                    found.append((index, moment))
        return found

    async def schedule(self, participant: Participant, stored: StoredPlan) -> None:
        """Her coach sends the plan: plan its check-ins, in place of those not due yet."""
        plan = ActionPlan.model_validate_json(stored.plan_json)
        await self._repository.check_ins.replace_pending(
            participant.id, stored.id, self.moments(plan)
        )

    # ----- the check-in and her answer -----------------------------------------------------

    async def message(self, participant: Participant, message: OutgoingMessage) -> Reply | None:
        """The check-in an outbox message asks; None when its plan or action is gone."""
        action = await self._action(participant, message)
        if action is None:
            return None
        buttons = tuple(Button(f"actie:{message.id}:{answer}", text) for answer, text in ANSWERS)
        image = ImageSpec("picture", (action.picture,)) if action.picture else None
        return Reply(
            QUESTION.format(what=_short(action.what)),
            (buttons[:3], buttons[3:]),
            image,
            scope=SCOPE,
        )

    async def open(self, participant: Participant) -> list[Reply]:
        """The check-ins due and not answered yet, the newest per action (the web chat shows
        them above its menu; on Telegram they come as messages)."""
        current = await self._repository.plans.current(participant.id)
        if current is None:
            return []
        now = stored_time(self._clock())
        newest: dict[int, OutgoingMessage] = {}
        for message in await self._repository.outbox.of_participant(participant.id):
            if _asks_about(message, current.id) and message.send_after <= now:
                assert message.action_index is not None
                known = newest.get(message.action_index)
                if known is None or known.send_after <= message.send_after:
                    newest[message.action_index] = message
        answered = await self._repository.check_ins.answered(participant.id)
        asked = [
            await self.message(participant, message)
            for _, message in sorted(newest.items())
            if message.id not in answered
        ]
        return [reply for reply in asked if reply is not None]

    def is_answer(self, action: str) -> bool:
        return BUTTON_ACTION.fullmatch(action) is not None

    async def take(self, participant: Participant, action: str) -> list[Reply]:
        """Her tap: kept and thanked in one sentence; [] when the button is not one to
        believe (forged, not hers, not due, about a plan or action that is gone)."""
        found = BUTTON_ACTION.fullmatch(action)
        if found is None:
            return []
        message_id = int(found["message"])
        messages = await self._repository.outbox.of_participant(participant.id)
        message = next((m for m in messages if m.id == message_id), None)
        now = stored_time(self._clock())
        if message is None or message.send_after > now:
            return []
        stored_plan = await self._repository.plans.get(message.plan_id or 0)
        if stored_plan is None or await self._action(participant, message) is None:
            return []
        answer = ANSWER_OF[found["answer"]]
        tell = await self._coach_to_tell(participant, stored_plan) if answer == "hulp" else None
        kept = await self._repository.check_ins.record(message, answer, tell)
        return [Reply(THANKS[answer] if kept is not None else ALREADY_ANSWERED)]

    async def _action(self, participant: Participant, message: OutgoingMessage) -> Action | None:
        """The action a check-in message of hers asks about, while its plan is her current
        one and still has that action."""
        if message.participant_id != participant.id or message.action_index is None:
            return None
        current = await self._repository.plans.current(participant.id)
        if current is None or not _asks_about(message, current.id):
            return None
        actions = ActionPlan.model_validate_json(current.plan_json).actions
        return actions[message.action_index] if message.action_index < len(actions) else None

    # ----- her coach -----------------------------------------------------------------------

    async def _coach_to_tell(
        self, participant: Participant, stored: StoredPlan
    ) -> CoachToTell | None:
        """Her coach (else the plan's), when that coach linked Telegram."""
        coach = await self._repository.coaches.by_id(participant.coach_id or stored.coach_id)
        if coach is None or not coach.telegram_user_id:
            return None
        link = f"{self._portal_url}/coach/deelnemer/{participant.id}/plan#check-ins"
        return CoachToTell(coach.id, link)

    async def coach_alert(self, check_in: StoredCheckIn) -> tuple[int, str] | None:
        """The coach's Telegram chat and what the alert says; None when there is nobody to
        tell any more (the coach unlinked Telegram, the plan is gone)."""
        repository = self._repository
        coach = await repository.coaches.by_id(check_in.alert_coach_id or 0)
        participant = await repository.participant_by_id(check_in.participant_id)
        stored = await repository.plans.get(check_in.plan_id)
        if coach is None or not coach.telegram_user_id or participant is None or stored is None:
            return None
        actions = ActionPlan.model_validate_json(stored.plan_json).actions
        what = actions[check_in.action_index].what if check_in.action_index < len(actions) else ""
        name = participant.display_name or f"Deelnemer {participant.id}"
        text = COACH_ALERT.format(name=name, what=_short(what), link=check_in.alert_link or "")
        return int(coach.telegram_user_id), text

    async def for_portal(self, stored: StoredPlan) -> PortalCheckIns:
        """What the plan's page in the portal shows: her answers per action (🆘 with how the
        coach was told), the check-ins still to come, and her calls for help."""
        actions = ActionPlan.model_validate_json(stored.plan_json).actions
        answered: dict[int, list[CheckInLine]] = {}
        help_requests: list[HelpRequest] = []
        for check_in in await self._repository.check_ins.of_plan(stored.id):
            line = CheckInLine(
                check_in.answered_at,
                check_in.answer,
                PORTAL_WORDS[check_in.answer],
                _told(check_in) if check_in.answer == "hulp" else "",
            )
            answered.setdefault(check_in.action_index, []).append(line)
            if line.help and check_in.action_index < len(actions):
                what = actions[check_in.action_index].what
                help_requests.insert(0, HelpRequest(check_in.action_index + 1, what, line))
        now = stored_time(self._clock())
        planned: dict[int, list[str]] = {}
        for message in await self._repository.check_ins.planned(stored.id):
            if message.state == "waiting" and message.send_after > now:
                assert message.action_index is not None
                planned.setdefault(message.action_index, []).append(message.send_after)
        return PortalCheckIns(answered, planned, help_requests)


def _asks_about(message: OutgoingMessage, plan_id: int) -> bool:
    return (
        message.kind == CHECK_IN_KIND
        and message.plan_id == plan_id
        and message.action_index is not None
    )


def _told(check_in: StoredCheckIn) -> str:
    state = check_in.alert_state
    if state is None:
        return NOT_TOLD
    return TOLD[state].format(at=brussels(check_in.alert_sent_at or check_in.answered_at))


def _short(text: str, most: int = MAX_WHAT) -> str:
    """The text on one line, cut after a whole word with "…" when longer than `most`."""
    plain = " ".join(text.split())
    if len(plain) <= most:
        return plain
    cut = plain[: most - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"
