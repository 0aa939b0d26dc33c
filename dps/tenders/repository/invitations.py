"""Invitation rows (`call_off_invitations`) <-> `Invitation`: who a call-off invites, their settings, distances and
recipients."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import msgspec
from piccolo.querystring import QueryString

from dps.accounts import tables as at
from dps.accounts.domain import UserStatus
from dps.core.db import DB
from dps.core.geo import METRES_PER_MILE
from dps.core.notifications import Recipient
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value
from dps.tenders import tables as t
from dps.tenders.domain.invitations import Invitation

_INSERT_INVITATIONS = """
INSERT INTO call_off_invitations (call_off, setting, provider, membership_id, invited, reasons, distance_miles)
SELECT {}, e.setting_id, e.provider_id, e.membership_id, e.invited, e.reasons::jsonb,
       CASE WHEN s.easting IS NULL OR s.northing IS NULL THEN NULL
            ELSE round((sqrt(power(s.easting - {}, 2) + power(s.northing - {}, 2)) / {})::numeric, 2)
       END
FROM unnest({}::bigint[], {}::bigint[], {}::bigint[], {}::boolean[], {}::text[])
     AS e(setting_id, provider_id, membership_id, invited, reasons)
JOIN provider_settings s ON s.id = e.setting_id
"""


async def insert_invitations(
    call_off_id: int,
    home_easting: float,
    home_northing: float,
    entries: Sequence[tuple[int, int, int | None, bool, Sequence[dict[str, str]]]],
) -> None:
    """Freeze the invitation list in one statement: (setting, provider, membership, invited,
    reasons) per member setting; the straight-line distance from the child's home district
    centroid to each setting is computed by the database on the OS grid (metres -> miles)."""
    if not entries:
        return
    settings, providers, memberships, invited, reasons = zip(*entries, strict=True)
    await DB.run_querystring(
        QueryString(
            _INSERT_INVITATIONS,
            call_off_id,
            home_easting,
            home_northing,
            METRES_PER_MILE,
            list(settings),
            list(providers),
            list(memberships),
            list(invited),
            [msgspec.json.encode(list(r)).decode() for r in reasons],
        )
    )


def _invitation(row: dict[str, Any]) -> Invitation:
    return Invitation(
        id=row["id"],
        call_off_id=row["call_off"],
        setting_id=row["setting"],
        setting_name=row["setting.name"],
        provider_id=row["provider"],
        membership_id=row["membership_id"],
        invited=row["invited"],
        reasons=tuple(json_value(row["reasons"])),
        distance_miles=row["distance_miles"],
        preferred_needs_met=tuple(row.get("preferred_needs_met") or ()),
    )


async def list_invitations(
    call_off_id: int, limit: int, after_id: int, *, invited: bool | None = None, provider_id: int | None = None
) -> Page[Invitation]:
    i = t.Invitation
    query = i.select(*i.all_columns(), i.setting.name).where((i.call_off == call_off_id) & (i.id > after_id))
    if invited is not None:
        query = query.where(i.invited.eq(invited))
    if provider_id is not None:
        query = query.where(i.provider == provider_id)
    rows = await query.order_by(i.id).limit(limit + 1)
    return page_of([_invitation(r) for r in rows], limit)


async def record_preferred_needs(call_off_id: int, preferred: Sequence[str]) -> None:
    """Freeze, on each invited setting's row, which of the preferred needs it met at publication
    (what it is scored on: a need added after the call-off was seen does not count)."""
    if not preferred:
        return
    await DB.run_querystring(
        QueryString(
            "UPDATE call_off_invitations i SET preferred_needs_met = ARRAY(SELECT n FROM unnest(s.needs) AS n "
            "WHERE n = ANY({}::varchar[]) ORDER BY n) FROM provider_settings s "
            "WHERE s.id = i.setting AND i.call_off = {} AND i.invited",
            list(preferred),
            call_off_id,
        )
    )


async def invited_settings(call_off_id: int, provider_id: int) -> dict[int, Decimal | None]:
    """The provider's invited settings in this call-off, with their distance from the child's home."""
    i = t.Invitation
    rows = await i.select(i.setting, i.distance_miles).where(
        (i.call_off == call_off_id) & (i.provider == provider_id) & i.invited.eq(True)
    )
    return {r["setting"]: r["distance_miles"] for r in rows}


async def distances(call_off_id: int, setting_ids: Sequence[int]) -> dict[int, Decimal | None]:
    """Miles from the child's home district to each of these invited settings."""
    i = t.Invitation
    rows = await i.select(i.setting, i.distance_miles).where(
        (i.call_off == call_off_id) & i.setting.is_in(list(setting_ids) or [0])
    )
    return {r["setting"]: r["distance_miles"] for r in rows}


async def count_invitations(call_off_id: int) -> tuple[int, int]:
    """(invited, left out)."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT count(*) FILTER (WHERE invited) AS invited, count(*) FILTER (WHERE NOT invited) AS left_out "
            "FROM call_off_invitations WHERE call_off = {}",
            call_off_id,
        )
    )
    return int(rows[0]["invited"]), int(rows[0]["left_out"])


async def invited_recipients(call_off_id: int) -> list[Recipient]:
    """Active users of every invited provider, in one query."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT u.id, u.email FROM users u WHERE u.status = {} AND u.provider IN "
            "(SELECT provider FROM call_off_invitations WHERE call_off = {} AND invited) ORDER BY u.id",
            UserStatus.ACTIVE.value,
            call_off_id,
        )
    )
    return [Recipient(user_id=r["id"], email=r["email"]) for r in rows]


async def provider_recipients(provider_ids: Sequence[int]) -> dict[int, list[Recipient]]:
    """Active users per provider, in one query."""
    if not provider_ids:
        return {}
    rows = await at.User.select(at.User.id, at.User.email, at.User.provider).where(
        at.User.provider.is_in(list(provider_ids)) & (at.User.status == UserStatus.ACTIVE.value)
    )
    result: dict[int, list[Recipient]] = {p: [] for p in provider_ids}
    for r in rows:
        result[r["provider"]].append(Recipient(user_id=r["id"], email=r["email"]))
    return result
