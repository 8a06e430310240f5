"""One participant's conversation, for any channel: consent, the method menu, and flow runs.

It loads the participant's state from storage, lets the engine decide, commits the answers,
and returns the replies. Channels only translate their updates to these events and back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.action_check_ins import ActionCheckIns
from bot.action_plan import ActionPlan
from bot.aftercare import Aftercare
from bot.asked_by_the_bot import AskedByTheBot
from bot.coaching import JOIN_CODE, looks_like_join_code, normal_code
from bot.homework import LATER_SAID, QUIET_SAID, HomeworkService
from bot.joining import (
    SWITCH_SCOPE,
    UNKNOWN_CODE,
    answer_to_switch,
    asks_to_switch,
    join,
)
from bot.method_menu import menu_reply
from bot.my_plan import MY_PLAN_ACTION, my_plan
from bot.plan_message import plan_reply
from bot.small_steps import FINISH_FIRST, AfterHook, SmallSteps
from bot.trajectories import Trajectory, suggested_method
from flows.answers import AnswerKey, Answers, PicturesAnswer, VoiceAnswer
from flows.conversation_types import Button, Event, Reply, Resume, Tap, TextIn, VoiceIn
from flows.engine import FlowEngine, Outcome
from flows.models import EarlierPictures
from storage.repository import Participant, Repository, StoredRun

_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
CONSENT_SCOPE = "c"
MENU_SCOPE = "m"
RUN_SCOPE_PREFIX = "r"

GREETING = "Hallo! 👋 Ik help je met een plan voor je werk."
CONSENT_QUESTION = (
    "Mag ik je antwoorden bewaren? 🔒\nAlleen jij en je coach zien ze.\nTik op een knop. 👇"
)
CONSENT_YES = "✅ Ja, dat mag"
CONSENT_NO = "❌ Nee"
CONSENT_THANKS = "Dank je! 🙏"
CONSENT_REFUSED = "Oké. Ik bewaar niets van jou. 👍\nWil je later toch meedoen? Tik dan hier. 👇"
CONSENT_AFTER_ALL = "✅ Toch meedoen"
MENU_QUESTION = "Wat wil je doen? Tik op een knop. 👇"
MENU_AGAIN = "Wil je nog iets doen? 👇"
HINT_MENU = "Tik op een knop om te beginnen. 👇"
HINT_CONSENT = "Tik eerst op ✅ of ❌. 👇"
HINT_OLD_BUTTON = "Die knop is oud. Kijk naar de nieuwste vraag. 👇"
VOICE_FAILED = "Dat bericht kwam niet goed door. Probeer het nog eens. 🙏"


@dataclass(frozen=True)
class Start:
    """The participant opened the bot or asked to begin (/start), maybe through a coach's
    link that carries her join code."""

    join_code: str = ""


@dataclass(frozen=True)
class VoiceNote:
    """A voice note the channel can fetch to a file, once the engine wants it."""

    duration: int
    size: int
    fetch: Callable[[Path], Awaitable[None]]
    suffix: str = ".ogg"
    """The file ending of the recording's format (".ogg", ".webm", ".m4a")."""


@dataclass(frozen=True)
class ShowMyPlan:
    """She asks for her plan and her successes (/mijnplan, or the menu button)."""


Incoming = Event | Start | VoiceNote | ShowMyPlan


