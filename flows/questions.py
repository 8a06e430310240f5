"""How a run looks to the participant: the current question as a Reply with its buttons,
the pictures it shows, its progress dots, and the result at the end.
"""

from __future__ import annotations

from flows import wording
from flows.answers import AnswerKey, Answers, OptionAnswer, PictureAnswer
from flows.conversation_types import Button, ImageSpec, Reply
from flows.models import (
    ChoiceStep,
    FreeAnswerStep,
    PickAnsweredPictureStep,
    PickPicturesStep,
    QuestionStep,
    ResultStep,
)
from flows.route import Route, current_cursor, key_of
from flows.state import Cursor, RunState
from images.manifest import Manifest

Rows = list[tuple[Button, ...]]


class Questions:
    """Words and buttons for the questions of one flow."""

    def __init__(self, route: Route, pictures: Manifest) -> None:
        self._route = route
        self._pictures = pictures

    def current(self, state: RunState, answers: Answers) -> Reply:
        """What the participant sees now: the question, or while paused, a way back to it."""
        if state.paused:
            resume = Button("resume", wording.VERDER)
            return Reply(wording.PAUSED, ((resume,),), scope=str(state.prompt))
        return self.question(state, answers)

    def question(self, state: RunState, answers: Answers, *, edit: bool = False) -> Reply:
        """The current question as a message, with its buttons."""
        cursor = current_cursor(state)
        step = self._route.steps[cursor.step]
        text = self.text(cursor, answers)
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
            progress=wording.progress_dots(*self._route.progress(cursor, answers)),
        )

    def result(self, answers: Answers) -> Reply:
        """The flow's end: its picture made from the answers, and a word of praise."""
        step = self._route.flow.steps[-1]
        assert isinstance(step, ResultStep), "the loader makes sure a result comes last"
        pictures = self._route.chosen(answers, step.from_step)
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

    def text(self, cursor: Cursor, answers: Answers) -> str:
        """The question's words, {label} filled in with the picture it is about."""
        step = self._route.steps[cursor.step]
        subject = self._route.subject(cursor, answers)
        label = self.picture_label(subject) if subject else ""
        return step.text.replace("{label}", label)

    def picture_label(self, picture: str) -> str:
        return self._pictures.get(picture).label

    def option_text(self, step_id: str, option_id: str) -> str:
        """How an option of a choice looked on its button, e.g. "👍 Ja"."""
        step = self._route.steps[step_id]
        if isinstance(step, ChoiceStep):
            for option in step.options:
                if option.id == option_id:
                    return f"{option.emoji} {option.label}"
        return option_id

    def pool_of(self, step_id: str) -> tuple[str, ...]:
        step = self._route.steps[step_id]
        if not isinstance(step, PickPicturesStep):
            raise ValueError(f"step {step_id!r} offers no pictures")
        return self.pool(step)

    def pool(self, step: PickPicturesStep) -> tuple[str, ...]:
        """The pictures a pick_pictures step offers, in manifest order."""
        return tuple(picture.id for picture in self._pictures.with_tag(step.pictures.tag))

    def _pick_pictures_parts(
        self, step: PickPicturesStep, state: RunState, text: str, back: list[Button]
    ) -> tuple[str, Rows, ImageSpec]:
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
    ) -> tuple[Rows, ImageSpec | None]:
        previous = answers.get(key_of(cursor))
        rows: Rows = []
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
            chosen = self._route.chosen(answers, step.from_step)
            ticked = (previous.picture,) if isinstance(previous, PictureAnswer) else ()
            rows = _picture_rows(self._picture_buttons(chosen, ticked))
            image = ImageSpec("grid", chosen, selected=ticked)
        subject = self._route.subject(cursor, answers)
        if step.show_picture and subject:
            image = ImageSpec("picture", (subject,))
        return rows, image

    def _picture_buttons(self, pictures: tuple[str, ...], ticked: tuple[str, ...]) -> list[Button]:
        return [
            Button(
                f"p:{picture}",
                f"{wording.CHOSEN if picture in ticked else wording.KEYCAPS[number]} "
                f"{self.picture_label(picture)}",
                picture=picture,
                chosen=picture in ticked,
            )
            for number, picture in enumerate(pictures)
        ]


def _picture_rows(buttons: list[Button]) -> Rows:
    return [tuple(buttons[start : start + 3]) for start in range(0, len(buttons), 3)]
