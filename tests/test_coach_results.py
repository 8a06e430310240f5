"""The result picture of a method as her coach sees it: her own picture, and for a method the
coach rates too (the ladder) the coach's step beside hers; nothing before the end."""

from __future__ import annotations

from pathlib import Path

from bot.coach_results import coach_result, result_files, with_coach_ratings
from flows.answers import AnswerKey, OptionAnswer
from flows.conversation_types import ImagePart, ImageSpec
from flows.engine import FlowEngine
from flows.state import Cursor, RunState
from images.manifest import Manifest
from images.render import PictureRenderer
from storage.repository import Repository


def test_the_coachs_option_is_added_to_the_part_about_each_rated_picture() -> None:
    image = ImageSpec(
        "ladder",
        (),
        parts=(
            ImagePart("", "Samenwerken", ("quality_teamwork",), ("s4", "s5")),
            ImagePart("", "Praten", ("comp_communicate",), ("s2", "s3")),
        ),
    )
    rated = with_coach_ratings(image, {"comp_communicate": "s4", "elsewhere": "s1"})
    assert [part.values for part in rated.parts] == [("s4", "s5"), ("s2", "s3", "c:s4")]


async def _ladder_run(repository: Repository, engines: dict[str, FlowEngine]) -> tuple[int, int]:
    """A participant with a coach, who rated every competence on the ladder 4 → 5."""
    participant = await repository.record_consent("telegram", "1", True)
    coach = await repository.coaches.add("Sara", "SARA23", "SARATELEG2")
    await repository.coaches.join(participant.id, coach.id)
    skills = [part.pictures[0] for part in _parts(engines)]
    writes = [
        (AnswerKey(step=step, item=skill), OptionAnswer(option=option))
        for skill in skills
        for step, option in (("now", "s4"), ("want", "s5"))
    ]
    done = RunState(cursor=None)
    run = await repository.start_run(participant.id, "ladder", done)
    await repository.save_run(run, done, writes)
    await repository.ratings.save(participant.id, "ladder", coach.id, {skills[1]: "s2"})
    return participant.id, run.id


def _parts(engines: dict[str, FlowEngine]) -> tuple[ImagePart, ...]:
    image = engines["ladder"].result({}).image
    assert image is not None
    return image.parts


async def test_the_ladder_shows_the_coachs_step_beside_hers(
    repository: Repository, engines: dict[str, FlowEngine]
) -> None:
    participant, _ = await _ladder_run(repository, engines)
    (run,) = await repository.runs(participant)
    image = await coach_result(repository, engines["ladder"], participant, run)
    assert image is not None and image.hook == "ladder"
    assert [part.values for part in image.parts[:3]] == [
        ("s4", "s5"),
        ("s4", "s5", "c:s2"),
        ("s4", "s5"),
    ]


async def test_a_method_not_yet_finished_has_no_result(
    repository: Repository, engines: dict[str, FlowEngine], pictures: Manifest, tmp_path: Path
) -> None:
    participant = await repository.record_consent("telegram", "1", True)
    busy = RunState(cursor=Cursor(step="thumb"))
    run = await repository.start_run(participant.id, "hand", busy)
    assert await coach_result(repository, engines["hand"], participant.id, run) is None
    renderer = PictureRenderer(pictures, tmp_path)
    assert await result_files(repository, engines, renderer, participant.id) == {}


async def test_result_files_are_the_drawn_pictures_of_finished_methods(
    repository: Repository, engines: dict[str, FlowEngine], pictures: Manifest, tmp_path: Path
) -> None:
    participant, run_id = await _ladder_run(repository, engines)
    files = await result_files(
        repository, engines, PictureRenderer(pictures, tmp_path), participant
    )
    assert list(files) == [run_id]
    assert files[run_id].read_bytes()[:2] == b"\xff\xd8", "a JPEG"
