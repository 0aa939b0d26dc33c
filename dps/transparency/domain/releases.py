"""OCDS 1.1 releases of our contracting processes, built from `facts` alone.

One contracting process (one `ocid`) per arrangement and one per call-off. Each release is a full
snapshot of what may be public about its process at the release's date, so a record compiled by
the merge rules equals the latest release plus history (see `merge.py`). Extensions used (the
package lists them): lots, bid (bid statistics), techniques (framework agreement / DPS, with the
Cabinet Office UK extension's open framework fields), awardCriteria, and the UK extension's
`suppliersAdded`/`suppliersRemoved` on contract amendments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from dps.transparency.domain.facts import (
    ArrangementFacts,
    CallOffFacts,
    LotFacts,
    MembershipFacts,
    MovedPlacementFacts,
    Organisation,
    PlacementFacts,
)

Json = dict[str, Any]

# Common Procurement Vocabulary (Regulation (EC) 2195/2002, kept in UK law) for our service types;
# 85311300 "Welfare services for children and young people" is added to every one.
CHILDREN = ("85311300", "Welfare services for children and young people")
CPV_BY_SERVICE: dict[str, tuple[str, str]] = {
    "fostering": ("85311300", "Welfare services for children and young people"),
    "residential": ("85311000", "Welfare services involving accommodation"),
    "supported_accommodation": ("85311000", "Welfare services involving accommodation"),
    "send": ("80340000", "Special education services"),
}
SERVICE_LABELS = {
    "fostering": "Fostering",
    "residential": "Children's homes",
    "supported_accommodation": "Supported accommodation for 16-17 year olds",
    "send": "Independent and non-maintained special schools",
}
PROFILE_DETAILS = {
    "pcr2015_dps": "Dynamic purchasing system (Public Contracts Regulations 2015 reg 34), restricted procedure",
    "light_touch": (
        "Flexible purchasing system under the light touch regime (Public Contracts Regulations 2015 reg 74-76)"
    ),
    "pa2023_dynamic_market": "Dynamic market (Procurement Act 2023 s.35-39)",
    "pa2023_open_framework": "Open framework (Procurement Act 2023 s.49), competitive flexible procedure",
    "pa2023_framework": "Framework (Procurement Act 2023 s.45-47), competitive flexible procedure",
}
DYNAMIC = {"pcr2015_dps", "pa2023_dynamic_market"}
ARRANGEMENT_TENDER_STATUS = {
    "open": "active",
    "suspended": "active",
    "closed": "complete",
    "expired": "complete",
    "draft": "planning",
}
CALL_OFF_TENDER_STATUS = {
    "published": "active",
    "closed": "active",
    "evaluated": "active",
    "awarded": "complete",
    "concluded": "complete",
    "no_award": "unsuccessful",
    "cancelled": "cancelled",
}


def ocds_datetime(at: datetime) -> str:
    """RFC 3339 in UTC, as OCDS's date-time fields want."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ocds_day(day: date) -> str:
    """A calendar day as the start of that day in UTC (OCDS has no date-only fields)."""
    return ocds_datetime(datetime.combine(day, time(0, 0), tzinfo=UTC))


def ocds_amount(pence: int) -> int | float:
    """Integer pence as the pounds OCDS `Value.amount` holds (the one place pence become pounds)."""
    return pence // 100 if pence % 100 == 0 else float(Decimal(pence) / 100)


def gbp(pence: int) -> Json:
    return {"amount": ocds_amount(pence), "currency": "GBP"}


