"""Realistic sample facts for every template kind: they check uploads, fill the catalogue's
sample values and render the shipped templates in tests. They deliberately carry characters
that break naive XML handling (`&`, `<`, quotes), Welsh place names and the pound sign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dps.contracts.domain import facts as f
from dps.contracts.domain.contexts import TemplateKind

SAMPLE_DATE = date(2026, 11, 23)

AUTHORITY = f.PartyFacts(
    name="Cyngor Sir Ynys Môn & Gwynedd", address="Swyddfa'r Cyngor, Llangefni", postcode="LL77 7TW"
)
PROVIDER = f.PartyFacts(
    name='Ysgol y Bryn & "Gofal" <Cymru> Ltd',
    address="Tŷ Gwyn, Llanfair\u00adpwll, Ynys Môn",
    postcode="LL61 5UJ",
    company_number="04561234",
)


def placement_facts(service_type: str = "residential") -> f.PlacementFacts:
    return f.PlacementFacts(
        placement_id=101,
        service_type=service_type,
        authority_id=1,
        authority=AUTHORITY,
        provider_id=2,
        provider=PROVIDER,
        arrangement_reference="NW-RES-DPS-2026",
        arrangement_title="North West Children's Homes DPS",
        lot_code="LOT-2",
        lot_title="Residential, 11-17, complex needs",
        child_reference="CH-2026-0042",
        child_age=14,
        child_needs=("autism", "social, emotional & mental health"),
        setting_name="Ysgol y Bryn",
        setting_urn="SC123456",
        setting_postcode="LL61 5UJ",
        start_date=date(2026, 12, 1),
        end_date=None,
        fee_lines=(
            f.FeeLineFacts("Core placement fee", 485_000),
            f.FeeLineFacts("Additional 1:1 support (20 hours) & transport", 123_456),
        ),
    )


def fee_variation_facts() -> f.FeeVariationFacts:
    return f.FeeVariationFacts(
        placement_id=101,
        authority_id=1,
        authority=AUTHORITY,
        provider_id=2,
        provider=PROVIDER,
        child_reference="CH-2026-0042",
        reason="Annual uplift 2027/28 (3.8% from 1 April) <agreed>",
        effective_date=date(2027, 4, 1),
        previous_weekly_pence=608_456,
        new_weekly_pence=631_577,
        contract_id=None,
        contract_reference="NWD-IPA-000101",
    )


def membership_facts() -> f.MembershipFacts:
    return f.MembershipFacts(
        membership_id=7,
        service_type="fostering",
        lead_authority_id=1,
        lead_authority=f.PartyFacts(
            name="Bolton Council", address="Town Hall, Victoria Square, Bolton", postcode="BL1 1RU"
        ),
        member_authorities=("Bolton Council", "Manchester City Council", "Cyngor Sir Ynys Môn & Gwynedd"),
        provider_id=2,
        provider=PROVIDER,
        arrangement_reference="NW-FOST-DPS-2026",
        arrangement_title="North West Fostering DPS",
        procedure="Dynamic purchasing system (PCR 2015)",
        term_start=date(2026, 4, 1),
        term_end=date(2029, 2, 23),
        lot_code="LOT-1",
        lot_title="Enhanced fostering, 11-15",
        started_on=date(2026, 11, 23),
    )


def decision_facts() -> f.DecisionFacts:
    return f.DecisionFacts(
        application_id=55,
        lead_authority_id=1,
        lead_authority=f.PartyFacts(
            name="Bolton Council", address="Town Hall, Victoria Square, Bolton", postcode="BL1 1RU"
        ),
        provider_id=2,
        provider=PROVIDER,
        arrangement_reference="NW-FOST-DPS-2026",
        arrangement_title="North West Fostering DPS",
        submitted_on=date(2026, 11, 2),
        decided_on=date(2026, 11, 16),
        decisions=(
            f.LotDecisionFacts(
                "LOT-1",
                "Enhanced fostering, 11-15",
                True,
                Decimal("72.50"),
                "Met every pass/fail question & scored above 60%.",
            ),
            f.LotDecisionFacts(
                "LOT-2", "Parent & child", False, Decimal("48.00"), 'Scored below the 60% threshold on "safeguarding".'
            ),
        ),
    )


def sample_context(kind: TemplateKind, reference: str = "SAMPLE-0001", issued_on: date = SAMPLE_DATE) -> Any:
    """The context a template of `kind` is checked with at upload."""
    if kind is TemplateKind.MEMBERSHIP_AGREEMENT:
        return f.membership_context(membership_facts(), reference, issued_on)
    if kind is TemplateKind.FEE_VARIATION:
        return f.fee_variation_context(fee_variation_facts(), reference, issued_on)
    if kind is TemplateKind.DECISION_LETTER:
        return f.decision_context(decision_facts(), reference, issued_on)
    service_type = kind.value.removeprefix("placement_")
    return f.placement_context(placement_facts(service_type), reference, issued_on)
