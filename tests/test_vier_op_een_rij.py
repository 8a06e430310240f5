"""Golden transcript of Vier op een rij: a gentle game (where does this example belong?),
then per picture what she sees, how good she is (green, orange, red) and what she could do
better; with a wrong match, skip, back, pause and bad input. The result is a traffic light
per picture."""

from __future__ import annotations

from pathlib import Path

from bot.action_plan import suggestions
from flows import wording
from flows.answers import AnswerKey, OptionAnswer, SkippedAnswer, TextAnswer
from images.hooks import render_image
from images.render import PictureRenderer
from tests.transcript import GoldenRun

GAME = ("ex_gloves", "ex_alarm", "ex_carry_together", "ex_put_away", "ex_check", "ex_ask")
RIGHT = ("1️⃣", "4️⃣", "2️⃣", "5️⃣", "6️⃣", "3️⃣")
"""Where each example belongs: safety, on time, together, tools, quality, instructions."""
SKILLS = (
    "vier_safety", "quality_teamwork", "comp_instructions", "quality_on_time", "vier_care",
    "comp_quality",
)  # fmt: skip


async def test_whole_vier_op_een_rij(golden: GoldenRun, tmp_path: Path) -> None:
    talk = golden.talk
    engines, pictures = golden.engines, golden.pictures
    engine = engines["vier_op_een_rij"]

    talk.note("the game: a wrong guess gets a gentle hint, one example is skipped")
    await talk.tap("🧩 Vier op een rij")
    first = talk.current
    assert first.image is not None and first.image.hook == "about_grid"
    assert first.image.pictures == (GAME[0], *SKILLS)
    await talk.tap("2️⃣")
    assert talk.replies[-2].text == wording.HINT_NOT_A_MATCH
    await talk.tap(RIGHT[0])
    await talk.tap(RIGHT[1])
    await talk.tap("⏭️ Overslaan")
    await talk.tap(RIGHT[3])
    await talk.tap("⏸️ Stop")
    await talk.say("hallo")
    await talk.tap(RIGHT[4])
    await talk.tap(RIGHT[5])

    talk.note("safety: says what she sees, green")
    await talk.say("Een helm en schoenen.")
    await talk.tap("🟢 Goed")
    talk.note("working together: skip seeing, orange, says what could be better")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("🟠 Soms")
    await talk.say("Meer vragen aan mijn collega.")
    talk.note("instructions: red, then back: orange after all; nothing to add")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("🔴 Nog niet")
    await talk.tap("⬅️ Terug")
    await talk.tap("🟠 Soms")
    await talk.tap("⏭️ Overslaan")
    talk.note("the last three: green, green, red with a voice note")
    for _ in range(2):
        await talk.tap("⏭️ Overslaan")
        await talk.tap("🟢 Goed")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("🔴 Nog niet")
    await talk.voice(seconds=4)

    answers = await golden.finished_answers("vier_op_een_rij")
    belongs = {key.item: answer for key, answer in answers.items() if key.step == "belongs"}
    assert belongs == {
        "ex_gloves": OptionAnswer(option="veilig"),
        "ex_alarm": OptionAnswer(option="op_tijd"),
        "ex_carry_together": SkippedAnswer(),
        "ex_put_away": OptionAnswer(option="gerief"),
        "ex_check": OptionAnswer(option="kwaliteit"),
        "ex_ask": OptionAnswer(option="opdracht"),
    }
    rated = {key.item: a for key, a in answers.items() if key.step == "rate"}
    assert rated == {
        "vier_safety": OptionAnswer(option="groen"),
        "quality_teamwork": OptionAnswer(option="oranje"),
        "comp_instructions": OptionAnswer(option="oranje"),
        "quality_on_time": OptionAnswer(option="groen"),
        "vier_care": OptionAnswer(option="groen"),
        "comp_quality": OptionAnswer(option="rood"),
    }
    assert answers[AnswerKey(step="see", item="vier_safety")] == TextAnswer(
        text="Een helm en schoenen."
    )
    assert AnswerKey(step="better", item="vier_safety") not in answers, "green: not asked"

    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "traffic"
    colours = {skill: ("groen",) for skill in ("vier_safety", "quality_on_time", "vier_care")}
    colours |= {"quality_teamwork": ("oranje",), "comp_instructions": ("oranje",)}
    colours |= {"comp_quality": ("rood",)}
    assert [(part.pictures, part.values) for part in result.image.parts] == [
        ((skill,), colours[skill]) for skill in SKILLS
    ]
    light = render_image(PictureRenderer(pictures, tmp_path), result.image)
    assert light.width == 960 and light.path.stat().st_size < 400_000

    label = engine.picture_label
    found = [(s.section, s.text) for s in suggestions(engine, answers)]
    assert ("cans", label("vier_safety")) in found
    assert ("develop", label("comp_quality")) in found
    assert ("actions", f"{label('quality_teamwork')}: Meer vragen aan mijn collega.") in found

    await golden.assert_golden("vier_op_een_rij_whole")
