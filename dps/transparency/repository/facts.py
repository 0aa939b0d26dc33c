"""The facts releases are built from: read-side SQL over other packages' rows (arrangements, lots, memberships, call-
offs, offers, placements, contracts), and which process a change belongs to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dps.core.rows import json_value
from dps.transparency.domain.facts import (
    ArrangementFacts,
    AwardFacts,
    CallOffFacts,
    FeeChange,
    LotFacts,
    MembershipFacts,
    MovedPlacementFacts,
    Organisation,
    PlacementFacts,
)
from dps.transparency.repository._rows import _fetch


def _authority(row: dict[str, Any], prefix: str = "") -> Organisation:
    return Organisation(
        key=f"authority-{row[prefix + 'id']}", name=row[prefix + "name"], ons_code=row[prefix + "ons_code"]
    )


def _provider(row: dict[str, Any], prefix: str = "") -> Organisation:
    return Organisation(
        key=f"provider-{row[prefix + 'id']}",
        name=row[prefix + "legal_name"],
        company_number=row[prefix + "company_number"],
        postcode=row[prefix + "postcode"],
    )


async def arrangement_of(entity_type: str, entity_id: int) -> int | None:
    """The arrangement whose process a lot or membership change belongs to."""
    table = {"lot": "lots", "membership": "memberships"}[entity_type]
    rows = await _fetch(f"SELECT arrangement FROM {table} WHERE id = {{}}", entity_id)  # noqa: S608 - fixed names
    return int(rows[0]["arrangement"]) if rows else None


async def call_off_of_placement(placement_id: int) -> int | None:
    rows = await _fetch("SELECT call_off FROM placements WHERE id = {}", placement_id)
    return int(rows[0]["call_off"]) if rows and rows[0]["call_off"] is not None else None


async def placement_of_contract(contract_id: int) -> int | None:
    """The placement whose agreement (subject `placement:<id>`) this contract is, if it is one."""
    rows = await _fetch("SELECT subject_key FROM contracts WHERE id = {} AND kind = 'placement_agreement'", contract_id)
    if not rows:
        return None
    kind, _, rest = str(rows[0]["subject_key"]).partition(":")
    return int(rest) if kind == "placement" and rest.isdigit() else None


async def arrangement_facts(arrangement_id: int, today: date) -> ArrangementFacts | None:
    rows = await _fetch(
        """SELECT a.id, a.reference, a.title, a.service_type, a.profile_code, a.status, a.term_start,
                  a.term_end, a.quality_threshold, a.windows, a.member_authority_ids,
                  au.id AS lead_id, au.name AS lead_name, au.ons_code AS lead_ons_code,
                  (SELECT min(e.occurred_at) FROM audit_events e WHERE e.entity_type = 'arrangement'
                     AND e.entity_id = a.id::text AND e.action = 'arrangement.published') AS published_at
           FROM arrangements a JOIN authorities au ON au.id = a.lead_authority WHERE a.id = {}""",
        arrangement_id,
    )
    if not rows:
        return None
    a = rows[0]
    members = await _fetch(
        "SELECT id, name, ons_code FROM authorities WHERE id = ANY({}::bigint[]) ORDER BY id",
        list(a["member_authority_ids"] or []),
    )
    lots = await _fetch(
        """SELECT l.id, l.code, l.title, l.description, l.age_bands, l.need_levels,
                  (SELECT min(b.floor_pence) FROM price_bands b WHERE b.lot = l.id AND b.effective_from <= {}
                     AND (b.effective_to IS NULL OR b.effective_to >= {})) AS floor_pence,
                  (SELECT max(b.ceiling_pence) FROM price_bands b WHERE b.lot = l.id AND b.effective_from <= {}
                     AND (b.effective_to IS NULL OR b.effective_to >= {})) AS ceiling_pence
           FROM lots l WHERE l.arrangement = {} ORDER BY l.id""",
        today,
        today,
        today,
        today,
        arrangement_id,
    )
    memberships = await _fetch(
        """SELECT m.id, m.lot, m.status, m.started_on, p.id AS p_id, p.legal_name AS p_legal_name,
                  p.company_number AS p_company_number, p.postcode AS p_postcode,
                  (SELECT max(e.occurred_at) FROM audit_events e WHERE e.entity_type = 'membership'
                     AND e.entity_id = m.id::text AND e.action IN ('membership.removed', 'membership.expired'))
                     AS ended_at
           FROM memberships m JOIN providers p ON p.id = m.provider WHERE m.arrangement = {} ORDER BY m.id""",
        arrangement_id,
    )
    windows = tuple(
        (datetime.fromisoformat(w["opens_at"]), datetime.fromisoformat(w["closes_at"]))
        for w in json_value(a["windows"])
    )
    return ArrangementFacts(
        id=a["id"],
        reference=a["reference"],
        title=a["title"],
        service_type=a["service_type"],
        profile_code=a["profile_code"],
        status=a["status"],
        term_start=a["term_start"],
        term_end=a["term_end"],
        quality_threshold=Decimal(a["quality_threshold"]),
        lead=_authority(a, "lead_"),
        members=tuple(_authority(m) for m in members),
        lots=tuple(
            LotFacts(
                id=lot["id"],
                code=lot["code"],
                title=lot["title"],
                description=lot["description"] or "",
                need_levels=tuple(lot["need_levels"] or ()),
                age_bands=tuple(str(b.get("label", "")) for b in json_value(lot["age_bands"]) or []),
                floor_pence=lot["floor_pence"],
                ceiling_pence=lot["ceiling_pence"],
            )
            for lot in lots
        ),
        memberships=tuple(
            MembershipFacts(
                id=m["id"],
                lot_id=m["lot"],
                supplier=_provider(m, "p_"),
                status=m["status"],
                started_on=m["started_on"],
                ended_at=m["ended_at"],
            )
            for m in memberships
        ),
        windows=windows,
        published_at=a["published_at"],
    )


async def call_off_facts(call_off_id: int, now: datetime) -> CallOffFacts | None:
    """The call-off as a release may show it. The child JSON is read for its need level only; the
    offers are counted only once the deadline has passed."""
    rows = await _fetch(
        """SELECT c.id, c.arrangement, c.status, c.child->>'need_level' AS need_level,
                  c.criteria->>'quality_weight' AS quality_weight, c.criteria->>'price_weight' AS price_weight,
                  c.criteria->>'proximity_weight' AS proximity_weight, c.deadline, c.published_at, c.closed_at,
                  c.awarded_offer_id, c.awarded_at, c.standstill_ends_at, c.concluded_at,
                  a.reference, a.title AS arrangement_title, a.profile_code, a.service_type,
                  au.id AS buyer_id, au.name AS buyer_name, au.ons_code AS buyer_ons_code,
                  l.id AS lot_id, l.code AS lot_code, l.title AS lot_title
           FROM call_offs c JOIN arrangements a ON a.id = c.arrangement JOIN lots l ON l.id = c.lot
                JOIN authorities au ON au.id = c.authority
           WHERE c.id = {}""",
        call_off_id,
    )
    if not rows or rows[0]["published_at"] is None:
        return None
    c = rows[0]
    offers: int | None = None
    if c["closed_at"] is not None and now >= c["deadline"]:
        counted = await _fetch(
            "SELECT count(*) AS n FROM offers WHERE call_off = {} AND status = 'submitted'", call_off_id
        )
        offers = int(counted[0]["n"])
    award: AwardFacts | None = None
    placement: PlacementFacts | None = None
    if c["awarded_offer_id"] is not None and c["awarded_at"] is not None:
        won = await _fetch(
            """SELECT coalesce(o.revised_fee_pence, o.weekly_fee_pence) AS fee, p.id AS p_id,
                      p.legal_name AS p_legal_name, p.company_number AS p_company_number, p.postcode AS p_postcode
               FROM offers o JOIN providers p ON p.id = o.provider WHERE o.id = {}""",
            c["awarded_offer_id"],
        )
        if won:
            award = AwardFacts(
                supplier=_provider(won[0], "p_"),
                weekly_fee_pence=int(won[0]["fee"]),
                awarded_at=c["awarded_at"],
                standstill_ends_at=c["standstill_ends_at"],
                concluded_at=c["concluded_at"],
            )
        placed = await _fetch(f"SELECT {_PLACEMENT_COLUMNS} FROM placements pl WHERE pl.call_off = {{}}", call_off_id)  # noqa: S608
        if placed:
            placement = await _placement_facts(placed[0])
    return CallOffFacts(
        id=c["id"],
        arrangement_id=c["arrangement"],
        arrangement_reference=c["reference"],
        arrangement_title=c["arrangement_title"],
        profile_code=c["profile_code"],
        service_type=c["service_type"],
        lot=LotFacts(id=c["lot_id"], code=c["lot_code"], title=c["lot_title"], description=""),
        buyer=_authority(c, "buyer_"),
        status=c["status"],
        need_level=c["need_level"] or "standard",
        published_at=c["published_at"],
        deadline=c["deadline"],
        quality_weight=Decimal(c["quality_weight"] or 0),
        price_weight=Decimal(c["price_weight"] or 0),
        proximity_weight=Decimal(c["proximity_weight"] or 0),
        closed_at=c["closed_at"],
        offers_submitted=offers,
        award=award,
        placement=placement,
    )


_PLACEMENT_COLUMNS = """pl.id, pl.start_date, pl.weekly_fee_pence, pl.created_at, pl.ended_on, pl.ending_kind,
    (SELECT max(k.signed_at) FROM contracts k WHERE k.subject_key = 'placement:' || pl.id::text) AS signed_at,
    (SELECT min(n.id) FROM placements n WHERE n.previous_placement_id = pl.id) AS successor_id"""


async def _placement_facts(p: dict[str, Any]) -> PlacementFacts:
    """A placement row (`_PLACEMENT_COLUMNS`) with its fee variations (audit events placement.fee_varied)."""
    changes = await _fetch(
        """SELECT occurred_at, (before->>'weekly_fee_pence')::bigint AS old_fee,
                  (after->>'weekly_fee_pence')::bigint AS new_fee,
                  CASE WHEN jsonb_typeof(after->'fees') = 'array' THEN after->'fees'->-1->>'from_day' END AS from_day
           FROM audit_events WHERE entity_type = 'placement' AND entity_id = {}
             AND action = 'placement.fee_varied' ORDER BY id""",
        str(p["id"]),
    )
    return PlacementFacts(
        id=p["id"],
        start_date=p["start_date"],
        weekly_fee_pence=int(p["weekly_fee_pence"]),
        created_at=p["created_at"],
        ended_on=p["ended_on"],
        ending_kind=p["ending_kind"],
        fee_changes=tuple(
            # The variation's first day is the last entry of the fee schedule it wrote (Placement.vary_fee).
            FeeChange(
                at=ch["occurred_at"],
                from_day=date.fromisoformat(ch["from_day"]) if ch["from_day"] else None,
                old_pence=ch["old_fee"],
                new_pence=ch["new_fee"],
            )
            for ch in changes
            if ch["old_fee"] is not None and ch["new_fee"] is not None
        ),
        signed_at=p["signed_at"],
        successor_id=p["successor_id"],
    )


async def moved_placement(placement_id: int) -> bool:
    """Whether the placement was made by a move (it has no call-off of its own, a predecessor)."""
    rows = await _fetch(
        "SELECT 1 FROM placements WHERE id = {} AND call_off IS NULL AND previous_placement_id IS NOT NULL",
        placement_id,
    )
    return bool(rows)


async def moved_placement_facts(placement_id: int) -> MovedPlacementFacts | None:
    """A placement a move made, as its release may show it: the lot it was placed under and its
    arrangement, the need level, the council, the provider, the fee; nothing of the child and not
    the reason recorded for a spot purchase (neither column is selected). None when it is not a
    moved placement or its lot is not known."""
    rows = await _fetch(
        f"""SELECT {_PLACEMENT_COLUMNS}, pl.need_level, pl.off_framework, pl.previous_placement_id,
                   prev.call_off AS previous_call_off_id,
                   a.id AS arrangement_id, a.reference, a.title AS arrangement_title, a.profile_code, a.service_type,
                   l.id AS lot_id, l.code AS lot_code, l.title AS lot_title,
                   au.id AS buyer_id, au.name AS buyer_name, au.ons_code AS buyer_ons_code,
                   p.id AS p_id, p.legal_name AS p_legal_name, p.company_number AS p_company_number,
                   p.postcode AS p_postcode
            FROM placements pl JOIN placements prev ON prev.id = pl.previous_placement_id
                 JOIN lots l ON l.id = pl.lot JOIN arrangements a ON a.id = l.arrangement
                 JOIN authorities au ON au.id = pl.authority JOIN providers p ON p.id = pl.provider
            WHERE pl.id = {{}} AND pl.call_off IS NULL""",  # noqa: S608 - fixed column list
        placement_id,
    )
    if not rows:
        return None
    r = rows[0]
    return MovedPlacementFacts(
        placement=await _placement_facts(r),
        arrangement_id=r["arrangement_id"],
        arrangement_reference=r["reference"],
        arrangement_title=r["arrangement_title"],
        profile_code=r["profile_code"],
        service_type=r["service_type"],
        lot=LotFacts(id=r["lot_id"], code=r["lot_code"], title=r["lot_title"], description=""),
        buyer=_authority(r, "buyer_"),
        supplier=_provider(r, "p_"),
        need_level=r["need_level"] or "not recorded",
        off_framework=bool(r["off_framework"]),
        previous_placement_id=r["previous_placement_id"],
        previous_call_off_id=r["previous_call_off_id"],
    )
