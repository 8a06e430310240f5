"""The flow engine on a small made-up flow and picture bank: what a participant sees and taps."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from bot import conversation, homework, plan_message
from flows import wording
from flows.answers import AnswerKey as Key
from flows.answers import (
    Answers,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
    SkippedAnswer,
    TextAnswer,
    VoiceAnswer,
)
from flows.conversation_types import (
    Event,
    ImageSpec,
    Reply,
    Resume,
    Tap,
    TextIn,
    Unsupported,
    VoiceIn,
)
from flows.engine import MAX_TEXT_CHARS, MAX_VOICE_BYTES, MAX_VOICE_SECONDS, FlowEngine, Outcome
from flows.loader import load_flows
from flows.models import ChoiceStep, Flow, ResultStep
from images.hooks import IMAGE_HOOKS
from images.manifest import Manifest, load_manifest

POOL = tuple(f"p{number:02d}" for number in range(1, 21))
"""Twenty dream pictures: three pages of nine, nine and two."""

FLOW = """
id: plan
title: Plan
emoji: "🧪"
question: wie_ben_ik
welcome: "Hallo! 👋"
steps:
  - {id: pick, kind: pick_pictures, text: "Kies prenten.", pictures: {tag: droom}, min: 2, max: 3}
  - id: rounds
    kind: loop
    over: pick
    steps:
      - {id: why, kind: free_answer, show_picture: true, text: "Waarom {label}?"}
      - {id: sure, kind: choice, text: "Lukt {label}?", options: &yes_no [
          {id: ja, emoji: "👍", label: Ja}, {id: nee, emoji: "👎", label: Nee}]}
      - {id: need, kind: free_answer, voice: false, show_if: {step: sure, in: [ja]},
         text: "Wat is nodig?"}
  - {id: fav, kind: pick_answered_picture, from_step: pick, text: "Welke nu?"}
  - {id: act, kind: free_answer, about: fav, show_picture: true, text: "Doe {label}."}
  - {id: feel, kind: choice, text: "Gaat het?", options: *yes_no}
  - {id: end, kind: result, hook: collage, title: "Mijn plan", from_step: pick,
     text: "Knap gedaan! 🌟"}
