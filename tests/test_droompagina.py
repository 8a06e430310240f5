"""Golden transcripts of the Droompagina: taps, text, voice, skip, back, pause and resume."""

from __future__ import annotations

from pathlib import Path

from flows.answers import (
    AnswerKey,
    OptionAnswer,
    PictureAnswer,
    PicturesAnswer,
    SkippedAnswer,
    TextAnswer,
    VoiceAnswer,
)
from tests.transcript import VOICE_BYTES, GoldenRun


async def test_whole_droompagina_with_taps_text_voice_skip_back_and_pause(
    golden: GoldenRun, data_dir: Path
) -> None:
    talk, engines, repository = golden.talk, golden.engines, golden.repository
    dream_pool = engines["droompagina"].pool_of("dreams")
    first, third, tenth = dream_pool[0], dream_pool[2], dream_pool[9]
    await talk.tap("🌈 Droompagina")
    talk.note("pick three pictures over two pages, and look back at page 1")
    await talk.tap("1️⃣")
    await talk.tap("3️⃣")
    await talk.tap("➡️ Verder")
    await talk.tap("1️⃣")
    await talk.tap("⬅️ Terug")
    await talk.tap("🏁 Klaar")

    talk.note(f"round 1 of 3: {first}, typed why, yes, voice note")
    await talk.say("Ik wil een eigen plek.")
    await talk.tap("👍")
    await talk.voice(seconds=12)

    talk.note(f"round 2 of 3: {third}, skip, no, back, then unsure")
    await talk.tap("⏭️ Overslaan")
    await talk.tap("👎")
    await talk.tap("⬅️ Terug")
    await talk.tap("🤷")

    talk.note(f"round 3 of 3: {tenth}, a sticker, then pause and tap to resume")
    await talk.send_unsupported("sticker")
    await talk.tap("⏸️ Stop")
    await talk.tap("➡️ Verder")
    await talk.say("Dan heb ik meer vrije tijd.")
    await talk.tap("👎")
    talk.note("pause again, and come back by just saying something")
    await talk.tap("⏸️ Stop")
    await talk.say("hallo")
    await talk.say("Eerst een cursus zoeken.")

    talk.note("which dream now, what to do, and the dream page")
    await talk.tap("1️⃣")
    await talk.say("Ik vraag het aan mijn coach.")

    participant = await repository.participant("telegram", talk.user)
    assert participant is not None and participant.consent_given
    assert len(await repository.runs(participant.id)) == 1
    answers = await golden.finished_answers("droompagina")
    voice = answers[AnswerKey(step="need", item=first)]
    assert isinstance(voice, VoiceAnswer) and voice.duration == 12
    assert (data_dir / voice.file).read_bytes() == VOICE_BYTES
    assert answers == {
        AnswerKey(step="dreams"): PicturesAnswer(pictures=(first, third, tenth)),
        AnswerKey(step="why", item=first): TextAnswer(text="Ik wil een eigen plek."),
        AnswerKey(step="come_true", item=first): OptionAnswer(option="ja"),
        AnswerKey(step="need", item=first): voice,
        AnswerKey(step="why", item=third): SkippedAnswer(),
        AnswerKey(step="come_true", item=third): OptionAnswer(option="weet_niet"),
        AnswerKey(step="why", item=tenth): TextAnswer(text="Dan heb ik meer vrije tijd."),
        AnswerKey(step="come_true", item=tenth): OptionAnswer(option="nee"),
        AnswerKey(step="closer", item=tenth): TextAnswer(text="Eerst een cursus zoeken."),
        AnswerKey(step="work_now"): PictureAnswer(picture=first),
        AnswerKey(step="first_step"): TextAnswer(text="Ik vraag het aan mijn coach."),
    }
    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "collage"
    assert result.image.pictures == (first, third, tenth)

    await golden.assert_golden("droompagina_whole")
