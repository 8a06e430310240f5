"""Golden transcript of HAND: five fingers, each a picture of the hand with that finger lit,
pictures (or none) and her own words; with a voice note, back, pause, a sticker and skip.
The result is her hand with the answers at the fingertips."""

from __future__ import annotations

import re
from pathlib import Path

from bot.action_plan import suggestions
from bot.conversation import Conversation
from bot.export import export_participant
from flows.answers import AnswerKey, PicturesAnswer, SkippedAnswer, TextAnswer, VoiceAnswer
from flows.conversation_types import ImagePart
from flows.engine import FlowEngine
from images.hooks import render_image
from images.manifest import Manifest
from images.render import PictureRenderer
from storage.repository import Repository
from tests.transcript import Transcript, as_json, assert_golden


async def test_whole_hand(
    conversation: Conversation,
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
    tmp_path: Path,
) -> None:
    engine = engines["hand"]
    good, going, dislike, loyal, small = (
        engine.pool_of(step) for step in ("thumb", "index", "middle", "ring", "little")
    )
    talk = Transcript(conversation)
    await talk.start()
    await talk.tap("✅")

    talk.note("thumb: two pictures and a few typed words")
    await talk.tap("🖐️ Mijn hand")
    await talk.tap("1️⃣")
    await talk.tap("2️⃣")
    await talk.tap("🏁 Klaar")
    await talk.say("Ik help graag anderen. 🙂")
    talk.note("index finger: no picture, a voice note")
    await talk.tap("🏁 Klaar")
    await talk.voice(seconds=6)
    talk.note("middle finger: one picture, back to it, then nothing to add")
    await talk.tap("1️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("⬅️ Terug")
    await talk.tap("3️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("⏭️ Overslaan")
    talk.note("ring finger: pause, a sticker to come back, one picture")
    await talk.tap("⏸️ Stop")
    await talk.send_unsupported("sticker")
    await talk.tap("4️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("⏭️ Overslaan")
    talk.note("little finger: a sticker where words are asked, then words")
    await talk.tap("4️⃣")
    await talk.tap("🏁 Klaar")
    await talk.send_unsupported("sticker")
    await talk.say("Lezen en schrijven.")

    banners = [reply for reply in talk.replies if reply.image and reply.image.hook == "finger"]
    fingers = [reply.image.parts[0].place for reply in banners if reply.image]
    assert fingers == ["1", "2", "3", "3", "4", "5"]
    assert [reply.text for reply in banners[:2]] == ["👍 Je duim", "☝️ Je wijsvinger"]

    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    (run,) = await repository.runs(participant.id)
    assert run.status == "finished"
    answers = await repository.answers(run.id)
    voice = answers[AnswerKey(step="index_say")]
    assert isinstance(voice, VoiceAnswer)
    assert answers == {
        AnswerKey(step="thumb"): PicturesAnswer(pictures=good[:2]),
        AnswerKey(step="thumb_say"): TextAnswer(text="Ik help graag anderen. 🙂"),
        AnswerKey(step="index"): PicturesAnswer(pictures=()),
        AnswerKey(step="index_say"): voice,
        AnswerKey(step="middle"): PicturesAnswer(pictures=(dislike[0], dislike[2])),
        AnswerKey(step="middle_say"): SkippedAnswer(),
        AnswerKey(step="ring"): PicturesAnswer(pictures=(loyal[3],)),
        AnswerKey(step="ring_say"): SkippedAnswer(),
        AnswerKey(step="little"): PicturesAnswer(pictures=(small[3],)),
        AnswerKey(step="little_say"): TextAnswer(text="Lezen en schrijven."),
    }
    assert going, "the index finger offers the dream pictures"

    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "hand"
    assert result.image.parts == (
        ImagePart("thumb", "", good[:2], (), ("Ik help graag anderen. 🙂",)),
        ImagePart("index", "", ()),
        ImagePart("middle", "", (dislike[0], dislike[2])),
        ImagePart("ring", "", (loyal[3],)),
        ImagePart("little", "", (small[3],), (), ("Lezen en schrijven.",)),
    )
    renderer = PictureRenderer(pictures, tmp_path)
    hand = render_image(renderer, result.image)
    assert hand.width == 960 and hand.path.stat().st_size < 400_000
    assert banners[0].image is not None
    finger = render_image(renderer, banners[0].image)
    assert finger.key != render_image(renderer, banners[1].image).key  # type: ignore[arg-type]

    label = engine.picture_label
    found = [(s.section, s.text) for s in suggestions(engine, answers)]
    assert found == [
        ("cans", label(good[0])),
        ("cans", label(good[1])),
        ("develop", label(small[3])),
    ]

    export = await export_participant(repository, engines, pictures, "telegram", talk.user)
    talk.lines.append("# export")
    talk.lines.extend(as_json(export).splitlines())
    assert_golden("hand_whole", re.sub(r"[0-9a-f]{32}\.ogg", "<random>.ogg", talk.text()))