"""


@pytest.fixture
def bank(tmp_path: Path) -> Manifest:
    """Tiny PNGs and a manifest: p01..p20 are dreams, `other` is not."""
    source = {"package": "test", "version": "1", "icons": ["x"]}
    entries: list[dict[str, Any]] = [
        {"id": id_, "label": f"Prent {id_[1:]}", "tags": ["droom"], "file": f"{id_}.png"}
        for id_ in POOL
    ]
    entries.append({"id": "other", "label": "Ander", "tags": ["thuis"], "file": "other.png"})
    for entry in entries:
        entry.update(source=source, license="MIT")
        Image.new("RGB", (4, 4), "white").save(tmp_path / entry["file"])
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump({"pictures": entries}), "utf-8")
    return load_manifest(tmp_path / "manifest.yaml")


@pytest.fixture
def engine(bank: Manifest) -> FlowEngine:
    return FlowEngine(Flow.model_validate(yaml.safe_load(FLOW)), bank)


def apply(answers: Answers, outcome: Outcome) -> Answers:
    """What the caller stores: each write sets an answer, or clears it when it is None."""
    after = dict(answers)
    for key, answer in outcome.writes:
        if answer is None:
            after.pop(key, None)
        else:
            after[key] = answer
    return after


class Run:
    """One participant: sends events, keeps state and answers like the real caller does."""

    def __init__(self, engine: FlowEngine) -> None:
        self.engine = engine
        self.last = engine.start()
        self.state, self.answers = self.last.state, apply({}, self.last)
        self.shown = self.last.replies[-1]

    def send(self, event: Event) -> Outcome:
        self.last = self.engine.handle(self.state, self.answers, event)
        self.state, self.answers = self.last.state, apply(self.answers, self.last)
        if self.last.replies[-1].buttons:
            self.shown = self.last.replies[-1]
        return self.last

    def tap(self, action: str) -> Outcome:
        """Tap a button of the message on screen."""
        assert action in self.shown.actions(), (action, buttons(self.shown))
        return self.send(Tap(self.shown.scope, action))

    def pick(self, *pictures: str) -> Outcome:
        """Choose pictures on the first page and tap Klaar."""
        for picture in pictures:
            self.tap(f"p:{picture}")
        return self.tap("done")

    @property
    def at(self) -> tuple[str, str]:
        assert self.state.cursor is not None
        return self.state.cursor.step, self.state.cursor.item


def buttons(reply: Reply) -> list[str]:
    return [button.text for row in reply.buttons for button in row]


def refused(run: Run, event: Event, hint: str) -> None:
    """The participant gets a hint and the question again; nothing else changes."""
    before, answers = run.state, run.answers
    run.send(event)
    assert [reply.text for reply in run.last.replies[:1]] == [hint]
    assert run.last.replies[1:] == (run.engine.question(before, answers),)
    assert run.state == before and run.answers == answers and run.last.writes == ()


def dots(reply: Reply) -> str:
    return reply.progress


# ----- picking pictures ----------------------------------------------------------------------


def test_start_welcomes_and_shows_page_one_without_terug(engine: FlowEngine) -> None:
    run = Run(engine)
    welcome, question = run.last.replies
    assert welcome.text == "Hallo! 👋"
    assert buttons(question) == [
        *(f"{key} Prent {n:02d}" for key, n in zip(wording.KEYCAPS, range(1, 10), strict=True)),
        wording.VERDER,
        wording.KLAAR,
        wording.STOP,
    ]
    assert "Blad 1 van 3" in question.text and "Gekozen: 0" in question.text
    assert question.image == ImageSpec("grid", POOL[:9])


def test_verder_turns_pages_in_place_until_the_last_page(engine: FlowEngine) -> None:
    run = Run(engine)
    page_two = run.tap("more").replies[-1]
    assert page_two.edit and "Blad 2 van 3" in page_two.text
    assert buttons(page_two)[:9] == [
        f"{key} Prent {n}" for key, n in zip(wording.KEYCAPS, range(10, 19), strict=True)
    ]
    assert page_two.actions() >= {"p:p10", "p:p18", "back", "more", "done"}
    page_three = run.tap("more").replies[-1]
    assert buttons(page_three)[:2] == ["1️⃣ Prent 19", "2️⃣ Prent 20"]
    assert "more" not in page_three.actions() and "Blad 3 van 3" in page_three.text


def test_terug_on_page_two_goes_back_to_page_one_in_place(engine: FlowEngine) -> None:
    run = Run(engine)
    run.tap("p:p02")
    run.tap("more")
    run.tap("p:p11")
    back = run.tap("back").replies
    assert len(back) == 1 and back[0].edit and "Blad 1 van 3" in back[0].text
    assert buttons(back[0])[1] == f"{wording.CHOSEN} Prent 02"
    assert "back" not in back[0].actions() and "Gekozen: 2" in back[0].text
    assert run.state.selection == ("p02", "p11") and run.answers == {}


def test_tapping_a_picture_ticks_it_and_tapping_again_unticks(engine: FlowEngine) -> None:
    run = Run(engine)
    ticked = run.tap("p:p02").replies[-1]
    assert ticked.edit and buttons(ticked)[1] == "✅ Prent 02" and "Gekozen: 1" in ticked.text
    assert ticked.image == ImageSpec("grid", POOL[:9], selected=("p02",))
    unticked = run.tap("p:p02").replies[-1]
    assert buttons(unticked)[1] == "2️⃣ Prent 02" and unticked.image == ImageSpec("grid", POOL[:9])
    assert run.state.selection == () and run.last.writes == ()


def test_picture_buttons_say_which_picture_and_whether_it_is_ticked(engine: FlowEngine) -> None:
    """Channels that can show pictures on buttons (the web) need no grid image to read."""
    run = Run(engine)
    ticked = run.tap("p:p02").replies[-1]
    tiles = [button for row in ticked.buttons for button in row if button.picture]
    assert [tile.picture for tile in tiles] == list(POOL[:9])
    assert [tile.picture for tile in tiles if tile.chosen] == ["p02"]
    assert ticked.free_answer == ()


def test_a_picture_over_the_maximum_gives_a_hint_and_changes_nothing(engine: FlowEngine) -> None:
    run = Run(engine)
    for picture in ("p01", "p02", "p03"):
        run.tap(f"p:{picture}")
    refused(run, Tap(run.shown.scope, "p:p04"), wording.HINT_PICK_AT_MOST.format(count=3))
    assert "Je koos al 3 prenten" in run.last.replies[0].text


def test_klaar_with_too_few_pictures_gives_a_hint_and_stores_nothing(engine: FlowEngine) -> None:
    run = Run(engine)
    run.tap("p:p01")
    refused(run, Tap(run.shown.scope, "done"), wording.HINT_PICK_AT_LEAST.format(count=2))


def test_klaar_stores_the_pictures_in_the_order_they_were_tapped(engine: FlowEngine) -> None:
    run = Run(engine)
    run.tap("p:p05")
    run.tap("more")
    run.tap("p:p12")
    run.tap("back")
    run.tap("p:p01")
    outcome = run.tap("done")
    assert outcome.writes == ((Key(step="pick"), PicturesAnswer(pictures=("p05", "p12", "p01"))),)
    assert run.at == ("why", "p05")


# ----- loops, conditions and going back ------------------------------------------------------


def test_the_loop_asks_its_steps_for_every_picture_and_skips_by_show_if(engine: FlowEngine) -> None:
    run = Run(engine)
    run.pick("p03", "p01")
    asked = []
    for given in ("Mooi", "o:nee", "skip", "o:ja", "Geld"):
        question = run.shown
        asked.append((run.at, question.text.splitlines()[0], question.image))
        run.tap(given) if given in question.actions() else run.send(TextIn(given))
    assert asked == [
        (("why", "p03"), "Waarom Prent 03?", ImageSpec("picture", ("p03",))),
        (("sure", "p03"), "Lukt Prent 03?", None),
        (("why", "p01"), "Waarom Prent 01?", ImageSpec("picture", ("p01",))),
        (("sure", "p01"), "Lukt Prent 01?", None),
        (("need", "p01"), "Wat is nodig?", None),
    ]
    assert run.at == ("fav", "")
    assert run.answers[Key(step="sure", item="p03")] == OptionAnswer(option="nee")
    assert Key(step="need", item="p03") not in run.answers
    assert run.answers[Key(step="need", item="p01")] == TextAnswer(text="Geld")
    assert [(key.step, key.item) for key in engine.answer_order(run.answers)][1:7] == [
        ("why", "p03"), ("sure", "p03"), ("need", "p03"),
        ("why", "p01"), ("sure", "p01"), ("need", "p01"),
    ]  # fmt: skip


def test_changing_a_choice_via_terug_clears_the_answer_that_no_longer_applies(
    engine: FlowEngine,
) -> None:
    run = Run(engine)
    run.pick("p01", "p02")
    run.send(TextIn("Omdat"))
    run.tap("o:ja")
    run.send(TextIn("Een cursus"))
    assert run.at == ("why", "p02")
    run.tap("back")
    run.tap("back")
    assert run.at == ("sure", "p01")
    assert buttons(run.shown)[:2] == ["👍 Ja ✅", "👎 Nee"]
    outcome = run.tap("o:nee")
    assert (Key(step="need", item="p01"), None) in outcome.writes
    assert Key(step="need", item="p01") not in run.answers
    assert run.answers[Key(step="why", item="p01")] == TextAnswer(text="Omdat")
    assert run.at == ("why", "p02")


def test_deselecting_a_picture_clears_its_round_and_answers_about_it(engine: FlowEngine) -> None:
    run = Run(engine)
    run.pick("p01", "p02", "p03")
    for _ in range(3):
        run.send(TextIn("Daarom"))
        run.tap("o:nee")
    assert buttons(run.shown)[:3] == ["1️⃣ Prent 01", "2️⃣ Prent 02", "3️⃣ Prent 03"]
    run.tap("p:p02")
    assert run.answers[Key(step="fav")] == PictureAnswer(picture="p02")
    run.send(TextIn("Bellen"))
    assert run.at == ("feel", "")
    while run.at != ("pick", ""):
        run.tap("back")
    assert run.state.selection == ("p01", "p02", "p03")
    outcome = run.pick("p02")
    cleared = {key for key, answer in outcome.writes if answer is None}
    assert cleared == {Key(step="why", item="p02"), Key(step="sure", item="p02"),
                       Key(step="fav"), Key(step="act")}  # fmt: skip
    assert run.answers[Key(step="pick")] == PicturesAnswer(pictures=("p01", "p03"))
    assert Key(step="why", item="p03") in run.answers and run.at == ("why", "p01")


def test_the_first_question_has_no_terug(engine: FlowEngine) -> None:
    run = Run(engine)
    assert wording.TERUG not in buttons(run.shown)
    assert engine.handle(run.state, {}, Resume()).replies == (run.shown,)
    refused(run, Tap(run.shown.scope, "back"), wording.HINT_OLD_BUTTON)


# ----- taps that do not belong, and things that are not taps --------------------------------


def _at(engine: FlowEngine, step: str) -> Run:
    """A run at the first picture page, or at the first round's `why` or `sure` question."""
    run = Run(engine)
    if step != "pick":
        run.pick("p01", "p02")
    if step == "sure":
        run.tap("skip")
    assert run.at == (step, "" if step == "pick" else "p01")
    return run


