"""Golden transcript of the Praatplaat: the dream job (her Droompagina's work pictures first),
the work conditions pair by pair, where she wants to go and why she wants to work; with back,
pause, bad input and skip. The board gathers the dream job and what matters around it."""

from __future__ import annotations

from pathlib import Path

from bot.action_plan import suggestions
from flows.answers import AnswerKey, OptionAnswer, PictureAnswer, PicturesAnswer, SkippedAnswer
from flows.conversation_types import ImagePart
from flows.state import RunState
from images.hooks import render_image
from images.render import PictureRenderer
from storage.repository import Repository
from tests.transcript import GoldenRun

DREAMS = ("home", "work_garden", "work_kitchen")
"""Her earlier Droompagina: a house, and two kinds of work."""


async def _finished_dream_page(repository: Repository, participant_id: int) -> None:
    done = RunState(cursor=None)
    run = await repository.start_run(participant_id, "droompagina", done)
    await repository.save_run(
        run, done, [(AnswerKey(step="dreams"), PicturesAnswer(pictures=DREAMS))]
    )


async def test_whole_praatplaat(golden: GoldenRun, tmp_path: Path) -> None:
    talk, repository = golden.talk, golden.repository
    engines, pictures = golden.engines, golden.pictures
    engine = engines["praatplaat"]
    participant = await repository.participant("telegram", talk.user)
    assert participant is not None
    await _finished_dream_page(repository, participant.id)

    talk.note("her Droompagina's work pictures come first; a typed word where a tap is needed")
    await talk.tap("🗣️ Praatplaat")
    first_page = talk.current
    assert first_page.image is not None
    assert first_page.image.pictures[:2] == ("work_garden", "work_kitchen")
    assert "home" not in first_page.image.pictures, "only work pictures for a dream job"
    await talk.say("tuinman")
    await talk.tap("1️⃣")

    talk.note("conditions: a picture per answer; 'doesn't matter'; back; pause and come back")
    await talk.tap("2️⃣ Buiten")
    await talk.tap("🤷 Maakt niet uit")
    await talk.tap("⬅️ Terug")
    await talk.tap("1️⃣ Zwaar werk")
    await talk.tap("1️⃣ Met mensen")
    await talk.tap("⏸️ Stop")
    await talk.say("hallo")
    await talk.tap("2️⃣ Samen")
    await talk.tap("🤷 Maakt niet uit")
    await talk.tap("1️⃣ Ja")
    await talk.tap("🙂 Nee")
    await talk.send_unsupported("sticker")
    await talk.tap("2️⃣ Afwisseling")
    await talk.tap("1️⃣ Vaste plek")
    await talk.tap("🤷 Maakt niet uit")
    await talk.tap("1️⃣ Vaste uren")
    await talk.tap("2️⃣ Nee")
    await talk.tap("2️⃣ Nee")
    await talk.tap("1️⃣ Dichtbij")
    await talk.tap("2️⃣ Fiets")
    talk.note("where she wants to go, why she wants to work; nothing more to say")
    await talk.tap("2️⃣ Maatwerk")
    await talk.tap("1️⃣")
    await talk.tap("3️⃣")
    await talk.tap("🏁 Klaar")
    await talk.tap("⏭️ Overslaan")

    runs = await repository.runs(participant.id)
    assert [(run.flow_id, run.status) for run in runs][-1] == ("praatplaat", "finished")
    answers = await repository.answers(runs[-1].id)
    chosen = {key.step: answer for key, answer in answers.items()}
    assert chosen["job"] == PictureAnswer(picture="work_garden")
    assert chosen["place"] == OptionAnswer(option="buiten")
    assert chosen["weight"] == OptionAnswer(option="zwaar"), "changed after going back"
    assert chosen["crowd"] == OptionAnswer(option="egaal")
    why = engine.pool_of("why")
    assert chosen["why"] == PicturesAnswer(pictures=(why[0], why[2]))
    assert chosen["why_more"] == SkippedAnswer()
    assert len(answers) == 19

    result = talk.replies[-2]
    assert result.image is not None and result.image.hook == "board"
    centre, around, below = result.image.parts
    assert centre == ImagePart("centre", "", ("work_garden",))
    assert around.pictures == (
        "cond_outside", "cond_heavy", "cond_people", "cond_together", "cond_helper",
        "cond_varied_tasks", "cond_same_place", "cond_fixed_hours", "cond_no_night",
        "cond_no_weekend", "cond_near_home", "bicycle",
    )  # fmt: skip
    assert "egaal" in around.values, "'doesn't matter' is kept, without a picture"
    assert below == ImagePart(
        "below", "Daarom wil ik werken", ("focus_social", why[0], why[2]),
        ("maatwerk",),
    )  # fmt: skip
    board = render_image(PictureRenderer(pictures, tmp_path), result.image)
    assert board.width == 960 and board.path.stat().st_size < 400_000

    found = [(s.section, s.text) for s in suggestions(engine, answers)]
    assert found == [
        ("wants", "Werken als: Tuin"),
        ("wants", "Buiten werken"),
        ("wants", "Zwaar werk"),
        ("wants", "Met mensen werken"),
        ("wants", "Samen werken"),
        ("wants", "Iemand dichtbij om te helpen"),
        ("wants", "Liefst afwisseling in de taken"),
        ("wants", "Vaste plek"),
        ("wants", "Vaste uren"),
        ("wants", "Geen nachtwerk"),
        ("wants", "Geen weekendwerk"),
        ("wants", "Werk dicht bij huis"),
        ("wants", "Naar het werk: Fiets"),
        ("wants", "Focus: Maatwerk"),
        ("wants", f"Wil werken voor: {engine.picture_label(why[0])}"),
        ("wants", f"Wil werken voor: {engine.picture_label(why[2])}"),
    ], "what matters to her, not what does not: all for Wat wil ik"

    await golden.assert_golden("praatplaat_whole")
