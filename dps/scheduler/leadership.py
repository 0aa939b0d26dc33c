"""One scheduler for the whole deployment, however many app processes run.

Every `dps serve` worker starts the in-app scheduler only while it holds a session-level
PostgreSQL advisory lock on a connection of its own; the others retry every interval, so when the
leader stops or dies (its connection closes and PostgreSQL releases the lock) another takes over
within one interval. Sweeps also take their own transaction lock, so a standalone `dps scheduler`
beside the app is still safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

log = logging.getLogger(__name__)

# Arbitrary constant naming the lock held by the process that runs the in-app scheduler.
SCHEDULER_LEADER_LOCK = 7_310_002


class Leadership:
    """Runs `start()` while this process leads and `stop()` when it no longer does."""

    def __init__(self, dsn: str, interval_seconds: float, start: Callable[[], None], stop: Callable[[], None]):
        self._dsn = dsn
        self._interval = interval_seconds
        self._start = start
        self._stop = stop
        self._connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self.leading = False

    def begin(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="dps-scheduler-leadership")

    async def end(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._resign()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None

    async def _run(self) -> None:
        while True:
            try:
                await self._step()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("scheduler leadership: %s; retrying", error)
                self._resign()
                if self._connection is not None:
                    self._connection.terminate()
                    self._connection = None
            await asyncio.sleep(self._interval)

    async def _step(self) -> None:
        if self._connection is None or self._connection.is_closed():
            self._resign()
            self._connection = await asyncpg.connect(self._dsn)
        if self.leading:
            await self._connection.fetchval("SELECT 1")  # still connected, so still holding the lock
            return
        if await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", SCHEDULER_LEADER_LOCK):
            self.leading = True
            log.info("this process runs the scheduler")
            self._start()

    def _resign(self) -> None:
        if self.leading:
            self.leading = False
            self._stop()