def pounds_text(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def org_ref(org: Organisation) -> Json:
    return {"id": org.key, "name": org.name}


def party(org: Organisation, roles: list[str]) -> Json:
    out: Json = {"id": org.key, "name": org.name, "roles": roles}
    if org.company_number:
        out["identifier"] = {"scheme": "GB-COH", "id": org.company_number, "legalName": org.name}
    if org.postcode:
        out["address"] = {"postalCode": org.postcode, "countryName": "United Kingdom", "country": "GB"}
    elif org.ons_code:
        out["address"] = {"region": org.ons_code, "countryName": "United Kingdom", "country": "GB"}
    return out


def _classifications(service_type: str) -> tuple[Json, list[Json]]:
    code, label = CPV_BY_SERVICE.get(service_type, CHILDREN)
    main = {"scheme": "CPV", "id": code, "description": label}
    extra = [] if code == CHILDREN[0] else [{"scheme": "CPV", "id": CHILDREN[0], "description": CHILDREN[1]}]
    return main, extra


def _item(item_id: str, description: str, service_type: str, lot_id: int) -> Json:
    main, extra = _classifications(service_type)
    item: Json = {"id": item_id, "description": description, "classification": main, "relatedLot": str(lot_id)}
    if extra:
        item["additionalClassifications"] = extra
    return item


def _lot_description(lot: LotFacts) -> str:
    parts = [lot.description] if lot.description else []
    if lot.age_bands:
        parts.append("Age bands: " + ", ".join(lot.age_bands) + ".")
    if lot.need_levels:
        parts.append("Need levels: " + ", ".join(lot.need_levels) + ".")
    if lot.floor_pence is not None and lot.ceiling_pence is not None:
        parts.append(f"Agreed weekly fees from {pounds_text(lot.floor_pence)} to {pounds_text(lot.ceiling_pence)}.")
    return " ".join(parts) or lot.title


def _techniques(f: ArrangementFacts) -> Json:
    period = {"startDate": ocds_day(f.term_start), "endDate": ocds_day(f.term_end)}
    if f.profile_code in DYNAMIC:
        status = "active" if f.status in ("open", "suspended") else "terminated"
        return {
            "hasDynamicPurchasingSystem": True,
            "dynamicPurchasingSystem": {"type": "closed", "status": status},
            "hasFrameworkAgreement": False,
        }
    agreement: Json = {"method": "withReopeningCompetition", "type": "closed", "period": period}
    if f.profile_code == "pa2023_open_framework":
        # An open framework ends at the latest 8 years after its first award (PA 2023 s.49(3)).
        agreement["isOpenFrameworkScheme"] = True
        agreement["openFrameworkSchemeEndDate"] = ocds_day(f.term_end)
    return {"hasFrameworkAgreement": True, "frameworkAgreement": agreement, "hasDynamicPurchasingSystem": False}


def _amendments(memberships: list[MembershipFacts], lot: LotFacts) -> list[Json]:
    out: list[tuple[str, Json]] = []
    for m in memberships:
        added_at = ocds_day(m.started_on)
        out.append(
            (
                added_at,
                {
                    "id": f"membership-{m.id}-added",
                    "date": added_at,
                    "rationale": f"Admitted to lot {lot.code}",
                    "suppliersAdded": [org_ref(m.supplier)],
                },
            )
        )
        if m.ended_at is not None and m.status in ("removed", "expired"):
            removed_at = ocds_datetime(m.ended_at)
            out.append(
                (
                    removed_at,
                    {
                        "id": f"membership-{m.id}-removed",
                        "date": removed_at,
                        "rationale": f"Membership of lot {lot.code} {m.status}",
                        "suppliersRemoved": [org_ref(m.supplier)],
                    },
                )
            )
    return [a for _, a in sorted(out, key=lambda pair: (pair[0], pair[1]["id"]))]


def arrangement_release(f: ArrangementFacts, ocid: str, release_id: str, at: datetime, tags: list[str]) -> Json:
    """The release of an arrangement's process: tender, lots, techniques, and per lot an award and
    an agreement whose amendments add and remove suppliers as memberships start and end."""
    service = SERVICE_LABELS.get(f.service_type, f.service_type)
    live = {"active", "suspended"}
    by_provider: dict[str, tuple[Organisation, bool]] = {}
    for m in f.memberships:
        seen = by_provider.get(m.supplier.key)
        by_provider[m.supplier.key] = (m.supplier, (seen[1] if seen else False) or m.status in live)
    parties = [party(f.lead, ["buyer", "procuringEntity"])]
    parties += [party(o, ["buyer"]) for o in f.members if o.key != f.lead.key]
    parties += [party(org, ["supplier"] if current else ["removedSupplier"]) for org, current in by_provider.values()]
    tender: Json = {
        "id": f.reference,
        "title": f.title,
        "description": (
            f"{service} for the children in the care of {len(f.members) or 1} council(s), led by {f.lead.name}. "
            f"{PROFILE_DETAILS.get(f.profile_code, f.profile_code)}."
        ),
        "status": ARRANGEMENT_TENDER_STATUS.get(f.status, "active"),
        "procuringEntity": org_ref(f.lead),
        "procurementMethod": "selective",
        "procurementMethodDetails": PROFILE_DETAILS.get(f.profile_code, f.profile_code),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": (
            "Pass/fail and weighted quality questions; suppliers meeting the quality threshold of "
            f"{f.quality_threshold}% are admitted to each lot they applied for."
        ),
        "submissionMethod": ["electronicSubmission"],
        "contractPeriod": {"startDate": ocds_day(f.term_start), "endDate": ocds_day(f.term_end)},
        "techniques": _techniques(f),
        "items": [_item(str(lot.id), lot.title, f.service_type, lot.id) for lot in f.lots],
        "lots": [
            {
                "id": str(lot.id),
                "identifiers": [{"id": lot.code}],
                "title": lot.title,
                "description": _lot_description(lot),
                "status": ARRANGEMENT_TENDER_STATUS.get(f.status, "active"),
                "contractPeriod": {"startDate": ocds_day(f.term_start), "endDate": ocds_day(f.term_end)},
            }
            for lot in f.lots
        ],
    }
    if f.profile_code in DYNAMIC and f.published_at is not None:
        # Suppliers may apply at any time while the system is open (PCR 2015 reg 34(6)).
        tender["tenderPeriod"] = {"startDate": ocds_datetime(f.published_at), "endDate": ocds_day(f.term_end)}
    if f.windows:
        # Suppliers apply in the reopening windows (PA 2023 s.49; PCR 2015 light touch as designed):
        # the tender period is the window open now, or the next one, or else the last.
        current = next((w for w in f.windows if w[1] >= at), f.windows[-1])
        tender["tenderPeriod"] = {"startDate": ocds_datetime(current[0]), "endDate": ocds_datetime(current[1])}
        tender["milestones"] = [
            {
                "id": f"window-{n}",
                "title": "Reopening window: suppliers may apply to join",
                "type": "engagement",
                "dueDate": ocds_datetime(closes),
                "description": f"Opens {ocds_datetime(opens)}, closes {ocds_datetime(closes)}.",
                "status": "met" if closes < at else "scheduled",
            }
            for n, (opens, closes) in enumerate(f.windows, start=1)
        ]
    awards: list[Json] = []
    contracts: list[Json] = []
    for lot in f.lots:
        members = [m for m in f.memberships if m.lot_id == lot.id]
        if not members:
            continue
        award_id = f"lot-{lot.id}"
        suppliers = {m.supplier.key: m.supplier for m in members if m.status in live}
        awards.append(
            {
                "id": award_id,
                "title": f"Suppliers admitted to lot {lot.code}",
                "status": "active",
                "date": ocds_day(min(m.started_on for m in members)),
                "relatedLots": [str(lot.id)],
                "suppliers": [org_ref(o) for o in suppliers.values()],
            }
        )
        contracts.append(
            {
                "id": f"lot-{lot.id}-agreement",
                "awardID": award_id,
                "title": f"{f.title}: lot {lot.code} agreement",
                "status": "active" if f.status in ("open", "suspended") else "terminated",
                "period": {"startDate": ocds_day(f.term_start), "endDate": ocds_day(f.term_end)},
                "amendments": _amendments(members, lot),
            }
        )
    release: Json = {
        "ocid": ocid,
        "id": release_id,
        "date": ocds_datetime(at),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": org_ref(f.lead),
        "tender": tender,
    }
    if awards:
        release["awards"] = awards
        release["contracts"] = contracts
    return release


