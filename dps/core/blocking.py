"""Bounded places for blocking work, and a per-organisation limit on expensive work.

Storage calls (file I/O, boto3) run in their own thread pool instead of asyncio's default
executor, so nothing else that uses the default executor (or a flood of slow uploads) can make
`/health` or downloads wait, and they cannot fill it either (issue 13, item 3).
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import AsyncIterator, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from dps.core.codes import CommonCode
from dps.core.errors import TooManyAttempts

T = TypeVar("T")

IO_THREADS = 8
_io = ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="dps-io")


async def run_io(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` in the storage thread pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_io, functools.partial(function, *args, **kwargs))


class TooMuchAtOnce(TooManyAttempts):
    code = CommonCode.TOO_MANY_AT_ONCE
    title = "Too many requests of this kind at once"


class ConcurrencyLimit:
    """At most `per_key` jobs at once per key (an organisation), and at most `total` overall.

    Over the per-key limit a caller is refused at once (429, so one organisation cannot crowd out
    the others); over the total it waits its turn. Limits are given per call, so the settings of
    the app that calls decide them. Counts are per server process."""

    def __init__(self, code: str, what: str) -> None:
        self.code = code
        self.what = what
        self._running: dict[Hashable, int] = {}
        self._total = 0
        self._conditions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Condition] = (
            weakref.WeakKeyDictionary()
        )

    def running(self, key: Hashable) -> int:
        return self._running.get(key, 0)

    @asynccontextmanager
    async def slot(self, key: Hashable, *, per_key: int, total: int) -> AsyncIterator[None]:
        """Hold one of `key`'s slots (and one of the total) for the block."""
        if self._running.get(key, 0) >= per_key:
            raise TooMuchAtOnce(
                f"your organisation already has {per_key} {self.what} running; try again when they finish",
                code=self.code,
                limit=per_key,
                retry_after_seconds=5,
            )
        self._running[key] = self._running.get(key, 0) + 1
        try:
            changed = self._condition()
            async with changed:
                await changed.wait_for(lambda: self._total < total)
                self._total += 1
            try:
                yield
            finally:
                async with changed:
                    self._total -= 1
                    changed.notify_all()
        finally:
            self._running[key] -= 1
            if not self._running[key]:
                del self._running[key]

    def _condition(self) -> asyncio.Condition:
        # One per event loop: a Condition belongs to the loop it is first used on.
        loop = asyncio.get_running_loop()
        condition = self._conditions.get(loop)
        if condition is None:
            condition = self._conditions[loop] = asyncio.Condition()
        return condition
