"""The question kinds beyond picking pictures and yes/no, on a made-up flow and bank: one
picture from pages (with earlier choices first), answers with pictures, a matching game over a
fixed set of pictures, a picture before a question, and a result made of parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from flows import wording
from flows.answers import AnswerKey as Key
from flows.answers import (
    Answers,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
    SkippedAnswer,
    TextAnswer,
)
from flows.conversation_types import ImagePart, ImageSpec, Resume, Tap, TextIn
from flows.engine import FlowEngine
from flows.loader import FlowError, load_flow
from flows.models import EarlierPictures, Flow
from images.manifest import Manifest, load_manifest
from tests.test_engine import Run, apply, buttons, refused

DREAMS = tuple(f"p{number:02d}" for number in range(1, 13))
"""Twelve work pictures: two pages, of nine and three."""

FLOW = """
id: kit
title: Kit
emoji: "🧪"
question: wie_ben_ik
phrases: {ex_roof: "Werken op een dak."}
steps:
  - {id: job, kind: pick_picture, text: "Welk werk?", pictures: {tag: werk},
     offer_first: {flow: droompagina, step: dreams}}
  - id: place
    kind: choice
    text: "Waar?"
    options:
      - {id: binnen, emoji: "🏠", label: Binnen, picture: inside}
      - {id: buiten, emoji: "🌳", label: Buiten, picture: outside}
      - {id: egaal, emoji: "🤷", label: Maakt niet uit}
  - {id: extra, kind: pick_pictures, text: "Nog iets?", pictures: {tag: thuis}, min: 0, max: 2}
  - id: game
    kind: loop
    pictures: {tag: voorbeeld}
    steps:
      - id: belongs
        kind: choice
        match_tag: vb_
        show_picture: true
        text: "Waar hoort {label}?"
        options:
          - {id: in, emoji: "🏠", label: Binnen, picture: inside}
          - {id: out, emoji: "🌳", label: Buiten, picture: outside}
      - {id: rate, kind: choice, stacked: true, text: "{phrase} Lukt dat?", options: [
          {id: groen, emoji: "🟢", label: Goed}, {id: rood, emoji: "🔴", label: Nog niet}]}
  - {id: say, kind: free_answer, text: "Zeg iets.", banner: {hook: finger, value: "2",
     text: "👉 De wijsvinger"}}
  - id: end
    kind: result
    hook: board
    title: Klaar
    text: "Goed zo! 🌟"
    parts:
      - {place: centre, steps: [job]}
      - {place: around, label: Graag, picture: sun, steps: [place, extra, say]}
      - {loop: game}
