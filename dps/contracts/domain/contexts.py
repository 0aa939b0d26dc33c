"""What a template may use: one typed context per template kind, the only source of truth.

Generation fills these dataclasses; the variables catalogue (`catalogue()`) is read from the same
classes and their field descriptions, with values from each kind's sample context; and an uploaded
template is checked by rendering it with that sample. So a variable is documented, sampled and
filled in exactly one place. Values are already formatted for reading (money as "£1,234.56",
dates as "1 April 2027"), so templates need no filters.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Kinds of variable the catalogue names (what a legal officer may expect to see in the value).
TEXT = "text"
DATE = "date"
MONEY = "money"
INTEGER = "integer"


def about(description: str, kind: str = TEXT) -> dict[str, str]:
    """A context field's catalogue entry: what it means and what kind of value it holds."""
    return {"description": description, "kind": kind}


class TemplateKind(StrEnum):
    """Each kind is one .docx in templates/contracts/. A placement template holds the national
    contract's standard terms for its service type with the Individual Placement Agreement as
    the first schedule, so one file serves each service type."""

    PLACEMENT_FOSTERING = "placement_fostering"
    PLACEMENT_RESIDENTIAL = "placement_residential"
    PLACEMENT_SUPPORTED_ACCOMMODATION = "placement_supported_accommodation"
    PLACEMENT_SEND = "placement_send"
    MEMBERSHIP_AGREEMENT = "membership_agreement"
    FEE_VARIATION = "fee_variation"
    DECISION_LETTER = "decision_letter"


SERVICE_TYPE_LABELS = {
    "fostering": "Fostering",
    "residential": "Residential children's homes",
    "supported_accommodation": "Supported accommodation (16 and 17 year olds)",
    "send": "Independent and non-maintained special schools (SEND)",
}


def placement_template_kind(service_type: str) -> TemplateKind:
    """The template kind whose terms govern placements of `service_type`."""
    return TemplateKind(f"placement_{service_type}")


# --- building blocks -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    reference: str = field(metadata=about("the document's reference, unique across the platform, e.g. NWD-IPA-000123"))
    date: str = field(metadata=about("the date the document was generated", DATE))


@dataclass(frozen=True, slots=True)
class PartyContext:
    name: str = field(metadata=about("legal name of the organisation"))
    address: str = field(metadata=about("postal address (may be empty for councils)"))
    postcode: str = field(metadata=about("postcode (may be empty)"))
    company_number: str = field(metadata=about("Companies House number, or empty"))


@dataclass(frozen=True, slots=True)
class ArrangementContext:
    reference: str = field(metadata=about("the arrangement's reference, e.g. NW-FOST-DPS-2026"))
    title: str = field(metadata=about("the arrangement's title"))


@dataclass(frozen=True, slots=True)
class LotContext:
    code: str = field(metadata=about("the lot's code, e.g. LOT-1"))
    title: str = field(metadata=about("the lot's title"))


@dataclass(frozen=True, slots=True)
class ServiceContext:
    code: str = field(metadata=about("service type code: fostering, residential, supported_accommodation or send"))
    label: str = field(metadata=about("service type in words, e.g. Fostering"))


# --- placement (standard terms + Individual Placement Agreement) ------------------------------


@dataclass(frozen=True, slots=True)
class ChildContext:
    reference: str = field(
        metadata=about("the child's reference (the platform never puts a child's name in a contract)")
    )
    age: int = field(metadata=about("the child's age in years at the start of the placement", INTEGER))
    needs: str = field(metadata=about("the child's assessed needs, comma separated"))


@dataclass(frozen=True, slots=True)
class SettingContext:
    name: str = field(metadata=about("the setting (home, agency branch, school) where the child is placed"))
    ofsted_urn: str = field(metadata=about("the setting's Ofsted unique reference number"))
    postcode: str = field(metadata=about("the setting's postcode"))


@dataclass(frozen=True, slots=True)
class PlacementTerms:
    start_date: str = field(metadata=about("the day the placement starts", DATE))
    end_date: str = field(metadata=about('the planned end date, or "open-ended"', DATE))
    notice_days: int = field(
        metadata=about("days of notice either party gives to end the placement (28 by default)", INTEGER)
    )


@dataclass(frozen=True, slots=True)
class FeeLine:
    description: str = field(metadata=about("what the line pays for, e.g. Core placement fee"))
    weekly_amount: str = field(metadata=about("weekly amount, e.g. £1,234.56", MONEY))


@dataclass(frozen=True, slots=True)
class PlacementContext:
    agreement: DocumentInfo
    service: ServiceContext
    authority: PartyContext = field(metadata=about("the commissioning council (the Authority)"))
    provider: PartyContext = field(metadata=about("the provider"))
    arrangement: ArrangementContext = field(metadata=about("the arrangement the placement is called off under"))
    lot: LotContext = field(metadata=about("the lot the placement is called off under"))
    child: ChildContext = field(metadata=about("the child placed"))
    setting: SettingContext = field(metadata=about("where the child lives or is educated"))
    placement: PlacementTerms = field(metadata=about("dates and notice of the placement"))
    fee_lines: tuple[FeeLine, ...] = field(metadata=about("the weekly fee lines (schedule 1 fee table)"))
    weekly_total: str = field(metadata=about("the total weekly fee, the sum of the fee lines", MONEY))