@pytest.mark.parametrize(
    ("step", "action"),
    [("pick", a) for a in ("p:not_a_picture", "p:other", "p:p10", "o:ja", "skip")]
    + [("sure", a) for a in ("o:maybe", "done", "p:p01", "more", "skip")]
    + [("why", a) for a in ("o:ja", "p:p01", "done")],
)
def test_a_forged_action_gives_the_old_button_hint(
    engine: FlowEngine, step: str, action: str
) -> None:
    run = _at(engine, step)
    refused(run, Tap(run.shown.scope, action), wording.HINT_OLD_BUTTON)


def test_a_button_of_an_older_question_changes_nothing(engine: FlowEngine) -> None:
    run = Run(engine)
    old_page = run.shown
    run.tap("more")
    refused(run, Tap(old_page.scope, "p:p01"), wording.HINT_OLD_BUTTON)
    run.tap("back")
    refused(run, Tap(old_page.scope, "p:p01"), wording.HINT_OLD_BUTTON)
    run = _at(engine, "sure")
    first_round = run.shown.scope
    run.tap("o:nee")
    run.tap("skip")
    assert run.at == ("sure", "p02") and "o:ja" in run.shown.actions()
    refused(run, Tap(first_round, "o:ja"), wording.HINT_OLD_BUTTON)