"""


def _bank(folder: Path, extra: list[dict[str, Any]] | None = None) -> Manifest:
    source = {"package": "test", "version": "1", "icons": ["x"]}
    entries: list[dict[str, Any]] = [
        {"id": id_, "label": f"Werk {id_[1:]}", "tags": ["werk"]} for id_ in DREAMS
    ]
    entries += [
        {"id": "inside", "label": "Binnen", "tags": ["thuis"]},
        {"id": "outside", "label": "Buiten", "tags": ["thuis"]},
        {"id": "sun", "label": "Zon", "tags": ["klok"]},
        {"id": "ex_roof", "label": "Dak", "tags": ["voorbeeld", "vb_outside"]},
        {"id": "ex_sofa", "label": "Zetel", "tags": ["voorbeeld", "vb_inside"]},
        *(extra or []),
    ]
    for entry in entries:
        entry.update(file=f"{entry['id']}.png", source=source, license="MIT")
        Image.new("RGB", (4, 4), "white").save(folder / entry["file"])
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"pictures": entries}), "utf-8")
    return load_manifest(folder / "manifest.yaml")


@pytest.fixture
def bank(tmp_path: Path) -> Manifest:
    return _bank(tmp_path)


@pytest.fixture
def engine(bank: Manifest) -> FlowEngine:
    return FlowEngine(Flow.model_validate(yaml.safe_load(FLOW)), bank)


class EarlierRun(Run):
    """A run started with the pictures she chose in an earlier Droompagina."""

    def __init__(self, engine: FlowEngine, earlier: tuple[str, ...]) -> None:
        (wanted,) = engine.wants_earlier()
        self.engine = engine
        self.last = engine.start({wanted: earlier})
        self.state, self.answers = self.last.state, apply({}, self.last)
        self.shown = self.last.replies[-1]


def _past_job(run: Run) -> None:
    run.tap("p:p01")


# ----- one picture from pages ----------------------------------------------------------------


def test_the_engine_asks_for_the_earlier_dream_pictures_it_offers_first(
    engine: FlowEngine,
) -> None:
    assert engine.wants_earlier() == (EarlierPictures(flow="droompagina", step="dreams"),)


def test_pictures_chosen_earlier_come_first_and_others_follow_in_bank_order(
    engine: FlowEngine,
) -> None:
    run = EarlierRun(engine, ("p11", "not_a_work_picture", "p03"))
    first = run.shown
    assert first.image == ImageSpec("grid", ("p11", "p03", "p01", "p02", *DREAMS[3:8]))
    assert buttons(first)[:2] == ["1️⃣ Werk 11", "2️⃣ Werk 03"]
    assert first.text.endswith(wording.PAGE.format(page=1, pages=2))


def test_one_tap_on_a_picture_answers_and_moves_on(engine: FlowEngine) -> None:
    run = Run(engine)
    assert "done" not in run.shown.actions(), "one picture: no Klaar needed"
    run.tap("more")
    assert run.shown.image == ImageSpec("grid", DREAMS[9:])
    assert run.shown.edit, "the page turns in place"
    run.tap("p:p12")
    assert run.answers == {Key(step="job"): PictureAnswer(picture="p12")}
    assert run.at == ("place", "")


def test_going_back_shows_the_picture_chosen_before_ticked(engine: FlowEngine) -> None:
    run = Run(engine)
    run.tap("p:p02")
    run.tap("back")
    assert run.shown.image == ImageSpec("grid", DREAMS[:9], selected=("p02",))
    assert "✅ Werk 02" in buttons(run.shown)


def test_a_picture_of_another_page_is_an_old_button(engine: FlowEngine) -> None:
    run = Run(engine)
    refused(run, Tap(run.shown.scope, "p:p12"), wording.HINT_OLD_BUTTON)


def test_without_earlier_choices_the_run_keeps_no_earlier_pictures(engine: FlowEngine) -> None:
    run = EarlierRun(engine, ())
    assert run.shown.image == ImageSpec("grid", DREAMS[:9])


# ----- answers with pictures -----------------------------------------------------------------


def test_answers_with_pictures_are_numbered_like_the_pictures_shown(engine: FlowEngine) -> None:
    run = Run(engine)
    _past_job(run)
    assert run.shown.image == ImageSpec("grid", ("inside", "outside"))
    assert buttons(run.shown)[:3] == ["1️⃣ Binnen", "2️⃣ Buiten", "🤷 Maakt niet uit"]
    assert [len(row) for row in run.shown.buttons[:2]] == [2, 1], "long words on their own row"
    assert [button.picture for button in run.shown.buttons[0]] == ["inside", "outside"]
    run.tap("o:buiten")
    run.tap("back")
    assert run.shown.image == ImageSpec("grid", ("inside", "outside"), selected=("outside",))
    assert buttons(run.shown)[:2] == ["1️⃣ Binnen", "✅ Buiten"]


def test_klaar_without_a_picture_is_an_answer_when_none_are_needed(engine: FlowEngine) -> None:
    run = Run(engine)
    _past_job(run)
    run.tap("o:egaal")
    run.tap("done")
    assert run.answers[Key(step="extra")] == PicturesAnswer(pictures=())


# ----- a matching game over a fixed set of pictures -------------------------------------------


def _to_game(engine: FlowEngine) -> Run:
    run = Run(engine)
    _past_job(run)
    run.tap("o:binnen")
    run.tap("done")
    return run


def test_a_loop_over_a_tag_goes_through_its_pictures_in_bank_order(engine: FlowEngine) -> None:
    run = _to_game(engine)
    assert run.at == ("belongs", "ex_roof")
    assert run.shown.text == "Waar hoort Dak?"
    assert run.shown.image == ImageSpec("about_grid", ("ex_roof", "inside", "outside"))


def test_a_wrong_match_gets_a_gentle_hint_and_stores_nothing(engine: FlowEngine) -> None:
    run = _to_game(engine)
    refused(run, Tap(run.shown.scope, "o:in"), wording.HINT_NOT_A_MATCH)
    run.tap("o:out")
    assert run.answers[Key(step="belongs", item="ex_roof")] == OptionAnswer(option="out")
    assert run.at == ("rate", "ex_roof")


def test_a_phrase_explains_a_picture_and_a_scale_stands_one_answer_per_row(
    engine: FlowEngine,
) -> None:
    run = _to_game(engine)
    run.tap("o:out")
    assert run.shown.text == "Werken op een dak. Lukt dat?"
    assert [len(row) for row in run.shown.buttons] == [1, 1, 2]
    run.tap("o:groen")
    run.tap("o:in")
    assert run.shown.text == "Zetel Lukt dat?", "no phrase: the picture's word"


def test_a_loop_can_go_through_pictures_named_in_its_own_order(bank: Manifest) -> None:
    flow = yaml.safe_load(
        FLOW.replace("pictures: {tag: voorbeeld}", "pictures: {ids: [ex_sofa, ex_roof]}")
    )
    run = _to_game(FlowEngine(Flow.model_validate(flow), bank))
    assert run.at == ("belongs", "ex_sofa")


def test_a_match_can_be_skipped(engine: FlowEngine) -> None:
    run = _to_game(engine)
    assert buttons(run.shown)[-3:] == [wording.OVERSLAAN, wording.TERUG, wording.STOP]
    run.tap("skip")
    assert run.answers[Key(step="belongs", item="ex_roof")] == SkippedAnswer()


# ----- a picture before a question, and the result made of parts ------------------------------


def _to_say(engine: FlowEngine) -> Run:
    run = _to_game(engine)
    for action in ("o:out", "o:groen", "o:in", "o:rood"):
        run.tap(action)
    return run


def test_a_banner_picture_comes_just_before_its_question_once(engine: FlowEngine) -> None:
    run = _to_say(engine)
    banner, question = run.last.replies
    assert banner.text == "👉 De wijsvinger" and banner.buttons == ()
    assert banner.image == ImageSpec("finger", (), parts=(ImagePart("2", "👉 De wijsvinger"),))
    assert question.text.startswith("Zeg iets.")
    again = run.send(Resume())
    assert [reply.image for reply in again.replies] == [None], "coming back: the question only"


def test_the_result_gathers_its_parts_from_the_answers(engine: FlowEngine) -> None:
    run = _to_say(engine)
    run.send(TextIn("Ik hou van de zon"))
    assert run.state.finished
    image = run.last.replies[-1].image
    assert image is not None and image.hook == "board" and image.title == "Klaar"
    assert image.parts == (
        ImagePart("centre", "", ("p01",)),
        ImagePart("around", "Graag", ("sun", "inside"), ("binnen",), ("Ik hou van de zon",)),
        ImagePart("", "Dak", ("ex_roof",), ("out", "groen")),
        ImagePart("", "Zetel", ("ex_sofa",), ("in", "rood")),
    )
    assert image.pictures == ("p01", "sun", "inside", "ex_roof", "ex_sofa")


def test_a_choice_not_answered_leaves_an_empty_value_in_its_place(engine: FlowEngine) -> None:
    run = _to_game(engine)
    run.tap("skip")
    run.tap("o:groen")
    run.tap("o:in")
    run.tap("o:rood")
    run.tap("skip")
    image = run.last.replies[-1].image
    assert image is not None
    assert image.parts[2] == ImagePart("", "Dak", ("ex_roof",), ("", "groen"))
    assert run.answers[Key(step="say")] == SkippedAnswer()
    assert TextAnswer(text="") not in run.answers.values()


# ----- what the loader refuses -----------------------------------------------------------------


def _load(tmp_path: Path, bank: Manifest, text: str) -> None:
    path = tmp_path / "kit.yaml"
    path.write_text(text, "utf-8")
    load_flow(path, bank, hooks={"board", "finger"})


def test_the_test_flow_itself_loads(tmp_path: Path, bank: Manifest) -> None:
    _load(tmp_path, bank, FLOW)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("picture: outside}", "picture: nowhere}"), "options name unknown pictures ['nowhere']"),
        (("hook: finger", "hook: toe"), "unknown banner hook 'toe'"),
        (("tag: voorbeeld", "tag: niets"), "loop 'game': no pictures have the tag 'niets'"),
        (("picture: sun", "picture: moon"), "parts name unknown pictures ['moon']"),
        (("match_tag: vb_", "match_tag: xx_"), "picture 'ex_roof' matches 0 answers"),
        (("{loop: game}", "{steps: [rate]}"), "parts.steps 'rate' is asked in a loop"),
        (("{tag: voorbeeld}", "{ids: [ex_roof, ex_attic]}"), "ids name unknown pictures"),
        (("{ex_roof: ", "{ex_cellar: "), "phrases name unknown pictures"),
        (
            ("steps:\n  - {id: job", "coach_rating: {loop: game, step: say}\nsteps:\n  - {id: job"),
            "coach_rating: 'say' must be a choice in loop 'game'",
        ),
    ],
)
def test_the_loader_names_what_is_wrong(
    tmp_path: Path, bank: Manifest, change: tuple[str, str], problem: str
) -> None:
    old, new = change
    assert old in FLOW
    with pytest.raises(FlowError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        _load(tmp_path, bank, FLOW.replace(old, new, 1))


def test_a_picture_that_fits_two_answers_is_refused(tmp_path: Path) -> None:
    both = {"id": "ex_door", "label": "Deur", "tags": ["voorbeeld", "vb_inside", "vb_outside"]}
    folder = tmp_path / "bank"
    folder.mkdir()
    with pytest.raises(FlowError, match="picture 'ex_door' matches 2 answers"):
        _load(tmp_path, _bank(folder, [both]), FLOW)


def test_a_flow_may_start_with_a_loop_over_named_pictures(tmp_path: Path, bank: Manifest) -> None:
    game_first = """
