"""Rows <-> domain objects for tenders; the only module here that queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.accounts import tables as at
from dps.accounts.domain import UserStatus
from dps.core import replica, sql
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound
from dps.core.evaluation import Mark
from dps.core.geo import METRES_PER_MILE
from dps.core.notifications import Recipient
from dps.core.pagination import Page, page_of
from dps.core.rows import Lock, json_text, json_value, one_row, update_versioned
from dps.tenders import tables as t
from dps.tenders.domain.call_offs import CallOff, CallOffStatus, ChildProfile, Criteria
from dps.tenders.domain.clarifications import Clarification
from dps.tenders.domain.invitations import Invitation
from dps.tenders.domain.offers import AdditionalService, Answer, Offer, OfferContent, OfferScore, OfferStatus
from dps.tenders.domain.panel import PanelMember
from dps.tenders.domain.placements import EndingKind, FeeFrom, Placement, UnplannedReason, reference_of_call_off
from dps.tenders.domain.reports import PlacementFact

# --- call-offs -----------------------------------------------------------------------------------


def _call_off(row: dict[str, Any]) -> CallOff:
    return CallOff(
        id=row["id"],
        arrangement_id=row["arrangement"],
        lot_id=row["lot"],
        authority_id=row["authority"],
        created_by=row["created_by"],
        title=row["title"],
        child=msgspec.convert(json_value(row["child"]), ChildProfile),
        criteria=msgspec.convert(json_value(row["criteria"]), Criteria),
        deadline=row["deadline"],
        urgent_reason=row["urgent_reason"],
        status=CallOffStatus(row["status"]),
        status_reason=row["status_reason"],
        published_at=row["published_at"],
        closed_at=row["closed_at"],
        awarded_offer_id=row["awarded_offer_id"],
        award_reason=row["award_reason"],
        awarded_at=row["awarded_at"],
        standstill_ends_at=row["standstill_ends_at"],
        concluded_at=row["concluded_at"],
        version=row["version"],
        second_round_size=row["second_round_size"],
        second_round_deadline=row["second_round_deadline"],
        second_round_scored_at=row["second_round_scored_at"],
    )


def _call_off_values(c: CallOff) -> dict[Any, Any]:
    x = t.CallOff
    return {
        x.title: c.title,
        x.child: json_text(c.child),
        x.criteria: json_text(c.criteria),
        x.deadline: c.deadline,
        x.urgent_reason: c.urgent_reason,
        x.status: c.status.value,
        x.status_reason: c.status_reason,
        x.published_at: c.published_at,
        x.closed_at: c.closed_at,
        x.awarded_offer_id: c.awarded_offer_id,
        x.award_reason: c.award_reason,
        x.awarded_at: c.awarded_at,
        x.standstill_ends_at: c.standstill_ends_at,
        x.concluded_at: c.concluded_at,
        x.second_round_size: c.second_round_size,
        x.second_round_deadline: c.second_round_deadline,
        x.second_round_scored_at: c.second_round_scored_at,
        x.version: c.version,
    }


async def insert_call_off(c: CallOff, at: datetime) -> CallOff:
    values = {column._meta.name: value for column, value in _call_off_values(c).items()}
    rows = await t.CallOff.insert(
        t.CallOff(
            **values,
            arrangement=c.arrangement_id,
            lot=c.lot_id,
            authority=c.authority_id,
            created_by=c.created_by,
            created_at=at,
        )
    ).returning(*t.CallOff.all_columns())
    return _call_off(rows[0])


async def get_call_off(call_off_id: int, *, lock: Lock | None = None) -> CallOff:
    """One call-off; `lock` "UPDATE" or "SHARE" takes that row lock for the transaction."""
    row = await one_row(
        t.CallOff,
        t.CallOff.id == call_off_id,
        entity="call_off",
        detail=f"call-off {call_off_id} does not exist",
        lock=lock,
    )
    return _call_off(row)


async def update_call_off(before: CallOff, after: CallOff) -> None:
    """Write `after` only if the row is still at `before.version` (no lost update)."""
    await update_versioned(t.CallOff, before.id, before.version, _call_off_values(after))


async def list_call_offs(
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    invited_provider_id: int | None,
    status: CallOffStatus | None,
) -> Page[CallOff]:
    x = t.CallOff
    query = x.select().where(x.id > after_id)
    if authority_id is not None:
        query = query.where(x.authority == authority_id)
    if invited_provider_id is not None:
        invited = (
            t.Invitation.select(t.Invitation.call_off)
            .where((t.Invitation.provider == invited_provider_id) & (t.Invitation.invited.eq(True)))
            .distinct()
        )
        query = query.where(x.id.is_in(invited))  # type: ignore[arg-type]
    if status is not None:
        query = query.where(x.status == status.value)
    rows = await query.order_by(x.id).limit(limit + 1)
    return page_of([_call_off(r) for r in rows], limit)


# --- invitations -------------------------------------------------------------------------------


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


# --- offers --------------------------------------------------------------------------------------


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
            "this setting already has an offer in this call-off; change that one", code="offer_exists"
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
            "this setting already has an offer in this call-off; change that one", code="offer_exists"
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


# --- marks and scores ----------------------------------------------------------------------------


async def insert_marks(offer_id: int, user_id: int, marks: Sequence[Mark], *, moderated: bool, at: datetime) -> None:
    try:
        await t.OfferMark.insert(
            *[
                t.OfferMark(
                    offer=offer_id,
                    evaluator=user_id,
                    question_id=m.criterion_id,
                    score=m.score,
                    passed=m.passed,
                    rationale=m.rationale.strip(),
                    moderated=moderated,
                    marked_at=at,
                )
                for m in marks
            ]
        )
    except UniqueViolationError as error:
        raise Conflict("these questions are already marked for this offer", code="already_marked") from error


async def delete_moderated_marks(offer_id: int, question_ids: Sequence[int]) -> None:
    await t.OfferMark.delete().where(
        (t.OfferMark.offer == offer_id)
        & t.OfferMark.moderated.eq(True)
        & t.OfferMark.question_id.is_in(list(question_ids))
    )


@dataclass(frozen=True, slots=True)
class CallOffMarks:
    evaluator_marks: dict[int, dict[int, list[Mark]]]  # offer -> evaluator -> marks
    moderated: dict[int, dict[int, Mark]]  # offer -> question -> mark


async def marks_of(call_off_id: int) -> CallOffMarks:
    """Every mark on the call-off's offers, in one query (oldest first)."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT m.offer, m.evaluator, m.question_id, m.score, m.passed, m.rationale, m.moderated "
            "FROM offer_marks m JOIN offers o ON o.id = m.offer WHERE o.call_off = {} ORDER BY m.id",
            call_off_id,
        )
    )
    evaluator_marks: dict[int, dict[int, list[Mark]]] = {}
    moderated: dict[int, dict[int, Mark]] = {}
    for r in rows:
        mark = Mark(r["question_id"], r["score"], r["passed"], r["rationale"])
        if r["moderated"]:
            moderated.setdefault(r["offer"], {})[r["question_id"]] = mark
        else:
            evaluator_marks.setdefault(r["offer"], {}).setdefault(r["evaluator"], []).append(mark)
    return CallOffMarks(evaluator_marks, moderated)


