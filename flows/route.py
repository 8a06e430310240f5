"""The shape of a run: which questions a flow asks, in which order, given the answers so far.

Loops are unrolled over the pictures chosen earlier; `show_if` and `about` decide whether a
question applies. Pure functions of the flow and the answers: no wording, no pictures.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flows.answers import AnswerKey, Answers, OptionAnswer, PictureAnswer, PicturesAnswer
from flows.models import (
    Flow,
    GivenStep,
    LoopStep,
    PickAnsweredPictureStep,
    PickPicturesStep,
    QuestionStep,
    ResultStep,
    ShowIf,
)
from flows.state import Cursor, RunState


def current_cursor(state: RunState) -> Cursor:
    """The question a run is at; a finished run has none."""
    if state.cursor is None:
        raise ValueError("this run is finished")
    return state.cursor


def key_of(cursor: Cursor) -> AnswerKey:
    return AnswerKey(step=cursor.step, item=cursor.item)


def cursor_of(key: AnswerKey) -> Cursor:
    return Cursor(step=key.step, item=key.item)


class Route:
    """The questions of one flow and the order a run goes through them."""

    def __init__(self, flow: Flow, loop_pictures: Mapping[str, tuple[str, ...]]) -> None:
        """`loop_pictures`: for each loop over a tag, the pictures it goes through."""
        self.flow = flow
        self._loop_pictures = dict(loop_pictures)
        self.steps: dict[str, QuestionStep] = {step.id: step for step in flow.step_list()}
        self._loops: dict[str, LoopStep] = {
            inner.id: step
            for step in flow.steps
            if isinstance(step, LoopStep)
            for inner in step.steps
        }

    def walk(self, answers: Answers) -> Iterator[Cursor]:
        """Every question of the flow in order, loops unrolled over the chosen pictures."""
        for step in self.flow.steps:
            if isinstance(step, GivenStep):
                continue  # filled in when the run starts, never asked
            if isinstance(step, LoopStep):
                for item in self.rounds(step, answers):
                    for inner in step.steps:
                        yield Cursor(step=inner.id, item=item)
            else:
                yield Cursor(step=step.id)

    def answer_order(self, answers: Answers) -> list[AnswerKey]:
        """The keys of what was given at the start, then of every question of this run in
        the order they are asked."""
        return [*self.given_keys(), *(key_of(cursor) for cursor in self.walk(answers))]

    def given_keys(self) -> list[AnswerKey]:
        return [AnswerKey(step=s.id) for s in self.flow.steps if isinstance(s, GivenStep)]

    def applies(self, cursor: Cursor, answers: Answers) -> bool:
        step = self.steps[cursor.step]

        def holds(condition: ShowIf) -> bool:
            choice = answers.get(AnswerKey(step=condition.step, item=cursor.item))
            return isinstance(choice, OptionAnswer) and choice.option in condition.in_

        if step.show_if is not None and not holds(step.show_if):
            return False
        if step.show_if_any and not any(holds(condition) for condition in step.show_if_any):
            return False
        return step.about is None or self.subject(cursor, answers) is not None

    def following(self, cursor: Cursor, answers: Answers) -> Cursor | None:
        """The next question that applies after `cursor`, if any."""
        passed = False
        for candidate in self.walk(answers):
            if passed and self.applies(candidate, answers):
                return candidate
            passed = passed or candidate == cursor
        return None

    def no_longer_apply(self, answers: Answers) -> list[AnswerKey]:
        """Answers a changed choice has made pointless: for pictures no longer chosen, or
        for questions whose condition no longer holds."""
        reachable = {(c.step, c.item) for c in self.walk(answers) if self.applies(c, answers)}
        reachable |= {(key.step, key.item) for key in self.given_keys()}
        stale = {key for key in answers if (key.step, key.item) not in reachable}
        for key, answer in answers.items():
            step = self.steps.get(key.step)
            if (
                isinstance(step, PickAnsweredPictureStep)
                and isinstance(answer, PictureAnswer)
                and answer.picture not in self.chosen(answers, step.from_step)
            ):
                stale.add(key)
        return sorted(stale, key=lambda key: (key.step, key.item))

    def rounds(self, loop: LoopStep, answers: Answers) -> tuple[str, ...]:
        """The pictures a loop goes through, in order: one round each."""
        if loop.over is not None:
            return self.chosen(answers, loop.over)
        return self._loop_pictures[loop.id]

    def loop(self, loop_id: str) -> LoopStep:
        for step in self.flow.steps:
            if isinstance(step, LoopStep) and step.id == loop_id:
                return step
        raise KeyError(loop_id)

    def chosen(self, answers: Answers, pick_step: str) -> tuple[str, ...]:
        """The pictures chosen in a pick_pictures step, in the order they were tapped."""
        answer = answers.get(AnswerKey(step=pick_step))
        return answer.pictures if isinstance(answer, PicturesAnswer) else ()

    def stored_selection(self, cursor: Cursor, answers: Answers) -> tuple[str, ...]:
        """The pictures to show ticked when a pick_pictures question is asked again."""
        if isinstance(self.steps[cursor.step], PickPicturesStep):
            return self.chosen(answers, cursor.step)
        return ()

    def subject(self, cursor: Cursor, answers: Answers) -> str | None:
        """The picture a question is about: the loop's picture, or the one picked in `about`."""
        if cursor.item:
            return cursor.item
        about = self.steps[cursor.step].about
        if about is None:
            return None
        answer = answers.get(AnswerKey(step=about))
        return answer.picture if isinstance(answer, PictureAnswer) else None

    def progress(self, cursor: Cursor, answers: Answers) -> tuple[int, int]:
        """How many stages are done counting this one, and how many there are: every top
        step but the result is a stage, and every round of a loop."""
        stages: list[tuple[str, str]] = []
        for step in self.flow.steps:
            if isinstance(step, LoopStep):
                stages.extend((step.id, item) for item in self.rounds(step, answers))
            elif not isinstance(step, ResultStep | GivenStep):
                stages.append((step.id, ""))
        loop = self._loops.get(cursor.step)
        here = (loop.id, cursor.item) if loop else (cursor.step, "")
        done = stages.index(here) + 1 if here in stages else 0
        return done, len(stages)
