"""Golden transcript of Klokwijs: a day in her life, hour by hour, with clock buttons and
pictures; with back, pause, bad input and a wish for a different day. The result is a day
clock with the pictures at their hours."""

from __future__ import annotations

from pathlib import Path

from bot.action_plan import suggestions
from flows.answers import AnswerKey, OptionAnswer, PicturesAnswer, TextAnswer
from flows.conversation_types import ImagePart
from images.hooks import render_image
from images.render import PictureRenderer
from images.result_hooks import _moments
from tests.transcript import GoldenRun


async def test_whole_klokwijs(golden: GoldenRun, tmp_path: Path) -> None:
    talk = golden.talk
    engines, pictures = golden.engines, golden.pictures
    engine = engines["klokwijs"]
    live, pets, day, way, hobby = (
        engine.pool_of(step) for step in ("live_with", "pets", "day_what", "way", "free_time")
    )

    talk.note("getting up: clock buttons; a typed hour is not a tap")
    await talk.tap("🕰️ Klokwijs")
    await talk.say("7")
    await talk.tap("🕖 7 uur")
    await talk.tap("1️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("2️⃣")
    await talk.tap("🏁 Klaar")
    talk.note("the day: what, from when, how she gets there, no work, a break together")
    await talk.tap("1️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("🕗 8 uur")
    await talk.tap("2️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("🏁 Klaar")
    await talk.tap("2️⃣ Samen")
    talk.note("home: back to change the break, pause, then the evening")
    await talk.tap("⬅️ Terug")
    await talk.tap("🚫 Geen pauze")
    await talk.tap("⏸️ Stop")
    await talk.tap("➡️ Verder")
    await talk.tap("🕔 17 uur")
    await talk.tap("7️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("🕚 23 uur")
    talk.note("she wants her day to be different, and says how")
    await talk.tap("👍 Ja")
    await talk.say("Meer tijd voor mijn kinderen.")

    answers = await golden.finished_answers("klokwijs")
    assert answers == {
        AnswerKey(step="wake"): OptionAnswer(option="u07"),
        AnswerKey(step="live_with"): PicturesAnswer(pictures=(live[0],)),
        AnswerKey(step="pets"): PicturesAnswer(pictures=(pets[1],)),
        AnswerKey(step="day_what"): PicturesAnswer(pictures=(day[0],)),
        AnswerKey(step="start"): OptionAnswer(option="u08"),
        AnswerKey(step="way"): PicturesAnswer(pictures=(way[1],)),
        AnswerKey(step="work_what"): PicturesAnswer(pictures=()),
        AnswerKey(step="break_with"): OptionAnswer(option="geen"),
        AnswerKey(step="home"): OptionAnswer(option="u17"),
        AnswerKey(step="free_time"): PicturesAnswer(pictures=(hobby[6],)),
        AnswerKey(step="bed"): OptionAnswer(option="u23"),
        AnswerKey(step="different"): OptionAnswer(option="ja"),
        AnswerKey(step="how_different"): TextAnswer(text="Meer tijd voor mijn kinderen."),
    }

    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "day"
    assert result.image.parts[2] == ImagePart("", "Pauze", (), ("geen",)), "no break: no picture"
    moments = _moments(PictureRenderer(pictures, tmp_path), result.image.parts)
    assert [(m.hour, m.words) for m in moments] == [
        (7, "Opstaan"),
        (8, "Mijn dag"),
        (17, "Thuis"),
        (23, "Slapen"),
    ], "a break without an hour or a picture is left out"
    assert [p for p, _ in moments[0].pictures] == ["wake_up", live[0], pets[1]]
    clock = render_image(PictureRenderer(pictures, tmp_path), result.image)
    assert clock.width == 960 and clock.path.stat().st_size < 400_000

    found = [(s.section, s.text) for s in suggestions(engine, answers)]
    assert found == [("wants", "Meer tijd voor mijn kinderen.")]

    await golden.assert_golden("klokwijs_whole")