@dataclass(frozen=True, slots=True)
class OfferToScore:
    """What scoring reads of one submitted offer: no content beyond the fee."""

    offer_id: int
    provider_id: int
    setting_id: int
    weekly_fee_pence: int
    updated_at: datetime
    distance_miles: Decimal | None
    additional_services_pence: int = 0
    preferred_needs_met: int = 0


async def offers_to_score(call_off_id: int, offer_ids: Sequence[int] | None = None) -> list[OfferToScore]:
    """The submitted offers of a call-off (or only `offer_ids` of them) with each setting's distance
    from the child's home, in one query, in offer id order; the fee is the second round's where
    one was given."""
    sql = (
        "SELECT o.id, o.provider, o.setting, COALESCE(o.revised_fee_pence, o.weekly_fee_pence) AS weekly_fee_pence, "
        "o.updated_at, i.distance_miles, "
        "(SELECT COALESCE(sum((s.value->>'weekly_fee_pence')::bigint), 0) "
        " FROM jsonb_array_elements(o.additional_services) AS s) AS additional_services_pence, "
        "COALESCE(cardinality(i.preferred_needs_met), 0) AS preferred_needs_met "
        "FROM offers o LEFT JOIN call_off_invitations i ON i.call_off = o.call_off AND i.setting = o.setting "
        "WHERE o.call_off = {} AND o.status = 'submitted'"
    )
    args: list[Any] = [call_off_id]
    if offer_ids is not None:
        sql += " AND o.id = ANY({}::bigint[])"
        args.append(list(offer_ids))
    rows = await DB.run_querystring(QueryString(sql + " ORDER BY o.id", *args))
    return [
        OfferToScore(
            r["id"],
            r["provider"],
            r["setting"],
            r["weekly_fee_pence"],
            r["updated_at"],
            r["distance_miles"],
            int(r["additional_services_pence"]),
            int(r["preferred_needs_met"]),
        )
        for r in rows
    ]


