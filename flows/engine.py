"""The one engine that runs every flow: state + event → new state, replies and answers.

It does no I/O: storage, pictures and channels are the caller's business. The shape of a run
lives in `flows.route`, how a question looks in `flows.questions`; FlowEngine is the one entry
point callers use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flows import wording
from flows.answers import (
    Answer,
    AnswerKey,
    Answers,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
    SkippedAnswer,
    TextAnswer,
    VoiceAnswer,
)
from flows.conversation_types import Event, Reply, Resume, Tap, TextIn, Unsupported, VoiceIn
from flows.models import (
    ChoiceStep,
    EarlierPictures,
    Flow,
    FreeAnswerStep,
    LoopStep,
    PickAnsweredPictureStep,
    PickPicturesStep,
    PickPictureStep,
    QuestionStep,
    ResultStep,
)
from flows.questions import Questions
from flows.route import Route, current_cursor, cursor_of, key_of
from flows.state import RunState
from images.manifest import Manifest

MAX_VOICE_SECONDS = 120
MAX_VOICE_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 1000

AnswerWrite = tuple[AnswerKey, Answer | None]
"""Store this answer for this key; None clears an answer that no longer applies."""


@dataclass(frozen=True)
class Outcome:
    state: RunState
    replies: tuple[Reply, ...]
    writes: tuple[AnswerWrite, ...] = ()


class FlowEngine:
    """Runs one flow for any number of participants; holds no participant state itself."""

    def __init__(self, flow: Flow, pictures: Manifest) -> None:
        self.flow = flow
        loop_pictures = {
            step.id: step.pictures.pool(pictures)
            for step in flow.steps
            if isinstance(step, LoopStep) and step.pictures is not None
        }
        self._route = Route(flow, loop_pictures)
        self._questions = Questions(self._route, pictures)

    # ----- entry points -------------------------------------------------------------------

    def wants_earlier(self) -> tuple[EarlierPictures, ...]:
        """Which earlier answers of the participant `start` would like to offer first."""
        return tuple(
            step.offer_first
            for step in self._route.steps.values()
            if isinstance(step, PickPictureStep) and step.offer_first is not None
        )

    def start(
        self,
        earlier: Mapping[EarlierPictures, tuple[str, ...]] | None = None,
        given: Mapping[AnswerKey, Answer] | None = None,
    ) -> Outcome:
        """A new run. `earlier`: for what `wants_earlier` names, the pictures she chose.
        `given`: an answer for every `given` step, and maybe for the first questions too (the
        run then starts at the first question without an answer; Terug still reaches them)."""
        found = earlier or {}
        offered = {
            step.id: found.get(step.offer_first, ())
            for step in self._route.steps.values()
            if isinstance(step, PickPictureStep) and step.offer_first is not None
        }
        answers = dict(given or {})
        missing = [key.step for key in self._route.given_keys() if key not in answers]
        if missing:
            raise ValueError(f"flow {self.flow.id!r} needs these given at its start: {missing}")
        asked = [
            c
            for c in self._route.walk(answers)
            if self._route.applies(c, answers)
            and not isinstance(self._route.steps[c.step], ResultStep)
        ]
        answered = [c for c in asked if key_of(c) in answers]
        if asked[: len(answered)] != answered:
            raise ValueError("answers given at the start must be the first questions")
        writes = tuple(answers.items())
        if len(answered) == len(asked):  # nothing left to ask: straight to the result
            done = RunState(cursor=None, history=tuple(answered), earlier=offered)
            return Outcome(done, (self.result(answers),), writes)
        state = RunState(cursor=asked[len(answered)], history=tuple(answered), earlier=offered)
        replies = [Reply(self.flow.welcome)] if self.flow.welcome and not answered else []
        replies += self._asked(state, answers)
        return Outcome(state, tuple(replies), writes)

    def handle(self, state: RunState, answers: Answers, event: Event) -> Outcome:
        if state.cursor is None:
            raise ValueError("this run is finished")
        if state.paused:
            state = state.model_copy(update={"paused": False})
            if not (isinstance(event, Tap) and self._is_current(state, answers, event)):
                return Outcome(state, (Reply(wording.RESUMED), self.question(state, answers)))
        step = self._route.steps[current_cursor(state).step]
        if isinstance(event, Resume):
            return Outcome(state, (self.question(state, answers),))
        if isinstance(event, Unsupported):
            free = isinstance(step, FreeAnswerStep)
            hint = wording.HINT_SAY_OR_SKIP if free else wording.HINT_CANNOT_READ
            return self._again(state, answers, hint)
        if isinstance(event, TextIn):
            return self._on_text(state, answers, step, event)
        if isinstance(event, VoiceIn):
            return self._on_voice(state, answers, step, event)
        return self._on_tap(state, answers, step, event)

    def current(self, state: RunState, answers: Answers) -> Reply:
        """What the participant sees now: the question, or while paused, a way back to it."""
        return self._questions.current(state, answers)

    def question(self, state: RunState, answers: Answers, *, edit: bool = False) -> Reply:
        """The current question as a message, with its buttons."""
        return self._questions.question(state, answers, edit=edit)

    def result(self, answers: Answers) -> Reply:
        """The flow's end: its picture made from the answers, and a word of praise."""
        return self._questions.result(answers)

    def answer_order(self, answers: Answers) -> list[AnswerKey]:
        """The keys of every question of this run in the order they are asked."""
        return self._route.answer_order(answers)

    def subject(self, key: AnswerKey, answers: Answers) -> str | None:
        """The picture an answer is about, if any."""
        return self._route.subject(cursor_of(key), answers)

    def picture_label(self, picture: str) -> str:
        return self._questions.picture_label(picture)

    def option_text(self, step_id: str, option_id: str) -> str:
        """How an option of a choice looked on its button, e.g. "👍 Ja"."""
        return self._questions.option_text(step_id, option_id)

    def option_label(self, step_id: str, option_id: str) -> str:
        """An option's words without its emoji, e.g. "Ja"."""
        return self._questions.option_label(step_id, option_id)

    def highlighted(self, step_id: str) -> bool:
        """Whether the coach should see this step's answers highlighted."""
        return self._route.steps[step_id].coach_highlight

    def question_text(self, key: AnswerKey, answers: Answers) -> str:
        """The question as the participant saw it, without buttons or progress."""
        return self._questions.text(cursor_of(key), answers)

    def pool_of(self, step_id: str) -> tuple[str, ...]:
        return self._questions.pool_of(step_id)

    def pool(self, step: PickPicturesStep | PickPictureStep) -> tuple[str, ...]:
        """The pictures a pick_pictures step offers, in manifest order."""
        return self._questions.pool(step)

    # ----- events -------------------------------------------------------------------------

    def _on_text(
        self, state: RunState, answers: Answers, step: QuestionStep, event: TextIn
    ) -> Outcome:
        if not isinstance(step, FreeAnswerStep):
            return self._again(state, answers, wording.HINT_TAP)
        text = event.text.strip()
        if not text:
            return self._again(state, answers, wording.HINT_SAY_OR_SKIP)
        if len(text) > MAX_TEXT_CHARS:
            return self._again(state, answers, wording.HINT_TEXT_TOO_LONG)
        return self._answer(state, answers, TextAnswer(text=text))

    def _on_voice(
        self, state: RunState, answers: Answers, step: QuestionStep, event: VoiceIn
    ) -> Outcome:
        if not (isinstance(step, FreeAnswerStep) and step.voice):
            return self._again(state, answers, wording.HINT_NO_VOICE_HERE)
        if event.duration > MAX_VOICE_SECONDS or event.size > MAX_VOICE_BYTES:
            return self._again(state, answers, wording.HINT_VOICE_TOO_LONG)
        return self._answer(state, answers, VoiceAnswer(file=event.file, duration=event.duration))

    def _on_tap(self, state: RunState, answers: Answers, step: QuestionStep, event: Tap) -> Outcome:
        if not self._is_current(state, answers, event):
            return self._again(state, answers, wording.HINT_OLD_BUTTON)
        action = event.action
        if action == "stop":
            paused = state.model_copy(update={"paused": True})
            return Outcome(paused, (self.current(paused, answers),))
        if action == "back":
            return self._back(state, answers)
        if action == "skip":
            return self._answer(state, answers, SkippedAnswer())
        if action.startswith("o:"):
            option = action[2:]
            item = current_cursor(state).item
            if (
                isinstance(step, ChoiceStep)
                and step.match_tag is not None
                and not self._questions.matches(step, item, option)
            ):
                return self._again(state, answers, wording.HINT_NOT_A_MATCH)
            return self._answer(state, answers, OptionAnswer(option=option))
        if isinstance(step, PickAnsweredPictureStep | PickPictureStep) and action.startswith("p:"):
            return self._answer(state, answers, PictureAnswer(picture=action[2:]))
        if action == "more":
            turned = state.model_copy(update={"page": state.page + 1, "prompt": state.prompt + 1})
            return Outcome(turned, (self.question(turned, answers, edit=True),))
        assert isinstance(step, PickPicturesStep), action
        if action == "done":
            if len(state.selection) < step.min:
                return self._again(
                    state, answers, wording.HINT_PICK_AT_LEAST.format(count=step.min)
                )
            return self._answer(state, answers, PicturesAnswer(pictures=state.selection))
        picture = action[2:]
        if picture in state.selection:
            selection = tuple(p for p in state.selection if p != picture)
        elif len(state.selection) >= step.max:
            return self._again(state, answers, wording.HINT_PICK_AT_MOST.format(count=step.max))
        else:
            selection = (*state.selection, picture)
        toggled = state.model_copy(update={"selection": selection})
        return Outcome(toggled, (self.question(toggled, answers, edit=True),))

    def _is_current(self, state: RunState, answers: Answers, tap: Tap) -> bool:
        current = self.question(state, answers)
        return tap.scope == current.scope and tap.action in current.actions()

    def _again(self, state: RunState, answers: Answers, hint: str) -> Outcome:
        return Outcome(state, (Reply(hint), self.question(state, answers)))

    def _back(self, state: RunState, answers: Answers) -> Outcome:
        if state.page > 0:
            turned = state.model_copy(update={"page": state.page - 1, "prompt": state.prompt + 1})
            return Outcome(turned, (self.question(turned, answers, edit=True),))
        previous = state.history[-1]
        moved = RunState(
            cursor=previous,
            history=state.history[:-1],
            selection=self._route.stored_selection(previous, answers),
            prompt=state.prompt + 1,
            earlier=state.earlier,
        )
        return Outcome(moved, self._asked(moved, answers))

    def _answer(self, state: RunState, answers: Answers, answer: Answer) -> Outcome:
        cursor = current_cursor(state)
        key = key_of(cursor)
        after = {**answers, key: answer}
        writes: list[AnswerWrite] = [(key, answer)]
        while stale := self._route.no_longer_apply(after):
            for gone in stale:
                del after[gone]
                writes.append((gone, None))
        following = self._route.following(cursor, after)
        history = (*state.history, cursor)
        if following is None:
            raise ValueError(f"flow {self.flow.id!r} has no step after {cursor.step!r}")
        step = self._route.steps[following.step]
        if isinstance(step, ResultStep):
            done = RunState(
                cursor=None, history=history, prompt=state.prompt + 1, earlier=state.earlier
            )
            return Outcome(done, (self.result(after),), tuple(writes))
        moved = RunState(
            cursor=following,
            history=history,
            selection=self._route.stored_selection(following, after),
            prompt=state.prompt + 1,
            earlier=state.earlier,
        )
        return Outcome(moved, self._asked(moved, after), tuple(writes))

    def _asked(self, state: RunState, answers: Answers) -> tuple[Reply, ...]:
        """A question asked anew: its banner picture first, if it has one."""
        banner = self._questions.banner(current_cursor(state))
        question = self.question(state, answers)
        return (banner, question) if banner else (question,)
