"""Blocking work on untrusted input, run in a child process with memory and CPU limits.

A parser fed a hostile file can run for minutes or build gigabytes; in a thread it cannot be
stopped, holds the GIL and starves the event loop (issue 13, item 3). Here each job runs in its own
process, forked from a clean `forkserver` (no database connections, no event loop, parsers already
imported, so a child starts in milliseconds), with an address-space limit (`RLIMIT_AS`) and a CPU
limit (`RLIMIT_CPU`), and is killed at its wall-clock deadline or as soon as the caller gives up
(the request was cancelled, the server is shutting down).

The parent side waits in threads of its own bounded pool, so the default executor, `/health` and
downloads never queue behind it; each wait ends at the deadline at the latest.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Modules the forkserver imports once, so children need not.
PRELOAD = ["dps.core.pdfguard", "pdfplumber", "pdfminer.high_level"]
DISPATCH_THREADS = 16  # waits on children at once (a wait is mostly sleeping on a pipe)
_POLL_SECONDS = 0.05  # how soon a cancelled caller's child is killed


class IsolatedTimeout(Exception):
    """The child did not finish before its deadline and was killed."""


class IsolatedCrashed(Exception):
    """The child died without answering (out of memory or CPU time, killed by a signal)."""


class IsolatedCancelled(Exception):
    """The caller gave up; the child was killed."""


_lock = threading.Lock()
_context: BaseContext | None = None
_dispatch = ThreadPoolExecutor(max_workers=DISPATCH_THREADS, thread_name_prefix="dps-isolated")


def _forkserver() -> BaseContext:
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)  # type: ignore[attr-defined]
            _context = context
        return _context


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child_main(
    conn: Connection, memory_bytes: int, cpu_seconds: int, target: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    # The limits count from what the child already maps (the preloaded parsers).
    limit = _mapped_bytes() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The kernel sends SIGXCPU at the soft limit (default action: terminate) and SIGKILL at the hard.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    outcome: tuple[str, Any]
    try:
        outcome = ("ok", target(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as error:  # handed to the parent, which decides what it means
        outcome = ("error", error)
    try:
        conn.send(outcome)
    except Exception as error:  # an exception that cannot be pickled
        conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    conn.close()


def _supervise(
    target: Callable[..., Any],
    args: tuple[Any, ...],
    seconds: float,
    memory_bytes: int,
    cancelled: threading.Event,
) -> Any:
    context = _forkserver()
    receiver, sender = context.Pipe(duplex=False)
    # The wall clock decides a timeout; the CPU limit, a second above it, is the backstop for a
    # child that escapes it. Equal limits raced: a busy child could hit either first.
    cpu_seconds = math.ceil(seconds) + 1
    child = context.Process(  # type: ignore[attr-defined]
        target=_child_main, args=(sender, memory_bytes, cpu_seconds, target, args), daemon=True
    )
    try:
        child.start()
    finally:
        sender.close()
    deadline = time.monotonic() + seconds
    try:
        while True:
            if cancelled.is_set():
                raise IsolatedCancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IsolatedTimeout()
            if receiver.poll(min(remaining, _POLL_SECONDS)):
                try:
                    status, value = receiver.recv()
                except EOFError:
                    raise IsolatedCrashed() from None
                break
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if status == "memory":
        raise MemoryError()
    if status == "error":
        raise value
    return value


async def run_isolated(target: Callable[..., T], *args: Any, seconds: float, memory_bytes: int) -> T:
    """`target(*args)` in a limited child process; its exceptions are raised here.

    `IsolatedTimeout` at the deadline, `IsolatedCrashed` when it died (CPU limit, a signal),
    `MemoryError` when it ran out of its memory. `target` and `args` must be picklable (a
    module-level function)."""
    cancelled = threading.Event()
    loop = asyncio.get_running_loop()
    waiting = loop.run_in_executor(_dispatch, _supervise, target, args, seconds, memory_bytes, cancelled)
    try:
        result: T = await waiting
    except asyncio.CancelledError:
        cancelled.set()  # the waiting thread kills the child within _POLL_SECONDS
        raise
    return result