_UPSERT_SCORES = """
INSERT INTO offer_scores (offer, failed_gateways, quality_percent, quality_score, price_score, proximity_score,
                          total, rank)
SELECT s.offer,
       COALESCE((SELECT array_agg(e.g::integer ORDER BY e.n)
                 FROM jsonb_array_elements_text(s.failed::jsonb) WITH ORDINALITY AS e(g, n)), ARRAY[]::integer[]),
       s.quality_percent, s.quality_score, s.price_score, s.proximity_score, s.total, s.rank
FROM unnest({}::bigint[], {}::text[], {}::numeric[], {}::numeric[], {}::numeric[], {}::numeric[], {}::numeric[],
       {}::integer[]) AS s(offer, failed, quality_percent, quality_score, price_score, proximity_score, total, rank)
ON CONFLICT (offer) DO UPDATE SET failed_gateways = EXCLUDED.failed_gateways,
    quality_percent = EXCLUDED.quality_percent, quality_score = EXCLUDED.quality_score,
    price_score = EXCLUDED.price_score, proximity_score = EXCLUDED.proximity_score, total = EXCLUDED.total,
    rank = EXCLUDED.rank
"""


async def save_scores(scores: Sequence[OfferScore]) -> None:
    """Write (or replace) every offer's score in one statement."""
    if not scores:
        return
    await DB.run_querystring(
        QueryString(
            _UPSERT_SCORES,
            [s.offer_id for s in scores],
            [msgspec.json.encode(list(s.failed_gateways)).decode() for s in scores],
            [s.quality_percent for s in scores],
            [s.quality_score for s in scores],
            [s.price_score for s in scores],
            [s.proximity_score for s in scores],
            [s.total for s in scores],
            [s.rank for s in scores],
        )
    )


async def delete_scores(call_off_id: int) -> None:
    """Forget the call-off's scores (its evaluation was reopened; evaluating again writes them)."""
    await DB.run_querystring(
        QueryString("DELETE FROM offer_scores WHERE offer IN (SELECT id FROM offers WHERE call_off = {})", call_off_id)
    )


async def scores_of(call_off_id: int) -> dict[int, OfferScore]:
    s = t.OfferScore
    rows = await s.select().where(s.offer.call_off == call_off_id)
    return {
        r["offer"]: OfferScore(
            r["offer"],
            tuple(r["failed_gateways"]),
            r["quality_percent"],
            r["quality_score"],
            r["price_score"],
            r["proximity_score"],
            r["total"],
            r["rank"],
        )
        for r in rows
    }


async def awarded_providers(call_off_ids: Sequence[int]) -> dict[int, int]:
    """The provider of each call-off's awarded offer (call-offs without an award are left out)."""
    if not call_off_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            "SELECT c.id, o.provider FROM call_offs c JOIN offers o ON o.id = c.awarded_offer_id "
            "WHERE c.id = ANY({}::bigint[])",
            list(call_off_ids),
        )
    )
    return {r["id"]: r["provider"] for r in rows}


# --- the evaluation panel ------------------------------------------------------------------------


def _panel_member(r: dict[str, Any]) -> PanelMember:
    return PanelMember(
        evaluator_id=r["evaluator"],
        assigned_by=r["assigned_by"],
        assigned_at=r["assigned_at"],
        released_at=r["released_at"],
        released_by=r["released_by"],
        release_reason=r["release_reason"],
    )


async def panel_of(call_off_id: int) -> list[PanelMember]:
    """The call-off's evaluators in the order they were assigned."""
    e = t.CallOffEvaluator
    rows = await e.select().where(e.call_off == call_off_id).order_by(e.id)
    return [_panel_member(r) for r in rows]


