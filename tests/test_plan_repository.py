"""Action plans in storage: a next POP is a new row linked to the plan it follows, the older
one kept as it was; a plan gets one next POP only; migration 008 on a database with plans."""

from __future__ import annotations

import shutil
from pathlib import Path

from storage.coach_repository import Coach
from storage.database import MIGRATIONS_DIR, open_database
from storage.repository import DATABASE_FILE, Repository
from tests.conftest import FakeClock, joined

FIRST = '{"goal": "Koken in een restaurant"}'
SECOND = '{"goal": "Hulpkok worden"}'


async def test_a_next_pop_is_a_new_plan_and_the_old_one_stays(
    repository: Repository, sara: Coach
) -> None:
    plans = repository.plans
    mia = await joined(repository, sara)
    await plans.complete((await plans.save(mia, sara.id, FIRST)).id, True)
    first = await plans.current(mia)
    assert first is not None and first.completed_at is not None
    assert first.previous_plan_id is None

    following = await plans.start_next(first.id, sara.id, SECOND)
    assert following is not None and following.id != first.id
    assert following.previous_plan_id == first.id and following.participant_id == mia
    assert following.completed_at is None
    assert await plans.current(mia) == following
    assert await plans.history(mia) == [following, first]
    assert await plans.get(first.id) == first, "the first POP is kept exactly as it was"

    # The editor now writes over the next POP only.
    edited = await plans.save(mia, sara.id, '{"goal": "Chef worden"}')
    assert edited.id == following.id and edited.previous_plan_id == first.id
    assert await plans.get(first.id) == first


async def test_a_plan_gets_one_next_pop_only(repository: Repository, sara: Coach) -> None:
    plans = repository.plans
    mia = await joined(repository, sara)
    first = await plans.save(mia, sara.id, FIRST)
    following = await plans.start_next(first.id, sara.id, SECOND)
    assert following is not None
    assert await plans.start_next(first.id, sara.id, SECOND) is None, "a form sent twice"
    assert await plans.start_next(first.id + 99, sara.id, SECOND) is None, "no such plan"
    assert [stored.id for stored in await plans.history(mia)] == [following.id, first.id]
    third = await plans.start_next(following.id, sara.id, '{"goal": "Derde"}')
    assert third is not None and third.previous_plan_id == following.id


async def test_each_participant_has_her_own_history(repository: Repository, sara: Coach) -> None:
    plans = repository.plans
    mia, lisa = await joined(repository, sara, "1"), await joined(repository, sara, "2")
    first = await plans.save(mia, sara.id, FIRST)
    await plans.save(lisa, sara.id, FIRST)
    await plans.start_next(first.id, sara.id, SECOND)
    assert len(await plans.history(mia)) == 2
    assert len(await plans.history(lisa)) == 1
    assert await plans.history(lisa + 99) == []


async def test_migration_008_keeps_the_plans_as_first_pops(
    tmp_path: Path, clock: FakeClock
) -> None:
    before_008 = tmp_path / "before_008"
    before_008.mkdir()
    for path in MIGRATIONS_DIR.glob("*.sql"):
        if int(path.name[:3]) < 8:
            shutil.copy(path, before_008 / path.name)
    data_dir = tmp_path / "data"
    db = await open_database(data_dir / DATABASE_FILE, before_008)  # POP-bot before 008
    await db.execute(
        "INSERT INTO coaches (id, name, join_code, created_at) VALUES (7, 'Sara', 'SARA23', 'x')"
    )
    await db.execute(
        "INSERT INTO participants (id, channel, external_id, consent, consent_at, created_at,"
        " last_seen_at, coach_id) VALUES (3, 'telegram', '1', 'given', 'x', 'x', 'x', 7)"
    )
    await db.execute(
        "INSERT INTO action_plans (id, participant_id, coach_id, plan, created_at, updated_at)"
        f" VALUES (5, 3, 7, '{FIRST}', '2026-01-05T09:00:00+00:00', '2026-01-05T09:00:00+00:00')"
    )
    await db.commit()
    await db.close()

    repository = await Repository.open(data_dir, clock)
    try:
        stored = await repository.plans.current(3)
        assert stored is not None and stored.id == 5 and stored.previous_plan_id is None
        following = await repository.plans.start_next(5, 7, SECOND)
        assert following is not None and following.previous_plan_id == 5
    finally:
        await repository.close()
