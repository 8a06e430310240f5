"""The action plan as the participant gets it: short plain lines with Dutch days, and the
picture spec for the plan card (8 rows at most; the rest is counted in one more line)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PIL import Image

from bot.action_plan import Action, ActionPlan
from bot.plan_message import (
    EMPTY,
    INTRO,
    MORE,
    MORE_ONE,
    NO_DATE,
    PLAN_TITLE,
    plan_reply,
)
from images import render
from images.hooks import render_image
from images.manifest import Manifest
from images.render import PictureRenderer
from tests.test_render import count, near

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
COACH_WORDS = ("competentie", "generiek", "technisch", "welzijn", "domein", "resultaat")


def a_plan(*actions: Action) -> ActionPlan:
    return ActionPlan(
        first_name="Fatima",
        last_name="El Amrani",
        organisation="Werkwinkel",
        goal="Een technische competentie verwerven in de bakkerij",
        actions=list(actions),
    )


BAKER = Action(
    what="De bakker   bellen\nvoor een stage",
    who_helps="Sara (jobcoach)",
    by_when=date(2026, 3, 6),
    result="Een afspraak voor een gesprek",
    kind="technisch",
    domain="werk",
    picture="work_baking",
)
BIKE = Action(what="Fietsen oefenen", kind="generiek", domain="welzijn")


def test_one_line_per_action_with_its_dutch_day() -> None:
    reply = plan_reply(a_plan(BAKER, BIKE))
    assert reply.text.splitlines() == [
        INTRO,
        "1. De bakker bellen voor een stage – vrijdag 6 maart",
        f"2. Fietsen oefenen – {NO_DATE}",
    ]
    assert not reply.buttons and not reply.scope


def test_only_the_actions_in_plain_words() -> None:
    text = plan_reply(a_plan(BAKER, BIKE)).text.lower()
    for word in (*COACH_WORDS, "sara", "afspraak", "fatima", "werkwinkel"):
        assert word not in text, word


def test_our_own_sentences_are_short_with_an_emoji() -> None:
    for line in (INTRO, EMPTY, MORE_ONE, MORE.format(count=12)):
        assert EMOJI.search(line), line
        for sentence in re.split(r"(?<=[.?!])\s+", EMOJI.sub("", line).strip()):
            assert len(sentence.split()) <= 10, sentence


def test_the_picture_spec_has_a_row_per_action() -> None:
    image = plan_reply(a_plan(BAKER, BIKE)).image
    assert image is not None
    assert image.hook == "plan" and image.title == PLAN_TITLE == "Mijn plan"
    assert image.pictures == ("work_baking", "")  # "" = no picture: a numbered tile
    assert image.captions == (
        "De bakker bellen voor een stage\nvrijdag 6 maart",
        f"Fietsen oefenen\n{NO_DATE}",
    )


def test_an_action_without_a_picture_gets_a_numbered_tile(
    pictures: Manifest, tmp_path: Path
) -> None:
    reply = plan_reply(a_plan(BAKER, BIKE))
    assert reply.image is not None
    rendered = render_image(PictureRenderer(pictures, tmp_path), reply.image)
    with Image.open(rendered.path) as file:
        card = file.convert("RGB")
    half = card.height // 2
    left = card.width // 4
    tile = near(card, render.BADGE_TINT, 8)
    assert count(tile, (0, half, left, card.height)) > 8000  # the second row: a tile
    assert count(tile, (0, 0, left, half)) < 500  # the first row: the baker's picture


def test_more_than_eight_actions_shows_the_first_eight_and_counts_the_rest() -> None:
    actions = [Action(what=f"Actie {n}", by_when=date(2026, 4, n)) for n in range(1, 11)]
    reply = plan_reply(a_plan(*actions))
    lines = reply.text.splitlines()
    assert lines[0] == INTRO
    assert lines[1] == "1. Actie 1 – woensdag 1 april"
    assert lines[8] == "8. Actie 8 – woensdag 8 april"
    assert (
        lines[9:]
        == [MORE.format(count=2)]
        == ["➕ Er zijn nog 2 acties. Je coach vertelt je meer. 🤝"]
    )
    assert reply.image is not None and len(reply.image.pictures) == len(reply.image.captions) == 8
    assert plan_reply(a_plan(*actions[:9])).text.splitlines()[-1] == MORE_ONE
    assert MORE.split(".")[0] not in plan_reply(a_plan(*actions[:8])).text


def test_long_actions_are_cut_after_a_word_and_fit_a_telegram_caption() -> None:
    long = " ".join(["solliciteren"] * 40)[:500]
    reply = plan_reply(a_plan(*[Action(what=long, by_when=date(2026, 9, 30))] * 10))
    lines = reply.text.splitlines()
    assert all(line.endswith("… – woensdag 30 september") for line in lines[1:9])
    assert "solliciteren solliciteren…" in lines[1] and "sollicitere…" not in lines[1]
    assert len(reply.text) <= 1024  # the caption of a photo on Telegram
    assert reply.image is not None
    assert reply.image.captions[0].split("\n")[0] == long  # the card cuts it itself


def test_a_plan_without_actions_says_so_without_a_picture() -> None:
    reply = plan_reply(a_plan())
    assert reply.text == EMPTY and reply.image is None
