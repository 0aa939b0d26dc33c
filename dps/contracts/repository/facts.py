"""Facts from earlier packages (frameworks and accounts tables) that membership and decision documents state."""

from __future__ import annotations

from datetime import date, datetime

from dps.contracts.domain.facts import DecisionFacts, LotDecisionFacts, MembershipFacts, PartyFacts
from dps.contracts.repository._rows import _authority_names, _provider, _provider_party
from dps.core.errors import NotFound
from dps.frameworks import tables as fw
from dps.frameworks.public import get_profile


async def membership_facts(membership_id: int) -> MembershipFacts:
    """What a membership agreement states, from the membership, its lot, arrangement and provider."""
    membership = await fw.Membership.select().where(fw.Membership.id == membership_id).first()
    if membership is None:
        raise NotFound(f"membership {membership_id} does not exist", entity="membership")
    arrangement = await fw.Arrangement.select().where(fw.Arrangement.id == membership["arrangement"]).first()
    lot = await fw.Lot.select().where(fw.Lot.id == membership["lot"]).first()
    assert arrangement is not None and lot is not None  # foreign keys
    provider = await _provider(membership["provider"])
    lead_id = arrangement["lead_authority"]
    member_ids = [lead_id, *sorted(set(arrangement["member_authority_ids"]) - {lead_id})]
    names = await _authority_names(member_ids)
    return MembershipFacts(
        membership_id=membership_id,
        service_type=arrangement["service_type"],
        lead_authority_id=lead_id,
        lead_authority=PartyFacts(name=names[lead_id]),
        member_authorities=tuple(names[i] for i in member_ids if i in names),
        provider_id=provider["id"],
        provider=_provider_party(provider),
        arrangement_reference=arrangement["reference"],
        arrangement_title=arrangement["title"],
        procedure=get_profile(arrangement["profile_code"]).title,
        term_start=arrangement["term_start"],
        term_end=arrangement["term_end"],
        lot_code=lot["code"],
        lot_title=lot["title"],
        started_on=membership["started_on"],
    )


async def decision_facts(application_id: int) -> DecisionFacts:
    """What a decision letter states: the application and its per-lot decisions with reasons."""
    application = await fw.Application.select().where(fw.Application.id == application_id).first()
    if application is None:
        raise NotFound(f"application {application_id} does not exist", entity="application")
    arrangement = await fw.Arrangement.select().where(fw.Arrangement.id == application["arrangement"]).first()
    assert arrangement is not None
    provider = await _provider(application["provider"])
    decisions = (
        await fw.LotDecision.select(
            fw.LotDecision.decision,
            fw.LotDecision.reasons,
            fw.LotDecision.weighted_total,
            fw.LotDecision.decided_at,
            fw.LotDecision.lot.code.as_alias("lot_code"),
            fw.LotDecision.lot.title.as_alias("lot_title"),
        )
        .where(fw.LotDecision.application == application_id)
        .order_by(fw.LotDecision.lot.code)
    )
    lead_id = arrangement["lead_authority"]
    names = await _authority_names([lead_id])
    submitted: datetime | None = application["submitted_at"]
    decided: datetime | None = application["decided_at"] or max((d["decided_at"] for d in decisions), default=None)
    # An application with decisions was submitted; before any decision there is no letter to write
    # (decision_context refuses it), so the fallback date below is never printed.
    decided_on = decided.date() if decided else submitted.date() if submitted else date(1970, 1, 1)
    return DecisionFacts(
        application_id=application_id,
        lead_authority_id=lead_id,
        lead_authority=PartyFacts(name=names[lead_id]),
        provider_id=provider["id"],
        provider=_provider_party(provider),
        arrangement_reference=arrangement["reference"],
        arrangement_title=arrangement["title"],
        decided_on=decided_on,
        submitted_on=submitted.date() if submitted else decided_on,
        decisions=tuple(
            LotDecisionFacts(
                lot_code=d["lot_code"],
                lot_title=d["lot_title"],
                admitted=d["decision"] == "admit",
                weighted_total=d["weighted_total"],
                reasons=d["reasons"],
            )
            for d in decisions
        ),
    )