id: kit
title: Kit
emoji: "🧪"
question: wat_kan_ik
steps:
  - id: game
    kind: loop
    pictures: {tag: voorbeeld}
    steps:
      - {id: rate, kind: choice, text: "Lukt {label}?", options: [
          {id: groen, emoji: "🟢", label: Goed}, {id: rood, emoji: "🔴", label: Nog niet}]}
  - {id: end, kind: result, hook: board, title: Klaar, text: "Goed zo!", parts: [{loop: game}]}
"""
    _load(tmp_path, bank, game_first)
    run = Run(FlowEngine(Flow.model_validate(yaml.safe_load(game_first)), bank))
    assert run.at == ("rate", "ex_roof") and run.shown.text == "Lukt Dak?"


# ----- what the bot fills in at the start ------------------------------------------------------

GIVEN = """
id: check
title: Check
emoji: "🧪"
question: wat_doe_ik
menu: false
steps:
  - {id: about, kind: given, text: "De kleine stap"}
  - id: worked
    kind: choice
    text: "Is het gelukt?"
    options:
      - {id: ja, emoji: "😀", label: "Ja"}
      - {id: niet, emoji: "😕", label: "Nog niet"}
  - {id: why, kind: free_answer, show_if: {step: worked, in: [niet]}, text: "Wat ging er mis?"}
  - id: card
    kind: result
    hook: board
    title: Klaar
    text: "Goed zo! 🌟"
    parts: [{steps: [about, worked]}]
