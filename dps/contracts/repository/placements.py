"""Placement facts (tenders) for an IPA, and the placements an uplift (pricing) reprices, with their parties."""

from __future__ import annotations

from collections.abc import Sequence

from piccolo.querystring import QueryString

from dps.accounts import tables as accounts
from dps.contracts.domain.facts import FeeLineFacts, PartyFacts, PlacementFacts
from dps.contracts.domain.variations import PricedPlacement, child_reference
from dps.contracts.repository._rows import _authority_names, _provider, _provider_party
from dps.core.db import DB
from dps.core.errors import NotFound
from dps.frameworks import tables as fw
from dps.pricing import public as pricing
from dps.pricing.domain.bands import BandKey
from dps.pricing.domain.rate_cards import RateCard
from dps.pricing.domain.uplifts import Uplift
from dps.tenders import public as tenders


async def placement_facts(placement_id: int) -> PlacementFacts:
    """What an Individual Placement Agreement states about a placement, from tenders' placement,
    the call-off that placed the child (anonymised profile, awarded offer's services), the lot,
    arrangement, setting and both parties."""
    placement = await tenders.get_placement_row(placement_id)
    origin = placement.call_off_id or (await origin_call_offs([placement_id])).get(placement_id)
    if origin is None:
        raise NotFound(f"placement {placement_id} has no call-off to take the child's profile from", entity="call_off")
    call_off = await tenders.get_call_off_row(origin)
    arrangement = await fw.Arrangement.select().where(fw.Arrangement.id == call_off.arrangement_id).first()
    lot = await fw.Lot.select().where(fw.Lot.id == call_off.lot_id).first()
    setting = await accounts.Setting.select().where(accounts.Setting.id == placement.setting_id).first()
    assert arrangement is not None and lot is not None and setting is not None  # foreign keys
    provider = await _provider(placement.provider_id)
    names = await _authority_names([placement.authority_id])
    lines = [FeeLineFacts("Weekly placement fee", placement.weekly_fee_pence)]
    if placement.call_off_id == call_off.id and call_off.awarded_offer_id is not None:
        # The additional services the provider offered and the council awarded, each a weekly line.
        offer = await tenders.get_offer_row(call_off.id, call_off.awarded_offer_id)
        if offer.content.setting_id == placement.setting_id:
            lines += [FeeLineFacts(s.description, s.weekly_fee_pence) for s in offer.content.additional_services]
    return PlacementFacts(
        placement_id=placement.id,
        service_type=arrangement["service_type"],
        authority_id=placement.authority_id,
        authority=PartyFacts(name=names[placement.authority_id]),
        provider_id=provider["id"],
        provider=_provider_party(provider),
        arrangement_reference=arrangement["reference"],
        arrangement_title=arrangement["title"],
        lot_code=lot["code"],
        lot_title=lot["title"],
        child_reference=child_reference(call_off.id),
        child_age=call_off.child.age,
        child_needs=tuple(sorted(n.value for n in call_off.child.needs)),
        setting_name=setting["name"],
        setting_urn=setting["ofsted_urn"],
        setting_postcode=setting["postcode"],
        start_date=placement.start_date,
        end_date=placement.ended_on,
        fee_lines=tuple(lines),
        lead_authority_id=arrangement["lead_authority"],
    )


async def get_uplift(uplift_id: int) -> Uplift:
    return await pricing.get_uplift_row(uplift_id)


async def lead_authority_of(arrangement_id: int) -> int:
    row = await fw.Arrangement.select(fw.Arrangement.lead_authority).where(fw.Arrangement.id == arrangement_id).first()
    if row is None:
        raise NotFound(f"arrangement {arrangement_id} does not exist", entity="arrangement")
    return int(row["lead_authority"])