async def call_offs_on_panel(evaluator_id: int) -> list[CallOff]:
    """The call-offs whose panel the evaluator sits on and was not released from, by id."""
    e = t.CallOffEvaluator
    sitting = e.select(e.call_off).where((e.evaluator == evaluator_id) & e.released_at.is_null())
    rows = await t.CallOff.select().where(t.CallOff.id.is_in(sitting)).order_by(t.CallOff.id)  # type: ignore[arg-type]
    return [_call_off(r) for r in rows]


async def insert_panel_members(call_off_id: int, members: Sequence[PanelMember]) -> None:
    if not members:
        return
    try:
        await t.CallOffEvaluator.insert(
            *[
                t.CallOffEvaluator(
                    call_off=call_off_id, evaluator=m.evaluator_id, assigned_by=m.assigned_by, assigned_at=m.assigned_at
                )
                for m in members
            ]
        )
    except UniqueViolationError as error:
        raise Conflict("this evaluator is already on the panel", code="already_assigned") from error


async def save_panel_release(call_off_id: int, member: PanelMember) -> None:
    e = t.CallOffEvaluator
    await e.update(
        {e.released_at: member.released_at, e.released_by: member.released_by, e.release_reason: member.release_reason}
    ).where((e.call_off == call_off_id) & (e.evaluator == member.evaluator_id))


async def marked_offers(call_off_id: int) -> dict[int, set[int]]:
    """Per evaluator, the offers of this call-off they have marked (their own marks, not moderation)."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT DISTINCT m.evaluator, m.offer FROM offer_marks m JOIN offers o ON o.id = m.offer "
            "WHERE o.call_off = {} AND NOT m.moderated",
            call_off_id,
        )
    )
    result: dict[int, set[int]] = {}
    for r in rows:
        result.setdefault(r["evaluator"], set()).add(r["offer"])
    return result


async def submitted_offer_ids(call_off_id: int) -> list[int]:
    rows = await t.Offer.select(t.Offer.id).where(
        (t.Offer.call_off == call_off_id) & (t.Offer.status == OfferStatus.SUBMITTED.value)
    )
    return sorted(r["id"] for r in rows)


async def evaluator_marks(call_off_id: int, evaluator_id: int) -> dict[int, list[Mark]]:
    """One evaluator's own marks on the call-off's offers, per offer."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT m.offer, m.question_id, m.score, m.passed, m.rationale FROM offer_marks m "
            "JOIN offers o ON o.id = m.offer WHERE o.call_off = {} AND m.evaluator = {} AND NOT m.moderated "
            "ORDER BY m.offer, m.question_id",
            call_off_id,
            evaluator_id,
        )
    )
    result: dict[int, list[Mark]] = {}
    for r in rows:
        result.setdefault(r["offer"], []).append(Mark(r["question_id"], r["score"], r["passed"], r["rationale"]))
    return result


@dataclass(frozen=True, slots=True)
class OfferMarkRow:
    evaluator_id: int
    mark: Mark
    moderated: bool


async def marks_of_offer(offer_id: int) -> list[OfferMarkRow]:
    """Every mark on one offer (evaluators' and the moderator's), oldest first."""
    m = t.OfferMark
    rows = await m.select().where(m.offer == offer_id).order_by(m.id)
    return [
        OfferMarkRow(r["evaluator"], Mark(r["question_id"], r["score"], r["passed"], r["rationale"]), r["moderated"])
        for r in rows
    ]


# --- clarifications ------------------------------------------------------------------------------


def _clarification(r: dict[str, Any]) -> Clarification:
    return Clarification(
        r["id"], r["call_off"], r["provider"], r["question"], r["asked_at"], r["answer"], r["answered_at"]
    )


async def insert_clarification(call_off_id: int, provider_id: int, question: str, at: datetime) -> Clarification:
    rows = await t.Clarification.insert(
        t.Clarification(call_off=call_off_id, provider=provider_id, question=question, asked_at=at)
    ).returning(*t.Clarification.all_columns())
    return _clarification(rows[0])


async def get_clarification(call_off_id: int, clarification_id: int, *, for_update: bool = False) -> Clarification:
    c = t.Clarification
    row = await one_row(
        c,
        (c.id == clarification_id) & (c.call_off == call_off_id),
        entity="clarification",
        detail=f"clarification {clarification_id} does not exist",
        for_update=for_update,
    )
    return _clarification(row)


async def answer_clarification(clarification_id: int, answer: str, at: datetime) -> None:
    await t.Clarification.update({t.Clarification.answer: answer, t.Clarification.answered_at: at}).where(
        t.Clarification.id == clarification_id
    )


