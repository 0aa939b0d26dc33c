"""The clock services read time from; tests inject a `FixedClock` and move it.

Every process builds its clock with `clock_for(settings)`: the wall clock, or (browser tests only,
DPS_TEST_CLOCK_FILE) a `FileClock` that the served app, its scheduler and the test's helper
processes share, so a test moves them all past a deadline instead of waiting for it."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from dps.core.settings import Settings

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, always UTC-aware."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to (tests, time travel)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class FileClock:
    """Wall-clock time plus an offset in seconds read from `path` on every call (no file: no offset).

    For tests that drive separate processes (the browser tests: `dps serve`, its workers and the
    council's acts): they all read one file, so one write moves every process's time at once.
    Time still passes; the offset only ever moves forward (`move_to`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def offset(self) -> timedelta:
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return timedelta(0)
        return timedelta(seconds=float(text))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def move_to(self, at: datetime) -> None:
        """Shift the offset so that `now()` reads `at`; never back (a clock that is already past `at` stays)."""
        if at.tzinfo is None:
            raise ValueError("FileClock needs an aware datetime")
        needed = at - datetime.now(UTC)
        if needed > self.offset():
            # Written aside and renamed over the file: a reader sees the old offset or the new, never half.
            aside = self.path.with_name(f"{self.path.name}.{os.getpid()}")
            aside.write_text(repr(needed.total_seconds()), encoding="ascii")
            aside.replace(self.path)


def clock_for(settings: Settings) -> Clock:
    """The clock of a process: the wall clock, or a `FileClock` when DPS_TEST_CLOCK_FILE is set (tests only)."""
    if settings.test_clock_file is None:
        return SystemClock()
    log.warning("DPS_TEST_CLOCK_FILE is set: time runs at the offset in %s (tests only)", settings.test_clock_file)
    return FileClock(settings.test_clock_file)
