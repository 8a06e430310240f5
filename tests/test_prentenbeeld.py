"""Golden transcript of the Prentenbeeld: pictures that fit, strong or still hard, getting
better and how; with back, skip, a voice note, bad input, pause and resume."""

from __future__ import annotations

from pathlib import Path

from bot.action_plan import suggestions
from flows.answers import AnswerKey, OptionAnswer, PicturesAnswer, TextAnswer, VoiceAnswer
from tests.transcript import VOICE_BYTES, GoldenRun


async def test_whole_prentenbeeld(golden: GoldenRun, data_dir: Path) -> None:
    talk, engines, repository = golden.talk, golden.engines, golden.repository
    engine = engines["prentenbeeld"]
    pool = engine.pool_of("fits")
    first, second, eleventh = pool[0], pool[1], pool[10]
    await talk.tap("🪞 Prentenbeeld")
    talk.note("pick two on page 1 and one on page 2; a typed word where a tap is needed")
    await talk.tap("1️⃣")
    await talk.tap("2️⃣")
    await talk.say("muziek")
    await talk.tap("➡️ Verder")
    await talk.tap("2️⃣")
    await talk.tap("🏁 Klaar")

    talk.note(f"round 1: {first} is a strong side, get better: typed how")
    await talk.tap("💪")
    await talk.tap("👍")
    await talk.say("Meer oefenen met mijn zus.")
    talk.note(f"round 2: {second}: still hard, then back: a strong side after all; a voice note")
    await talk.tap("🌱")
    await talk.tap("⬅️ Terug")
    await talk.tap("💪")
    await talk.tap("👍")
    await talk.voice(seconds=9)
    talk.note(f"round 3: {eleventh}: pause, come back, still hard, no need to get better")
    await talk.tap("⏸️ Stop")
    await talk.say("hoi")
    await talk.tap("🌱")
    await talk.send_unsupported("sticker")
    await talk.tap("👎")

    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    assert len(await repository.runs(participant.id)) == 1
    answers = await golden.finished_answers("prentenbeeld")
    voice = answers[AnswerKey(step="how", item=second)]
    assert isinstance(voice, VoiceAnswer) and (data_dir / voice.file).read_bytes() == VOICE_BYTES
    assert answers == {
        AnswerKey(step="fits"): PicturesAnswer(pictures=(first, second, eleventh)),
        AnswerKey(step="side", item=first): OptionAnswer(option="sterk"),
        AnswerKey(step="better", item=first): OptionAnswer(option="ja"),
        AnswerKey(step="how", item=first): TextAnswer(text="Meer oefenen met mijn zus."),
        AnswerKey(step="side", item=second): OptionAnswer(option="sterk"),
        AnswerKey(step="better", item=second): OptionAnswer(option="ja"),
        AnswerKey(step="how", item=second): voice,
        AnswerKey(step="side", item=eleventh): OptionAnswer(option="moeilijk"),
        AnswerKey(step="better", item=eleventh): OptionAnswer(option="nee"),
    }
    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "me"
    assert result.image.pictures == (first, second, eleventh)
    assert result.image.selected == (first, second), "the strong sides, apart from the others"

    label = engine.picture_label
    found = [(s.section, s.text) for s in suggestions(engine, answers)]
    assert ("cans", label(first)) in found and ("cans", label(eleventh)) not in found
    assert ("actions", f"{label(first)}: Meer oefenen met mijn zus.") in found

    await golden.assert_golden("prentenbeeld_whole")
