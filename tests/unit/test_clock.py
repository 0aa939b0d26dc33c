"""The test clock the browser tests share (dps.core.clock.FileClock): real time plus an offset read
from a file, chosen by DPS_TEST_CLOCK_FILE through `clock_for`, the one place a process builds its clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dps.core.clock import FileClock, SystemClock, clock_for
from dps.core.settings import Settings


def test_with_no_file_the_clock_reads_real_time(tmp_path: Path) -> None:
    clock = FileClock(tmp_path / "offset")
    before = datetime.now(UTC)
    read = clock.now()
    after = datetime.now(UTC)
    assert before <= read <= after
    assert read.tzinfo is UTC


def test_an_offset_file_shifts_real_time_by_its_seconds(tmp_path: Path) -> None:
    (tmp_path / "offset").write_text("3600.5", encoding="ascii")
    clock = FileClock(tmp_path / "offset")
    before = datetime.now(UTC)
    read = clock.now()
    after = datetime.now(UTC)
    shift = timedelta(hours=1, milliseconds=500)
    assert before + shift <= read <= after + shift


def test_moving_past_a_deadline_is_seen_by_every_reader_of_the_file(tmp_path: Path) -> None:
    """Given two processes' clocks on one file, when one moves past a deadline, the other is past it too."""
    server, test = FileClock(tmp_path / "offset"), FileClock(tmp_path / "offset")
    deadline = datetime.now(UTC) + timedelta(minutes=10)
    test.move_to(deadline)
    assert server.now() >= deadline
    assert server.now() < deadline + timedelta(minutes=1)  # real time plus the offset: it still moves on


def test_the_clock_never_moves_back(tmp_path: Path) -> None:
    clock = FileClock(tmp_path / "offset")
    clock.move_to(datetime.now(UTC) + timedelta(hours=2))
    clock.move_to(datetime.now(UTC) + timedelta(hours=1))
    clock.move_to(datetime.now(UTC) - timedelta(days=1))
    assert clock.offset() > timedelta(hours=1, minutes=59)


def test_moving_to_a_naive_time_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        FileClock(tmp_path / "offset").move_to(datetime(2026, 12, 5, 9, 0))


def test_processes_read_the_wall_clock_unless_the_test_clock_is_set(tmp_path: Path) -> None:
    assert isinstance(clock_for(Settings.from_env({})), SystemClock)
    shared = clock_for(Settings.from_env({"DPS_TEST_CLOCK_FILE": str(tmp_path / "offset")}))
    assert isinstance(shared, FileClock)
    assert shared.path == tmp_path / "offset"
