"""Plain SQL on the hot paths, through Piccolo's engine and pool (issue 18, "a fast write path").

Piccolo builds every query's SQL in Python on each call (and its `ForeignKey.__getattribute__`
calls `dir()` on every attribute access), which was over half of a sealed offer's CPU time. The
busiest statements are therefore written once as SQL text with `$n` parameters and sent straight
to asyncpg, which prepares each distinct text once per connection and reuses it (its statement
cache). They run on the connection of the current `DB.transaction()` when there is one, so they
commit or roll back with the rest of the use case, and on a pooled connection otherwise.

Rows come back as `asyncpg.Record` (read by column name like the dicts Piccolo returns); JSON and
JSONB columns come back as text, as Piccolo's `select` returns them.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from dps.core.db import DB


def _connection() -> asyncpg.Connection | None:
    transaction = DB.current_transaction.get()
    return None if transaction is None else transaction.connection


async def fetch(sql: str, *args: Any) -> list[asyncpg.Record]:
    connection = _connection()
    if connection is not None:
        return list(await connection.fetch(sql, *args))
    if DB.pool is None:  # no pool (a one-off command): a connection of its own, as Piccolo does
        own = await DB.get_new_connection()
        try:
            return list(await own.fetch(sql, *args))
        finally:
            await own.close()
    async with DB.pool.acquire() as pooled:
        return list(await pooled.fetch(sql, *args))


async def fetchrow(sql: str, *args: Any) -> asyncpg.Record | None:
    rows = await fetch(sql, *args)
    return rows[0] if rows else None


async def execute(sql: str, *args: Any) -> str:
    connection = _connection()
    if connection is not None:
        return str(await connection.execute(sql, *args))
    if DB.pool is None:
        own = await DB.get_new_connection()
        try:
            return str(await own.execute(sql, *args))
        finally:
            await own.close()
    async with DB.pool.acquire() as pooled:
        return str(await pooled.execute(sql, *args))