"""


@pytest.fixture
def checking(bank: Manifest) -> FlowEngine:
    return FlowEngine(Flow.model_validate(yaml.safe_load(GIVEN)), bank)


def test_a_given_step_is_never_asked_but_kept_with_the_answers(checking: FlowEngine) -> None:
    with pytest.raises(ValueError, match="needs these given at its start: \\['about'\\]"):
        checking.start()
    about = {Key(step="about"): TextAnswer(text="Ik bel de VDAB.")}
    started = checking.start(given=about)
    assert started.writes == tuple(about.items())
    assert started.state.cursor is not None and started.state.cursor.step == "worked"
    assert started.replies[-1].progress == "●○", "only the questions count as stages"
    assert "back" not in started.replies[-1].actions()
    answers = apply({}, started)
    done = checking.handle(started.state, answers, Tap(started.replies[-1].scope, "o:ja"))
    image = done.replies[-1].image
    assert image is not None
    assert image.parts == (ImagePart("", "", (), ("ja",), ("Ik bel de VDAB.",)),)
    assert checking.answer_order(apply(answers, done))[0] == Key(step="about")


def test_a_run_can_start_after_questions_answered_before_and_go_back_to_them(
    engine: FlowEngine,
) -> None:
    chosen = {Key(step="job"): PictureAnswer(picture="p03")}
    started = engine.start(given=chosen)
    assert started.state.cursor is not None and started.state.cursor.step == "place"
    shown = started.replies[-1]
    assert "back" in shown.actions(), "Terug reaches the question answered before"
    back = engine.handle(started.state, apply({}, started), Tap(shown.scope, "back"))
    assert back.replies[-1].image == ImageSpec("grid", DREAMS[:9], selected=("p03",))
    with pytest.raises(ValueError, match="must be the first questions"):
        engine.start(given={Key(step="place"): OptionAnswer(option="binnen")})


def test_a_run_whose_questions_were_all_answered_at_the_start_ends_at_once(
    checking: FlowEngine,
) -> None:
    given: Answers = {
        Key(step="about"): TextAnswer(text="Ik bel de VDAB."),
        Key(step="worked"): OptionAnswer(option="ja"),
    }
    started = checking.start(given=given)
    assert started.state.finished and started.writes == tuple(given.items())
    (result,) = started.replies
    assert result.text == "Goed zo! 🌟" and result.image is not None
