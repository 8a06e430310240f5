"""How a run looks to the participant: the current question as a Reply with its buttons,
the pictures it shows, its progress dots, and the result at the end.
"""

from __future__ import annotations

from flows import wording
from flows.answers import (
    AnswerKey,
    Answers,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
    TextAnswer,
)
from flows.conversation_types import Button, ImagePart, ImageSpec, Reply
from flows.models import (
    ChoiceStep,
    FreeAnswerStep,
    PickAnsweredPictureStep,
    PickPicturesStep,
    PickPictureStep,
    QuestionStep,
    ResultPart,
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
        elif isinstance(step, PickPictureStep):
            text, rows, image = self._pick_picture_parts(step, state, answers, text, back)
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
        if step.from_step is None:
            parts = tuple(made for part in step.parts for made in self._parts(part, answers))
            shown = tuple(dict.fromkeys(p for part in parts for p in part.pictures))
            image = ImageSpec(step.hook, shown, title=step.title, parts=parts)
            return Reply(step.text, image=image, keep=True)
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
        return Reply(step.text, image=image, keep=True)

    def _parts(self, part: ResultPart, answers: Answers) -> list[ImagePart]:
        """A result part from the answers: one, or one per round of a loop. `values` holds
        one option id per choice step ("" when not asked), in flow order."""
        if part.loop is not None:
            loop = self._route.loop(part.loop)
            made = []
            for item in self._route.rounds(loop, answers):
                keys = [AnswerKey(step=inner.id, item=item) for inner in loop.steps]
                values, words, _ = self._gathered(keys, answers)
                label = part.label or self.picture_label(item)
                made.append(ImagePart(part.place, label, (item,), values, words))
            return made
        keys = [AnswerKey(step=step_id) for step_id in part.steps]
        values, words, pictures = self._gathered(keys, answers, part.option_words)
        lead = (part.picture,) if part.picture else ()
        unique = tuple(dict.fromkeys((*lead, *pictures)))
        return [ImagePart(part.place, part.label, unique, values, words)]

    def _gathered(
        self, keys: list[AnswerKey], answers: Answers, option_words: bool = False
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """The option ids (one per choice step), typed words (and the chosen options' words,
        when asked) and pictures of these answers."""
        values: list[str] = []
        words: list[str] = []
        pictures: list[str] = []
        for key in keys:
            step, answer = self._route.steps[key.step], answers.get(key)
            if isinstance(step, ChoiceStep):
                option = answer.option if isinstance(answer, OptionAnswer) else ""
                values.append(option)
                pictures += [o.picture for o in step.options if o.id == option and o.picture]
                if option_words:
                    words += [o.label for o in step.options if o.id == option]
            elif isinstance(answer, PicturesAnswer):
                pictures += answer.pictures
            elif isinstance(answer, PictureAnswer):
                pictures.append(answer.picture)
            elif isinstance(answer, TextAnswer):
                words.append(answer.text)
        return tuple(values), tuple(words), tuple(pictures)

    def banner(self, cursor: Cursor) -> Reply | None:
        """The picture sent just before this question, if it has one."""
        banner = self._route.steps[cursor.step].banner
        if banner is None:
            return None
        shown = ImagePart(place=banner.value, label=banner.text)
        return Reply(banner.text, image=ImageSpec(banner.hook, (), parts=(shown,)))

    def matches(self, step: ChoiceStep, item: str, option_id: str) -> bool:
        """In a matching game: whether this option is where the round's picture belongs."""
        tags = self._pictures.get(item).tags
        return any(
            option.id == option_id and f"{step.match_tag}{option.picture}" in tags
            for option in step.options
        )

    def offered(self, step: PickPictureStep, state: RunState) -> tuple[str, ...]:
        """The pictures a pick_picture step offers: those chosen in an earlier method first."""
        pool = self.pool(step)
        first = tuple(p for p in state.earlier.get(step.id, ()) if p in pool)
        return first + tuple(p for p in pool if p not in first)

    def text(self, cursor: Cursor, answers: Answers) -> str:
        """The question's words, {label} filled in with the picture it is about."""
        step = self._route.steps[cursor.step]
        subject = self._route.subject(cursor, answers)
        label = self.picture_label(subject) if subject else ""
        phrase = self._route.flow.phrases.get(subject or "", label)
        return step.text.replace("{label}", label).replace("{phrase}", phrase)

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

    def option_label(self, step_id: str, option_id: str) -> str:
        """An option's words without its emoji, e.g. "Ja"."""
        step = self._route.steps[step_id]
        if isinstance(step, ChoiceStep):
            for option in step.options:
                if option.id == option_id:
                    return option.label
        return option_id

    def pool_of(self, step_id: str) -> tuple[str, ...]:
        step = self._route.steps[step_id]
        if not isinstance(step, PickPicturesStep | PickPictureStep):
            raise ValueError(f"step {step_id!r} offers no pictures")
        return self.pool(step)

    def pool(self, step: PickPicturesStep | PickPictureStep) -> tuple[str, ...]:
        """The pictures a pick_pictures step offers, in manifest order."""
        return step.pictures.pool(self._pictures)

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
        status = wording.CHOSEN_COUNT.format(count=len(state.selection))
        if pages > 1:
            status = wording.PAGE.format(page=state.page + 1, pages=pages) + " · " + status
        chosen_here = tuple(picture for picture in shown if picture in state.selection)
        return f"{text}\n{status}", rows, ImageSpec("grid", shown, selected=chosen_here)

    def _pick_picture_parts(
        self,
        step: PickPictureStep,
        state: RunState,
        answers: Answers,
        text: str,
        back: list[Button],
    ) -> tuple[str, Rows, ImageSpec]:
        pool = self.offered(step, state)
        pages = -(-len(pool) // step.page_size)
        shown = pool[state.page * step.page_size : (state.page + 1) * step.page_size]
        previous = answers.get(key_of(current_cursor(state)))
        ticked = (previous.picture,) if isinstance(previous, PictureAnswer) else ()
        rows = _picture_rows(self._picture_buttons(shown, ticked))
        nav = list(back)
        if state.page < pages - 1:
            nav.append(Button("more", wording.VERDER))
        rows.append((*nav, Button("stop", wording.STOP)))
        if pages > 1:
            text += "\n" + wording.PAGE.format(page=state.page + 1, pages=pages)
        on_page = tuple(picture for picture in shown if picture in ticked)
        return text, rows, ImageSpec("grid", shown, selected=on_page)

    def _answer_parts(
        self, step: QuestionStep, cursor: Cursor, answers: Answers
    ) -> tuple[Rows, ImageSpec | None]:
        previous = answers.get(key_of(cursor))
        rows: Rows = []
        image: ImageSpec | None = None
        if isinstance(step, ChoiceStep):
            rows, image = self._choice_parts(step, previous)
        elif isinstance(step, FreeAnswerStep):
            rows.append((Button("skip", wording.OVERSLAAN),))
        elif isinstance(step, PickAnsweredPictureStep):
            chosen = self._route.chosen(answers, step.from_step)
            ticked = (previous.picture,) if isinstance(previous, PictureAnswer) else ()
            rows = _picture_rows(self._picture_buttons(chosen, ticked))
            image = ImageSpec("grid", chosen, selected=ticked)
        subject = self._route.subject(cursor, answers)
        if step.show_picture and subject:
            if image is not None and image.hook == "grid":  # the subject above the answers
                image = ImageSpec(
                    "about_grid",
                    (subject, *image.pictures),
                    image.selected,
                    captions=image.captions,
                )
            else:
                image = ImageSpec("picture", (subject,))
        return rows, image

    def _choice_parts(self, step: ChoiceStep, previous: object) -> tuple[Rows, ImageSpec | None]:
        """A button per option; options with a picture are numbered like the picture grid."""
        pictured = [option.picture for option in step.options if option.picture]
        buttons: list[Button] = []
        chosen_picture: tuple[str, ...] = ()
        for option in step.options:
            given = previous == OptionAnswer(option=option.id)
            if option.picture:
                number = wording.KEYCAPS[pictured.index(option.picture)]
                text = f"{wording.CHOSEN if given else number} {option.label}"
                chosen_picture = (option.picture,) if given else chosen_picture
            else:
                text = f"{option.emoji} {option.label}" + (f" {wording.CHOSEN}" if given else "")
            buttons.append(Button(f"o:{option.id}", text, picture=option.picture, chosen=given))
        rows: Rows
        if step.stacked:
            rows = [(button,) for button in buttons]
        else:
            rows = _packed_rows(buttons, [option.label for option in step.options])
        if step.match_tag is not None:
            rows.append((Button("skip", wording.OVERSLAAN),))
        words = tuple(option.label for option in step.options if option.picture)
        own_words = tuple(self.picture_label(picture) for picture in pictured)
        captions = words if words != own_words else ()
        image = (
            ImageSpec("grid", tuple(pictured), selected=chosen_picture, captions=captions)
            if pictured
            else None
        )
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


def _packed_rows(buttons: list[Button], labels: list[str]) -> Rows:
    """Buttons side by side while they stay readable on a phone: at most 3 in a row and
    about 22 letters of words; the rest on the next rows."""
    rows: Rows = []
    row: list[Button] = []
    letters = 0
    for button, label in zip(buttons, labels, strict=True):
        if row and (len(row) == 3 or letters + len(label) > 22):
            rows.append(tuple(row))
            row, letters = [], 0
        row.append(button)
        letters += len(label)
    rows.append(tuple(row))
    return rows
