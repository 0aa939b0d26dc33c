"""`dps scheduler run-once` against the test database, run as cron would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from dps.core import deadlines
from dps.core.db import DB
from tests.support import scalar
from tests.support.mail import Inbox, _queue, free_port


def run_once(database_url: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DPS_SMTP_")}
    full = {**base, "DATABASE_URL": database_url, "DPS_VAR_DIR": str(tmp_path / "var"), **env}
    return subprocess.run(
        [sys.executable, "-m", "dps.cli", "scheduler", "run-once"],
        env=full, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


async def test_run_once_sweeps_and_keeps_email_queued_without_an_smtp_host(clean_database: str, tmp_path: Path) -> None:
    async with DB.transaction():
        await deadlines.track("application", 999, datetime(2026, 1, 1, tzinfo=UTC))
    await _queue(1)

    done = run_once(clean_database, tmp_path)

    assert done.returncode == 0, done.stderr
    # The application and the standing daily Ofsted census, started by the first sweep.
    assert "checked 2 deadline(s) in 1 batch(es)" in done.stdout
    assert "email delivery off (no DPS_SMTP_HOST): messages stay queued" in done.stdout
    # No such application: not tracked; the census looks again tomorrow.
    assert await scalar("SELECT entity_type FROM deadline_checks") == "setting_ofsted"
    assert await scalar("SELECT count(*) FROM outbound_emails WHERE status = 'queued'") == 1


async def test_run_once_delivers_queued_email_over_smtp(clean_database: str, tmp_path: Path) -> None:
    await _queue(2)
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        done = run_once(clean_database, tmp_path, DPS_SMTP_HOST="127.0.0.1", DPS_SMTP_PORT=str(port))
    finally:
        server.stop()

    assert done.returncode == 0, done.stderr
    assert "checked 1 deadline(s)" in done.stdout and "emails sent 2, failed 0" in done.stdout
    assert sorted(m["To"] for m in inbox.messages) == ["officer0@council.test", "officer1@council.test"]
    assert await scalar("SELECT count(*) FROM outbound_emails WHERE status = 'sent'") == 2
