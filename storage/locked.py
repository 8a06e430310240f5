"""Writing while another process writes too (a second sender, a `popbot` command).

Several coroutines share one connection, so a write may find that a read of another one
still holds an old snapshot while another process wrote meanwhile: SQLite then says
"database is locked" at once. Such a write wrote nothing, so it ends that stale read
transaction, waits a moment and tries again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiosqlite

LOCKED_TRIES = 50
LOCKED_PAUSE_SECONDS = 0.02
T = TypeVar("T")


async def retry_locked(db: aiosqlite.Connection, write: Callable[[], Awaitable[T]]) -> T:
    """`write()`, tried again while the database is locked by another process."""
    for _ in range(LOCKED_TRIES - 1):
        try:
            return await write()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
        # Nothing was written (a write would hold the lock): end the stale read, wait.
        await db.commit()
        await asyncio.sleep(LOCKED_PAUSE_SECONDS)
    return await write()


async def write_committed(
    db: aiosqlite.Connection, sql: str, parameters: tuple[object, ...]
) -> None:
    """One statement, written and committed, tried again while the database is locked."""
    await retry_locked(db, lambda: db.execute(sql, parameters))
    await db.commit()
