"""Golden transcript of small steps (mini-POP) with a fake clock: a step that worked (a
success card), one that did not (what got in the way, a smaller step), one that worked a bit
(try again tomorrow), and the chain the coach sees: each check-in about its step."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.conversation import Conversation
from bot.small_steps import AGAIN, ALREADY_ANSWERED, NEXT_STEP, SMALLER, SmallSteps
from flows.answers import AnswerKey, OptionAnswer, TextAnswer
from flows.conversation_types import Reply
from flows.engine import FlowEngine
from images.hooks import render_image
from images.manifest import Manifest
from images.render import PictureRenderer
from storage.repository import Participant, Repository, StoredRun
from tests import transcript
from tests.conftest import FakeClock
from tests.transcript import GoldenRun, Transcript


@pytest.fixture
def small_steps(
    repository: Repository, engines: dict[str, FlowEngine], clock: FakeClock
) -> SmallSteps:
    return SmallSteps(repository, engines, clock)


@pytest.fixture
def steps_golden(
    repository: Repository,
    engines: dict[str, FlowEngine],
    pictures: Manifest,
    data_dir: Path,
    small_steps: SmallSteps,
) -> GoldenRun:
    conversation = Conversation(repository, engines, data_dir, small_steps=small_steps)
    return GoldenRun(Transcript(conversation), repository, engines, pictures)


async def _me(repository: Repository, talk: Transcript) -> Participant:
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    return participant


async def _runs(repository: Repository, talk: Transcript) -> list[StoredRun]:
    return await repository.runs((await _me(repository, talk)).id)


async def _check_in(
    talk: Transcript, small_steps: SmallSteps, repository: Repository, run: StoredRun
) -> Reply:
    """The check-in message the outbox sends for this mini-POP, shown in the transcript."""
    message = await small_steps.check_message(await _me(repository, talk), run.id)
    assert message is not None
    talk.lines.append("# the check-in arrives")
    talk.replies.append(message)
    talk.lines.extend(transcript.describe(message))
    return message


async def test_small_steps_success_smaller_step_and_try_again(
    steps_golden: GoldenRun,
    small_steps: SmallSteps,
    clock: FakeClock,
    pictures: Manifest,
    tmp_path: Path,
) -> None:
    talk, repository = steps_golden.talk, steps_golden.repository
    await talk.start()
    await talk.tap("✅")

    talk.note("a first small step: a question about the way to work, for tomorrow, with family")
    await talk.tap("👣 Kleine stap")
    await talk.tap("1️⃣ Mijn weg naar werk")
    await talk.tap("2️⃣ Hoe maak ik een cv?")
    await talk.say("morgen")  # a typed word where a tap is needed
    await talk.tap("🙋 Ik vraag iemand om raad")
    await talk.tap("➡️ Morgen")
    await talk.tap("3️⃣ Familie")
    card = talk.replies[-3]
    assert card.image is not None and card.image.hook == "step"
    assert talk.replies[-2].text == "Ik vraag het je morgen om 17 uur. ⏰\nVeel succes! 💪"
    first = (await _runs(repository, talk))[-1]
    (planned,) = await repository.outbox.of_run(first.id)
    assert planned.kind == "mini_pop_check"
    assert planned.send_after == "2026-03-03T16:00:00+00:00", "Tuesday 17:00 in Brussels"
    step_card = render_image(PictureRenderer(pictures, tmp_path), card.image)
    assert step_card.width == 960

    talk.note("Tuesday 17:00: it worked")
    clock.now = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
    asked = await _check_in(talk, small_steps, repository, first)
    assert asked.text == "👣 Je kleine stap:\n“Ik vraag iemand om raad”\nIs het gelukt?"
    await talk.tap("😀 Ja", asked)
    success = talk.replies[-3]
    assert success.image is not None and success.image.hook == "success"
    assert success.image.parts[0].words == ("Ik vraag iemand om raad", "3 maart 2026")
    assert talk.replies[-2].text == NEXT_STEP
    await talk.tap("😀 Ja", asked)
    assert talk.replies[-2].text == ALREADY_ANSWERED, "a tap on the old check-in changes nothing"

    talk.note("a second small step in her own words, today, alone")
    await talk.tap("👣 Kleine stap")
    await talk.tap("3️⃣ Iets leren")
    await talk.tap("✍️ Een andere vraag")
    await talk.say("Hoe leer ik koken?")
    await talk.tap("💬 Iets anders")
    await talk.say("Ik kook één keer met mijn buurvrouw.")
    await talk.tap("📍 Vandaag")
    await talk.tap("⏸️ Stop")
    await talk.tap("➡️ Verder")
    await talk.tap("5️⃣ Niemand")
    second = (await _runs(repository, talk))[-1]
    (planned,) = await repository.outbox.of_run(second.id)
    assert planned.send_after == "2026-03-04T16:00:00+00:00", "17:00 has passed: tomorrow"

    talk.note("the check-in: not yet, forgotten, a smaller step (her question kept)")
    clock.now = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)
    asked = await _check_in(talk, small_steps, repository, second)
    await talk.tap("😕 Nog niet", asked)
    await talk.tap("4️⃣ Vergeten")
    await talk.tap("🐾 Een kleinere stap")
    assert SMALLER in [reply.text for reply in talk.replies[-3:]]
    smaller = (await _runs(repository, talk))[-1]
    assert smaller.flow_id == "mini_pop" and smaller.status == "active"
    kept = await repository.answers(smaller.id)
    assert kept[AnswerKey(step="own_question")] == TextAnswer(text="Hoe leer ik koken?")
    await talk.tap("⏱️ Ik oefen 10 minuten per dag")
    await talk.tap("➡️ Morgen")
    await talk.tap("2️⃣ Een collega")

    talk.note("the next day: a bit, no time, try again tomorrow; then it worked")
    clock.now = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
    asked = await _check_in(talk, small_steps, repository, smaller)
    await talk.tap("🙂 Een beetje", asked)
    await talk.tap("1️⃣ Geen tijd")
    await talk.tap("🔁 Nog eens proberen")
    assert talk.replies[-2].text == AGAIN.format(day="morgen om 17 uur")
    again = await repository.outbox.of_run(smaller.id)
    assert [m.send_after for m in again] == [
        "2026-03-05T16:00:00+00:00",
        "2026-03-06T16:00:00+00:00",
    ]
    clock.now = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    asked = await _check_in(talk, small_steps, repository, smaller)
    await talk.tap("😀 Ja", asked)

    runs = await _runs(repository, talk)
    chain = [(run.flow_id, run.status) for run in runs]
    assert chain == [
        ("mini_pop", "finished"),
        ("mini_pop_check", "finished"),
        ("mini_pop", "finished"),
        ("mini_pop_check", "finished"),
        ("mini_pop", "finished"),
        ("mini_pop_check", "finished"),
        ("mini_pop_check", "finished"),
    ]
    checks = [await repository.answers(run.id) for run in runs if run.flow_id == "mini_pop_check"]
    about = [answers[AnswerKey(step="about_run")] for answers in checks]
    assert about == [
        TextAnswer(text=str(first.id)),
        TextAnswer(text=str(second.id)),
        TextAnswer(text=str(smaller.id)),
        TextAnswer(text=str(smaller.id)),
    ], "each check-in knows the step it is about: the coach sees the chain"
    worked = [answers[AnswerKey(step="worked")] for answers in checks]
    assert worked == [
        OptionAnswer(option="ja"),
        OptionAnswer(option="niet"),
        OptionAnswer(option="beetje"),
        OptionAnswer(option="ja"),
    ]
    await steps_golden.assert_golden("mini_pop_whole")