# --- fee variation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeeVariationContext:
    variation: DocumentInfo
    contract_reference: str = field(
        metadata=about("the reference of the Individual Placement Agreement varied (empty if none)")
    )
    authority: PartyContext = field(metadata=about("the commissioning council"))
    provider: PartyContext = field(metadata=about("the provider"))
    child_reference: str = field(metadata=about("the child's reference"))
    reason: str = field(metadata=about("why the fee changes, e.g. Annual uplift 2027/28 (3.8%)"))
    effective_date: str = field(metadata=about("the day the new fee applies from", DATE))
    previous_weekly_fee: str = field(metadata=about("the weekly fee before the variation", MONEY))
    new_weekly_fee: str = field(metadata=about("the weekly fee from the effective date", MONEY))
    weekly_change: str = field(metadata=about("the new fee minus the previous fee (negative when it falls)", MONEY))
    change_percentage: str = field(metadata=about("the change in percent, e.g. 3.8%"))


# --- membership agreement --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TermContext:
    procedure: str = field(metadata=about("the procurement procedure, e.g. Dynamic purchasing system (PCR 2015)"))
    start_date: str = field(metadata=about("the first day of the arrangement's term", DATE))
    end_date: str = field(metadata=about("the last day of the arrangement's term", DATE))


@dataclass(frozen=True, slots=True)
class MembershipContext:
    number: str = field(metadata=about("the membership's number on the platform"))
    started_on: str = field(metadata=about("the day the provider was admitted to the lot", DATE))


@dataclass(frozen=True, slots=True)
class MembershipAgreementContext:
    agreement: DocumentInfo
    service: ServiceContext
    lead_authority: PartyContext = field(metadata=about("the council that runs the arrangement"))
    member_authorities: tuple[str, ...] = field(
        metadata=about("names of every council that may call off under the arrangement")
    )
    provider: PartyContext = field(metadata=about("the provider admitted"))
    arrangement: ArrangementContext = field(metadata=about("the arrangement joined"))
    term: TermContext = field(metadata=about("the procedure and term of the arrangement"))
    lot: LotContext = field(metadata=about("the lot the provider is admitted to"))
    membership: MembershipContext = field(metadata=about("the membership itself"))


# --- decision letter -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationContext:
    number: str = field(metadata=about("the application's number on the platform"))
    submitted_on: str = field(metadata=about("the day the application was submitted", DATE))


@dataclass(frozen=True, slots=True)
class LotDecisionLine:
    lot_code: str = field(metadata=about("the lot's code"))
    lot_title: str = field(metadata=about("the lot's title"))
    outcome: str = field(metadata=about('"Admitted" or "Not admitted"'))
    score: str = field(metadata=about("the weighted quality score in percent, e.g. 72.5%"))
    reasons: str = field(metadata=about("the reasons for the decision on this lot"))


@dataclass(frozen=True, slots=True)
class DecisionLetterContext:
    letter: DocumentInfo
    lead_authority: PartyContext = field(metadata=about("the council that runs the arrangement and decided"))
    provider: PartyContext = field(metadata=about("the applicant provider"))
    arrangement: ArrangementContext = field(metadata=about("the arrangement applied to"))
    application: ApplicationContext = field(metadata=about("the application decided"))
    decisions: tuple[LotDecisionLine, ...] = field(metadata=about("one line per lot applied for"))
    decided_on: str = field(metadata=about("the day of the decision", DATE))


CONTEXT_CLASSES: dict[TemplateKind, type] = {
    TemplateKind.PLACEMENT_FOSTERING: PlacementContext,
    TemplateKind.PLACEMENT_RESIDENTIAL: PlacementContext,
    TemplateKind.PLACEMENT_SUPPORTED_ACCOMMODATION: PlacementContext,
    TemplateKind.PLACEMENT_SEND: PlacementContext,
    TemplateKind.MEMBERSHIP_AGREEMENT: MembershipAgreementContext,
    TemplateKind.FEE_VARIATION: FeeVariationContext,
    TemplateKind.DECISION_LETTER: DecisionLetterContext,
}

# Block descriptions for fields declared without `about()` (they hold a nested context).
_BLOCK_DESCRIPTIONS = {
    DocumentInfo: "the document itself",
    ServiceContext: "the service type",
}


def as_mapping(context: Any) -> dict[str, Any]:
    """The top-level names a template sees: each field of the context, nested objects kept as
    objects so templates use dotted names (`provider.name`)."""
    return {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}


# --- the catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variable:
    name: str  # dotted; items of a list are written `fee_lines[].description`
    kind: str  # text, date, money, integer, list of ..., group
    description: str
    sample: str | int | None


def _describe(cls: type, sample: Any, prefix: str, out: list[Variable]) -> None:
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        name = f"{prefix}{f.name}"
        value = getattr(sample, f.name) if sample is not None else None
        description = f.metadata.get("description") or _BLOCK_DESCRIPTIONS.get(hint, "")
        if dataclasses.is_dataclass(hint):
            out.append(Variable(name, "group", description, None))
            _describe(hint, value, f"{name}.", out)  # type: ignore[arg-type]
        elif typing.get_origin(hint) is tuple:
            item = typing.get_args(hint)[0]
            if dataclasses.is_dataclass(item):
                out.append(Variable(name, "list", description, None))
                _describe(item, value[0] if value else None, f"{name}[].", out)  # type: ignore[arg-type]
            else:
                out.append(Variable(name, "list of text", description, ", ".join(value or ())))
        else:
            out.append(Variable(name, f.metadata.get("kind", TEXT), description, value))


def catalogue(kind: TemplateKind, sample: Any) -> list[Variable]:
    """Every variable a template of `kind` may use, with its kind, meaning and a sample value."""
    out: list[Variable] = []
    _describe(CONTEXT_CLASSES[kind], sample, "", out)
    return out
