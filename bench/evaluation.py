"""Evaluation at scale: moderated totals and ranking in process, and the officer's list over HTTP-free service calls.

Run from the repository root: `.venv/bin/python bench/evaluation.py`.

1. In process (pure `dps.core.evaluation`): 1,000 applications x 30 questions (5 pass/fail, 25
   scored, weighted) x 3 evaluators' marks. For every application: the spreads, a suggested
   consensus per question (taken as the moderated mark), the gateways, weighted total and
   threshold; then all 1,000 totals ranked. Target: < 1 s for everything.
2. In a throwaway database (embedded server under var/pg-bench, or DATABASE_URL's server): 1,000
   submitted applications to one arrangement; the officer's list with each application's working
   days left and overdue flag, through the service layer, page by page (100 per page, the API's
   largest). Target: p50 < 50 ms for a page; the walk over all 1,000 is reported too.

Prints a table, then as its last line one JSON object of figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

APPLICATIONS = 1_000
QUESTIONS = 30
GATEWAYS = 5
EVALUATORS = 3
ROUNDS = 5


def compute_all(seed: int = 7) -> tuple[float, int]:
    """Seconds to moderate and total every application and rank them all; returns (seconds, admitted)."""
    from dps.core import evaluation as ev

    rng = random.Random(seed)
    criteria = [ev.Criterion(i, ev.CriterionKind.PASS_FAIL) for i in range(GATEWAYS)] + [
        ev.Criterion(i, ev.CriterionKind.SCORED, max_score=5, weight=Decimal(rng.randint(1, 10)))
        for i in range(GATEWAYS, QUESTIONS)
    ]
    marks = [
        {
            e: [
                ev.Mark(c.id, None, rng.random() > 0.02, "seen")
                if c.kind is ev.CriterionKind.PASS_FAIL
                else ev.Mark(c.id, rng.randint(0, 5), None, "reason")
                for c in criteria
            ]
            for e in range(EVALUATORS)
        }
        for _ in range(APPLICATIONS)
    ]
    started = time.perf_counter()
    totals = []
    admitted = 0
    for number, by_evaluator in enumerate(marks):
        ev.spreads(criteria, by_evaluator)
        on_criterion: dict[int, list[ev.Mark]] = {c.id: [] for c in criteria}
        for evaluator_marks in by_evaluator.values():
            for mark in evaluator_marks:
                on_criterion[mark.criterion_id].append(mark)
        moderated = {c.id: ev.suggested_consensus(c, on_criterion[c.id]).as_mark("consensus") for c in criteria}
        result = ev.result(criteria, moderated, Decimal("60.00"))
        admitted += result.meets_threshold
        totals.append((number, result.weighted_total, (number,)))
    ev.rank(totals)
    return time.perf_counter() - started, admitted


async def seed(url: str) -> tuple[int, int]:
    """1,000 providers each with a submitted application to one DPS; returns (arrangement, lead)."""
    import asyncpg

    from dps.core import db, migrations

    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    with contextlib.redirect_stdout(sys.stderr):
        await migrations.upgrade()
    now = datetime(2026, 11, 23, 10, tzinfo=UTC)
    connection = await asyncpg.connect(url)
    try:
        lead = await connection.fetchval(
            "INSERT INTO authorities (name, ons_code, region, created_at) "
            "VALUES ('Bolton', 'E08000001', 'north_west', $1) RETURNING id",
            now,
        )
        arrangement = await connection.fetchval(
            "INSERT INTO arrangements (reference, title, service_type, profile_code, lead_authority, "
            "member_authority_ids, term_start, term_end, status, quality_threshold, min_evaluators, windows, "
            "extensions, version, created_at) VALUES ('BENCH', 'Bench DPS', 'fostering', 'pcr2015_dps', $1, "
            "'{}', '2026-01-01', '2029-02-23', 'open', 60, 2, '[]', '[]', 1, $2) RETURNING id",
            lead,
            now,
        )
        await connection.execute(
            "INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at) "
            "SELECT 'Provider ' || n, lpad(n::text, 8, '0'), 'Street', 'M1 1AE', '[]', 1, $1 "
            "FROM generate_series(1, $2::int) AS n",
            now,
            APPLICATIONS,
        )
        # Submitted over the last four weeks, due 14 days later (spread so some are overdue).
        await connection.execute(
            "INSERT INTO applications (arrangement, provider, status, lot_ids, submitted_at, decision_due_on, "
            "version, created_at) SELECT $1, p.id, 'submitted', '{}', "
            "$2::timestamptz - (p.id % 28) * interval '1 day', ($3::date - (p.id % 28)) + 14, 2, $2 FROM providers p",
            arrangement,
            now,
            now.date(),
        )
    finally:
        await connection.close()
    await db.open_pool(max_size=4)
    return arrangement, lead


async def officer_list(url: str) -> dict[str, float]:
    from dps.core import db
    from dps.core.auth import OrgKind, Principal, Role
    from dps.core.clock import FixedClock
    from dps.core.context import Context
    from dps.core.settings import Settings
    from dps.core.storage import LocalDocumentStore
    from dps.frameworks.services.applications import list_applications

    arrangement, lead = await seed(url)
    try:
        officer = Principal(1, "officer@bench.test", Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, lead)
        ctx = Context(
            officer,
            FixedClock(datetime(2026, 11, 23, 10, tzinfo=UTC) + timedelta(days=1)),
            Settings.from_env({"DPS_SCHEDULER": "off"}),
            LocalDocumentStore(REPO / "var" / "bench-documents"),
        )
        pages: list[float] = []
        walks: list[float] = []
        overdue = 0
        for _ in range(ROUNDS):
            walk_started = time.perf_counter()
            after, seen, overdue = 0, 0, 0
            while True:
                started = time.perf_counter()
                page = await list_applications(ctx, 100, after, arrangement_id=arrangement, status=None)
                pages.append(time.perf_counter() - started)
                seen += len(page.items)
                overdue += sum(v.clock.overdue for v in page.items)
                if page.next_after_id is None:
                    break
                after = page.next_after_id
            walks.append(time.perf_counter() - walk_started)
            assert seen == APPLICATIONS, seen
        return {
            "page_p50_ms": statistics.median(pages) * 1000,
            "page_p99_ms": sorted(pages)[int(len(pages) * 0.99) - 1] * 1000,
            "walk_1000_p50_ms": statistics.median(walks) * 1000,
            "overdue_seen": overdue,
        }
    finally:
        await db.close_pool()
        await db.drop_database(url)


def main() -> None:
    from dps.core import db

    compute_seconds, admitted = min((compute_all() for _ in range(3)), key=lambda x: x[0])
    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
    listing = asyncio.run(officer_list(db.with_database(server, name)))
    db.release_embedded_servers()

    print(f"{'figure':<44}{'value':>12}{'target':>12}")
    print(f"{'moderate, total and rank 1,000 x 30 x 3 (ms)':<44}{compute_seconds * 1000:>12.1f}{'< 1000':>12}")
    print(f"{'applications admitted at 60.00':<44}{admitted:>12}{'':>12}")
    print(f"{'officer list, one page of 100 p50 (ms)':<44}{listing['page_p50_ms']:>12.1f}{'< 50':>12}")
    print(f"{'officer list, one page of 100 p99 (ms)':<44}{listing['page_p99_ms']:>12.1f}{'':>12}")
    print(f"{'officer list, all 1,000 in 10 pages p50 (ms)':<44}{listing['walk_1000_p50_ms']:>12.1f}{'':>12}")
    print(f"{'overdue applications flagged':<44}{listing['overdue_seen']:>12.0f}{'':>12}")
    print(
        json.dumps(
            {
                "compute_all_ms": round(compute_seconds * 1000, 1),
                "list_page_p50_ms": round(listing["page_p50_ms"], 1),
                "list_page_p99_ms": round(listing["page_p99_ms"], 1),
                "list_all_1000_p50_ms": round(listing["walk_1000_p50_ms"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
