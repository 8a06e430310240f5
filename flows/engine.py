"""The one engine that runs every flow: state + event → new state, replies and answers.

It does no I/O: storage, pictures and channels are the caller's business.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from flows.conversation_types import (
    Button,
    Event,
    ImageSpec,
    Reply,
    Resume,
    Tap,
    TextIn,
    Unsupported,
    VoiceIn,
)
from flows.models import (
    ChoiceStep,
    Flow,
    FreeAnswerStep,
    LoopStep,
    PickAnsweredPictureStep,
    PickPicturesStep,
    QuestionStep,
    ResultStep,
)
from flows.state import Cursor, RunState
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
        self._pictures = pictures
        self._steps: dict[str, QuestionStep] = {step.id: step for step in flow.step_list()}
        self._loops: dict[str, LoopStep] = {
            inner.id: step
            for step in flow.steps
            if isinstance(step, LoopStep)
            for inner in step.steps
        }

    # ----- entry points -------------------------------------------------------------------

    def start(self) -> Outcome:
        first = next(self._walk({}))
        state = RunState(cursor=first)
        replies = [Reply(self.flow.welcome)] if self.flow.welcome else []
        replies.append(self.question(state, {}))
        return Outcome(state, tuple(replies))

    def handle(self, state: RunState, answers: Answers, event: Event) -> Outcome:
        if state.cursor is None:
            raise ValueError("this run is finished")
        if state.paused:
            state = state.model_copy(update={"paused": False})
            if not (isinstance(event, Tap) and self._is_current(state, answers, event)):
                return Outcome(state, (Reply(wording.RESUMED), self.question(state, answers)))
        step = self._steps[_current(state).step]
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
        if state.paused:
            resume = Button("resume", wording.VERDER)
            return Reply(wording.PAUSED, ((resume,),), scope=str(state.prompt))
        return self.question(state, answers)

    def question(self, state: RunState, answers: Answers, *, edit: bool = False) -> Reply:
        """The current question as a message, with its buttons."""
        cursor = _current(state)
        step = self._steps[cursor.step]
        text = self._text(step, cursor, answers)
        can_go_back = bool(state.history) or state.page > 0
        back = [Button("back", wording.TERUG)] if can_go_back else []
        image: ImageSpec | None
        if isinstance(step, PickPicturesStep):
            text, rows, image = self._pick_pictures_parts(step, state, text, back)
        else:
            rows, image = self._answer_parts(step, cursor, answers)
            if isinstance(step, FreeAnswerStep):
                text += "\n" + (wording.SAY_OR_SKIP if step.voice else wording.TYPE_OR_SKIP)
            rows.append((*back, Button("stop", wording.STOP)))
        free_answer: tuple[str, ...] = ()
        if isinstance(step, FreeAnswerStep):
            free_answer = ("text", "voice") if step.voice else ("text",)
        return Reply(
            text,
            tuple(rows),
            image,
            scope=str(state.prompt),
            edit=edit,
            free_answer=free_answer,
            progress=self._progress(cursor, answers),
        )

    def _pick_pictures_parts(
        self, step: PickPicturesStep, state: RunState, text: str, back: list[Button]
    ) -> tuple[str, list[tuple[Button, ...]], ImageSpec]:
        pool = self.pool(step)
        pages = -(-len(pool) // step.page_size)
        shown = pool[state.page * step.page_size : (state.page + 1) * step.page_size]
        rows = _picture_rows(self._picture_buttons(shown, state.selection))
        nav = list(back)
        if state.page < pages - 1:
            nav.append(Button("more", wording.VERDER))
        nav.append(Button("done", wording.KLAAR))
        rows += [tuple(nav), (Button("stop", wording.STOP),)]
        status = wording.PAGE.format(page=state.page + 1, pages=pages)
        status += " · " + wording.CHOSEN_COUNT.format(count=len(state.selection))
        chosen_here = tuple(picture for picture in shown if picture in state.selection)
        return f"{text}\n{status}", rows, ImageSpec("grid", shown, selected=chosen_here)

    def _answer_parts(
        self, step: QuestionStep, cursor: Cursor, answers: Answers
    ) -> tuple[list[tuple[Button, ...]], ImageSpec | None]:
        previous = answers.get(AnswerKey(step=step.id, item=cursor.item))
        rows: list[tuple[Button, ...]] = []
        image: ImageSpec | None = None
        if isinstance(step, ChoiceStep):
            option_buttons = []
            for option in step.options:
                given = previous == OptionAnswer(option=option.id)
                tick = f" {wording.CHOSEN}" if given else ""
                option_buttons.append(
                    Button(f"o:{option.id}", f"{option.emoji} {option.label}{tick}", chosen=given)
                )
            rows.append(tuple(option_buttons))
        elif isinstance(step, FreeAnswerStep):
            rows.append((Button("skip", wording.OVERSLAAN),))
        elif isinstance(step, PickAnsweredPictureStep):
            chosen = self._chosen(answers, step.from_step)
            ticked = (previous.picture,) if isinstance(previous, PictureAnswer) else ()
            rows = _picture_rows(self._picture_buttons(chosen, ticked))
            image = ImageSpec("grid", chosen, selected=ticked)
        subject = self._subject(cursor, answers)
        if step.show_picture and subject:
            image = ImageSpec("picture", (subject,))
        return rows, image

    def result(self, answers: Answers) -> Reply:
        """The flow's end: its picture made from the answers, and a word of praise."""
        step = self.flow.steps[-1]
        assert isinstance(step, ResultStep), "the loader makes sure a result comes last"
        pictures = self._chosen(answers, step.from_step)
        marked: tuple[str, ...] = ()
        if step.group_by is not None:
            group = step.group_by
            marked = tuple(
                picture
                for picture in pictures
                if isinstance(
                    given := answers.get(AnswerKey(step=group.step, item=picture)), OptionAnswer
                )
                and given.option in group.in_
            )
        image = ImageSpec(step.hook, pictures, selected=marked, title=step.title)
        return Reply(step.text, image=image)

    def answer_order(self, answers: Answers) -> list[AnswerKey]:
        """The keys of every question of this run in the order they are asked."""
        return [AnswerKey(step=c.step, item=c.item) for c in self._walk(answers)]

    def subject(self, key: AnswerKey, answers: Answers) -> str | None:
        """The picture an answer is about, if any."""
        return self._subject(Cursor(step=key.step, item=key.item), answers)

    def picture_label(self, picture: str) -> str:
        return self._pictures.get(picture).label

    def option_text(self, step_id: str, option_id: str) -> str:
        """How an option of a choice looked on its button, e.g. "👍 Ja"."""
        step = self._steps[step_id]
        if isinstance(step, ChoiceStep):
            for option in step.options:
                if option.id == option_id:
                    return f"{option.emoji} {option.label}"
        return option_id

    def highlighted(self, step_id: str) -> bool:
        """Whether the coach should see this step's answers highlighted."""
        return self._steps[step_id].coach_highlight

    def question_text(self, key: AnswerKey, answers: Answers) -> str:
        """The question as the participant saw it, without buttons or progress."""
        cursor = Cursor(step=key.step, item=key.item)
        return self._text(self._steps[key.step], cursor, answers)

    def pool_of(self, step_id: str) -> tuple[str, ...]:
        step = self._steps[step_id]
        if not isinstance(step, PickPicturesStep):
            raise ValueError(f"step {step_id!r} offers no pictures")
        return self.pool(step)

    def pool(self, step: PickPicturesStep) -> tuple[str, ...]:
        """The pictures a pick_pictures step offers, in manifest order."""
        return tuple(picture.id for picture in self._pictures.with_tag(step.pictures.tag))

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
            return self._answer(state, answers, OptionAnswer(option=action[2:]))
        if isinstance(step, PickAnsweredPictureStep) and action.startswith("p:"):
            return self._answer(state, answers, PictureAnswer(picture=action[2:]))
        assert isinstance(step, PickPicturesStep), action
        if action == "more":
            turned = state.model_copy(update={"page": state.page + 1, "prompt": state.prompt + 1})
            return Outcome(turned, (self.question(turned, answers, edit=True),))
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
            selection=self._stored_selection(previous, answers),
            prompt=state.prompt + 1,
        )
        return Outcome(moved, (self.question(moved, answers),))

    def _answer(self, state: RunState, answers: Answers, answer: Answer) -> Outcome:
        cursor = _current(state)
        key = AnswerKey(step=cursor.step, item=cursor.item)
        after = {**answers, key: answer}
        writes: list[AnswerWrite] = [(key, answer)]
        while stale := self._no_longer_apply(after):
            for gone in stale:
                del after[gone]
                writes.append((gone, None))
        following = self._next(cursor, after)
        history = (*state.history, cursor)
        if following is None:
            raise ValueError(f"flow {self.flow.id!r} has no step after {cursor.step!r}")
        step = self._steps[following.step]
        if isinstance(step, ResultStep):
            done = RunState(cursor=None, history=history, prompt=state.prompt + 1)
            return Outcome(done, (self.result(after),), tuple(writes))
        moved = RunState(
            cursor=following,
            history=history,
            selection=self._stored_selection(following, after),
            prompt=state.prompt + 1,
        )
        return Outcome(moved, (self.question(moved, after),), tuple(writes))

    # ----- the shape of a run -------------------------------------------------------------

    def _walk(self, answers: Answers) -> Iterator[Cursor]:
        """Every question of the flow in order, loops unrolled over the chosen pictures."""
        for step in self.flow.steps:
            if isinstance(step, LoopStep):
                for item in self._chosen(answers, step.over):
                    for inner in step.steps:
                        yield Cursor(step=inner.id, item=item)
            else:
                yield Cursor(step=step.id)

    def _applies(self, cursor: Cursor, answers: Answers) -> bool:
        step = self._steps[cursor.step]
        if step.show_if is not None:
            choice = answers.get(AnswerKey(step=step.show_if.step, item=cursor.item))
            if not (isinstance(choice, OptionAnswer) and choice.option in step.show_if.in_):
                return False
        return step.about is None or self._subject(cursor, answers) is not None

    def _next(self, cursor: Cursor, answers: Answers) -> Cursor | None:
        passed = False
        for candidate in self._walk(answers):
            if passed and self._applies(candidate, answers):
                return candidate
            passed = passed or candidate == cursor
        return None

    def _no_longer_apply(self, answers: Answers) -> list[AnswerKey]:
        """Answers a changed choice has made pointless: for pictures no longer chosen, or
        for questions whose condition no longer holds."""
        reachable = {(c.step, c.item) for c in self._walk(answers) if self._applies(c, answers)}
        stale = {key for key in answers if (key.step, key.item) not in reachable}
        for key, answer in answers.items():
            step = self._steps.get(key.step)
            if (
                isinstance(step, PickAnsweredPictureStep)
                and isinstance(answer, PictureAnswer)
                and answer.picture not in self._chosen(answers, step.from_step)
            ):
                stale.add(key)
        return sorted(stale, key=lambda key: (key.step, key.item))

    def _chosen(self, answers: Answers, pick_step: str) -> tuple[str, ...]:
        answer = answers.get(AnswerKey(step=pick_step))
        return answer.pictures if isinstance(answer, PicturesAnswer) else ()

    def _stored_selection(self, cursor: Cursor, answers: Answers) -> tuple[str, ...]:
        if isinstance(self._steps[cursor.step], PickPicturesStep):
            return self._chosen(answers, cursor.step)
        return ()

    def _subject(self, cursor: Cursor, answers: Answers) -> str | None:
        """The picture a question is about: the loop's picture, or the one picked in `about`."""
        if cursor.item:
            return cursor.item
        about = self._steps[cursor.step].about
        if about is None:
            return None
        answer = answers.get(AnswerKey(step=about))
        return answer.picture if isinstance(answer, PictureAnswer) else None

    # ----- wording ------------------------------------------------------------------------

    def _text(self, step: QuestionStep, cursor: Cursor, answers: Answers) -> str:
        subject = self._subject(cursor, answers)
        label = self._pictures.get(subject).label if subject else ""
        return step.text.replace("{label}", label)

    def _progress(self, cursor: Cursor, answers: Answers) -> str:
        stages: list[tuple[str, str]] = []
        for step in self.flow.steps:
            if isinstance(step, LoopStep):
                stages.extend((step.id, item) for item in self._chosen(answers, step.over))
            elif not isinstance(step, ResultStep):
                stages.append((step.id, ""))
        loop = self._loops.get(cursor.step)
        here = (loop.id, cursor.item) if loop else (cursor.step, "")
        done = stages.index(here) + 1 if here in stages else 0
        return wording.progress_dots(done, len(stages))

    def _picture_buttons(self, pictures: tuple[str, ...], ticked: tuple[str, ...]) -> list[Button]:
        return [
            Button(
                f"p:{picture}",
                f"{wording.CHOSEN if picture in ticked else wording.KEYCAPS[number]} "
                f"{self._pictures.get(picture).label}",
                picture=picture,
                chosen=picture in ticked,
            )
            for number, picture in enumerate(pictures)
        ]


def _current(state: RunState) -> Cursor:
    if state.cursor is None:
        raise ValueError("this run is finished")
    return state.cursor


def _picture_rows(buttons: list[Button]) -> list[tuple[Button, ...]]:
    return [tuple(buttons[start : start + 3]) for start in range(0, len(buttons), 3)]
