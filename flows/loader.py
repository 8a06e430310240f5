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
    PictureSet,
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
    unknown = [picture for picture in flow.cover if picture not in pictures]
    if unknown:
        problems.append(f"cover names unknown pictures {unknown}")
    unknown = [picture for picture in flow.phrases if picture not in pictures]
    if unknown:
        problems.append(f"phrases name unknown pictures {unknown}")
    last = flow.steps[-1]
    if not isinstance(last, ResultStep):
        problems.append("the last step must be a result")
    for loop in flow.steps:
        if isinstance(loop, LoopStep) and loop.pictures is not None:
            problems += _check_set(f"loop {loop.id!r}", loop.pictures, pictures)
    problems += _check_matching(flow, pictures)
    for step in flow.step_list():
        where = f"step {step.id!r}"
        if isinstance(step, ResultStep):
            if step is not last:
                problems.append(f"{where}: a result can only be the last step")
            if step.hook not in hooks:
                known = ", ".join(sorted(hooks))
                problems.append(f"{where}: unknown hook {step.hook!r} (known: {known})")
            named = [part.picture for part in step.parts if part.picture is not None]
            unknown = [picture for picture in named if picture not in pictures]
            if unknown:
                problems.append(f"{where}: parts name unknown pictures {unknown}")
        if step.banner is not None and step.banner.hook not in hooks:
            problems.append(f"{where}: unknown banner hook {step.banner.hook!r}")
        if isinstance(step, ChoiceStep):
            unknown = [o.picture for o in step.options if o.picture and o.picture not in pictures]
            if unknown:
                problems.append(f"{where}: options name unknown pictures {unknown}")
        if isinstance(step, PickPicturesStep | PickPictureStep):
            problems += _check_set(where, step.pictures, pictures)
        if isinstance(step, PickPicturesStep):
            offered = len(step.pictures.pool(pictures))
            if 0 < offered < step.min:
                problems.append(
                    f"{where}: {step.pictures} has {offered} pictures, fewer than min {step.min}"
                )
    return problems


def _check_set(where: str, chosen: PictureSet, pictures: Manifest) -> list[str]:
    unknown = [picture for picture in chosen.ids if picture not in pictures]
    if unknown:
        return [f"{where}: ids name unknown pictures {unknown}"]
    if not chosen.pool(pictures):
        return [f"{where}: no pictures have the tag {chosen.tag!r}"]
    return []


def _check_matching(flow: Flow, pictures: Manifest) -> list[str]:
    """In a matching game every picture the loop can go through belongs to exactly one
    answer, so there is always one right answer."""
    problems = []
    picks = {step.id: step for step in flow.steps if isinstance(step, PickPicturesStep)}
    for loop in flow.steps:
        if not isinstance(loop, LoopStep):
            continue
        chosen = loop.pictures if loop.pictures else picks[loop.over or ""].pictures
        for step in loop.steps:
            if not (isinstance(step, ChoiceStep) and step.match_tag):
                continue
            for picture in chosen.pool(pictures):
                tags = pictures.get(picture).tags
                fits = [o.id for o in step.options if f"{step.match_tag}{o.picture}" in tags]
                if len(fits) != 1:
                    problems.append(
                        f"step {step.id!r}: picture {picture!r} matches {len(fits)} "
                        "answers; it must match exactly one"
                    )
    return problems


def _explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else item["msg"])
    return "; ".join(parts)
