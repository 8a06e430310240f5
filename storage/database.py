"""Opening the SQLite database: WAL, foreign keys, and the numbered migrations."""

from __future__ import annotations

import re
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The migrations folder or the database's history of them is not as expected."""


def migrations(folder: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """The numbered migration files, checked to run 1, 2, 3… without gaps."""
    found: list[tuple[int, Path]] = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration names look like 001_what_it_does.sql")
        found.append((int(match.group(1)), path))
    for expected, (number, path) in enumerate(found, start=1):
        if number != expected:
            raise MigrationError(f"{path.name}: expected migration number {expected:03d}")
    return found


async def open_database(path: Path, folder: Path = MIGRATIONS_DIR) -> aiosqlite.Connection:
    """Connect, switch on WAL and foreign keys, and apply the migrations not yet applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(path)
    try:
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA busy_timeout = 5000")
        await migrate(db, folder)
    except BaseException:
        await db.close()
        raise
    return db


async def migrate(db: aiosqlite.Connection, folder: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply each missing migration in its own transaction; returns the numbers applied."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    await db.commit()
    async with db.execute("SELECT version FROM schema_migrations") as cursor:
        applied = {row[0] async for row in cursor}
    known = migrations(folder)
    unknown = applied - {number for number, _ in known}
    if unknown:
        raise MigrationError(
            f"the database has migrations this code does not know: {sorted(unknown)}; "
            "is this an older POP-bot?"
        )
    done: list[int] = []
    for number, path in known:
        if number in applied:
            continue
        script = path.read_text(encoding="utf-8")
        name = path.name.replace("'", "''")
        try:
            await db.executescript(
                f"BEGIN;\n{script}\n"
                f"INSERT INTO schema_migrations (version, name, applied_at)"
                f" VALUES ({number}, '{name}', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));\nCOMMIT;"
            )
        except aiosqlite.Error as error:
            await db.rollback()
            raise MigrationError(f"{path.name} failed and was rolled back: {error}") from error
        done.append(number)
    return done
