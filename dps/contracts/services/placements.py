"""Documents for tenders' placements: the Individual Placement Agreement of a placement, and the
fee variations an applied uplift brings to the live placements it changes.

Contracts sits above tenders and pricing, so it reads both (DESIGN.md: "an uplift is defined and
applied in dps/pricing, and the fee variations for the live placements it changes are found and
issued by dps/contracts"); neither of them calls up here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from dps.contracts import access, repository
from dps.contracts.codes import ContractCode
from dps.contracts.domain.contracts import Contract
from dps.contracts.domain.errors import AlreadyGenerated, NoApprovedTemplate, OffFrameworkPlacement
from dps.contracts.domain.facts import FeeVariationFacts
from dps.contracts.domain.formatting import percentage
from dps.contracts.domain.variations import child_reference, new_weekly_fee, varied_by_uplift
from dps.contracts.services import generation
from dps.contracts.services.generation import Progress
from dps.core.context import Context
from dps.core.dates import long_date
from dps.core.documents import PdfConverter
from dps.core.errors import Conflict
from dps.pricing.domain.uplifts import UpliftStatus
from dps.tenders.public import off_framework

log = logging.getLogger(__name__)


async def generate_placement_agreement_for(
    ctx: Context, placement_id: int, *, converter: PdfConverter | None = None
) -> Contract:
    """The IPA of a placement (with the standard terms of its service type), from the placement,
    the call-off that placed the child and the awarded offer. 409 `already_generated` the second
    time. The scheduler may call it with a system context once a call-off concludes. A placement
    recorded outside the framework gets none (409 `off_framework_placement`)."""
    facts = await repository.placement_facts(placement_id)
    access.require_generate_placement_agreement(ctx.principal, facts.authority_id)
    if await off_framework(placement_id):
        # DESIGN.md story 4: the IPA is called off under the national contract the DPS awarded; a
        # spot purchase outside the framework is contracted for outside it.
        raise OffFrameworkPlacement(
            "this placement was recorded outside the framework (a spot purchase): it is not called off under "
            "the DPS and gets no Individual Placement Agreement under its contract"
        )
    return await generation.generate_one(ctx, generation.placement_draft(facts), converter)


class AgreementState(StrEnum):
    """Where a placement stands with its Individual Placement Agreement after `ensure_placement_agreement`."""

    MADE = "made"  # generated now
    HELD = "held"  # it had one already
    OFF_FRAMEWORK = "off_framework"  # a spot purchase: no agreement under the DPS to make
    AWAITING_TEMPLATE = "awaiting_template"  # no approved template for its service type yet


async def ensure_placement_agreement(
    ctx: Context, placement_id: int, *, converter: PdfConverter | None = None
) -> AgreementState:
    """Make the placement's IPA unless it has one, is off the framework, or has no approved
    template to be made from (a legal officer must approve one; the scheduler asks again later).
    For the scheduler, with a system context."""
    try:
        await generate_placement_agreement_for(ctx, placement_id, converter=converter)
    except OffFrameworkPlacement:
        return AgreementState.OFF_FRAMEWORK
    except AlreadyGenerated:
        return AgreementState.HELD
    except NoApprovedTemplate as error:
        log.warning("placement %s waits for its IPA: %s", placement_id, error.detail)
        return AgreementState.AWAITING_TEMPLATE
    return AgreementState.MADE


@dataclass(frozen=True, slots=True)
class UpliftVariations:
    uplift_id: int
    placements: int  # live placements whose weekly fee the uplift changes
    created: list[Contract]
    skipped: list[int]  # placements already varied from the uplift's day (a re-run makes nothing new)


async def issue_fee_variations_for_uplift(
    ctx: Context,
    uplift_id: int,
    progress: Progress | None = None,
    *,
    converter: PdfConverter | None = None,
) -> UpliftVariations:
    """One draft fee variation per live placement an applied uplift changes (matched by provider,
    lot and band: see `dps.contracts.domain.variations`), linked to the placement's IPA when it has
    one. The lead council's officers and legal officers run it (or the CLI, as the system)."""
    uplift = await repository.get_uplift(uplift_id)
    access.require_generate_for(ctx.principal, {await repository.lead_authority_of(uplift.arrangement_id)})
    if uplift.status is not UpliftStatus.APPLIED:
        raise Conflict("apply the uplift before issuing its fee variations", code=ContractCode.UPLIFT_NOT_APPLIED)
    day = uplift.effective_on
    varied = [p for p in await repository.placements_priced_on_uplifted_cards(uplift) if varied_by_uplift(p, day)]
    cards = await repository.rate_cards_by_id(
        uplift.arrangement_id, {p.old_card_id for p in varied} | {p.new_card_id for p in varied}
    )
    origins = await repository.origin_call_offs([p.placement_id for p in varied if p.call_off_id is None])
    authorities, providers = await repository.parties([p.authority_id for p in varied], [p.provider_id for p in varied])
    reason = f"{uplift.description}: {percentage(uplift.percentage)} from {long_date(day)}"
    items = []
    for p in varied:
        new = new_weekly_fee(
            p.weekly_fee_pence, p.band, cards[p.old_card_id], cards[p.new_card_id], day, uplift.percentage
        )
        if new == p.weekly_fee_pence:
            continue  # a 0% uplift, or a fee too small to move by a penny: nothing to vary
        call_off_id = p.call_off_id or origins.get(p.placement_id)
        items.append(
            FeeVariationFacts(
                placement_id=p.placement_id,
                authority_id=p.authority_id,
                authority=authorities[p.authority_id],
                provider_id=p.provider_id,
                provider=providers[p.provider_id],
                child_reference=child_reference(call_off_id) if call_off_id else f"placement {p.placement_id}",
                reason=reason,
                effective_date=day,
                previous_weekly_pence=p.weekly_fee_pence,
                new_weekly_pence=new,
            )
        )
    result = await generation.fee_variation_batch(ctx, items, progress=progress, converter=converter)
    skipped = {key.split(":")[1] for key in result.skipped}
    return UpliftVariations(
        uplift_id=uplift_id,
        placements=len(items),
        created=result.created,
        skipped=sorted(int(x) for x in skipped),
    )