def _weight(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def call_off_release(
    f: CallOffFacts,
    ocid: str,
    arrangement_ocid: str,
    release_id: str,
    at: datetime,
    tags: list[str],
    *,
    successor_ocid: str | None = None,
) -> Json:
    """The release of a call-off's process: its lot, need level, dates and criteria; the count of
    offers once the deadline has passed; the award and the placement contract with an amendment
    per fee variation and its termination. Never the child, never an offer's content."""
    parties = [party(f.buyer, ["buyer", "procuringEntity"])]
    tender: Json = {
        "id": f"call-off-{f.id}",
        "title": f"Placement request {f.id} under {f.arrangement_reference}, lot {f.lot.code}",
        "description": (
            f"{SERVICE_LABELS.get(f.service_type, f.service_type)} placement called off from lot "
            f"{f.lot.code} ({f.lot.title}) of {f.arrangement_title}; need level {f.need_level}."
        ),
        "status": CALL_OFF_TENDER_STATUS.get(f.status, "active"),
        "procuringEntity": org_ref(f.buyer),
        "procurementMethod": "selective",
        "procurementMethodDetails": "Call-off competition among every eligible member of the lot",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": ocds_datetime(f.published_at), "endDate": ocds_datetime(f.deadline)},
        "items": [_item("1", f"Placement, need level {f.need_level}", f.service_type, f.lot.id)],
        "lots": [
            {
                "id": str(f.lot.id),
                "identifiers": [{"id": f.lot.code}],
                "title": f.lot.title,
                "status": CALL_OFF_TENDER_STATUS.get(f.status, "active"),
                "awardCriteria": {
                    "criteria": [
                        {
                            "type": "quality",
                            "name": "Quality",
                            "numbers": [{"number": _weight(f.quality_weight), "weight": "percentageExact"}],
                        },
                        {
                            "type": "price",
                            "name": "Weekly fee",
                            "numbers": [{"number": _weight(f.price_weight), "weight": "percentageExact"}],
                        },
                        {
                            "type": "quality",
                            "name": "Proximity to the child's home area",
                            "numbers": [{"number": _weight(f.proximity_weight), "weight": "percentageExact"}],
                        },
                    ]
                },
            }
        ],
    }
    release: Json = {
        "ocid": ocid,
        "id": release_id,
        "date": ocds_datetime(at),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": org_ref(f.buyer),
        "relatedProcesses": [
            {
                "id": "arrangement",
                "relationship": ["framework"],
                "title": f.arrangement_title,
                "scheme": "ocid",
                "identifier": arrangement_ocid,
            }
        ],
        "tender": tender,
    }
    # Sealed until the deadline: not even the number of offers (PCR 2015 reg 34; PA 2023 s.21).
    if f.offers_submitted is not None and f.closed_at is not None and at >= f.deadline:
        tender["numberOfTenderers"] = f.offers_submitted
        release["bids"] = {
            "statistics": [
                {
                    "id": "bids",
                    "measure": "bids",
                    "value": f.offers_submitted,
                    "date": ocds_datetime(f.closed_at),
                    "relatedLot": str(f.lot.id),
                }
            ]
        }
    if f.award is not None:
        a = f.award
        parties.append(party(a.supplier, ["supplier"]))
        award: Json = {
            "id": "award",
            "title": "Weekly fee of the awarded offer",
            "status": "active" if a.concluded_at is not None else "pending",
            "date": ocds_datetime(a.awarded_at),
            "value": gbp(a.weekly_fee_pence),
            "suppliers": [org_ref(a.supplier)],
            "relatedLots": [str(f.lot.id)],
        }
        if a.standstill_ends_at is not None:
            award["standstillPeriod"] = {
                "startDate": ocds_datetime(a.awarded_at),
                "endDate": ocds_datetime(a.standstill_ends_at),
            }
        release["awards"] = [award]
        if f.placement is not None:
            release["contracts"] = [placement_contract(f.placement, "award")]
            if successor_ocid is not None:
                release["relatedProcesses"].append(replaced_by(successor_ocid))
    return release


def replaced_by(successor_ocid: str) -> Json:
    """The link from a placement's process to the one a move made to replace its contract."""
    return {
        "id": "replaced-by",
        "relationship": ["replacementProcess"],
        "title": "The placement that replaced this one",
        "scheme": "ocid",
        "identifier": successor_ocid,
    }


def placement_contract(p: PlacementFacts, award_id: str) -> Json:
    """A placement as the contract of its award: the Individual Placement Agreement's weekly fee,
    an amendment per fee variation (a contract variation), the end as its termination."""
    contract: Json = {
        "id": f"placement-{p.id}",
        "awardID": award_id,
        "title": "Individual placement agreement (weekly fee)",
        "status": "terminated" if p.ended_on is not None else "active",
        "period": {"startDate": ocds_day(p.start_date)},
        "value": gbp(p.weekly_fee_pence),
    }
    if p.ended_on is not None:
        contract["period"]["endDate"] = ocds_day(p.ended_on)
    if p.signed_at is not None:
        contract["dateSigned"] = ocds_datetime(p.signed_at)
    if p.fee_changes:
        contract["amendments"] = [
            {
                "id": f"fee-variation-{n}",
                "date": ocds_datetime(c.at),
                "rationale": "Contract variation of the weekly fee",
                "description": (
                    f"Weekly fee changed from {pounds_text(c.old_pence)} to {pounds_text(c.new_pence)}"
                    + (f" from {c.from_day.isoformat()}" if c.from_day else "")
                ),
                "value": gbp(c.new_pence),
            }
            for n, c in enumerate(p.fee_changes, start=1)
        ]
    return contract


# How a moved placement was bought (tender.procurementMethodDetails / procurementMethodRationale).
MOVE_UNDER_ARRANGEMENT = (
    "Call-off under the arrangement without competition: the placing council moved the child to a "
    "member's setting that passed the same checks as an offer (eligible in the lot, the weekly fee "
    "within the lot's band and the member's approved rate card)"
)
SPOT_PURCHASE = "Spot purchase outside the arrangement, recorded on purpose by the placing council"
SPOT_PURCHASE_RATIONALE = (
    "No setting under the arrangement could be used for this placement. The council's recorded reason "
    "is not published: it may identify the child."
)


def placement_release(
    f: MovedPlacementFacts,
    ocid: str,
    arrangement_ocid: str,
    prior_ocid: str,
    release_id: str,
    at: datetime,
    tags: list[str],
    *,
    successor_ocid: str | None = None,
) -> Json:
    """The release of a placement a move made, its own contracting process (OCDS 1.1 guidance on
    framework agreements: each call-off is a contracting process of its own, related to the
    framework's). Under the arrangement it is a non-competitive call-off (`competitive: false`,
    relationship `framework`); a spot purchase is a direct award outside it (no framework
    relationship, no lot). Either way it is the replacement of the placement it follows
    (relationship `prior`), and points on to its own replacement once there is one
    (`replacementProcess`), and carries the lot or service, the need level, the supplier and the
    agreed weekly fee: never the child, never the reason recorded for a spot purchase."""
    p = f.placement
    service = SERVICE_LABELS.get(f.service_type, f.service_type)
    related: list[Json] = [
        {
            "id": "replaces",
            "relationship": ["prior"],
            "title": "The placement this one replaces",
            "scheme": "ocid",
            "identifier": prior_ocid,
        }
    ]
    tender: Json = {
        "id": f"placement-{p.id}",
        "status": "complete",
        "procuringEntity": org_ref(f.buyer),
        "procurementMethod": "direct",
        "mainProcurementCategory": "services",
    }
    item: Json = _item("1", f"Placement, need level {f.need_level}", f.service_type, f.lot.id)
    # The award is the fee agreed at the move; later variations amend the contract, not the award.
    awarded_pence = p.fee_changes[0].old_pence if p.fee_changes else p.weekly_fee_pence
    award: Json = {
        "id": "award",
        "title": "Weekly fee agreed for the placement",
        "status": "active",
        "date": ocds_datetime(p.created_at),
        "value": gbp(awarded_pence),
        "suppliers": [org_ref(f.supplier)],
    }
    if f.off_framework:
        item.pop("relatedLot")
        tender |= {
            "title": f"Placement {p.id}: spot purchase outside {f.arrangement_reference}",
            "description": f"{service} placement bought outside {f.arrangement_title}; need level {f.need_level}.",
            "procurementMethodDetails": SPOT_PURCHASE,
            "procurementMethodRationale": SPOT_PURCHASE_RATIONALE,
            "items": [item],
        }
    else:
        related.insert(
            0,
            {
                "id": "arrangement",
                "relationship": ["framework"],
                "title": f.arrangement_title,
                "scheme": "ocid",
                "identifier": arrangement_ocid,
            },
        )
        tender |= {
            "title": f"Placement {p.id} under {f.arrangement_reference}, lot {f.lot.code}",
            "description": (
                f"{service} placement called off from lot {f.lot.code} ({f.lot.title}) of {f.arrangement_title} "
                f"without competition; need level {f.need_level}."
            ),
            "procurementMethodDetails": MOVE_UNDER_ARRANGEMENT,
            "competitive": False,
            "items": [item],
            "lots": [
                {"id": str(f.lot.id), "identifiers": [{"id": f.lot.code}], "title": f.lot.title, "status": "complete"}
            ],
        }
        award["relatedLots"] = [str(f.lot.id)]
    if successor_ocid is not None:
        related.append(replaced_by(successor_ocid))
    return {
        "ocid": ocid,
        "id": release_id,
        "date": ocds_datetime(at),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": [party(f.buyer, ["buyer", "procuringEntity"]), party(f.supplier, ["supplier"])],
        "buyer": org_ref(f.buyer),
        "relatedProcesses": related,
        "tender": tender,
        "awards": [award],
        "contracts": [placement_contract(p, "award")],
    }