class Conversation:
    def __init__(
        self,
        repository: Repository,
        engines: Mapping[str, FlowEngine],
        data_dir: Path,
        homework: HomeworkService | None = None,
        trajectories: Mapping[str, Trajectory] | None = None,
        small_steps: SmallSteps | None = None,
        *,
        action_check_ins: ActionCheckIns | None = None,
        aftercare: Aftercare | None = None,
        after_hooks: Mapping[str, AfterHook] | None = None,
    ) -> None:
        self._repository = repository
        self._engines = dict(engines)
        self._data_dir = data_dir
        self._homework = homework
        self._trajectories = dict(trajectories or {})
        asking: list[SmallSteps | ActionCheckIns | Aftercare | None] = [
            small_steps,
            action_check_ins,
            aftercare,
        ]
        self._asked_by_the_bot: list[AskedByTheBot] = [a for a in asking if a is not None]
        self._after_hooks = {
            **(small_steps.after_hooks() if small_steps is not None else {}),
            **(aftercare.after_hooks() if aftercare is not None else {}),
            **(after_hooks or {}),
        }
        self._lock = asyncio.Lock()

    async def handle(self, channel: str, external_id: str, incoming: Incoming) -> list[Reply]:
        """Everything one incoming update does; answers are committed before this returns."""
        async with self._lock:
            participant = await self._repository.participant(channel, external_id)
            if participant is None or not participant.consent_given:
                return await self._before_consent(channel, external_id, participant, incoming)
            joined: list[Reply] = []
            if isinstance(incoming, Start) and incoming.join_code:
                joined = await join(self._repository, participant, incoming.join_code)
                if asks_to_switch(joined):
                    return joined
                incoming = Start()
            elif _is_reminder_choice(incoming) and self._homework is not None:
                assert isinstance(incoming, Tap)
                said = await self._reminder_choice(participant, incoming.action)
                return await self._back_where_she_was(participant, said, MENU_QUESTION)
            elif isinstance(incoming, ShowMyPlan) or incoming == Tap(MENU_SCOPE, MY_PLAN_ACTION):
                shown = await my_plan(self._repository, self._engines, participant)
                return await self._back_where_she_was(participant, shown, MENU_AGAIN)
            elif asker := self._asker(incoming):
                assert isinstance(incoming, Tap)
                return await self._answer_to_the_bot(participant, asker, incoming.action)
            elif isinstance(incoming, Tap) and incoming.scope == SWITCH_SCOPE:
                joined = await answer_to_switch(self._repository, participant, incoming.action)
                return await self._back_where_she_was(participant, joined, MENU_QUESTION)
            run = await self._open_run(participant)
            if run is None:
                return joined + await self._in_menu(participant, incoming)
            return joined + await self._in_run(participant, run, incoming)

    async def current(self, channel: str, external_id: str) -> list[Reply]:
        """What the participant should see now, changing nothing (for a page that is
        opened or reloaded)."""
        async with self._lock:
            participant = await self._repository.participant(channel, external_id)
            if participant is None or not participant.consent_given:
                return [Reply(GREETING), _consent_question()]
            run = await self._open_run(participant)
            if run is None:
                return [
                    *await self._last_result(participant),
                    *await self._sent_plan(participant),
                    *await self._open_homework(participant),
                    *[reply for a in self._asked_by_the_bot for reply in await a.open(participant)],
                    await self._menu(participant, MENU_QUESTION),
                ]
            engine = self._engines[run.flow_id]
            answers = await self._repository.answers(run.id)
            return self._scoped(run, (engine.current(run.state, answers),))

    async def _reminder_choice(self, participant: Participant, action: str) -> list[Reply]:
        """A reminder's 'not now' (again tomorrow) or 'no more reminders'."""
        assert self._homework is not None
        if action == "quiet":
            await self._homework.stop_reminders(participant)
            return [Reply(QUIET_SAID)]
        homework_id = action.removeprefix("later:")
        if homework_id.isdigit() and await self._homework.remind_tomorrow(
            participant, int(homework_id)
        ):
            return [Reply(LATER_SAID)]
        return [Reply(HINT_OLD_BUTTON)]

    async def _open_run(self, participant: Participant) -> StoredRun | None:
        """The run she is in, if its method still exists (a removed flow file would otherwise
        leave her stuck): then she is back at the menu and the old run stays stored."""
        run = await self._repository.open_run(participant.id)
        return run if run is not None and run.flow_id in self._engines else None

    async def _open_homework(self, participant: Participant) -> list[Reply]:
        return await self._homework.open_homework(participant) if self._homework else []

    async def _sent_plan(self, participant: Participant) -> list[Reply]:
        """The plan her coach sent her stays in view (the web chat cannot send it by
        itself)."""
        stored = await self._repository.plans.latest_sent_plan(participant.id)
        if stored is None:
            return []
        return [plan_reply(ActionPlan.model_validate_json(stored.plan_json))]

    async def _last_result(self, participant: Participant) -> list[Reply]:
        """The picture of the most recent finished method, to keep it in view."""
        finished = [
            run
            for run in await self._repository.runs(participant.id)
            if run.status == "finished" and run.flow_id in self._engines
        ]
        if not finished:
            return []
        last = finished[-1]
        answers = await self._repository.answers(last.id)
        return [self._engines[last.flow_id].result(answers)]

    # ----- consent -------------------------------------------------------------------------

    async def _before_consent(
        self,
        channel: str,
        external_id: str,
        participant: Participant | None,
        incoming: Incoming,
    ) -> list[Reply]:
        if isinstance(incoming, Tap) and incoming.scope == CONSENT_SCOPE:
            answer, _, join_code = incoming.action.partition(":")
            if answer == "yes":
                participant = await self._repository.record_consent(
                    channel, external_id, given=True
                )
                joined = await join(self._repository, participant, join_code) if join_code else []
                return [
                    Reply(CONSENT_THANKS),
                    *joined,
                    await self._menu(participant, MENU_QUESTION),
                ]
            if incoming.action == "no":
                await self._repository.record_consent(channel, external_id, given=False)
                after_all = ((Button("yes", CONSENT_AFTER_ALL),),)
                return [Reply(CONSENT_REFUSED, after_all, scope=CONSENT_SCOPE)]
        if isinstance(incoming, Start):
            return [Reply(GREETING), _consent_question(incoming.join_code)]
        return [Reply(HINT_CONSENT), _consent_question()]

    # ----- the method menu -----------------------------------------------------------------

    async def _in_menu(self, participant: Participant, incoming: Incoming) -> list[Reply]:
        if isinstance(incoming, Tap) and incoming.scope == MENU_SCOPE:
            engine = self._engines.get(incoming.action)
            if engine is not None and engine.flow.menu:  # the bot starts the others itself
                return await self._start_run(participant, engine)
        if isinstance(incoming, Start):
            homework = await self._open_homework(participant)
            return [Reply(GREETING), *homework, await self._menu(participant, MENU_QUESTION)]
        if isinstance(incoming, TextIn) and looks_like_join_code(incoming.text):
            joined = await join(self._repository, participant, incoming.text)
            if asks_to_switch(joined):
                return joined
            return [
                *(joined or [Reply(UNKNOWN_CODE)]),
                await self._menu(participant, MENU_QUESTION),
            ]
        if isinstance(incoming, Tap):
            return [Reply(HINT_OLD_BUTTON), await self._menu(participant, MENU_QUESTION)]
        return [Reply(HINT_MENU), await self._menu(participant, MENU_QUESTION)]

    async def _start_run(
        self, participant: Participant, engine: FlowEngine, given: Answers | None = None
    ) -> list[Reply]:
        """A new run of a flow (with answers it starts with); a run that is over at once
        goes on to what follows it."""
        outcome = engine.start(await self._earlier(participant, engine), given)
        run = await self._repository.start_run(participant.id, engine.flow.id, outcome.state)
        if outcome.writes:
            run = await self._repository.save_run(run, outcome.state, outcome.writes)
        replies = self._scoped(run, outcome.replies)
        if outcome.state.finished:
            replies += await self._after(participant, run, engine)
        return replies

    async def _after(
        self, participant: Participant, run: StoredRun, engine: FlowEngine
    ) -> list[Reply]:
        """What follows a finished run: its after-hook (a check-in planned, a next run
        started), then the menu."""
        hook = self._after_hooks.get(engine.flow.after or "")
        if hook is None:
            return [await self._menu(participant, MENU_AGAIN)]
        after = await hook(participant, run, await self._repository.answers(run.id))
        if after.start is not None:
            flow_id, given = after.start
            return [
                *after.replies,
                *await self._start_run(participant, self._engines[flow_id], given),
            ]
        return [*after.replies, await self._menu(participant, MENU_AGAIN)]

    def _asker(self, incoming: Incoming) -> AskedByTheBot | None:
        """Whose question a tap answers, when it answers one the bot asked by itself."""
        if not (isinstance(incoming, Tap) and incoming.scope == MENU_SCOPE):
            return None
        return next((a for a in self._asked_by_the_bot if a.is_answer(incoming.action)), None)

    async def _answer_to_the_bot(
        self, participant: Participant, asker: AskedByTheBot, action: str
    ) -> list[Reply]:
        """Her tap on a question the bot asked by itself: a flow that starts with her answer
        (not in the middle of another method), or a word of thanks; then back where she was."""
        found = await asker.take(participant, action)
        run = await self._open_run(participant)
        if isinstance(found, tuple):
            if run is not None:
                return [Reply(FINISH_FIRST), *await self._in_run(participant, run, Resume())]
            flow_id, given = found
            return await self._start_run(participant, self._engines[flow_id], given)
        return await self._back_where_she_was(participant, found or [Reply(HINT_OLD_BUTTON)])

    async def _back_where_she_was(
        self, participant: Participant, said: list[Reply], menu_text: str = MENU_AGAIN
    ) -> list[Reply]:
        """What was said, then the question of her open method again, or else the menu."""
        run = await self._open_run(participant)
        if run is None:
            return [*said, await self._menu(participant, menu_text)]
        return said + await self._in_run(participant, run, Resume())

    async def _earlier(
        self, participant: Participant, engine: FlowEngine
    ) -> dict[EarlierPictures, tuple[str, ...]]:
        """The pictures she chose in her latest finished run of the methods a flow offers
        first (e.g. the work pictures of her Droompagina, for the Praatplaat)."""
        found: dict[EarlierPictures, tuple[str, ...]] = {}
        wanted = engine.wants_earlier()
        runs = await self._repository.runs(participant.id) if wanted else []
        for earlier in wanted:
            finished = [r for r in runs if r.flow_id == earlier.flow and r.status == "finished"]
            if finished:
                answers = await self._repository.answers(finished[-1].id)
                answer = answers.get(AnswerKey(step=earlier.step))
                if isinstance(answer, PicturesAnswer):
                    found[earlier] = answer.pictures
        return found

    async def _menu(self, participant: Participant, text: str) -> Reply:
        """One button per method, grouped by the POP's questions; finished ones ticked."""
        runs = await self._repository.runs(participant.id)
        finished = {run.flow_id for run in runs if run.status == "finished"}
        suggested = suggested_method(self._trajectories, participant, runs)
        return menu_reply(text, self._engines, finished, suggested, MENU_SCOPE)

    # ----- a flow run ----------------------------------------------------------------------

    async def _in_run(
        self, participant: Participant, run: StoredRun, incoming: Incoming
    ) -> list[Reply]:
        engine = self._engines[run.flow_id]
        answers = await self._repository.answers(run.id)
        voice_note: VoiceNote | None = None
        event: Event
        if isinstance(incoming, Start | ShowMyPlan):
            event = Resume()
        elif isinstance(incoming, VoiceNote):
            if not _SUFFIX.fullmatch(incoming.suffix):
                raise ValueError(f"not a file ending: {incoming.suffix!r}")
            voice_note = incoming
            relative = Path("voice") / str(participant.id) / f"{uuid.uuid4().hex}{incoming.suffix}"
            event = VoiceIn(relative.as_posix(), incoming.duration, incoming.size)
        elif isinstance(incoming, Tap):
            event = self._unscoped_tap(run, incoming)
        else:
            event = incoming
        outcome = engine.handle(run.state, answers, event)
        if voice_note is not None and _keeps_voice(outcome, event):
            assert isinstance(event, VoiceIn)
            try:
                await voice_note.fetch(self._data_dir / event.file)
            except Exception:
                question = engine.question(run.state, answers)
                return [Reply(VOICE_FAILED), *self._scoped(run, (question,))]
        if outcome.writes or outcome.state != run.state:
            run = await self._repository.save_run(run, outcome.state, outcome.writes)
        replies = self._scoped(run, outcome.replies)
        if outcome.state.finished:
            replies += await self._after(participant, run, engine)
        return replies

    def _unscoped_tap(self, run: StoredRun, tap: Tap) -> Tap:
        """Strip the run from a button's scope; a button of another run gets a scope no
        question has, so the engine treats it as an old button."""
        prefix = f"{RUN_SCOPE_PREFIX}{run.id}."
        if tap.scope.startswith(prefix):
            return Tap(tap.scope.removeprefix(prefix), tap.action)
        return Tap("", tap.action)

    def _scoped(self, run: StoredRun, replies: tuple[Reply, ...]) -> list[Reply]:
        return [
            dataclasses.replace(reply, scope=f"{RUN_SCOPE_PREFIX}{run.id}.{reply.scope}")
            if reply.buttons
            else reply
            for reply in replies
        ]


def _consent_question(join_code: str = "") -> Reply:
    """The consent buttons; a coach's join code rides along on ✅, so that nothing is kept
    before the participant said yes."""
    code = normal_code(join_code)
    yes = f"yes:{code.lower()}" if JOIN_CODE.fullmatch(code) else "yes"
    buttons = ((Button(yes, CONSENT_YES), Button("no", CONSENT_NO)),)
    return Reply(CONSENT_QUESTION, buttons, scope=CONSENT_SCOPE)


def _keeps_voice(outcome: Outcome, event: Event) -> bool:
    return isinstance(event, VoiceIn) and any(
        isinstance(answer, VoiceAnswer) and answer.file == event.file
        for _, answer in outcome.writes
    )


def _is_reminder_choice(incoming: Incoming) -> bool:
    return (
        isinstance(incoming, Tap)
        and incoming.scope == MENU_SCOPE
        and (incoming.action == "quiet" or incoming.action.startswith("later:"))
    )
