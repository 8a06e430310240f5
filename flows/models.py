"""The shape of a flow file: a method as data, checked before the bot starts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from images.manifest import Manifest

StepId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
OptionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,11}$")]
ParticipantText = Annotated[str, Field(min_length=1, max_length=300)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ShowIf(_Model):
    """Ask a step only when an earlier choice (in the same loop round) was one of `in`."""

    step: StepId
    in_: tuple[OptionId, ...] = Field(alias="in", min_length=1)


class PictureSet(_Model):
    """Which pictures of the bank a step offers: those with a tag (in bank order), or these
    `ids` in this order."""

    tag: str | None = None
    ids: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _tag_or_ids(self) -> PictureSet:
        if (self.tag is None) == (not self.ids):
            raise ValueError("give a picture `tag` or a list of picture `ids`")
        return self

    def pool(self, bank: Manifest) -> tuple[str, ...]:
        """The pictures of the bank this set names (unknown ids left out: the loader warns)."""
        if self.tag is not None:
            return tuple(picture.id for picture in bank.with_tag(self.tag))
        return tuple(picture for picture in self.ids if picture in bank)

    def __str__(self) -> str:
        return f"tag {self.tag!r}" if self.tag is not None else f"ids {list(self.ids)}"


class EarlierPictures(_Model):
    """Pictures the participant chose in her latest finished run of another method, e.g. the
    work pictures of her Droompagina: offered first."""

    flow: StepId
    step: StepId


class Banner(_Model):
    """A picture sent just before a question, made by a named hook, e.g. the hand with the
    finger the question is about."""

    hook: str
    value: str = Field(default="", max_length=40)
    text: str = Field(min_length=1, max_length=80)


class _Step(_Model):
    id: StepId
    text: ParticipantText
    banner: Banner | None = None
    show_if: ShowIf | None = None
    show_if_any: tuple[ShowIf, ...] = ()
    """Ask this step when any of these holds (e.g. "something else" in any of four lists)."""
    show_picture: bool = False
    """Send the picture the question is about (the loop's picture, or `about`)."""
    about: StepId | None = None
    """A pick-one step whose picture this question is about (outside loops)."""
    coach_highlight: bool = False
    """Show this answer highlighted to the coach (e.g. 'can this come true?')."""


class PickPicturesStep(_Step):
    """Tap pictures on numbered pages to choose several."""

    kind: Literal["pick_pictures"]
    pictures: PictureSet
    min: int = Field(default=1, ge=0)
    """0: Klaar without a picture is an answer too (e.g. when she would rather type)."""
    max: int = Field(default=8, ge=1)
    page_size: int = Field(default=9, ge=1, le=9)

    @model_validator(mode="after")
    def _min_below_max(self) -> PickPicturesStep:
        if self.min > self.max:
            raise ValueError(f"step {self.id!r}: min ({self.min}) is larger than max ({self.max})")
        return self


class ChoiceOption(_Model):
    id: OptionId
    emoji: str = Field(min_length=1, max_length=8)
    label: str = Field(min_length=1, max_length=32)
    picture: str | None = None
    """A picture for this answer: the question then shows the answers' pictures, numbered."""


class ChoiceStep(_Step):
    """Tap one of a few answers."""

    kind: Literal["choice"]
    options: tuple[ChoiceOption, ...] = Field(min_length=2, max_length=9)
    stacked: bool = False
    """One answer per row, the first on top: for a scale, e.g. from "very good" down."""
    match_tag: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    """A matching game, in a loop: the right answer is the option whose picture P the round's
    picture is tagged `<match_tag>P` for; another answer gets a gentle hint, and the question
    can be skipped."""

    @model_validator(mode="after")
    def _option_ids_unique(self) -> ChoiceStep:
        ids = [option.id for option in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError(f"step {self.id!r}: option ids repeat: {ids}")
        return self


class FreeAnswerStep(_Step):
    """Say something in own words: typed or as a voice note, or skip."""

    kind: Literal["free_answer"]
    voice: bool = True


class PickPictureStep(_Step):
    """Tap one picture on numbered pages; pictures chosen in an earlier method come first."""

    kind: Literal["pick_picture"]
    pictures: PictureSet
    offer_first: EarlierPictures | None = None
    page_size: int = Field(default=9, ge=1, le=9)


class PickAnsweredPictureStep(_Step):
    """Tap one of the pictures chosen earlier in a pick_pictures step."""

    kind: Literal["pick_answered_picture"]
    from_step: StepId


class GivenStep(_Step):
    """Not asked: what the bot fills in when it starts the run (e.g. the small step a check-in
    is about), kept with the answers so texts, results and the coach can use it; `text`
    says what it is, for the coach."""

    kind: Literal["given"]


class ResultPart(_Model):
    """A piece of a result picture, gathered from answers: from `steps` (the pictures chosen,
    the options picked with their pictures, the words typed), or from a `loop` (one part per
    round: the round's picture, its choices and its typed words). What `place` and `label`
    mean is the hook's business (e.g. the board's "centre")."""

    place: str = Field(default="", max_length=20)
    label: str = Field(default="", max_length=40)
    picture: str | None = None
    """A picture that always leads this part, e.g. a sunrise for getting up."""
    steps: tuple[StepId, ...] = ()
    loop: StepId | None = None
    option_words: bool = False
    """Put the words of the options chosen among the part's words too (e.g. a question
    picked from examples, shown on her card)."""

    @model_validator(mode="after")
    def _steps_or_loop(self) -> ResultPart:
        if bool(self.steps) == (self.loop is not None):
            raise ValueError("a result part takes answers from `steps` or from a `loop`")
        return self


class ResultStep(_Step):
    """The end: a picture made by a named hook from the answers, and a word of praise."""

    kind: Literal["result"]
    hook: str
    title: str = Field(min_length=1, max_length=40)
    from_step: StepId | None = None
    """The pictures chosen in this step make the picture (e.g. the dream page)..."""
    group_by: ShowIf | None = None
    """...marking those whose answer to this choice (in their loop round) is one of `in`,
    e.g. the strong sides apart from the growing ones."""
    parts: tuple[ResultPart, ...] = ()
    """...or these parts do (e.g. the Praatplaat's board)."""

    @model_validator(mode="after")
    def _from_step_or_parts(self) -> ResultStep:
        if (self.from_step is None) == (not self.parts):
            raise ValueError(f"step {self.id!r}: a result takes `from_step` or `parts`")
        if self.group_by is not None and self.from_step is None:
            raise ValueError(f"step {self.id!r}: group_by needs from_step")
        return self


InnerStep = Annotated[
    ChoiceStep | FreeAnswerStep | PickAnsweredPictureStep,
    Field(discriminator="kind"),
]


class LoopStep(_Model):
    """Ask the inner steps once for every picture chosen in `over`, or once for every
    picture of the bank with the tag of `pictures` (e.g. every competence)."""

    kind: Literal["loop"]
    id: StepId
    over: StepId | None = None
    pictures: PictureSet | None = None
    steps: tuple[InnerStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _over_or_pictures(self) -> LoopStep:
        if (self.over is None) == (self.pictures is None):
            raise ValueError(f"loop {self.id!r}: give `over` (a pick step) or `pictures`")
        return self


TopStep = Annotated[
    GivenStep
    | PickPicturesStep
    | PickPictureStep
    | ChoiceStep
    | FreeAnswerStep
    | PickAnsweredPictureStep
    | ResultStep
    | LoopStep,
    Field(discriminator="kind"),
]
QuestionStep = (
    GivenStep
    | PickPicturesStep
    | PickPictureStep
    | ChoiceStep
    | FreeAnswerStep
    | PickAnsweredPictureStep
    | ResultStep
)


PopQuestion = Literal["wie_ben_ik", "wat_wil_ik", "wat_kan_ik", "wat_doe_ik"]
POP_QUESTIONS: tuple[PopQuestion, ...] = ("wie_ben_ik", "wat_wil_ik", "wat_kan_ik", "wat_doe_ik")
"""Who am I, what do I want, what can I do (the analysis), and what will I do (small steps)."""

PlanSection = Literal["wants", "cans", "develop", "actions"]


class PlanSuggestion(_Model):
    """An answer that the coach may take into the action plan: the answers to `step` (only
    these `options` of a choice), worded by `text` where {label} is the picture the answer is
    about and {answer} what was typed."""

    section: PlanSection
    step: StepId
    options: tuple[OptionId, ...] = ()
    text: str = Field(min_length=1, max_length=120)


class CoachRating(_Model):
    """The coach answers one choice of a loop too, for every round (e.g. how good she finds
    the participant at each competence), shown beside the participant's own answer."""

    loop: StepId
    step: StepId
    """A choice inside `loop`: the coach picks from its options."""


class Flow(_Model):
    """One method, e.g. the Droompagina."""

    id: StepId
    title: str = Field(min_length=1, max_length=30)
    emoji: str = Field(min_length=1, max_length=8)
    question: PopQuestion
    """Which question of the POP the method helps answer: its group in the menu."""
    menu: bool = True
    """False for a flow the bot starts itself (e.g. a check-in), not offered in the menu."""
    after: str | None = None
    """A named hook the bot runs when a run of this flow is finished (e.g. to plan a check-in
    on the day she chose)."""
    steps: tuple[TopStep, ...] = Field(min_length=1)
    welcome: ParticipantText | None = None
    cover: tuple[str, ...] = Field(default=(), max_length=4)
    """Pictures that stand for the method, e.g. when it is given as homework."""
    plan_suggestions: tuple[PlanSuggestion, ...] = ()
    coach_rating: CoachRating | None = None
    phrases: dict[str, ParticipantText] = {}
    """Per picture one plain sentence, put in the texts where they say {phrase} (e.g. what a
    competence means); {label} is the picture's own word."""

    @model_validator(mode="after")
    def _references_resolve(self) -> Flow:
        check_references(self)
        return self

    def step_list(self) -> list[QuestionStep]:
        """Every question step, loops unrolled once, in flow order."""
        found: list[QuestionStep] = []
        for step in self.steps:
            if isinstance(step, LoopStep):
                found.extend(step.steps)
            else:
                found.append(step)
        return found


_ANSWERED = (
    GivenStep,
    PickPicturesStep,
    PickPictureStep,
    ChoiceStep,
    FreeAnswerStep,
    PickAnsweredPictureStep,
)


def check_references(flow: Flow) -> None:
    """Every id a step points to exists, is earlier in the flow and has the right kind."""
    seen: dict[str, object] = {}
    loop_of: dict[str, str] = {}
    """The loop each step is asked in ('' outside loops): show_if only looks within a round."""
    problems: list[str] = []

    def refer(step_id: str, target: str, field: str, kinds: tuple[type, ...]) -> None:
        found = seen.get(target)
        if found is None:
            problems.append(f"step {step_id!r}: {field} {target!r} is not an earlier step")
        elif not isinstance(found, kinds):
            wanted = " or ".join(kind.__name__ for kind in kinds)
            problems.append(f"step {step_id!r}: {field} {target!r} must be a {wanted}")

    def visit(step: TopStep | InnerStep, loop: str) -> None:
        in_loop = bool(loop)
        if step.id in seen:
            problems.append(f"step id {step.id!r} is used twice")
        if isinstance(step, LoopStep):
            if step.over is not None:
                refer(step.id, step.over, "over", (PickPicturesStep,))
            seen[step.id] = step
            for inner in step.steps:
                visit(inner, loop=step.id)
            return
        for condition in (step.show_if, *step.show_if_any):
            if condition is None:
                continue
            refer(step.id, condition.step, "show_if.step", (ChoiceStep,))
            target = seen.get(condition.step)
            if isinstance(target, ChoiceStep):
                known = {option.id for option in target.options}
                unknown = [value for value in condition.in_ if value not in known]
                if unknown:
                    problems.append(f"step {step.id!r}: show_if names unknown options {unknown}")
                if loop_of[target.id] != loop:
                    problems.append(
                        f"step {step.id!r}: show_if.step {target.id!r} must be in the same loop "
                        "as this step (or both outside loops)"
                    )
        if isinstance(step, PickAnsweredPictureStep) or (
            isinstance(step, ResultStep) and step.from_step is not None
        ):
            assert step.from_step is not None
            refer(step.id, step.from_step, "from_step", (PickPicturesStep,))
        if isinstance(step, ResultStep):
            for part in step.parts:
                for target in part.steps:
                    refer(step.id, target, "parts.steps", _ANSWERED)
                    if loop_of.get(target):
                        problems.append(
                            f"step {step.id!r}: parts.steps {target!r} is asked in a loop; "
                            "use `loop` for it"
                        )
                if part.loop is not None:
                    refer(step.id, part.loop, "parts.loop", (LoopStep,))
        if isinstance(step, ChoiceStep) and step.match_tag is not None:
            if not in_loop:
                problems.append(f"step {step.id!r}: match_tag only works in a loop")
            if any(option.picture is None for option in step.options):
                problems.append(f"step {step.id!r}: match_tag needs a picture on every option")
        if isinstance(step, ResultStep) and step.group_by is not None:
            refer(step.id, step.group_by.step, "group_by.step", (ChoiceStep,))
            looped = seen.get(loop_of.get(step.group_by.step, ""))
            if not (isinstance(looped, LoopStep) and looped.over == step.from_step):
                problems.append(
                    f"step {step.id!r}: group_by.step {step.group_by.step!r} must be asked "
                    f"in a loop over {step.from_step!r}"
                )
        if step.about is not None:
            refer(step.id, step.about, "about", (PickAnsweredPictureStep, PickPictureStep))
        if step.show_picture and not in_loop and step.about is None:
            problems.append(f"step {step.id!r}: show_picture needs a loop or 'about'")
        seen[step.id] = step
        loop_of[step.id] = loop

    for step in flow.steps:
        visit(step, loop="")
    rating = flow.coach_rating
    if rating is not None and not (
        isinstance(seen.get(rating.step), ChoiceStep) and loop_of.get(rating.step) == rating.loop
    ):
        problems.append(f"coach_rating: {rating.step!r} must be a choice in loop {rating.loop!r}")
    for rule in flow.plan_suggestions:
        if rule.step not in seen:
            problems.append(f"plan_suggestions: unknown step {rule.step!r}")
    if problems:
        raise ValueError("; ".join(problems))
