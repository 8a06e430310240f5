"""A write that finds the database locked by another process waits and tries again; any
other database error is not hidden."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage.locked import retry_locked


async def test_a_locked_write_is_tried_again_until_it_goes_through(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "db.sqlite") as db:
        tries = 0

        async def write() -> str:
            nonlocal tries
            tries += 1
            if tries < 3:
                raise sqlite3.OperationalError("database is locked")
            return "written"

        assert await retry_locked(db, write) == "written" and tries == 3


async def test_another_database_error_is_not_hidden(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "db.sqlite") as db:

        async def write() -> None:
            raise sqlite3.OperationalError("no such table: outbox")

        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await retry_locked(db, write)
