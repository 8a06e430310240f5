"""The shape of a flow file: a method as data, checked before the bot starts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    """Which pictures of the bank a step offers."""

    tag: str


class _Step(_Model):
    id: StepId
    text: ParticipantText
    show_if: ShowIf | None = None
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
    min: int = Field(default=1, ge=1)
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
    label: str = Field(min_length=1, max_length=20)


class ChoiceStep(_Step):
    """Tap one of a few answers."""

    kind: Literal["choice"]
    options: tuple[ChoiceOption, ...] = Field(min_length=2, max_length=6)

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


class PickAnsweredPictureStep(_Step):
    """Tap one of the pictures chosen earlier in a pick_pictures step."""

    kind: Literal["pick_answered_picture"]
    from_step: StepId


class ResultStep(_Step):
    """The end: a picture made by a named hook from chosen pictures, and a word of praise."""

    kind: Literal["result"]
    hook: str
    title: str = Field(min_length=1, max_length=40)
    from_step: StepId
    group_by: ShowIf | None = None
    """Mark the pictures whose answer to this choice (in their loop round) is one of `in`,
    e.g. the strong sides apart from the growing ones."""


InnerStep = Annotated[
    ChoiceStep | FreeAnswerStep | PickAnsweredPictureStep,
    Field(discriminator="kind"),
]


class LoopStep(_Model):
    """Ask the inner steps once for every picture chosen in `over`."""

    kind: Literal["loop"]
    id: StepId
    over: StepId
    steps: tuple[InnerStep, ...] = Field(min_length=1)


TopStep = Annotated[
    PickPicturesStep
    | ChoiceStep
    | FreeAnswerStep
    | PickAnsweredPictureStep
    | ResultStep
    | LoopStep,
    Field(discriminator="kind"),
]
QuestionStep = PickPicturesStep | ChoiceStep | FreeAnswerStep | PickAnsweredPictureStep | ResultStep


PlanSection = Literal["wants", "cans", "develop", "actions"]


class PlanSuggestion(_Model):
    """An answer that the coach may take into the action plan: the answers to `step` (only
    these `options` of a choice), worded by `text` where {label} is the picture the answer is
    about and {answer} what was typed."""

    section: PlanSection
    step: StepId
    options: tuple[OptionId, ...] = ()
    text: str = Field(min_length=1, max_length=120)


class Flow(_Model):
    """One method, e.g. the Droompagina."""

    id: StepId
    title: str = Field(min_length=1, max_length=30)
    emoji: str = Field(min_length=1, max_length=8)
    steps: tuple[TopStep, ...] = Field(min_length=1)
    welcome: ParticipantText | None = None
    cover: tuple[str, ...] = Field(default=(), max_length=4)
    """Pictures that stand for the method, e.g. when it is given as homework."""
    plan_suggestions: tuple[PlanSuggestion, ...] = ()

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
            refer(step.id, step.over, "over", (PickPicturesStep,))
            seen[step.id] = step
            for inner in step.steps:
                visit(inner, loop=step.id)
            return
        if step.show_if is not None:
            refer(step.id, step.show_if.step, "show_if.step", (ChoiceStep,))
            target = seen.get(step.show_if.step)
            if isinstance(target, ChoiceStep):
                known = {option.id for option in target.options}
                unknown = [value for value in step.show_if.in_ if value not in known]
                if unknown:
                    problems.append(f"step {step.id!r}: show_if names unknown options {unknown}")
                if loop_of[target.id] != loop:
                    problems.append(
                        f"step {step.id!r}: show_if.step {target.id!r} must be in the same loop "
                        "as this step (or both outside loops)"
                    )
        if isinstance(step, PickAnsweredPictureStep | ResultStep):
            refer(step.id, step.from_step, "from_step", (PickPicturesStep,))
        if isinstance(step, ResultStep) and step.group_by is not None:
            refer(step.id, step.group_by.step, "group_by.step", (ChoiceStep,))
            looped = seen.get(loop_of.get(step.group_by.step, ""))
            if not (isinstance(looped, LoopStep) and looped.over == step.from_step):
                problems.append(
                    f"step {step.id!r}: group_by.step {step.group_by.step!r} must be asked "
                    f"in a loop over {step.from_step!r}"
                )
        if step.about is not None:
            refer(step.id, step.about, "about", (PickAnsweredPictureStep,))
        if step.show_picture and not in_loop and step.about is None:
            problems.append(f"step {step.id!r}: show_picture needs a loop or 'about'")
        seen[step.id] = step
        loop_of[step.id] = loop

    for step in flow.steps:
        visit(step, loop="")
    for rule in flow.plan_suggestions:
        if rule.step not in seen:
            problems.append(f"plan_suggestions: unknown step {rule.step!r}")
    if problems:
        raise ValueError("; ".join(problems))