@pytest.mark.parametrize(
    ("event", "hint"),
    [
        (TextIn("ja"), wording.HINT_TAP),
        (Unsupported("sticker"), wording.HINT_CANNOT_READ),
        (VoiceIn("v.ogg", duration=3, size=1000), wording.HINT_NO_VOICE_HERE),
    ],
)
def test_not_a_tap_where_a_tap_is_needed(engine: FlowEngine, event: Event, hint: str) -> None:
    for run in (_at(engine, "pick"), _at(engine, "sure")):
        refused(run, event, hint)


@pytest.mark.parametrize(
    ("event", "hint"),
    [
        (VoiceIn("v.ogg", duration=MAX_VOICE_SECONDS + 1, size=1000), wording.HINT_VOICE_TOO_LONG),
        (VoiceIn("v.ogg", duration=10, size=MAX_VOICE_BYTES + 1), wording.HINT_VOICE_TOO_LONG),
        (TextIn("x" * (MAX_TEXT_CHARS + 1)), wording.HINT_TEXT_TOO_LONG),
        (TextIn(""), wording.HINT_SAY_OR_SKIP),
        (TextIn("  \n\t "), wording.HINT_SAY_OR_SKIP),
        (Unsupported("sticker"), wording.HINT_SAY_OR_SKIP),
    ],
)
def test_a_free_answer_that_cannot_be_kept(engine: FlowEngine, event: Event, hint: str) -> None:
    run = _at(engine, "why")
    refused(run, event, hint)