async def list_clarifications(call_off_id: int, *, provider_id: int | None) -> list[Clarification]:
    """All of a call-off's clarifications, or what a provider may see: its own and every answered one."""
    c = t.Clarification
    query = c.select().where(c.call_off == call_off_id)
    if provider_id is not None:
        query = query.where((c.provider == provider_id) | c.answer.is_not_null())
    return [_clarification(r) for r in await query.order_by(c.id)]


# --- placements ----------------------------------------------------------------------------------


def _placement(r: dict[str, Any]) -> Placement:
    return Placement(
        id=r["id"],
        call_off_id=r["call_off"],
        previous_placement_id=r["previous_placement_id"],
        authority_id=r["authority"],
        provider_id=r["provider"],
        setting_id=r["setting"],
        home_district=r["home_district"],
        start_date=r["start_date"],
        weekly_fee_pence=r["weekly_fee_pence"],
        distance_miles=r["distance_miles"],
        out_of_area=r["out_of_area"],
        over_20_miles=r["over_20_miles"],
        ended_on=r["ended_on"],
        ending_kind=EndingKind(r["ending_kind"]) if r["ending_kind"] else None,
        ending_reason=UnplannedReason(r["ending_reason"]) if r["ending_reason"] else None,
        ending_note=r["ending_note"],
        version=r["version"],
        agreed_fee_id=r["agreed_fee_id"],
        fees=_fee_schedule(r["fee_schedule"]),
        child_reference=r["child_reference"],
        lot_id=r["lot"],
        age_band=r["age_band"],
        need_level=r["need_level"],
        off_framework=r["off_framework"],
        off_framework_reason=r["off_framework_reason"],
    )


def _fee_schedule(raw: Any) -> tuple[FeeFrom, ...]:
    return msgspec.convert(json_value(raw), tuple[FeeFrom, ...]) if raw else ()


async def insert_placement(p: Placement, at: datetime) -> Placement:
    rows = await t.Placement.insert(
        t.Placement(
            call_off=p.call_off_id,
            previous_placement_id=p.previous_placement_id,
            authority=p.authority_id,
            provider=p.provider_id,
            setting=p.setting_id,
            home_district=p.home_district,
            start_date=p.start_date,
            weekly_fee_pence=p.weekly_fee_pence,
            distance_miles=p.distance_miles,
            out_of_area=p.out_of_area,
            over_20_miles=p.over_20_miles,
            created_at=at,
            fee_schedule=json_text(p.fee_schedule()),
            child_reference=p.child_reference,
            lot=p.lot_id,
            age_band=p.age_band,
            need_level=p.need_level,
            off_framework=p.off_framework,
            off_framework_reason=p.off_framework_reason,
        )
    ).returning(*t.Placement.all_columns())
    return _placement(rows[0])


