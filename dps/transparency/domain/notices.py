"""Which notices a change calls for, when each falls due, and what a draft still lacks.

Procurement Act 2023 notice types as the Cabinet Office names them on Find a Tender ("Notice types
and sequences", https://www.find-tender.service.gov.uk/Home/NoticeTypes) with the section of the
Act (and the Procurement Regulations 2024, SI 2024/692, for content) that requires each. For
arrangements under the PCR 2015 profiles the Find a Tender forms of the 2015 regime apply instead
(PA 2023 does not apply to a DPS or framework established under earlier legislation, Sch. 1 and
the Procurement Act 2023 (Commencement No. 3 and Transitional and Saving Provisions) Regs 2024).

Which apply to what we run:
- dynamic market (`pa2023_dynamic_market`): UK13 intention to establish (s.39(2)), UK14
  establishment (s.39(3)), UK15 modification (s.39(4)), UK16 cessation (s.39(5)); each call-off:
  UK4 tender notice to the market's members (s.21, s.34), UK6 contract award notice before the
  contract (s.50(1)), UK7 contract details notice within 30 days of entering into it (s.53(1)),
  UK10 contract change notice before a modification (s.75(1), unless exempt under s.75(2)-(4)),
  UK11 contract termination notice within 30 days (s.80), UK12 procurement termination notice
  when no contract is awarded (s.55).
- open framework / framework (`pa2023_open_framework`, `pa2023_framework`): UK4 tender notice to
  establish (and to reopen, s.49) the framework (s.21), UK6 contract award notice (s.50) and UK7
  (s.53) for each award of the framework; call-offs under it (s.46, no tender notice): UK6, UK7,
  UK10, UK11.
- PCR 2015 DPS (`pcr2015_dps`): F02 contract notice (reg 34(4)(a), reg 49), F03 contract award
  notice within 30 days of each call-off's award, which may be grouped quarterly (reg 50(1), (4)),
  F20 modification notice for a modification under reg 72(1)(b) or (c) (reg 72(3)).
- light touch (`light_touch`): F21 social and other specific services notices: contract notice
  (reg 75(1)(a)) and contract award notice within 30 days, groupable quarterly (reg 75(2), (4)).
- a placement a move made (`moved_placement_notices`): under the arrangement it is a call-off
  without competition and calls for that profile's award notice (as a call-off's award) and then
  the contract notices of a placement; a spot purchase outside the arrangement is a direct award
  under PA 2023 whatever the arrangement's regime (the Act governs every procurement begun since
  24 February 2025; the PCR 2015 forms belong to the arrangement, which this is not under): UK5
  transparency notice before the award (s.44(1), a direct award under s.41 needs one of the
  Schedule 5 justifications, which the officer names), UK6 (s.50), UK7 (s.53), then UK10/UK11.
UK1 pipeline, UK2 preliminary market engagement, UK3 planned procurement, UK8 payments, UK9
performance and UK17 payments compliance notices are about an authority's plans or payments,
which this service does not hold; they are listed but never drafted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class NoticeType(StrEnum):
    UK1 = "UK1"
    UK2 = "UK2"
    UK3 = "UK3"
    UK4 = "UK4"
    UK5 = "UK5"
    UK6 = "UK6"
    UK7 = "UK7"
    UK8 = "UK8"
    UK9 = "UK9"
    UK10 = "UK10"
    UK11 = "UK11"
    UK12 = "UK12"
    UK13 = "UK13"
    UK14 = "UK14"
    UK15 = "UK15"
    UK16 = "UK16"
    UK17 = "UK17"
    F02 = "F02"
    F03 = "F03"
    F20 = "F20"
    F21 = "F21"


@dataclass(frozen=True, slots=True)
class NoticeKind:
    title: str
    law: str


NOTICE_KINDS: dict[NoticeType, NoticeKind] = {
    NoticeType.UK1: NoticeKind("Pipeline notice", "PA 2023 s.93"),
    NoticeType.UK2: NoticeKind("Preliminary market engagement notice", "PA 2023 s.17"),
    NoticeType.UK3: NoticeKind("Planned procurement notice", "PA 2023 s.18"),
    NoticeType.UK4: NoticeKind("Tender notice", "PA 2023 s.21"),
    NoticeType.UK5: NoticeKind("Transparency notice", "PA 2023 s.44"),
    NoticeType.UK6: NoticeKind("Contract award notice", "PA 2023 s.50"),
    NoticeType.UK7: NoticeKind("Contract details notice", "PA 2023 s.53"),
    NoticeType.UK8: NoticeKind("Contract payments notice", "PA 2023 s.70"),
    NoticeType.UK9: NoticeKind("Contract performance notice", "PA 2023 s.71"),
    NoticeType.UK10: NoticeKind("Contract change notice", "PA 2023 s.75"),
    NoticeType.UK11: NoticeKind("Contract termination notice", "PA 2023 s.80"),
    NoticeType.UK12: NoticeKind("Procurement termination notice", "PA 2023 s.55"),
    NoticeType.UK13: NoticeKind("Dynamic market notice - intention to establish", "PA 2023 s.39(2)"),
    NoticeType.UK14: NoticeKind("Dynamic market notice - establishment", "PA 2023 s.39(3)"),
    NoticeType.UK15: NoticeKind("Dynamic market notice - modification", "PA 2023 s.39(4)"),
    NoticeType.UK16: NoticeKind("Dynamic market notice - cessation", "PA 2023 s.39(5)"),
    NoticeType.UK17: NoticeKind("Payments compliance notice", "PA 2023 s.69"),
    NoticeType.F02: NoticeKind("Contract notice (setting up a DPS)", "PCR 2015 reg 34(4)(a), reg 49"),
    NoticeType.F03: NoticeKind("Contract award notice", "PCR 2015 reg 50(1), (4)"),
    NoticeType.F20: NoticeKind("Modification notice", "PCR 2015 reg 72(1)(b)-(c), (3)"),
    NoticeType.F21: NoticeKind("Social and other specific services notice", "PCR 2015 reg 75"),
}

# PA 2023 s.53(1): within 30 days of entering into the contract; s.80(2): within 30 days of
# termination; PCR 2015 reg 50(1) and reg 75(2): within 30 days of the award.
THIRTY_DAYS = timedelta(days=30)
DYNAMIC_MARKET = "pa2023_dynamic_market"
PA2023_FRAMEWORKS = ("pa2023_open_framework", "pa2023_framework")


@dataclass(frozen=True, slots=True)
class NoticeDue:
    """A notice a change calls for: on which process, about what, and by when (None: no fixed day)."""

    notice_type: NoticeType
    subject: str  # what it is about, unique per process and type ("arrangement", "placement:9", ...)
    due_on: date | None


def notices_for(profile_code: str, action: str, subject: str, on: date, *, day: date | None = None) -> list[NoticeDue]:
    """The notices `action` (an audit action) on a process under `profile_code` calls for, on `on`
    (the day of the change); `day` is the day the change takes effect where that differs (a fee
    variation's first day, a placement's end)."""
    effective = day or on
    pa_dm = profile_code == DYNAMIC_MARKET
    pa_fw = profile_code in PA2023_FRAMEWORKS
    pa = pa_dm or pa_fw
    out: list[NoticeDue] = []
    match action:
        case "arrangement.published":
            if pa_dm:
                out += [NoticeDue(NoticeType.UK13, subject, on), NoticeDue(NoticeType.UK14, subject, on)]
            elif pa_fw:
                out.append(NoticeDue(NoticeType.UK4, subject, on))
            elif profile_code == "pcr2015_dps":
                out.append(NoticeDue(NoticeType.F02, subject, on))
            elif profile_code == "light_touch":
                out.append(NoticeDue(NoticeType.F21, subject, on))
        case "arrangement.updated" | "lot.created" | "lot.updated" if pa_dm:
            out.append(NoticeDue(NoticeType.UK15, f"{subject}:modified:{on.isoformat()}", on))
        case "arrangement.closed" | "arrangement.expired" if pa_dm:
            out.append(NoticeDue(NoticeType.UK16, subject, on))
        case "membership.started" if pa_fw:
            out += [
                NoticeDue(NoticeType.UK6, f"{subject}:award:{on.isoformat()}", on),
                NoticeDue(NoticeType.UK7, f"{subject}:award:{on.isoformat()}", on + THIRTY_DAYS),
            ]
        case "call_off.published" if pa_dm:
            out.append(NoticeDue(NoticeType.UK4, subject, on))
        case "call_off.awarded":
            if pa:
                out.append(NoticeDue(NoticeType.UK6, subject, on))  # before the contract (s.50(1))
            elif profile_code == "pcr2015_dps":
                out.append(NoticeDue(NoticeType.F03, subject, on + THIRTY_DAYS))
            elif profile_code == "light_touch":
                out.append(NoticeDue(NoticeType.F21, f"{subject}:award", on + THIRTY_DAYS))
        case "call_off.cancelled" | "call_off.no_award" if pa_dm:
            out.append(NoticeDue(NoticeType.UK12, subject, on))
        case "placement.created" if pa:
            out.append(NoticeDue(NoticeType.UK7, subject, on + THIRTY_DAYS))
        case "placement.fee_varied":
            if pa:
                out.append(NoticeDue(NoticeType.UK10, f"{subject}:fee:{effective.isoformat()}", effective))
            elif profile_code == "pcr2015_dps":
                out.append(NoticeDue(NoticeType.F20, f"{subject}:fee:{effective.isoformat()}", None))
        case "placement.ended" if pa:
            out.append(NoticeDue(NoticeType.UK11, subject, effective + THIRTY_DAYS))
    return out


# A spot purchase is governed by the Act whatever the arrangement's profile: its contract notices
# are those of a PA 2023 contract (any PA 2023 profile code selects them in `notices_for`).
SPOT_PURCHASE_REGIME = "pa2023_framework"


def moved_placement_notices(
    profile_code: str, off_framework: bool, action: str, subject: str, on: date, *, day: date | None = None
) -> list[NoticeDue]:
    """The notices `action` on a placement a move made calls for. Under the arrangement its
    creation is the award of a call-off (the profile's award notice) and the start of a contract;
    a spot purchase's creation is a direct award under PA 2023 s.41: UK5 (s.44(1)) and UK6 (s.50)
    on the day, UK7 (s.53) within 30 days; later changes are those of any placement."""
    regime = SPOT_PURCHASE_REGIME if off_framework else profile_code
    out: list[NoticeDue] = []
    if action == "placement.created":
        if off_framework:
            out += [NoticeDue(NoticeType.UK5, subject, on), NoticeDue(NoticeType.UK6, subject, on)]
        else:
            out += notices_for(regime, "call_off.awarded", subject, on)
    return out + notices_for(regime, action, subject, on, day=day)


# --- drafts: what a notice says, read from the process's compiled release ----------------------


def _party(release: dict[str, Any], role: str) -> dict[str, Any] | None:
    return next((p for p in release.get("parties", []) if role in p.get("roles", [])), None)


def _get(node: Any, *path: str | int) -> Any:
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and len(node) > step else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
        if node is None:
            return None
    return node


def _fields(release: dict[str, Any]) -> dict[str, Any]:
    buyer = _party(release, "buyer") or {}
    supplier = _party(release, "supplier") or {}
    return {
        "title": _get(release, "tender", "title"),
        "buyer_name": buyer.get("name"),
        # A PA 2023 notice names the authority by its Central Digital Platform identifier (PPON);
        # the service holds none yet, so every PA 2023 draft shows it as missing.
        "buyer_ppon": next(
            (i["id"] for i in [buyer.get("identifier") or {}] if i.get("scheme") == "GB-PPON"),
            None,
        ),
        "buyer_contact_email": _get(buyer, "contactPoint", "email"),
        "cpv": _get(release, "tender", "items", 0, "classification", "id"),
        "lots": [lot.get("title") for lot in _get(release, "tender", "lots") or []] or None,
        "procedure": _get(release, "tender", "procurementMethodDetails"),
        "tender_period_end": _get(release, "tender", "tenderPeriod", "endDate"),
        "contract_period": _get(release, "tender", "contractPeriod"),
        "estimated_value": _get(release, "tender", "value", "amount"),
        "award_criteria": _get(release, "tender", "lots", 0, "awardCriteria")
        or _get(release, "tender", "awardCriteriaDetails"),
        "supplier_name": supplier.get("name"),
        "supplier_identifier": _get(supplier, "identifier", "id"),
        "award_value": _get(release, "awards", 0, "value", "amount"),
        "award_date": _get(release, "awards", 0, "date"),
        "standstill_end": _get(release, "awards", 0, "standstillPeriod", "endDate"),
        "contract_start": _get(release, "contracts", 0, "period", "startDate"),
        "contract_end": _get(release, "contracts", 0, "period", "endDate"),
        "contract_value": _get(release, "contracts", 0, "value", "amount"),
        "date_signed": _get(release, "contracts", 0, "dateSigned"),
        "latest_amendment": (_get(release, "contracts", 0, "amendments") or [None])[-1],
        "bids_received": _get(release, "bids", "statistics", 0, "value"),
        # The Schedule 5 justification of a direct award is the officer's legal judgement, and the
        # reason the council recorded may identify the child: it is never filled from the data.
        "direct_award_justification": None,
        "tender_status": _get(release, "tender", "status"),
    }


COMMON = ("title", "buyer_name", "buyer_contact_email")
PA = ("buyer_ppon",)
REQUIRED: dict[NoticeType, tuple[str, ...]] = {
    NoticeType.UK4: (*COMMON, *PA, "cpv", "lots", "procedure", "tender_period_end", "award_criteria"),
    NoticeType.UK5: (*COMMON, *PA, "supplier_name", "award_value", "direct_award_justification"),
    NoticeType.UK6: (*COMMON, *PA, "supplier_name", "supplier_identifier", "award_value", "award_date"),
    NoticeType.UK7: (*COMMON, *PA, "supplier_name", "contract_start", "contract_value", "date_signed"),
    NoticeType.UK10: (*COMMON, *PA, "supplier_name", "contract_value", "latest_amendment"),
    NoticeType.UK11: (*COMMON, *PA, "supplier_name", "contract_end"),
    NoticeType.UK12: (*COMMON, *PA, "tender_status"),
    NoticeType.UK13: (*COMMON, *PA, "cpv", "lots", "contract_period"),
    NoticeType.UK14: (*COMMON, *PA, "cpv", "lots", "contract_period", "procedure"),
    NoticeType.UK15: (*COMMON, *PA, "lots", "contract_period"),
    NoticeType.UK16: (*COMMON, *PA, "contract_period"),
    NoticeType.F02: (*COMMON, "cpv", "lots", "procedure", "contract_period", "estimated_value"),
    NoticeType.F03: (*COMMON, "supplier_name", "award_value", "award_date", "bids_received"),
    NoticeType.F20: (*COMMON, "supplier_name", "contract_value", "latest_amendment"),
    NoticeType.F21: (*COMMON, "cpv", "lots", "procedure", "contract_period"),
}
LABELS = {
    "title": "title",
    "buyer_name": "contracting authority's name",
    "buyer_ppon": "contracting authority's unique identifier (PPON) on the Central Digital Platform",
    "buyer_contact_email": "contact email for enquiries",
    "cpv": "CPV classification",
    "lots": "lots",
    "procedure": "procedure",
    "tender_period_end": "deadline for tenders",
    "contract_period": "term",
    "estimated_value": "estimated total value",
    "award_criteria": "award criteria",
    "supplier_name": "supplier",
    "supplier_identifier": "supplier's unique identifier (Companies House number or PPON)",
    "award_value": "awarded value",
    "award_date": "award decision date",
    "standstill_end": "end of the standstill period",
    "contract_start": "contract start date",
    "contract_end": "date the contract ended",
    "contract_value": "contract value",
    "date_signed": "date the contract was entered into (the signed placement agreement)",
    "latest_amendment": "the modification",
    "bids_received": "number of tenders received",
    "tender_status": "status of the procurement",
    "direct_award_justification": "direct award justification (PA 2023 Schedule 5)",
}


@dataclass(frozen=True, slots=True)
class Draft:
    fields: dict[str, Any]
    missing: tuple[str, ...]  # what must be added before the notice can be filed

    @property
    def ready(self) -> bool:
        return not self.missing


def draft(notice_type: NoticeType, compiled_release: dict[str, Any]) -> Draft:
    """The notice as far as the data held fills it, and the labels of what is still missing."""
    known = _fields(compiled_release)
    wanted = REQUIRED.get(notice_type, COMMON)
    fields = {name: known.get(name) for name in wanted}
    missing = tuple(LABELS[name] for name in wanted if fields[name] in (None, [], ""))
    return Draft(fields=fields, missing=missing)


# --- reminders ---------------------------------------------------------------------------------

# Officers are reminded a week before a notice falls due and on the day, until it is filed.
REMINDER_DAYS_BEFORE = (7, 0)


@dataclass(frozen=True, slots=True)
class ReminderState:
    due_key: str | None  # the reminder to send now (unique: it is sent once), None if none is due
    next_on: date | None  # the day of the next reminder, None when none is left


def reminder_state(notice_id: int, due_on: date, today: date, published: bool) -> ReminderState:
    """Which reminder of a notice is due `today` and when the next one is; nothing once filed."""
    if published:
        return ReminderState(None, None)
    days = [due_on - timedelta(days=n) for n in REMINDER_DAYS_BEFORE]
    passed = [d for d in days if d <= today]
    ahead = [d for d in days if d > today]
    key = f"notice:{notice_id}:reminder:{passed[-1].isoformat()}" if passed else None
    return ReminderState(key, ahead[0] if ahead else None)
