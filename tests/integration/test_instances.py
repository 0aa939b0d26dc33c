"""Several `dps serve` processes on one var directory (one embedded PostgreSQL), as an operator
would start them: together, then stopping one while the other goes on serving."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from dps.core import embedded
from dps.scheduler.leadership import SCHEDULER_LEADER_LOCK

DPS = [sys.executable, "-m", "dps.cli"]
REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(var_dir: Path, port: int, workers: int = 1) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DPS_VAR_DIR=str(var_dir),
        DPS_SCHEDULER="on",
        DPS_SCHEDULER_INTERVAL_SECONDS="1",
        DPS_LOG_LEVEL="warning",
    )
    return subprocess.Popen(
        [*DPS, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(condition, seconds: float = 90) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM) -> str:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    out, _ = process.communicate(timeout=60)
    return out


def scheduler_leaders(pg_dir: Path) -> int:
    """How many processes hold the scheduler's leader lock (joins the server for the query)."""

    async def count(uri: str) -> int:
        connection = await asyncpg.connect(uri)
        try:
            sql = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted"
            return int(await connection.fetchval(sql, SCHEDULER_LEADER_LOCK))
        finally:
            await connection.close()

    server = embedded.acquire(pg_dir)
    try:
        return asyncio.run(count(server.get_uri(database="postgres")))
    finally:
        embedded.release(pg_dir)


def test_two_instances_on_one_var_dir_start_together_and_outlive_each_other() -> None:
    # Under the repository's var/ (the server runs as its own system user, which cannot enter
    # pytest's private temporary folders).
    var_dir = REPO / "var" / f"instances-{uuid.uuid4().hex[:8]}"
    first_port, second_port = free_port(), free_port()
    first = start_serve(var_dir, first_port)
    second = start_serve(var_dir, second_port, workers=2)
    try:
        assert wait_until(lambda: healthy(first_port) and healthy(second_port)), stop(first) + "\n---\n" + stop(second)
        # Three app processes, one scheduler, and it stays one.
        assert wait_until(lambda: scheduler_leaders(var_dir / "pg") == 1, 10)
        time.sleep(2.5)
        assert scheduler_leaders(var_dir / "pg") == 1

        # Stopping the first (it started the server) leaves the second serving on the same server.
        stop(first)
        assert not healthy(first_port)
        for _ in range(10):
            assert healthy(second_port)
            time.sleep(0.2)
        # The scheduler moves to a process still running (whichever led before).
        assert wait_until(lambda: scheduler_leaders(var_dir / "pg") == 1, 10)

        # A second instance killed outright is forgotten: a third starts, serves, and when it stops
        # last, the server stops with it.
        stop(second, signal.SIGKILL)
        third_port = free_port()
        third = start_serve(var_dir, third_port)
        try:
            assert wait_until(lambda: healthy(third_port)), stop(third)
        finally:
            stop(third)
        assert wait_until(lambda: not embedded.users_of(var_dir / "pg"), 30)
        assert wait_until(lambda: not (var_dir / "pg" / "postmaster.pid").exists(), 30)
    finally:
        for process in (first, second):
            if process.poll() is None:
                stop(process, signal.SIGKILL)
        shutil.rmtree(var_dir, ignore_errors=True)
