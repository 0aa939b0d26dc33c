"""The portal's shared test clock: the served app (every worker), its scheduler and the council's
acts (tests/support/portal/council_acts.py) all read the offset file tests/portal/conftest.py names
in DPS_TEST_CLOCK_FILE (`dps.core.clock.FileClock`). A test moves them all past a deadline at once
instead of sleeping until it passes.

The file lives in the session's own folder, so every test session starts at offset 0 (real time);
within a session the offset only moves forward, and requests published meanwhile take their deadlines
from the shifted time (`council_acts` reads the same clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from dps.core.clock import FileClock
from tests.portal.conftest import server_env


def shared_clock() -> FileClock:
    """The clock the portal's processes share (the server must be up: `portal_url`)."""
    return FileClock(Path(server_env["DPS_TEST_CLOCK_FILE"]))


def advance_past(deadline: datetime) -> None:
    """Move every process's time a second past `deadline`, as if the test had waited for it."""
    shared_clock().move_to(deadline + timedelta(seconds=1))
