"""Offer rows (`offers`) <-> `Offer`, with the sealed-offer write path in plain SQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.core import sql
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound
from dps.core.rows import json_text, json_value, one_row, update_versioned
from dps.tenders import tables as t
from dps.tenders.codes import TenderCode
from dps.tenders.domain.call_offs import CallOff
from dps.tenders.domain.offers import AdditionalService, Answer, Offer, OfferContent, OfferStatus
from dps.tenders.repository._rows import _call_off


def _offer(row: dict[str, Any]) -> Offer:
    return Offer(
        id=row["id"],
        call_off_id=row["call_off"],
        provider_id=row["provider"],
        content=OfferContent(
            setting_id=row["setting"],
            weekly_fee_pence=row["weekly_fee_pence"],
            additional_services=msgspec.convert(json_value(row["additional_services"]), tuple[AdditionalService, ...]),
            start_date=row["start_date"],
            answers=msgspec.convert(json_value(row["answers"]), tuple[Answer, ...]),
            notes=row["notes"],
        ),
        fee_flags=tuple(row["fee_flags"]),
        status=OfferStatus(row["status"]),
        submitted_at=row["submitted_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        revised_fee_pence=row["revised_fee_pence"],
        revised_at=row["revised_at"],
        content_salt=row["content_salt"],
    )


def _offer_values(o: Offer) -> dict[Any, Any]:
    x = t.Offer
    return {
        x.setting: o.content.setting_id,
        x.weekly_fee_pence: o.content.weekly_fee_pence,
        x.additional_services: json_text(o.content.additional_services),
        x.start_date: o.content.start_date,
        x.answers: json_text(o.content.answers),
        x.notes: o.content.notes,
        x.fee_flags: list(o.fee_flags),
        x.content_sha256: o.content_digest,
        x.content_salt: o.content_salt,
        x.status: o.status.value,
        x.submitted_at: o.submitted_at,
        x.updated_at: o.updated_at,
        x.revised_fee_pence: o.revised_fee_pence,
        x.revised_at: o.revised_at,
        x.version: o.version,
    }


async def insert_offer(o: Offer) -> Offer:
    values = {column._meta.name: value for column, value in _offer_values(o).items()}
    try:
        rows = await t.Offer.insert(t.Offer(**values, call_off=o.call_off_id, provider=o.provider_id)).returning(
            *t.Offer.all_columns()
        )
    except UniqueViolationError as error:
        raise Conflict(
            "this setting already has an offer in this call-off; change that one", code=TenderCode.OFFER_EXISTS
        ) from error
    return _offer(rows[0])


# The sealed-offer path in plain SQL (issue 18: a fast write path): one statement reads the
# call-off under a share lock, the provider's invitations and its offer for the setting.
_SUBMISSION_SQL = (
    "SELECT c.*,"
    " ARRAY(SELECT i.setting FROM call_off_invitations i WHERE i.call_off = c.id AND i.provider = $2 AND i.invited"
    " ORDER BY i.setting) AS invited_settings,"
    " ARRAY(SELECT i.distance_miles FROM call_off_invitations i WHERE i.call_off = c.id AND i.provider = $2"
    " AND i.invited ORDER BY i.setting) AS invited_distances,"
    " e.id AS existing_id, e.status AS existing_status, e.version AS existing_version,"
    " e.content_salt AS existing_salt"
    " FROM call_offs c LEFT JOIN LATERAL (SELECT o.id, o.status, o.version, o.content_salt FROM offers o"
    " WHERE o.call_off = c.id AND o.provider = $2 AND o.setting = $3 ORDER BY o.id LIMIT 1) e ON true"
    " WHERE c.id = $1 FOR SHARE OF c"
)
_INSERT_OFFER_SQL = (
    "INSERT INTO offers (call_off, provider, setting, weekly_fee_pence, additional_services, start_date, answers,"
    " notes, fee_flags, revised_fee_pence, revised_at, content_sha256, content_salt, status, submitted_at,"
    " updated_at, version) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9::varchar[], $10, $11, $12,"
    " $13, $14, $15, $16, $17) RETURNING id"
)


@dataclass(frozen=True, slots=True)
class ExistingOffer:
    id: int
    status: OfferStatus
    version: int
    content_salt: str


@dataclass(frozen=True, slots=True)
class OfferSubmission:
    """What submitting an offer needs, read in one round trip (the call-off row share-locked)."""

    call_off: CallOff
    invited: dict[int, Decimal | None]  # the provider's invited settings -> miles from the child's home
    existing: ExistingOffer | None  # the provider's offer for the offered setting, if any


async def offer_submission(call_off_id: int, provider_id: int, setting_id: int) -> OfferSubmission:
    """The call-off (locked FOR SHARE), the provider's invitations and its offer for `setting_id`."""
    row = await sql.fetchrow(_SUBMISSION_SQL, call_off_id, provider_id, setting_id)
    if row is None:
        raise NotFound(f"call-off {call_off_id} does not exist", entity="call_off")
    existing = None
    if row["existing_id"] is not None:
        existing = ExistingOffer(
            row["existing_id"], OfferStatus(row["existing_status"]), row["existing_version"], row["existing_salt"]
        )
    invited = dict(zip(row["invited_settings"], row["invited_distances"], strict=True))
    return OfferSubmission(_call_off(row), invited, existing)


async def insert_offer_sql(o: Offer) -> Offer:
    """`insert_offer` as one plain INSERT returning the new id."""
    c = o.content
    try:
        row = await sql.fetchrow(
            _INSERT_OFFER_SQL,
            o.call_off_id,
            o.provider_id,
            c.setting_id,
            c.weekly_fee_pence,
            json_text(c.additional_services),
            c.start_date,
            json_text(c.answers),
            c.notes,
            list(o.fee_flags),
            o.revised_fee_pence,
            o.revised_at,
            o.content_digest,
            o.content_salt,
            o.status.value,
            o.submitted_at,
            o.updated_at,
            o.version,
        )
    except UniqueViolationError as error:
        raise Conflict(
            "this setting already has an offer in this call-off; change that one", code=TenderCode.OFFER_EXISTS
        ) from error
    assert row is not None
    return replace(o, id=row["id"])


async def get_offer(call_off_id: int, offer_id: int, *, for_update: bool = False) -> Offer:
    """An offer on the call-off (no access check, sealed or not), locked when `for_update`."""
    row = await one_row(
        t.Offer,
        (t.Offer.id == offer_id) & (t.Offer.call_off == call_off_id),
        entity="offer",
        detail=f"offer {offer_id} does not exist in call-off {call_off_id}",
        for_update=for_update,
    )
    return _offer(row)


async def update_offer(before: Offer, after: Offer) -> None:
    await update_versioned(t.Offer, before.id, before.version, _offer_values(after))


async def list_offers(
    call_off_id: int, *, provider_id: int | None = None, status: OfferStatus | None = None
) -> list[Offer]:
    query = t.Offer.select().where(t.Offer.call_off == call_off_id)
    if provider_id is not None:
        query = query.where(t.Offer.provider == provider_id)
    if status is not None:
        query = query.where(t.Offer.status == status.value)
    return [_offer(r) for r in await query.order_by(t.Offer.id)]


async def count_offers(call_off_id: int) -> tuple[int, int]:
    """(submitted, withdrawn): all a commissioner may know before the deadline."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT count(*) FILTER (WHERE status = 'submitted') AS submitted, "
            "count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn FROM offers WHERE call_off = {}",
            call_off_id,
        )
    )
    return int(rows[0]["submitted"]), int(rows[0]["withdrawn"])
