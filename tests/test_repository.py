"""The repository: consent with its history, runs, append-only answers, Telegram file ids."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from flows.answers import AnswerKey, OptionAnswer, PicturesAnswer, TextAnswer, VoiceAnswer
from flows.state import Cursor, RunState
from storage.database import open_database
from storage.repository import DATABASE_FILE, ConsentEvent, Repository
from tests.conftest import FakeClock

DREAMS = AnswerKey(step="dreams")
WHY_HOME = AnswerKey(step="why", item="home")
WHY_CAR = AnswerKey(step="why", item="car")
ASKING = RunState(cursor=Cursor(step="why", item="home"), prompt=2)
PAUSED = ASKING.model_copy(update={"paused": True})
FINISHED = RunState(cursor=None, prompt=5)


async def test_an_unknown_person_is_not_a_participant(repository: Repository) -> None:
    assert await repository.participant("telegram", "42") is None


async def test_consent_is_stored_with_its_date_and_every_event_is_kept(
    repository: Repository,
) -> None:
    refused = await repository.record_consent("telegram", "42", given=False)
    assert not refused.consent_given
    assert refused.consent_at == "2026-03-02T09:00:00+00:00"
    given = await repository.record_consent("telegram", "42", given=True)
    assert given.id == refused.id
    assert given.consent_given
    assert given.consent_at == "2026-03-02T09:00:01+00:00"
    assert given.created_at == refused.created_at == "2026-03-02T09:00:00+00:00"
    assert await repository.participant("telegram", "42") == given
    assert await repository.consent_history(given.id) == [
        ConsentEvent(given=False, at="2026-03-02T09:00:00+00:00"),
        ConsentEvent(given=True, at="2026-03-02T09:00:01+00:00"),
    ]


async def test_the_same_id_on_another_channel_is_another_person(
    repository: Repository,
) -> None:
    telegram = await repository.record_consent("telegram", "42", given=True)
    web = await repository.record_consent("web", "42", given=False)
    assert telegram.id != web.id
    assert (await repository.participant("telegram", "42")) == telegram
    assert await repository.consent_history(telegram.id) == [
        ConsentEvent(given=True, at=telegram.consent_at)
    ]


async def test_answers_survive_a_restart(data_dir: Path, clock: FakeClock) -> None:
    first = await Repository.open(data_dir, clock)
    person = await first.record_consent("telegram", "42", given=True)
    run = await first.start_run(person.id, "droompagina", RunState(cursor=Cursor(step="dreams")))
    await first.save_run(run, ASKING, [(DREAMS, PicturesAnswer(pictures=("home", "car")))])
    await first.close()

    second = await Repository.open(data_dir, clock)
    try:
        again = await second.participant("telegram", "42")
        assert again == person
        stored = await second.open_run(person.id)
        assert stored is not None and stored.id == run.id
        assert stored.state == ASKING
        assert await second.answers(run.id) == {DREAMS: PicturesAnswer(pictures=("home", "car"))}
    finally:
        await second.close()


async def test_the_newest_answer_wins_and_none_clears(repository: Repository) -> None:
    person = await repository.record_consent("telegram", "42", given=True)
    run = await repository.start_run(person.id, "droompagina", ASKING)
    run = await repository.save_run(
        run, ASKING, [(WHY_HOME, TextAnswer(text="eerst")), (WHY_CAR, TextAnswer(text="auto"))]
    )
    run = await repository.save_run(run, ASKING, [(WHY_HOME, TextAnswer(text="later"))])
    assert await repository.answers(run.id) == {
        WHY_HOME: TextAnswer(text="later"),
        WHY_CAR: TextAnswer(text="auto"),
    }
    run = await repository.save_run(run, ASKING, [(WHY_CAR, None)])
    assert await repository.answers(run.id) == {WHY_HOME: TextAnswer(text="later")}
    voice = VoiceAnswer(file="voice/1/a.ogg", duration=3)
    await repository.save_run(run, ASKING, [(WHY_CAR, voice)])
    assert await repository.answers(run.id) == {WHY_HOME: TextAnswer(text="later"), WHY_CAR: voice}

    history = await repository.answer_history(run.id)
    assert [(record.key, record.answer) for record in history] == [
        (WHY_HOME, TextAnswer(text="eerst")),
        (WHY_CAR, TextAnswer(text="auto")),
        (WHY_HOME, TextAnswer(text="later")),
        (WHY_CAR, None),
        (WHY_CAR, voice),
    ]
    assert history[0].answered_at < history[2].answered_at < history[3].answered_at


async def test_save_run_stores_state_status_and_finished_at(repository: Repository) -> None:
    person = await repository.record_consent("telegram", "42", given=True)
    run = await repository.start_run(person.id, "droompagina", ASKING)
    assert (run.status, run.finished_at) == ("active", None)

    paused = await repository.save_run(run, PAUSED)
    assert (paused.status, paused.finished_at) == ("paused", None)
    assert await repository.open_run(person.id) == paused

    active = await repository.save_run(paused, ASKING)
    assert await repository.open_run(person.id) == active
    assert active.status == "active"

    done = await repository.save_run(active, FINISHED, [(WHY_HOME, OptionAnswer(option="ja"))])
    assert done.status == "finished"
    assert done.finished_at is not None and done.finished_at == done.updated_at
    assert done.started_at == run.started_at < done.finished_at
    assert await repository.open_run(person.id) is None
    (stored,) = await repository.runs(person.id)
    assert stored == done
    assert stored.state == FINISHED


async def test_open_run_is_the_unfinished_one(repository: Repository) -> None:
    person = await repository.record_consent("telegram", "42", given=True)
    old = await repository.start_run(person.id, "droompagina", ASKING)
    await repository.save_run(old, FINISHED)
    new = await repository.start_run(person.id, "droompagina", ASKING)
    assert await repository.open_run(person.id) == new
    assert [run.id for run in await repository.runs(person.id)] == [old.id, new.id]


async def test_a_failed_save_leaves_no_half_written_run(data_dir: Path, clock: FakeClock) -> None:
    """Answers and state go together: if storing the state fails, the answers written just
    before must not be committed later by some other write on the same connection."""
    db = await open_database(data_dir / DATABASE_FILE)
    repository = Repository(db, clock)
    person = await repository.record_consent("telegram", "42", given=True)
    run = await repository.start_run(person.id, "droompagina", ASKING)
    await db.execute(
        "CREATE TEMP TRIGGER fail_update BEFORE UPDATE ON flow_runs"
        " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    with pytest.raises(aiosqlite.Error, match="disk trouble"):
        await repository.save_run(run, FINISHED, [(WHY_HOME, TextAnswer(text="half"))])
    await db.execute("DROP TRIGGER fail_update")
    await repository.remember_telegram_file_id("grid:abc", "file-1")
    await repository.close()

    reopened = await Repository.open(data_dir, clock)
    try:
        assert await reopened.answers(run.id) == {}
        assert await reopened.open_run(person.id) == run
        assert await reopened.telegram_file_id("grid:abc") == "file-1"
    finally:
        await reopened.close()


async def test_telegram_file_ids_remember_replace_forget(repository: Repository) -> None:
    assert await repository.telegram_file_id("grid:abc") is None
    await repository.remember_telegram_file_id("grid:abc", "file-1")
    await repository.remember_telegram_file_id("picture:home", "file-2")
    assert await repository.telegram_file_id("grid:abc") == "file-1"
    await repository.remember_telegram_file_id("grid:abc", "file-3")
    assert await repository.telegram_file_id("grid:abc") == "file-3"
    await repository.forget_telegram_file_id("grid:abc")
    assert await repository.telegram_file_id("grid:abc") is None
    assert await repository.telegram_file_id("picture:home") == "file-2"
    await repository.forget_telegram_file_id("never-there")


async def test_two_participants_do_not_see_each_others_runs(repository: Repository) -> None:
    anna = await repository.record_consent("telegram", "1", given=True)
    bram = await repository.record_consent("telegram", "2", given=True)
    annas = await repository.start_run(anna.id, "droompagina", ASKING)
    await repository.save_run(annas, ASKING, [(WHY_HOME, TextAnswer(text="van Anna"))])
    assert await repository.open_run(bram.id) is None
    assert await repository.runs(bram.id) == []

    brams = await repository.start_run(bram.id, "droompagina", PAUSED)
    assert brams.id != annas.id
    assert [run.id for run in await repository.runs(anna.id)] == [annas.id]
    assert await repository.open_run(bram.id) == brams
    assert await repository.answers(brams.id) == {}
    assert await repository.consent_history(bram.id) == [ConsentEvent(True, bram.consent_at)]
