"""Releases built from facts: the shape OCDS wants, and the privacy and sealing rules."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dps.transparency.domain.facts import (
    ArrangementFacts,
    AwardFacts,
    CallOffFacts,
    FeeChange,
    LotFacts,
    MembershipFacts,
    Organisation,
    PlacementFacts,
)
from dps.transparency.domain.releases import arrangement_release, call_off_release, ocds_amount
from tests.support.transparency import FORBIDDEN_CHILD_KEYS, keys_of, release_errors

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BOLTON = Organisation("authority-1", "Bolton Council", ons_code="E08000001")
WIGAN = Organisation("authority-2", "Wigan Council", ons_code="E08000010")
HOMES = Organisation("provider-7", "Safe Homes Ltd", company_number="20000007", postcode="M1 1AE")
CARE = Organisation("provider-8", "Care Ltd", company_number="20000008", postcode="M2 2AE")
LOT = LotFacts(7, "LOT-1", "Children's homes 8-17", "", ("standard", "complex"), ("8-12", "13-17"), 300_000, 500_000)


def arrangement(profile: str = "pcr2015_dps", **changes: object) -> ArrangementFacts:
    facts = ArrangementFacts(
        id=3,
        reference="NW-RES-DPS",
        title="North West residential DPS",
        service_type="residential",
        profile_code=profile,
        status="open",
        term_start=date(2026, 11, 1),
        term_end=date(2029, 2, 23),
        quality_threshold=Decimal("60.00"),
        lead=BOLTON,
        members=(BOLTON, WIGAN),
        lots=(LOT,),
        memberships=(),
        published_at=T0,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def call_off(**changes: object) -> CallOffFacts:
    facts = CallOffFacts(
        id=11,
        arrangement_id=3,
        arrangement_reference="NW-RES-DPS",
        arrangement_title="North West residential DPS",
        profile_code="pcr2015_dps",
        service_type="residential",
        lot=LOT,
        buyer=BOLTON,
        status="published",
        need_level="complex",
        published_at=T0,
        deadline=T0 + timedelta(days=10),
        quality_weight=Decimal("50"),
        price_weight=Decimal("30"),
        proximity_weight=Decimal("20"),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def release_of_arrangement(f: ArrangementFacts, at: datetime = T0) -> dict:
    return arrangement_release(f, "ocds-test-arrangement-3", "ocds-test-arrangement-3-1", at, ["tender"])


def release_of_call_off(f: CallOffFacts, at: datetime = T0) -> dict:
    return call_off_release(
        f, "ocds-test-call-off-11", "ocds-test-arrangement-3", "ocds-test-call-off-11-1", at, ["tender"]
    )


def test_a_dps_is_a_tender_with_the_dynamic_purchasing_system_technique_lots_and_cpv() -> None:
    release = release_of_arrangement(arrangement())
    assert release_errors(release) == []
    tender = release["tender"]
    assert tender["techniques"]["hasDynamicPurchasingSystem"] is True
    assert tender["techniques"]["dynamicPurchasingSystem"] == {"type": "closed", "status": "active"}
    assert [lot["id"] for lot in tender["lots"]] == ["7"] and "£3,000.00 to £5,000.00" in tender["lots"][0][
        "description"
    ]
    assert tender["items"][0]["classification"] == {
        "scheme": "CPV",
        "id": "85311000",
        "description": "Welfare services involving accommodation",
    }
    assert tender["items"][0]["additionalClassifications"][0]["id"] == "85311300"
    assert {p["id"]: p["roles"] for p in release["parties"]} == {
        "authority-1": ["buyer", "procuringEntity"],
        "authority-2": ["buyer"],
    }


def test_an_open_framework_carries_the_uk_extension_fields() -> None:
    release = release_of_arrangement(arrangement("pa2023_open_framework", term_end=date(2034, 10, 31)))
    assert release_errors(release) == []
    agreement = release["tender"]["techniques"]["frameworkAgreement"]
    assert release["tender"]["techniques"]["hasFrameworkAgreement"] is True
    assert (
        agreement["isOpenFrameworkScheme"] is True and agreement["openFrameworkSchemeEndDate"] == "2034-10-31T00:00:00Z"
    )


def test_a_membership_that_starts_adds_a_supplier_and_one_that_ends_removes_it() -> None:
    started = MembershipFacts(21, 7, HOMES, "active", date(2026, 11, 25))
    before = release_of_arrangement(arrangement(memberships=(started,)))
    [amendment] = before["contracts"][0]["amendments"]
    assert amendment["suppliersAdded"] == [{"id": "provider-7", "name": "Safe Homes Ltd"}]
    assert before["awards"][0]["suppliers"] == [{"id": "provider-7", "name": "Safe Homes Ltd"}]

    removed = replace(started, status="removed", ended_at=T0 + timedelta(days=30))
    other = MembershipFacts(22, 7, CARE, "active", date(2026, 12, 1))
    after = release_of_arrangement(arrangement(memberships=(removed, other)), T0 + timedelta(days=30))
    assert release_errors(after) == []
    amendments = after["contracts"][0]["amendments"]
    assert [a["id"] for a in amendments] == ["membership-21-added", "membership-22-added", "membership-21-removed"]
    assert amendments[-1]["suppliersRemoved"] == [{"id": "provider-7", "name": "Safe Homes Ltd"}]
    assert after["awards"][0]["suppliers"] == [{"id": "provider-8", "name": "Care Ltd"}]
    assert {p["id"]: p["roles"] for p in after["parties"]}["provider-7"] == ["removedSupplier"]


@pytest.mark.parametrize("status", ["removed", "expired"])
def test_a_membership_removed_or_expired_removes_its_supplier_on_the_day_it_ended(status: str) -> None:
    ended = MembershipFacts(21, 7, HOMES, status, date(2026, 11, 25), ended_at=T0 + timedelta(days=40))
    release = release_of_arrangement(arrangement(memberships=(ended,)), T0 + timedelta(days=40))
    assert release_errors(release) == []
    removal = release["contracts"][0]["amendments"][-1]
    assert removal["suppliersRemoved"] == [{"id": "provider-7", "name": "Safe Homes Ltd"}]
    assert removal["date"] == "2027-01-02T10:00:00Z" and release["awards"][0]["suppliers"] == []


def test_a_suspended_membership_is_not_a_removal() -> None:
    suspended = MembershipFacts(21, 7, HOMES, "suspended", date(2026, 11, 25))
    release = release_of_arrangement(arrangement(memberships=(suspended,)))
    assert [a["id"] for a in release["contracts"][0]["amendments"]] == ["membership-21-added"]


def test_before_the_deadline_not_even_the_number_of_offers_appears() -> None:
    # Even handed a count, the builder leaves it out while the deadline is ahead.
    f = call_off(offers_submitted=3, closed_at=T0 + timedelta(days=9))
    release = release_of_call_off(f, at=f.deadline - timedelta(seconds=1))
    assert "bids" not in release and "numberOfTenderers" not in release["tender"]
    assert release_errors(release) == []


def test_after_the_deadline_the_bid_statistics_give_the_count() -> None:
    f = call_off(status="closed", offers_submitted=2, closed_at=T0 + timedelta(days=10, seconds=1))
    release = release_of_call_off(f, at=f.deadline + timedelta(seconds=1))
    assert release["bids"]["statistics"] == [
        {"id": "bids", "measure": "bids", "value": 2, "date": "2026-12-03T10:00:01Z", "relatedLot": "7"}
    ]
    assert release["tender"]["numberOfTenderers"] == 2
    assert release_errors(release) == []


def test_the_call_off_facts_hold_no_child_data_and_no_offer_content() -> None:
    names = (
        {f.name for f in fields(CallOffFacts)}
        | {f.name for f in fields(AwardFacts)}
        | {f.name for f in fields(PlacementFacts)}
    )
    assert (
        names & (FORBIDDEN_CHILD_KEYS | {"answers", "notes", "additional_services", "rate_card", "setting_id"}) == set()
    )


def awarded(**placement: object) -> CallOffFacts:
    won = AwardFacts(HOMES, 450_000, T0 + timedelta(days=11), None, T0 + timedelta(days=11))
    p = PlacementFacts(5, date(2026, 12, 14), 450_000, T0 + timedelta(days=11))
    return call_off(
        status="concluded",
        offers_submitted=2,
        closed_at=T0 + timedelta(days=10),
        award=won,
        placement=replace(p, **placement),  # type: ignore[arg-type]
    )


def test_the_provider_price_appears_only_as_the_awarded_value() -> None:
    release = release_of_call_off(awarded(), at=T0 + timedelta(days=12))
    assert release_errors(release) == []
    assert release["awards"][0]["value"] == {"amount": 4500, "currency": "GBP"}
    assert release["contracts"][0]["value"] == {"amount": 4500, "currency": "GBP"}
    text = json.dumps(release)
    assert text.count('"amount"') == 2  # the award and the contract, nothing else priced
    assert keys_of(release) & FORBIDDEN_CHILD_KEYS == set()


def test_each_fee_variation_is_an_amendment_and_an_ended_placement_terminates_the_contract() -> None:
    changes = (
        FeeChange(T0 + timedelta(days=130), date(2027, 4, 1), 450_000, 467_100),
        FeeChange(T0 + timedelta(days=200), None, 467_100, 470_000),
    )
    release = release_of_call_off(
        awarded(fee_changes=changes, weekly_fee_pence=470_000, ended_on=date(2027, 8, 1), ending_kind="planned"),
        at=T0 + timedelta(days=260),
    )
    assert release_errors(release) == []
    contract = release["contracts"][0]
    assert [a["id"] for a in contract["amendments"]] == ["fee-variation-1", "fee-variation-2"]
    assert "£4,500.00 to £4,671.00 from 2027-04-01" in contract["amendments"][0]["description"]
    assert contract["status"] == "terminated" and contract["period"]["endDate"] == "2027-08-01T00:00:00Z"
    assert contract["value"]["amount"] == 4700


def test_the_call_off_links_to_its_arrangement() -> None:
    release = release_of_call_off(call_off())
    assert release["relatedProcesses"] == [
        {"id": "arrangement", "relationship": ["framework"], "title": "North West residential DPS",
         "scheme": "ocid", "identifier": "ocds-test-arrangement-3"}
    ]  # fmt: skip
    assert "Girl" not in release["tender"]["title"]


@pytest.mark.parametrize(
    ("pence", "pounds"), [(0, 0), (1, 0.01), (99, 0.99), (100, 1), (450_000, 4500), (467_155, 4671.55)]
)
def test_pence_become_pounds_only_in_the_amount(pence: int, pounds: float) -> None:
    assert ocds_amount(pence) == pounds


@pytest.mark.parametrize(
    ("status", "tender_status"),
    [
        ("published", "active"),
        ("closed", "active"),
        ("concluded", "complete"),
        ("no_award", "unsuccessful"),
        ("cancelled", "cancelled"),
    ],
)
def test_call_off_status_maps_to_the_closed_tender_status_codelist(status: str, tender_status: str) -> None:
    release = release_of_call_off(call_off(status=status))
    assert release["tender"]["status"] == tender_status and release_errors(release) == []


def test_the_tender_period_of_a_framework_with_windows_is_the_window_open_now_or_next() -> None:
    first = (T0, T0 + timedelta(days=14))
    second = (T0 + timedelta(days=365), T0 + timedelta(days=379))
    f = arrangement("pa2023_open_framework", windows=(first, second))
    during = release_of_arrangement(f, T0 + timedelta(days=14))  # the closing moment still counts
    after = release_of_arrangement(f, T0 + timedelta(days=14, seconds=1))
    assert during["tender"]["tenderPeriod"]["endDate"] == "2026-12-07T10:00:00Z"
    assert after["tender"]["tenderPeriod"]["endDate"] == "2027-12-07T10:00:00Z"
    assert [m["status"] for m in after["tender"]["milestones"]] == ["met", "scheduled"]
    assert release_errors(after) == []