def test_free_answers_keep_trimmed_text_voice_at_the_limit_and_skips(engine: FlowEngine) -> None:
    run = _at(engine, "why")
    assert run.shown.free_answer == ("text", "voice")
    voice = VoiceIn("voice/1.ogg", duration=MAX_VOICE_SECONDS, size=MAX_VOICE_BYTES)
    assert run.send(voice).writes == (
        (Key(step="why", item="p01"), VoiceAnswer(file="voice/1.ogg", duration=120)),
    )
    run.tap("o:ja")
    need = run.shown
    assert wording.TYPE_OR_SKIP in need.text and wording.SAY_OR_SKIP not in need.text
    assert need.free_answer == ("text",)
    refused(run, VoiceIn("v.ogg", duration=3, size=100), wording.HINT_NO_VOICE_HERE)
    run.send(TextIn("  Sparen \n"))
    assert run.answers[Key(step="need", item="p01")] == TextAnswer(text="Sparen")
    run.tap("skip")
    assert run.answers[Key(step="why", item="p02")] == SkippedAnswer()


# ----- pause, end, progress and wording -----------------------------------------------------


@pytest.mark.parametrize(
    "event", [TextIn("hallo"), Resume(), Unsupported("sticker"), Tap("1", "p:p01")]
)
def test_stop_pauses_and_any_next_event_resumes_at_the_same_question(
    engine: FlowEngine, event: Event
) -> None:
    run = _at(engine, "why")
    question, answers = run.shown, run.answers
    stopped = run.tap("stop")
    assert run.state.paused and [reply.text for reply in stopped.replies] == [wording.PAUSED]
    run.send(event)
    assert not run.state.paused and run.last.writes == () and run.answers == answers
    assert [reply.text for reply in run.last.replies] == [wording.RESUMED, question.text]
    assert run.at == ("why", "p01")


def test_a_button_of_the_paused_question_is_used_directly(engine: FlowEngine) -> None:
    """On Telegram the question stays in the chat above the pause message."""
    run = Run(engine)
    question = run.shown
    run.tap("stop")
    outcome = run.send(Tap(question.scope, "p:p04"))
    assert not run.state.paused and run.state.selection == ("p04",)
    assert [reply.text for reply in outcome.replies if reply.text == wording.RESUMED] == []


def test_the_pause_offers_verder_to_come_back_by_tapping(engine: FlowEngine) -> None:
    run = _at(engine, "why")
    question = run.shown
    paused = run.tap("stop").replies[-1]
    assert engine.current(run.state, run.answers) == paused
    assert buttons(paused) == [wording.VERDER] and paused.scope == question.scope
    back = run.tap("resume").replies
    assert [reply.text for reply in back] == [wording.RESUMED, question.text]
    assert not run.state.paused and engine.current(run.state, run.answers) == question
    refused(run, Tap(question.scope, "resume"), wording.HINT_OLD_BUTTON)


