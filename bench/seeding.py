"""What the benches seed in SQL (multi-row `INSERT ... SELECT generate_series`, never through the
services), shared by bench/call_off.py and bench/national.py: an open light-touch arrangement with
one lot, providers that are all members of it with one user each, staff, and bearer tokens."""

from __future__ import annotations

import contextlib
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any


def q(sql: str, *args: Any) -> Any:
    from piccolo.querystring import QueryString

    return QueryString(sql, *args)


async def open_database(url: str) -> None:
    """Create the database, apply the migrations and open a small pool on it."""
    from dps.core import db, migrations

    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports its migrations on stdout
        await migrations.upgrade()
    await db.open_pool(max_size=4)


async def insert_fps(
    reference: str, title: str, lead_authority_id: int, member_authority_ids: frozenset[int], now: datetime
) -> tuple[Any, Any]:
    """An open light-touch residential arrangement with one lot and no price bands (fees are
    flagged); returns (arrangement, lot)."""
    from dps.frameworks import repository as frameworks
    from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus, Lot, ServiceType

    arrangement = await frameworks.insert_arrangement(
        Arrangement(
            0,
            reference,
            title,
            ServiceType.RESIDENTIAL,
            "light_touch",
            lead_authority_id,
            member_authority_ids,
            date(2026, 1, 1),
            date(2030, 12, 31),
            ArrangementStatus.OPEN,
            Decimal("60.00"),
            2,
            30,
            (),
            (),
            1,
        ),
        now,
    )
    lot = await frameworks.insert_lot(Lot(0, arrangement.id, "LOT-1", "Children's homes", "", (), (), ()))
    return arrangement, lot


async def insert_providers(name_prefix: str, count: int, now: datetime) -> None:
    """`count` providers named `name_prefix` and a number."""
    from dps.core.db import DB

    await DB.run_querystring(
        q(
            "INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at) "
            "SELECT {} || g, lpad(g::text, 8, '0'), g || ' High Street', 'M1 1AE', '[]', 1, {} "
            "FROM generate_series(1, {}) g",
            name_prefix,
            now,
            count,
        )
    )


async def admit_every_provider(arrangement_id: int, lot_id: int, now: datetime) -> None:
    """Every provider an active member of the lot, with one provider administrator each."""
    from dps.core.db import DB

    await DB.run_querystring(
        q(
            "INSERT INTO memberships (arrangement, lot, provider, application, status, started_on, "
            "status_reason, version) "
            "SELECT {}, {}, p.id, NULL, 'active', DATE '2026-01-01', NULL, 1 FROM providers p",
            arrangement_id,
            lot_id,
        )
    )
    await DB.run_querystring(
        q(
            "INSERT INTO users (email, full_name, password_hash, role, status, authority, provider, "
            "failed_logins, locked_until, invitation_hash, invitation_expires_at, created_at) "
            "SELECT 'user' || p.id || '@provider.test', 'Provider user', NULL, 'provider_admin', 'active', "
            "NULL, p.id, 0, NULL, NULL, NULL, {} FROM providers p",
            now,
        )
    )


async def insert_staff(email: str, full_name: str, role: str, authority_id: int, now: datetime) -> int:
    """A council's user (no password: the bench signs it in with a token); returns its id."""
    from dps.core.db import DB

    created = await DB.run_querystring(
        q(
            "INSERT INTO users (email, full_name, password_hash, role, status, authority, provider, "
            "failed_logins, locked_until, invitation_hash, invitation_expires_at, created_at) "
            "VALUES ({}, {}, NULL, {}, 'active', {}, NULL, 0, NULL, NULL, NULL, {}) RETURNING id",
            email,
            full_name,
            role,
            authority_id,
            now,
        )
    )
    return int(created[0]["id"])


async def bearer_token(user_id: int, now: datetime) -> str:
    """A bearer token for the user, valid for two hours."""
    from dps.accounts import repository as accounts
    from dps.core.credentials import new_token, token_digest

    token = new_token()
    await accounts.insert_token(user_id, token_digest(token), now, now + timedelta(hours=2))
    return token


async def insert_settings(
    per_provider: int, grades: list[str], eastings: tuple[int, int], northings: tuple[int, int], now: datetime
) -> None:
    """`per_provider` children's homes for every provider, their Ofsted grades taken in turn from
    `grades`, placed at random on the OS grid within `eastings` and `northings` (from, span) metres."""
    from dps.core.db import DB

    await DB.run_querystring(
        q(
            "INSERT INTO provider_settings (provider, name, setting_type, ofsted_urn, ofsted_grade, "
            "last_inspection_date, postcode, local_authority_code, easting, northing, capacity, min_age, "
            "max_age, needs, version, created_at) "
            "SELECT p.id, 'Home ' || p.id || '-' || k, 'childrens_home', "
            "'SC' || lpad((p.id * 10 + k)::text, 7, '0'), "
            "({}::text[])[1 + (p.id + k) % {}], "
            "DATE '2026-03-10', 'M5 4WT', 'E08000006', {} + random() * {}, "
            "{} + random() * {}, 4, 8, 17, ARRAY['autism'], 1, {} "
            "FROM providers p CROSS JOIN generate_series(1, {}) k",
            grades,
            len(grades),
            *eastings,
            *northings,
            now,
            per_provider,
        )
    )
