"""Row helpers shared by the pricing repository modules: constraint names to `Conflict` codes,
areas, price bands, and rate cards with their lines and service prices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from asyncpg.exceptions import ExclusionViolationError, UniqueViolationError
from piccolo.querystring import QueryString

from dps.core.db import DB
from dps.core.errors import Conflict
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import BandKey, Period, Position, PriceBand
from dps.pricing.domain.rate_cards import ExceptionStatus, RateCard, RateCardStatus, RateLine, ServicePrice, ServiceUnit

CONSTRAINT_CODES = {
    "price_bands_no_overlap": ("band_period_overlap", "this band already has prices for part of that period"),
    "rate_cards_approved_no_overlap": ("rate_card_period_conflict", "an approved rate card covers part of that period"),
    "additional_services_code_key": (
        PricingCode.SERVICE_CODE_TAKEN,
        "this arrangement already has a service with this code",
    ),
    "rate_cards_previous_key": (PricingCode.UPLIFT_ALREADY_APPLIED, "this rate card has already been uplifted"),
}


def _conflict(error: UniqueViolationError | ExclusionViolationError) -> Conflict:
    name = getattr(error, "constraint_name", "") or ""
    code, detail = CONSTRAINT_CODES.get(name, ("duplicate", "this record already exists"))
    return Conflict(detail, code=code)


def _area(value: str) -> str | None:
    return value or None


def _band(row: dict[str, Any]) -> PriceBand:
    return PriceBand(
        id=row["id"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        key=BandKey(row["age_band"], row["need_level"], _area(row["area"])),
        min_age=row["min_age"],
        max_age=row["max_age"],
        floor_pence=row["floor_pence"],
        ceiling_pence=row["ceiling_pence"],
        period=Period(row["effective_from"], row["effective_to"]),
        uplift_id=row["uplift"],
        version=row["version"],
    )


def _card(row: dict[str, Any], lines: Sequence[RateLine], services: Sequence[ServicePrice]) -> RateCard:
    return RateCard(
        id=row["id"],
        provider_id=row["provider"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        status=RateCardStatus(row["status"]),
        period=Period(row["effective_from"], row["effective_to"]),
        lines=tuple(lines),
        services=tuple(services),
        submitted_at=row["submitted_at"],
        decided_at=row["decided_at"],
        decision_note=row["decision_note"],
        previous_id=row["previous"],
        uplift_id=row["uplift"],
        version=row["version"],
    )


_POSITIONS = {p.value: p for p in Position}
_EXCEPTIONS = {e.value: e for e in ExceptionStatus}


async def _cards(rows: list[dict[str, Any]]) -> list[RateCard]:
    """Cards with their lines and service prices, three queries for any number of cards."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    keys: dict[tuple[str, str, str], BandKey] = {}
    lines: dict[int, list[RateLine]] = defaultdict(list)
    line_rows = await DB.run_querystring(
        QueryString(
            """SELECT id, rate_card, age_band, need_level, area, weekly_price_pence, position,
                      exception_justification, exception_status, exception_reason
               FROM rate_card_lines WHERE rate_card = ANY({}::bigint[]) ORDER BY id""",
            ids,
        )
    )
    for row in line_rows:
        raw_key = (row["age_band"], row["need_level"], row["area"])
        key = keys.get(raw_key)
        if key is None:
            key = keys[raw_key] = BandKey(raw_key[0], raw_key[1], _area(raw_key[2]))
        status = row["exception_status"]
        lines[row["rate_card"]].append(
            RateLine(
                id=row["id"],
                key=key,
                weekly_price_pence=row["weekly_price_pence"],
                position=_POSITIONS[row["position"]],
                exception_justification=row["exception_justification"],
                exception_status=_EXCEPTIONS[status] if status else None,
                exception_reason=row["exception_reason"],
            )
        )
    services: dict[int, list[ServicePrice]] = defaultdict(list)
    service_rows = await DB.run_querystring(
        QueryString(
            """SELECT p.rate_card, p.service, p.unit_price_pence, s.unit
               FROM rate_card_services p JOIN additional_services s ON s.id = p.service
               WHERE p.rate_card = ANY({}::bigint[]) ORDER BY p.id""",
            ids,
        )
    )
    for row in service_rows:
        services[row["rate_card"]].append(
            ServicePrice(
                service_id=row["service"], unit=ServiceUnit(row["unit"]), unit_price_pence=row["unit_price_pence"]
            )
        )
    return [_card(r, lines[r["id"]], services[r["id"]]) for r in rows]