async def get_placement(placement_id: int, *, for_update: bool = False) -> Placement:
    """The placement's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Placement,
        t.Placement.id == placement_id,
        entity="placement",
        detail=f"placement {placement_id} does not exist",
        for_update=for_update,
    )
    return _placement(row)


async def set_agreed_fee(placement_id: int, agreed_fee_id: int) -> None:
    """Link a placement to pricing's record of its fee (bookkeeping: the placement's version stays)."""
    await t.Placement.update({t.Placement.agreed_fee_id: agreed_fee_id}).where(t.Placement.id == placement_id)


async def origin_call_off_id(placement_id: int) -> int | None:
    """The call-off a placement came from, following moves back to the first placement."""
    rows = await DB.run_querystring(
        QueryString(
            "WITH RECURSIVE chain AS (SELECT id, call_off, previous_placement_id, 0 AS depth FROM placements "
            "WHERE id = {} UNION ALL SELECT p.id, p.call_off, p.previous_placement_id, c.depth + 1 "
            "FROM placements p JOIN chain c ON p.id = c.previous_placement_id WHERE c.depth < 1000) "
            "SELECT call_off FROM chain WHERE call_off IS NOT NULL LIMIT 1",
            placement_id,
        )
    )
    return int(rows[0]["call_off"]) if rows else None


async def placement_of_call_off(call_off_id: int) -> Placement | None:
    row = await t.Placement.select().where(t.Placement.call_off == call_off_id).first()
    return _placement(row) if row else None


async def save_placement_fee(before: Placement, after: Placement) -> None:
    p = t.Placement
    await update_versioned(
        p,
        before.id,
        before.version,
        {
            p.weekly_fee_pence: after.weekly_fee_pence,
            p.fee_schedule: json_text(after.fee_schedule()),
            p.agreed_fee_id: after.agreed_fee_id,
            p.version: after.version,
        },
    )


async def set_placement_navigation(
    placement_id: int, child_reference: str | None, lot_id: int | None, age_band: str | None, need_level: str | None
) -> None:
    """Record what a placement is found by: the child's reference, the lot and the band
    (bookkeeping when the placement starts: its version stays)."""
    p = t.Placement
    await p.update(
        {p.child_reference: child_reference, p.lot: lot_id, p.age_band: age_band, p.need_level: need_level}
    ).where(p.id == placement_id)


async def save_placement_ending(before: Placement, after: Placement) -> None:
    p = t.Placement
    await update_versioned(
        p,
        before.id,
        before.version,
        {
            p.ended_on: after.ended_on,
            p.ending_kind: after.ending_kind.value if after.ending_kind else None,
            p.ending_reason: after.ending_reason.value if after.ending_reason else None,
            p.ending_note: after.ending_note,
            p.version: after.version,
        },
    )


async def list_placements(
    limit: int,
    after_id: int,
    *,
    authority_id: int | None,
    provider_id: int | None,
    live_on: date | None,
    ended_by: date | None,
    child_reference: str | None = None,
    call_off_id: int | None = None,
) -> Page[Placement]:
    """Placements in id order; `live_on` keeps those not ended by that day, `ended_by` those ended
    by it; `call_off_id` those of the child that call-off placed (its placement and every move)."""
    p = t.Placement
    query = p.select().where(p.id > after_id)
    if authority_id is not None:
        query = query.where(p.authority == authority_id)
    if child_reference is not None:
        query = query.where(p.child_reference == child_reference)
    if call_off_id is not None:
        query = query.where((p.call_off == call_off_id) | (p.child_reference == reference_of_call_off(call_off_id)))
    if provider_id is not None:
        query = query.where(p.provider == provider_id)
    if live_on is not None:
        query = query.where(p.ended_on.is_null() | (p.ended_on > live_on))
    if ended_by is not None:
        query = query.where(p.ended_on <= ended_by)
    rows = await query.order_by(p.id).limit(limit + 1)
    return page_of([_placement(r) for r in rows], limit)


# --- reports -----------------------------------------------------------------------------------


async def placement_facts(
    authority_id: int | None, since: date, until: date, *, arrangement_id: int | None = None
) -> list[PlacementFact]:
    """Placements that occupied any day from `since` to `until`, of one council or all; with
    `arrangement_id`, only those placed under that arrangement's lots."""
    p = t.Placement
    query = p.select(
        p.fee_schedule,
        p.off_framework,
        p.id,
        p.previous_placement_id,
        p.authority,
        p.start_date,
        p.ended_on,
        p.ending_kind,
        p.ending_reason,
        p.weekly_fee_pence,
        p.out_of_area,
        p.over_20_miles,
    ).where((p.start_date <= until) & (p.ended_on.is_null() | (p.ended_on > since)))
    if authority_id is not None:
        query = query.where(p.authority == authority_id)
    if arrangement_id is not None:
        query = query.where(p.lot.arrangement == arrangement_id)  # type: ignore[attr-defined,union-attr]
    return [
        PlacementFact(
            id=r["id"],
            previous_placement_id=r["previous_placement_id"],
            authority_id=r["authority"],
            start_date=r["start_date"],
            ended_on=r["ended_on"],
            unplanned=r["ending_kind"] == "unplanned",
            weekly_fee_pence=r["weekly_fee_pence"],
            out_of_area=r["out_of_area"],
            over_20_miles=r["over_20_miles"],
            fees=_fee_schedule(r["fee_schedule"]),
            off_framework=r["off_framework"],
            ending_reason=r["ending_reason"],
        )
        for r in await query.order_by(p.id).run(node=replica.node())  # lag-tolerant: a replica may serve it
    ]


async def has_successor(placement_id: int) -> bool:
    """Whether a placement was followed by another (the child was moved from it)."""
    p = t.Placement
    return await p.exists().where(p.previous_placement_id == placement_id)
