"""Opening the database: WAL, foreign keys, and numbered migrations applied exactly once."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
import pytest

from storage.database import MIGRATIONS_DIR, MigrationError, migrate, open_database

SHIPPED = sorted(path.name for path in MIGRATIONS_DIR.glob("*.sql"))


@asynccontextmanager
async def opened(path: Path, folder: Path = MIGRATIONS_DIR) -> AsyncIterator[aiosqlite.Connection]:
    db = await open_database(path, folder)
    try:
        yield db
    finally:
        await db.close()


async def scalar(db: aiosqlite.Connection, sql: str) -> object:
    async with db.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def recorded(db: aiosqlite.Connection) -> list[tuple[int, str]]:
    async with db.execute("SELECT version, name FROM schema_migrations ORDER BY version") as cur:
        return [(row[0], row[1]) async for row in cur]


async def tables(path: Path) -> set[str]:
    """The tables in a database file, read without running any migration."""
    async with (
        aiosqlite.connect(path) as db,
        db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor,
    ):
        return {row[0] async for row in cursor}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped migrations that a test may add files to."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy)
    return copy


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "popbot.sqlite3"


def test_the_shipped_migrations_start_at_001() -> None:
    assert SHIPPED and SHIPPED[0].startswith("001_")


async def test_fresh_database_gets_wal_foreign_keys_and_every_migration(db_path: Path) -> None:
    async with opened(db_path) as db:
        assert await scalar(db, "PRAGMA journal_mode") == "wal"
        assert await scalar(db, "PRAGMA foreign_keys") == 1
        assert await recorded(db) == [(number, name) for number, name in enumerate(SHIPPED, 1)]
        with pytest.raises(aiosqlite.IntegrityError):
            await db.execute(
                "INSERT INTO flow_runs (participant_id, flow_id, status, state, started_at,"
                " updated_at) VALUES (999, 'droompagina', 'active', '{}', 'now', 'now')"
            )
    assert db_path.exists()
    assert {"participants", "flow_runs", "answers", "schema_migrations"} <= await tables(db_path)


async def test_opening_again_applies_nothing_and_keeps_the_data(db_path: Path) -> None:
    async with opened(db_path) as db:
        await db.execute(
            "INSERT INTO telegram_files (image_key, file_id, created_at) VALUES ('k', 'f', 'now')"
        )
        await db.commit()
        before = await recorded(db)
    async with opened(db_path) as db:
        assert await migrate(db) == []
        assert await recorded(db) == before
        assert await scalar(db, "SELECT file_id FROM telegram_files") == "f"
        assert await scalar(db, "PRAGMA journal_mode") == "wal"


async def test_a_new_migration_is_applied_on_the_next_open(db_path: Path, folder: Path) -> None:
    async with opened(db_path, folder):
        pass
    number = len(SHIPPED) + 1
    name = f"{number:03d}_add_notes.sql"
    (folder / name).write_text("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);\n")
    async with opened(db_path, folder) as db:
        assert (await recorded(db))[-1] == (number, name)
        await db.execute("INSERT INTO notes (text) VALUES ('hallo')")
        assert await scalar(db, "SELECT text FROM notes") == "hallo"
    async with opened(db_path, folder) as db:
        assert await migrate(db, folder) == []


@pytest.mark.parametrize(
    "script",
    [
        "CREATE TABLE half (id INTEGER);\nCREATE TABLE broken (;\n",
        "CREATE TABLE half (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        "CREATE TABLE half (id INTEGER);\nINSERT INTO half VALUES (1);\n"
        "ALTER TABLE participants ADD COLUMN consent TEXT;\n",
    ],
    ids=["syntax", "missing-table", "duplicate-column"],
)
async def test_a_broken_migration_is_rolled_back_entirely(
    db_path: Path, folder: Path, script: str
) -> None:
    async with opened(db_path, folder):
        pass
    number = len(SHIPPED) + 1
    name = f"{number:03d}_broken.sql"
    (folder / name).write_text(script)
    with pytest.raises(MigrationError, match=re.escape(name)):
        await open_database(db_path, folder)
    assert "half" not in await tables(db_path)
    async with opened(db_path) as db:
        assert [version for version, _ in await recorded(db)] == list(range(1, number))

    (folder / name).write_text("CREATE TABLE half (id INTEGER);\n")
    async with opened(db_path, folder) as db:
        assert (await recorded(db))[-1] == (number, name)
        assert await scalar(db, "SELECT count(*) FROM half") == 0


async def test_a_broken_first_migration_leaves_no_schema(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "only"
    folder.mkdir()
    (folder / "001_initial.sql").write_text(
        "CREATE TABLE participants (id INTEGER PRIMARY KEY);\nSELECT * FROM nowhere;\n"
    )
    with pytest.raises(MigrationError, match=re.escape("001_initial.sql")):
        await open_database(db_path, folder)
    assert await tables(db_path) == {"schema_migrations"}


@pytest.mark.parametrize(
    ("names", "culprit"),
    [
        (["001_initial.sql", "003_later.sql"], "003_later.sql"),
        (["002_first.sql"], "002_first.sql"),
        (["001_initial.sql", "001_again.sql"], "001_initial.sql"),
        (["001_initial.sql", "2_short.sql"], "2_short.sql"),
        (["001_initial.sql", "002-Dash.sql"], "002-Dash.sql"),
        (["001_initial.sql", "002_Upper.sql"], "002_Upper.sql"),
        (["001_initial.sql", "002_.sql"], "002_.sql"),
    ],
)
async def test_a_gap_or_a_bad_name_fails_clearly_and_applies_nothing(
    db_path: Path, tmp_path: Path, names: list[str], culprit: str
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"CREATE TABLE t_{len(name)} (id INTEGER);\n")
    with pytest.raises(MigrationError, match=re.escape(culprit)):
        await open_database(db_path, folder)
    assert await tables(db_path) == {"schema_migrations"}


async def test_other_files_in_the_folder_are_not_migrations(db_path: Path, folder: Path) -> None:
    (folder / "README.md").write_text("notes\n")
    (folder / "002_draft.sql.bak").write_text("DROP TABLE participants;\n")
    async with opened(db_path, folder) as db:
        assert len(await recorded(db)) == len(SHIPPED)
        assert await scalar(db, "SELECT count(*) FROM participants") == 0


async def test_a_database_from_a_newer_popbot_is_refused(db_path: Path, folder: Path) -> None:
    number = len(SHIPPED) + 1
    (folder / f"{number:03d}_newer.sql").write_text("CREATE TABLE newer (id INTEGER);\n")
    async with opened(db_path, folder):
        pass
    with pytest.raises(MigrationError, match=str(number)):
        await open_database(db_path)
    async with opened(db_path, folder) as db:
        assert len(await recorded(db)) == number
