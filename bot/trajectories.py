"""Trajectories: a fixed order of methods a coach can choose for a participant (the
handbook's Variant 1 and Variant 4), and which method comes next for her.

Without a trajectory ("Vrij") she chooses freely. The file is checked at start: a method
that is not a loaded flow stops the bot with one line, like a broken flow file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.loader import FLOWS_DIR, FlowError
from storage.records import Participant
from storage.repository import StoredRun

TRAJECTORIES_FILE = FLOWS_DIR / "trajectories.yml"
"""Named .yml, not .yaml: every flows/*.yaml is a flow."""

FlowId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")]


class Trajectory(BaseModel):
    """Methods in a fixed order, e.g. Variant 4: who am I, what do I want, what can I do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: FlowId
    title: str = Field(min_length=1, max_length=80)
    """How the coach knows it, e.g. "Variant 4 — laag reflectievermogen, stap voor stap"."""
    about: str = Field(min_length=1, max_length=200)
    """One line for the coach: for whom, and why this order."""
    methods: tuple[FlowId, ...] = Field(min_length=1)
    """Flow ids, in the order she does them."""


class _TrajectoryFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    trajectories: tuple[Trajectory, ...]


@dataclass(frozen=True)
class MethodMark:
    """One method of a trajectory as the coach sees it: done (✅), the next one (👉) or later."""

    flow_id: str
    done: bool
    next: bool


def load_trajectories(path: Path, known_flow_ids: Collection[str]) -> dict[str, Trajectory]:
    """The trajectories of a file by id, in file order. Refuses (FlowError, one line) a
    method that is not among `known_flow_ids`, a method twice in one trajectory, an id
    used twice, and a trajectory without methods."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FlowError(f"{path.name}: cannot read the file ({error})") from error
    except yaml.YAMLError as error:
        where = " ".join(str(error).split())
        raise FlowError(f"{path.name}: not valid YAML ({where})") from error
    try:
        loaded = _TrajectoryFile.model_validate(raw)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise FlowError(f"{path.name}: {where}: {problem['msg']}") from error
    problems: list[str] = []
    found: dict[str, Trajectory] = {}
    for trajectory in loaded.trajectories:
        where = f"trajectory {trajectory.id!r}"
        if trajectory.id in found:
            problems.append(f"{where} is there twice")
        found[trajectory.id] = trajectory
        unknown = [method for method in trajectory.methods if method not in known_flow_ids]
        if unknown:
            problems.append(f"{where}: unknown flows {unknown}")
        twice = sorted({m for m in trajectory.methods if trajectory.methods.count(m) > 1})
        if twice:
            problems.append(f"{where}: methods {twice} come more than once")
    if problems:
        raise FlowError(f"{path.name}: " + "; ".join(problems))
    return found


def finished_flows(runs: Iterable[StoredRun]) -> frozenset[str]:
    """The methods she finished at least once."""
    return frozenset(run.flow_id for run in runs if run.status == "finished")


def next_method(trajectory: Trajectory, finished_flow_ids: Collection[str]) -> str | None:
    """The first method of the trajectory she has not finished; None when all are done."""
    return next((m for m in trajectory.methods if m not in finished_flow_ids), None)


def marks(trajectory: Trajectory, finished_flow_ids: Collection[str]) -> list[MethodMark]:
    """Every method of the trajectory in order, marked done or next."""
    coming = next_method(trajectory, finished_flow_ids)
    return [
        MethodMark(method, method in finished_flow_ids, method == coming)
        for method in trajectory.methods
    ]


def trajectory_of(
    trajectories: Mapping[str, Trajectory], participant: Participant
) -> Trajectory | None:
    """Her trajectory; None when she has none, or it is no longer in the file."""
    return trajectories.get(participant.trajectory) if participant.trajectory else None


def suggested_method(
    trajectories: Mapping[str, Trajectory], participant: Participant, runs: Iterable[StoredRun]
) -> str | None:
    """The method to suggest to her next (from `repository.runs(participant.id)`), or None:
    no trajectory, or every method of it done."""
    trajectory = trajectory_of(trajectories, participant)
    return next_method(trajectory, finished_flows(runs)) if trajectory else None