# Every placement of a provider whose card in the placement's lot the uplift continued, with the
# band its fee was agreed against (pricing's agreed fee, recorded by tenders when it started) and
# the call-off that placed the child. Placements are matched by provider + lot + band because they
# do not record a rate card (see dps/contracts/domain/variations.py).
_UPLIFT_PLACEMENTS = """
SELECT p.id, p.authority, p.provider, p.call_off, p.weekly_fee_pence, p.start_date, p.ended_on,
       af.age_band, af.need_level, af.area, COALESCE(af.lot, co.lot) AS lot,
       nc.id AS new_card, nc.previous AS old_card
FROM placements p
LEFT JOIN LATERAL (
    SELECT a.lot, a.age_band, a.need_level, a.area FROM agreed_fees a
    WHERE a.source = 'placement' AND a.source_id = p.id ORDER BY a.id LIMIT 1
) af ON TRUE
LEFT JOIN call_offs co ON co.id = p.call_off
JOIN rate_cards nc ON nc.uplift = {} AND nc.previous IS NOT NULL
     AND nc.provider = p.provider AND nc.lot = COALESCE(af.lot, co.lot)
WHERE p.start_date < {} AND (p.ended_on IS NULL OR p.ended_on > {})
ORDER BY p.id
"""


async def placements_priced_on_uplifted_cards(uplift: Uplift) -> list[PricedPlacement]:
    """Placements live across the uplift's day whose provider's card in their lot it continued."""
    rows = await DB.run_querystring(
        QueryString(_UPLIFT_PLACEMENTS, uplift.id, uplift.effective_on, uplift.effective_on)
    )
    return [
        PricedPlacement(
            placement_id=r["id"],
            authority_id=r["authority"],
            provider_id=r["provider"],
            lot_id=r["lot"],
            call_off_id=r["call_off"],
            band=BandKey(r["age_band"], r["need_level"], r["area"] or None) if r["age_band"] is not None else None,
            weekly_fee_pence=r["weekly_fee_pence"],
            start_date=r["start_date"],
            ended_on=r["ended_on"],
            old_card_id=r["old_card"],
            new_card_id=r["new_card"],
        )
        for r in rows
    ]


async def origin_call_offs(placement_ids: Sequence[int]) -> dict[int, int]:
    """The call-off that placed each child: a moved placement has none of its own, so follow
    `previous_placement_id` back to the child's first placement (bounded, against a corrupt cycle)."""
    if not placement_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            """WITH RECURSIVE chain AS (
                   SELECT id AS start, id, call_off, previous_placement_id, 0 AS depth
                   FROM placements WHERE id = ANY({}::bigint[])
                   UNION ALL
                   SELECT c.start, p.id, p.call_off, p.previous_placement_id, c.depth + 1
                   FROM placements p JOIN chain c ON p.id = c.previous_placement_id WHERE c.depth < 1000
               )
               SELECT DISTINCT ON (start) start, call_off FROM chain
               WHERE call_off IS NOT NULL ORDER BY start, depth""",
            list(placement_ids),
        )
    )
    return {int(r["start"]): int(r["call_off"]) for r in rows}


async def lead_authorities_of_placements(placement_ids: Sequence[int]) -> dict[int, int]:
    """The lead authority of the arrangement each placement was called off under (a moved
    placement: its first placement's)."""
    origins = await origin_call_offs(placement_ids)
    if not origins:
        return {}
    rows = await DB.run_querystring(
        QueryString(
            """SELECT co.id, a.lead_authority FROM call_offs co JOIN arrangements a ON a.id = co.arrangement
               WHERE co.id = ANY({}::bigint[])""",
            sorted(set(origins.values())),
        )
    )
    leads = {int(r["id"]): int(r["lead_authority"]) for r in rows}
    return {placement: leads[call_off] for placement, call_off in origins.items() if call_off in leads}


async def rate_cards_by_id(arrangement_id: int, card_ids: set[int]) -> dict[int, RateCard]:
    """The arrangement's rate cards among `card_ids` (pricing reads them with lines and services)."""
    found: dict[int, RateCard] = {}
    after = 0
    while True:
        page = await pricing.list_rate_card_rows(1000, after, arrangement_id=arrangement_id)
        found.update((c.id, c) for c in page.items if c.id in card_ids)
        if page.next_cursor is None or not page.items:
            return found
        after = page.items[-1].id


async def parties(
    authority_ids: Sequence[int], provider_ids: Sequence[int]
) -> tuple[dict[int, PartyFacts], dict[int, PartyFacts]]:
    """Authorities and providers as parties to a document, each read once."""
    names = await _authority_names(sorted(set(authority_ids)))
    providers: dict[int, PartyFacts] = {}
    if provider_ids:
        rows = await accounts.Provider.select().where(accounts.Provider.id.is_in(sorted(set(provider_ids))))
        providers = {r["id"]: _provider_party(r) for r in rows}
    return {i: PartyFacts(name=n) for i, n in names.items()}, providers
