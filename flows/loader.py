"""Loading flow files from `flows/*.yaml`, with messages a maintainer can act on."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import yaml
from pydantic import ValidationError

from flows.models import (
    ChoiceStep,
    Flow,
    LoopStep,
    PickPicturesStep,
    PickPictureStep,
    ResultStep,
)
from images.manifest import Manifest

FLOWS_DIR = Path(__file__).resolve().parent


class FlowError(ValueError):
    """A flow file that cannot be used."""


def load_flow(path: Path, pictures: Manifest, hooks: Collection[str]) -> Flow:
    """Read one flow file and check it against the picture bank and the known hooks."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FlowError(f"{path.name}: cannot read the file ({error})") from error
    except yaml.YAMLError as error:
        raise FlowError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(raw, dict):
        raise FlowError(f"{path.name}: expected a mapping with id, title, emoji and steps")
    try:
        flow = Flow.model_validate(raw)
    except ValidationError as error:
        raise FlowError(f"{path.name}: {_explain(error)}") from error
    problems = _check_runnable(flow, pictures, hooks)
    if flow.id != path.stem:
        problems.append(f"id {flow.id!r} must match the file name {path.stem!r}")
    if problems:
        raise FlowError(f"{path.name}: " + "; ".join(problems))
    return flow


def load_flows(pictures: Manifest, hooks: Collection[str], folder: Path = FLOWS_DIR) -> list[Flow]:
    """Every `*.yaml` flow in a folder, sorted by file name."""
    return [load_flow(path, pictures, hooks) for path in sorted(folder.glob("*.yaml"))]


def _check_runnable(flow: Flow, pictures: Manifest, hooks: Collection[str]) -> list[str]:
    problems: list[str] = []
    ids = tuple(picture.id for picture in pictures.pictures)
    unknown = [picture for picture in flow.cover if picture not in pictures]
    if unknown:
        problems.append(f"cover names unknown pictures {unknown}")
    first, last = flow.steps[0], flow.steps[-1]
    if isinstance(first, LoopStep | ResultStep):
        problems.append("the first step must be a question, not a loop or result")
    if not isinstance(last, ResultStep):
        problems.append("the last step must be a result")
    for loop in flow.steps:
        if (
            isinstance(loop, LoopStep)
            and loop.pictures
            and not pictures.with_tag(loop.pictures.tag)
        ):
            problems.append(f"loop {loop.id!r}: no pictures have the tag {loop.pictures.tag!r}")
    problems += _check_matching(flow, pictures)
    for step in flow.step_list():
        if isinstance(step, ResultStep):
            named = [part.picture for part in step.parts if part.picture is not None]
            unknown = [picture for picture in named if picture not in ids]
            if unknown:
                problems.append(f"step {step.id!r}: parts name unknown pictures {unknown}")
        if isinstance(step, ResultStep):
            if step is not last:
                problems.append(f"step {step.id!r}: a result can only be the last step")
            if step.hook not in hooks:
                known = ", ".join(sorted(hooks))
                problems.append(f"step {step.id!r}: unknown hook {step.hook!r} (known: {known})")
        if step.banner is not None and step.banner.hook not in hooks:
            problems.append(f"step {step.id!r}: unknown banner hook {step.banner.hook!r}")
        if isinstance(step, PickPicturesStep | PickPictureStep) and not pictures.with_tag(
            step.pictures.tag
        ):
            problems.append(f"step {step.id!r}: no pictures have the tag {step.pictures.tag!r}")
        if isinstance(step, ChoiceStep):
            unknown = [o.picture for o in step.options if o.picture and o.picture not in pictures]
            if unknown:
                problems.append(f"step {step.id!r}: options name unknown pictures {unknown}")
        if isinstance(step, PickPicturesStep):
            offered = len(pictures.with_tag(step.pictures.tag))
            if offered < step.min:
                problems.append(
                    f"step {step.id!r}: tag {step.pictures.tag!r} has {offered} pictures, "
                    f"fewer than min {step.min}"
                )
    return problems


def _check_matching(flow: Flow, pictures: Manifest) -> list[str]:
    """In a matching game every picture the loop can go through belongs to exactly one
    answer, so there is always one right answer."""
    problems = []
    picks = {step.id: step for step in flow.steps if isinstance(step, PickPicturesStep)}
    for loop in flow.steps:
        if not isinstance(loop, LoopStep):
            continue
        tag = loop.pictures.tag if loop.pictures else picks[loop.over or ""].pictures.tag
        for step in loop.steps:
            if not (isinstance(step, ChoiceStep) and step.match_tag):
                continue
            for picture in pictures.with_tag(tag):
                fits = [
                    o.id for o in step.options if f"{step.match_tag}{o.picture}" in picture.tags
                ]
                if len(fits) != 1:
                    problems.append(
                        f"step {step.id!r}: picture {picture.id!r} matches {len(fits)} "
                        "answers; it must match exactly one"
                    )
    return problems


def _explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else item["msg"])
    return "; ".join(parts)
