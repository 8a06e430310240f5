"""The hooks that turn a result's parts into its picture: what each part means, what happens
with odd answers (only emoji typed, a break without an hour), and that pictures are cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.conversation_types import ImagePart, ImageSpec
from images.hooks import render_image
from images.manifest import Manifest
from images.render import PictureRenderer
from images.result_hooks import _moments


@pytest.fixture
def renderer(pictures: Manifest, tmp_path: Path) -> PictureRenderer:
    return PictureRenderer(pictures, tmp_path)


def _step_card(step: str) -> ImageSpec:
    return ImageSpec(
        "step",
        (),
        parts=(
            ImagePart("theme", "", ("theme_way",), ("weg",)),
            ImagePart("question", "", ("small_writing",), ("cv",), ("Hoe maak ik een cv?",)),
            ImagePart("step", "", (), ("anders",), ("Iets anders", step)),
            ImagePart("when", "", (), ("morgen",), ("Morgen",)),
            ImagePart("helper", "", ("family",), ("familie",), ("Familie",)),
        ),
    )


def test_a_small_step_card_is_drawn_once_per_step(renderer: PictureRenderer) -> None:
    card = render_image(renderer, _step_card("Ik vraag mijn zus om hulp."))
    assert card.width == 960 and card.path.stat().st_size < 250_000
    assert render_image(renderer, _step_card("Ik vraag mijn zus om hulp.")) == card
    assert render_image(renderer, _step_card("Ik bel de VDAB.")).key != card.key


def test_a_step_typed_in_emoji_only_still_makes_a_card(renderer: PictureRenderer) -> None:
    card = render_image(renderer, _step_card("📞👍"))
    assert card.path.read_bytes()[:2] == b"\xff\xd8"


def _check(worked: str) -> ImageSpec:
    part = ImagePart("step", "", (), (worked,), ("Ik bel de VDAB.", "22 november 2026"))
    return ImageSpec("success", (), parts=(part,))


def test_a_success_and_a_try_are_two_different_cards(renderer: PictureRenderer) -> None:
    success = render_image(renderer, _check("ja"))
    tried = render_image(renderer, _check("niet"))
    assert success.key != tried.key
    assert render_image(renderer, _check("beetje")).key == tried.key, "a bit: still a try"


def test_the_board_needs_its_dream_job(renderer: PictureRenderer) -> None:
    around = ImagePart("around", "", ("cond_inside",))
    with pytest.raises(ValueError, match="centre"):
        render_image(renderer, ImageSpec("board", (), parts=(around,)))


def test_the_finger_is_one_of_five(renderer: PictureRenderer) -> None:
    assert render_image(renderer, ImageSpec("finger", (), parts=(ImagePart("5"),))).width > 0
    with pytest.raises(ValueError, match="a finger is 1 to 5"):
        render_image(renderer, ImageSpec("finger", (), parts=(ImagePart("6"),)))


def test_day_moments_at_the_same_hour_become_one(renderer: PictureRenderer) -> None:
    parts = (
        ImagePart("", "Opstaan", ("wake_up",), ("u08",)),
        ImagePart("", "Mijn dag", ("day_work",), ("u08",)),
        ImagePart("", "Pauze", ("cond_together",), ("samen",)),
        ImagePart("", "Thuis", ("come_home",), ("u18",)),
    )
    moments = _moments(renderer, parts)
    assert [(m.hour, m.words) for m in moments] == [
        (8, "Opstaan · Mijn dag"),
        (13, "Pauze"),
        (18, "Thuis"),
    ]
