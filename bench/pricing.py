"""Pricing at scale: applying an uplift to 5,000 rate cards x 8 bands, and fee calculations per second.

Run from the repository root: `.venv/bin/python bench/pricing.py [--cards N] [--fees N]`.

1. Creates a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
   `var/pg-bench`), applies the migrations and seeds in bulk SQL: one arrangement with one lot of
   8 bands (2 age bands x 4 need levels) and their price bands, N providers, and one approved rate
   card per provider pricing all 8 bands plus one additional service.
2. Times `dps.pricing.services.uplifts.apply_uplift` (the real service: permission check, plan,
   bulk writes, audit, one transaction) for a flat 3.8% uplift, and separately its dry run
   (`preview_uplift`). Targets: apply < 5 s.
3. Times the pure fee function `dps.pricing.domain.weekly_fee` in process (a full week with two
   additional services, and a 3-day part week). Target: > 100,000 calculations/s.
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
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

log = logging.getLogger("bench.pricing")
AGE_BANDS = (("8-12", 8, 12), ("13-17", 13, 17))
NEED_LEVELS = ("standard", "enhanced", "complex", "specialist")
UPLIFT_TARGET_S = 5.0
FEES_TARGET_PER_S = 100_000


def throwaway_database_url() -> str:
    from dps.core import db

    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
    return db.with_database(server_url, name)


async def sql(text: str, *args: object) -> list[dict[str, object]]:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    return await DB.run_querystring(QueryString(text, *args))  # type: ignore[no-any-return]


async def seed(cards: int) -> tuple[int, int]:
    """One arrangement, one lot of 8 bands, `cards` providers each with an approved card; (arrangement, lot)."""
    now = datetime.now(UTC)
    [authority] = await sql(
        "INSERT INTO authorities (name, ons_code, region, created_at) VALUES ('Bolton Council', 'E08000001', "
        "'north_west', {}) RETURNING id",
        now,
    )
    [arrangement] = await sql(
        """INSERT INTO arrangements (reference, title, service_type, profile_code, lead_authority,
               member_authority_ids, term_start, term_end, status, quality_threshold, min_evaluators,
               windows, extensions, version, created_at)
           VALUES ('BENCH-DPS', 'Bench DPS', 'residential', 'pcr2015_dps', {}, ARRAY[]::bigint[],
                   '2026-04-01', '2029-02-23',
                   'open', 60, 2, '[]', '[]', 1, {}) RETURNING id""",
        authority["id"],
        now,
    )
    age_bands = json.dumps([{"label": label, "min_age": lo, "max_age": hi} for label, lo, hi in AGE_BANDS])
    [lot] = await sql(
        """INSERT INTO lots (arrangement, code, title, description, age_bands, need_levels, areas)
           VALUES ({}, 'LOT-1', 'Children''s homes', '', {}::jsonb, {}::varchar[], ARRAY[]::varchar[]) RETURNING id""",
        arrangement["id"],
        age_bands,
        list(NEED_LEVELS),
    )
    arrangement_id, lot_id = arrangement["id"], lot["id"]
    for label, lo, hi in AGE_BANDS:
        for n, need in enumerate(NEED_LEVELS):
            await sql(
                """INSERT INTO price_bands (arrangement, lot, age_band, need_level, area, min_age, max_age, floor_pence,
                       ceiling_pence, effective_from, version, created_at)
                   VALUES ({}, {}, {}, {}, '', {}, {}, {}, {}, '2026-04-01', 1, {})""",
                arrangement_id,
                lot_id,
                label,
                need,
                lo,
                hi,
                250_000 + n * 50_000,
                400_000 + n * 50_000,
                now,
            )
    [service] = await sql(
        """INSERT INTO additional_services (arrangement, code, name, unit, description, created_at)
           VALUES ({}, '1-1', '1:1 support', 'hour', '', {}) RETURNING id""",
        arrangement_id,
        now,
    )
    await sql(
        """INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at)
           SELECT 'Bench Provider ' || g, lpad(g::text, 8, '0'), g || ' High Street', 'M1 1AE', '[]', 1, {}
           FROM generate_series(1, {}) AS g""",
        now,
        cards,
    )
    await sql(
        """INSERT INTO rate_cards (provider, arrangement, lot, status, effective_from, submitted_at, decided_at,
               version)
           SELECT id, {}, {}, 'approved', '2026-04-01', {}, {}, 1 FROM providers""",
        arrangement_id,
        lot_id,
        now,
        now,
    )
    await sql(
        """INSERT INTO rate_card_lines (rate_card, age_band, need_level, area, weekly_price_pence, position)
           SELECT r.id, b.age_band, b.need_level, '', b.floor_pence + (r.id % 1000) * 100 + 1, 'within'
           FROM rate_cards r CROSS JOIN price_bands b""",
    )
    await sql(
        "INSERT INTO rate_card_services (rate_card, service, unit_price_pence) SELECT id, {}, 2550 FROM rate_cards",
        service["id"],
    )
    await sql("ANALYZE")
    return arrangement_id, lot_id


async def run_uplift(arrangement_id: int, var_dir: Path) -> dict[str, float | int]:
    from dps.accounts.services.users import create_user_with_password
    from dps.app import document_store_for
    from dps.core.auth import OrgKind, Principal, Role
    from dps.core.clock import SystemClock
    from dps.core.context import Context
    from dps.core.settings import Settings
    from dps.pricing import repository
    from dps.pricing.domain.uplifts import Uplift, UpliftMethod, UpliftStatus
    from dps.pricing.services.uplifts import apply_uplift, preview_uplift

    settings = Settings.from_env({"DPS_VAR_DIR": str(var_dir), "DPS_DOCUMENTS_URL": str(var_dir / "documents")})
    system = Context(principal=None, clock=SystemClock(), settings=settings, store=document_store_for(settings))
    user = await create_user_with_password(system, "bench-admin@dps.test", "Bench Admin", Role.ADMIN, "bench-pw-2026!")
    admin = Principal(user_id=user.id, email=user.email, role=Role.ADMIN, org_kind=OrgKind.PLATFORM, org_id=None)
    ctx = Context(principal=admin, clock=SystemClock(), settings=settings, store=system.store)
    from dps.core.db import DB

    async with DB.transaction():
        uplift = await repository.insert_uplift(
            Uplift(id=0, arrangement_id=arrangement_id, description="April 2027 uplift", effective_on=date(2027, 4, 1),
                   method=UpliftMethod.FLAT, flat_percentage=Decimal("3.8"), components=(),
                   status=UpliftStatus.DRAFT, applied_at=None, version=1),
            datetime.now(UTC),
        )  # fmt: skip
    started = time.perf_counter()
    plan = await preview_uplift(ctx, uplift.id)
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    applied = await apply_uplift(ctx, uplift.id)
    apply_s = time.perf_counter() - started
    [counts] = await sql(
        "SELECT (SELECT count(*) FROM rate_cards WHERE uplift = {}) AS cards, "
        "(SELECT count(*) FROM rate_card_lines l JOIN rate_cards r ON r.id = l.rate_card WHERE r.uplift = {}) AS lines",
        uplift.id,
        uplift.id,
    )
    return {
        "uplift_cards": len(applied.new_rate_card_ids),
        "uplift_lines_written": int(counts["lines"]),  # type: ignore[call-overload]
        "uplift_bands": len(plan.bands),
        "uplift_preview_s": round(preview_s, 3),
        "uplift_apply_s": round(apply_s, 3),
    }


def run_fees(count: int) -> dict[str, float | int]:
    from dps.pricing.domain import ChosenService, weekly_fee
    from dps.pricing.domain.bands import BandKey, Period, Position
    from dps.pricing.domain.rate_cards import RateCard, RateCardStatus, RateLine, ServicePrice, ServiceUnit

    keys = [BandKey(label, need) for label, _, _ in AGE_BANDS for need in NEED_LEVELS]
    card = RateCard(
        id=1, provider_id=1, arrangement_id=1, lot_id=1, status=RateCardStatus.APPROVED,
        period=Period(date(2026, 4, 1)),
        lines=tuple(RateLine(id=i, key=k, weekly_price_pence=300_000 + i * 1_001, position=Position.WITHIN)
                    for i, k in enumerate(keys)),
        services=(ServicePrice(1, ServiceUnit.HOUR, 2_550), ServicePrice(2, ServiceUnit.WEEK, 40_000)),
        submitted_at=datetime.now(UTC), decided_at=None, decision_note=None, previous_id=None, uplift_id=None,
        version=1,
    )  # fmt: skip
    chosen = [ChosenService(1, Decimal("7.5")), ChosenService(2, Decimal(1))]
    on = date(2026, 6, 1)
    started = time.perf_counter()
    total = 0
    for i in range(count):
        fee = weekly_fee(card, keys[i % 8], chosen, on, 7 if i % 4 else 3)
        total += fee.charged_pence
    elapsed = time.perf_counter() - started
    return {"fee_calculations": count, "fee_seconds": round(elapsed, 3), "fees_per_second": int(count / elapsed)}


async def bench(url: str, args: argparse.Namespace) -> dict[str, float | int]:
    from dps.core import db, migrations

    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports its migrations on stdout
        await migrations.upgrade()
    await db.open_pool(max_size=4)
    try:
        started = time.perf_counter()
        arrangement_id, _ = await seed(args.cards)
        seed_s = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as var:
            figures = await run_uplift(arrangement_id, Path(var))
    finally:
        await db.close_pool()
    return {"seed_s": round(seed_s, 3), **figures}


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def table(result: dict[str, float | int], cards: int) -> str:
    rows = [
        ("seeded", f"{cards:,} rate cards x 8 bands", f"{result['seed_s']:.2f} s"),
        ("uplift preview (dry run)", f"{result['uplift_cards']:,} cards", f"{result['uplift_preview_s']:.2f} s"),
        ("uplift apply", f"{result['uplift_lines_written']:,} lines written", f"{result['uplift_apply_s']:.2f} s"),
        ("apply target", f"< {UPLIFT_TARGET_S:.0f} s", _verdict(result["uplift_apply_s"] < UPLIFT_TARGET_S)),
        ("weekly_fee in process", f"{result['fee_calculations']:,} calls", f"{result['fees_per_second']:,}/s"),
        ("fee target", f"> {FEES_TARGET_PER_S:,}/s", _verdict(result["fees_per_second"] > FEES_TARGET_PER_S)),
    ]  # fmt: skip
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width[i]) for i, cell in enumerate(r)) for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=5_000)
    parser.add_argument("--fees", type=int, default=300_000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    url = throwaway_database_url()
    from dps.core import db

    try:
        result = asyncio.run(bench(url, args))
    finally:
        try:
            asyncio.run(db.drop_database(url))
        except Exception:
            log.exception("could not drop the bench database %s", url)
        if not os.environ.get("DATABASE_URL"):
            db.release_embedded_servers()
    result.update(run_fees(args.fees))
    print(table(result, args.cards))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
