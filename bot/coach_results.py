"""The result picture of each finished method as her coach sees it: the participant's own
picture, with the coach's ratings drawn beside hers where the method asks for them (the
handbook: test her view against the coach's). For the summary, the portal and the PDF."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from pathlib import Path

from flows.conversation_types import ImageSpec
from flows.engine import FlowEngine
from images.hooks import render_image
from images.render import PictureRenderer
from images.result_hooks import COACH
from storage.repository import Repository, StoredRun


def with_coach_ratings(image: ImageSpec, ratings: Mapping[str, str]) -> ImageSpec:
    """The picture with the coach's option (picture id → option id) added to the values of
    each part about one rated picture."""
    parts = tuple(
        dataclasses.replace(part, values=(*part.values, COACH + ratings[part.pictures[0]]))
        if len(part.pictures) == 1 and part.pictures[0] in ratings
        else part
        for part in image.parts
    )
    return dataclasses.replace(image, parts=parts)


async def coach_result(
    repository: Repository, engine: FlowEngine, participant_id: int, run: StoredRun
) -> ImageSpec | None:
    """The result picture of a finished run, with the coach's ratings; None before the end."""
    if run.status != "finished":
        return None
    image = engine.result(await repository.answers(run.id)).image
    if image is None or engine.flow.coach_rating is None:
        return image
    ratings = await repository.ratings.current(participant_id, engine.flow.id)
    return with_coach_ratings(image, ratings)


async def result_files(
    repository: Repository,
    engines: Mapping[str, FlowEngine],
    renderer: PictureRenderer,
    participant_id: int,
) -> dict[int, Path]:
    """Per finished run (by id) its result picture as a JPEG file, made if needed."""
    found: dict[int, Path] = {}
    for run in await repository.runs(participant_id):
        engine = engines.get(run.flow_id)
        image = await coach_result(repository, engine, participant_id, run) if engine else None
        if image is not None:
            found[run.id] = (await asyncio.to_thread(render_image, renderer, image)).path
    return found
