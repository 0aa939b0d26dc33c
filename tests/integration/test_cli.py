"""The `dps` command against the test database, run as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import scalar, tamper_with_audit

DPS = [sys.executable, "-m", "dps.cli"]


def run(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "DPS_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run([*DPS, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


async def test_seed_demo_is_idempotent_and_prints_credentials(clean_database: str, tmp_path: Path) -> None:
    first = run(clean_database, tmp_path, "seed", "demo")
    assert first.returncode == 0, first.stderr
    assert "loaded 6 authorities and 12 providers" in first.stdout
    assert "officer@demo.dps.test" in first.stdout and "demo-password-2026" in first.stdout
    second = run(clean_database, tmp_path, "seed", "demo")
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout
    assert await scalar("SELECT count(*) FROM providers") == 12
    assert await scalar("SELECT name FROM authorities WHERE ons_code = 'E08000001'") == "Bolton Council"
    # The demo market: a published DPS, five members admitted through evaluation with approved rate
    # cards, one application awaiting its decision, and an audit chain that verifies.
    assert await scalar("SELECT status FROM arrangements WHERE reference = 'PNW-RES-DPS-2026'") == "open"
    assert await scalar("SELECT count(*) FROM memberships WHERE status = 'active'") == 5
    assert await scalar("SELECT count(*) FROM applications WHERE status = 'submitted'") == 1
    assert await scalar("SELECT count(*) FROM rate_cards WHERE status = 'approved'") == 5
    assert await scalar("SELECT count(*) FROM notifications WHERE kind = 'application.decided'") == 5
    verified = run(clean_database, tmp_path, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


async def test_users_create_and_audit_verify(clean_database: str, tmp_path: Path) -> None:
    made = run(
        clean_database, tmp_path, "users", "create", "--email", "Root@Ops.test", "--name", "Root",
        "--role", "admin", "--password", "a-long-enough-password",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "root@ops.test (admin)" in made.stdout
    refused = run(
        clean_database, tmp_path, "users", "create", "--email", "x@ops.test", "--name", "X",
        "--role", "commissioner", "--password", "a-long-enough-password",
    )  # fmt: skip
    assert refused.returncode == 2
    assert "organisation_mismatch" in refused.stderr

    ok = run(clean_database, tmp_path, "audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "audit chain intact: 1 events verified" in ok.stdout

    await tamper_with_audit("UPDATE audit_events SET action = 'user.forged' WHERE id = 1")
    broken = run(clean_database, tmp_path, "audit", "verify")
    assert broken.returncode == 1
    assert "BROKEN at event 1" in broken.stdout


async def test_db_upgrade_on_an_up_to_date_database(clean_database: str, tmp_path: Path) -> None:
    result = run(clean_database, tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout
