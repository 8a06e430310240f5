"""Golden transcript of Mijn ladder: for every competence a picture and a plain sentence, how
good she is now and wants to be (a scale, top to bottom), and why; with back, pause, skip and
bad input. The result is her ladder; her coach's rating can be drawn beside it."""

from __future__ import annotations

from pathlib import Path

from bot.action_plan import suggestions
from flows.answers import AnswerKey, Answers, OptionAnswer, SkippedAnswer, TextAnswer
from flows.conversation_types import ImagePart, ImageSpec
from images.hooks import render_image
from images.render import PictureRenderer
from storage.repository import Repository
from tests.transcript import GoldenRun, Transcript

SKILLS = (
    "quality_teamwork", "comp_instructions", "comp_flexible", "comp_independent",
    "comp_machines", "comp_materials", "comp_stress", "comp_quality", "comp_problems",
    "quality_persevere", "comp_communicate",
)  # fmt: skip


async def test_whole_ladder(golden: GoldenRun, tmp_path: Path) -> None:
    talk, repository = golden.talk, golden.repository
    engines, pictures = golden.engines, golden.pictures
    engine = engines["ladder"]

    talk.note("working together: good now, wants very good, says why")
    await talk.tap("🪜 Mijn ladder")
    scale = talk.current
    assert [b.text for row in scale.buttons[:5] for b in row] == [
        "5️⃣ Heel goed", "4️⃣ Goed", "3️⃣ Gaat wel", "2️⃣ Een beetje", "1️⃣ Nog niet",
    ], "a ladder: the top step on top, one per row"  # fmt: skip
    await talk.tap("4️⃣")
    await talk.tap("5️⃣")
    await talk.say("Ik wil beter overleggen.")
    talk.note("instructions: a typed number is not a tap; back to change 'now'")
    await talk.say("3")
    await talk.tap("2️⃣")
    await talk.tap("⬅️ Terug")
    await talk.tap("3️⃣")
    await talk.tap("4️⃣")
    await talk.tap("⏭️ Overslaan")
    talk.note("the other nine the same: pause once halfway")
    for number, skill in enumerate(SKILLS[2:], start=2):
        if number == 6:
            await talk.tap("⏸️ Stop")
            await talk.tap("➡️ Verder")
        await talk.tap("3️⃣")
        await talk.tap("3️⃣")
        await talk.tap("⏭️ Overslaan")
        assert skill in {key.item for key in await _answers(repository, talk)}

    answers = await _answers(repository, talk)
    assert answers[AnswerKey(step="now", item="quality_teamwork")] == OptionAnswer(option="s4")
    assert answers[AnswerKey(step="want", item="quality_teamwork")] == OptionAnswer(option="s5")
    assert answers[AnswerKey(step="why", item="quality_teamwork")] == TextAnswer(
        text="Ik wil beter overleggen."
    )
    assert answers[AnswerKey(step="now", item="comp_instructions")] == OptionAnswer(option="s3")
    assert answers[AnswerKey(step="why", item="comp_communicate")] == SkippedAnswer()
    assert len(answers) == 33

    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "ladder"
    assert [part.pictures for part in result.image.parts] == [(skill,) for skill in SKILLS]
    assert result.image.parts[0] == ImagePart(
        "", "Samenwerken", ("quality_teamwork",), ("s4", "s5"), ("Ik wil beter overleggen.",)
    )
    renderer = PictureRenderer(pictures, tmp_path)
    own = render_image(renderer, result.image)
    assert own.width == 960 and own.path.stat().st_size < 400_000
    coach = ImagePart(*_fields(result.image.parts[0], extra="c:s2"))
    with_coach = ImageSpec("ladder", (), title="x", parts=(coach, *result.image.parts[1:]))
    assert render_image(renderer, with_coach).key != own.key, "the coach's step is drawn too"

    found = [(s.section, s.text) for s in suggestions(engine, answers)]
    assert found == [
        ("cans", "Samenwerken"),
        ("develop", "Samenwerken: Ik wil beter overleggen."),
    ]

    await golden.assert_golden("ladder_whole")


def _fields(part: ImagePart, extra: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return part.place, part.label, part.pictures, (*part.values, extra)


async def _answers(repository: Repository, talk: Transcript) -> Answers:
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    runs = await repository.runs(participant.id)
    return await repository.answers(runs[-1].id)