def _finish(run: Run) -> None:
    run.pick("p07", "p02")
    for _ in range(2):
        run.tap("skip")
        run.tap("o:nee")
    run.tap("p:p02")
    run.send(TextIn("Oefenen"))
    run.tap("o:ja")


def test_the_result_ends_the_run_with_a_picture_of_the_chosen_pictures(engine: FlowEngine) -> None:
    run = Run(engine)
    _finish(run)
    assert run.state.finished
    (result,) = run.last.replies
    assert result.text == "Knap gedaan! 🌟" and result.buttons == ()
    assert result.image == ImageSpec("collage", ("p07", "p02"), title="Mijn plan")
    assert run.answers[Key(step="act")] == TextAnswer(text="Oefenen")
    assert engine.question_text(Key(step="act"), run.answers) == "Doe Prent 02."
    with pytest.raises(ValueError, match="finished"):
        engine.handle(run.state, run.answers, TextIn("nog iets"))


def test_progress_dots_grow_once_per_picture_round(engine: FlowEngine) -> None:
    run = Run(engine)
    seen = [dots(run.shown)]
    run.tap("p:p01")
    seen.append(dots(run.shown))
    run.pick("p02")
    for action in ("skip", "o:nee", "skip", "o:nee", "p:p01"):
        seen.append(dots(run.shown))
        run.tap(action)
    seen.append(dots(run.shown))
    assert seen == ["●○○○", "●○○○", "●●○○○○", "●●○○○○", "●●●○○○", "●●●○○○", "●●●●○○", "●●●●●○"]


def _starts_with_a_picture(text: str) -> bool:
    return text.startswith(wording.KEYCAPS) or unicodedata.category(text[0]) == "So"


def test_every_button_starts_with_an_emoji_or_keycap(
    engine: FlowEngine, engines: dict[str, FlowEngine]
) -> None:
    made_up, real = Run(engine), Run(engines["droompagina"])
    shown = [made_up.shown, real.shown]
    for action in ("p:p01", "more", "p:p10", "done", "skip", "o:ja"):
        made_up.tap(action)
        shown.append(made_up.shown)
    for action in (f"p:{real.engine.pool_of('dreams')[0]}", "done", "skip", "o:ja", "skip"):
        real.tap(action)
        shown.append(real.shown)
    texts = [text for reply in shown for text in buttons(reply)]
    words = {wording.STOP, wording.TERUG, wording.VERDER, wording.KLAAR, wording.OVERSLAAN}
    assert words | {"✅ Prent 01", "1️⃣ Prent 10", "👍 Ja", "🤷 Weet niet"} <= set(texts)
    assert [text for text in texts if not _starts_with_a_picture(text)] == []


def _long_sentences(texts: list[str]) -> list[str]:
    sentences = [part for text in texts for part in re.split(r"[.!?\n]", text)]
    return [s for s in sentences if len([w for w in s.split() if any(c.isalnum() for c in w)]) > 10]


def test_every_text_a_participant_reads_is_short() -> None:
    texts: list[str] = []
    for flow in load_flows(load_manifest(), IMAGE_HOOKS):
        texts += [flow.title, flow.welcome or ""]
        for step in flow.step_list():
            texts.append(step.text)
            if isinstance(step, ChoiceStep):
                texts.extend(option.label for option in step.options)
            if isinstance(step, ResultStep):
                texts.append(step.title)
    # The fixed words, and what the bot says around the flows, by itself or for a coach.
    for module in (wording, conversation, homework, plan_message):
        texts += [
            value
            for name, value in vars(module).items()
            if name.isupper() and isinstance(value, str) and not value.startswith(("^", "["))
        ]
    assert wording.HINT_PICK_AT_MOST in texts and conversation.CONSENT_QUESTION in texts
    assert homework.REMINDER in texts and "Wil je hier beter in worden? 📈" in texts
    assert _long_sentences(texts) == []
    assert _long_sentences(["Een twee drie vier vijf zes zeven acht negen tien elf. Kort."]) != []
