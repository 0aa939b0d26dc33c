"""A placement a move made: its own contracting process, a call-off without competition under the
arrangement or a spot purchase outside it; its release, its notices, never the child."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dps.transparency.domain.facts import FeeChange, LotFacts, MovedPlacementFacts, Organisation, PlacementFacts
from dps.transparency.domain.merge import compiled_release
from dps.transparency.domain.notices import draft, moved_placement_notices
from dps.transparency.domain.releases import call_off_release, placement_release
from tests.support.transparency import FORBIDDEN_CHILD_KEYS, keys_of, release_errors

T0 = datetime(2026, 12, 20, 10, 0, tzinfo=UTC)
OCID = "ocds-test-placement-9"
BOLTON = Organisation("authority-1", "Bolton Council", ons_code="E08000001")
CARE = Organisation("provider-8", "Care Ltd", company_number="20000008", postcode="M2 2AE")
LOT = LotFacts(7, "LOT-1", "Children's homes 8-17", "", ("standard", "complex"), ("8-12", "13-17"), 300_000, 500_000)


def moved(off_framework: bool = False, **placement: object) -> MovedPlacementFacts:
    p = PlacementFacts(9, date(2026, 12, 20), 125_000, T0)
    return MovedPlacementFacts(
        placement=replace(p, **placement),  # type: ignore[arg-type]
        arrangement_id=3,
        arrangement_reference="NW-RES-DPS",
        arrangement_title="North West residential DPS",
        profile_code="pcr2015_dps",
        service_type="residential",
        lot=LOT,
        buyer=BOLTON,
        supplier=CARE,
        need_level="complex",
        off_framework=off_framework,
        previous_placement_id=5,
        previous_call_off_id=11,
    )


def release_of(f: MovedPlacementFacts, at: datetime = T0, tags: list[str] | None = None, n: int = 1) -> dict:
    return placement_release(
        f, OCID, "ocds-test-arrangement-3", "ocds-test-call-off-11", f"{OCID}-{n}", at, tags or ["award", "contract"]
    )


def test_a_move_under_the_arrangement_is_a_call_off_without_competition_related_to_the_framework() -> None:
    release = release_of(moved())
    assert release_errors(release) == []
    assert release["tag"] == ["award", "contract"]
    tender = release["tender"]
    assert (tender["procurementMethod"], tender["competitive"], tender["status"]) == ("direct", False, "complete")
    assert [lot["id"] for lot in tender["lots"]] == ["7"] and tender["items"][0]["relatedLot"] == "7"
    assert release["relatedProcesses"] == [
        {"id": "arrangement", "relationship": ["framework"], "title": "North West residential DPS",
         "scheme": "ocid", "identifier": "ocds-test-arrangement-3"},
        {"id": "replaces", "relationship": ["prior"], "title": "The placement this one replaces",
         "scheme": "ocid", "identifier": "ocds-test-call-off-11"},
    ]  # fmt: skip
    [award] = release["awards"]
    assert award["value"] == {"amount": 1250, "currency": "GBP"} and award["suppliers"] == [
        {"id": "provider-8", "name": "Care Ltd"}
    ]
    assert award["relatedLots"] == ["7"] and award["date"] == "2026-12-20T10:00:00Z"
    [contract] = release["contracts"]
    assert (contract["id"], contract["awardID"], contract["status"]) == ("placement-9", "award", "active")
    assert {p["id"]: p["roles"] for p in release["parties"]} == {
        "authority-1": ["buyer", "procuringEntity"],
        "provider-8": ["supplier"],
    }


def test_a_spot_purchase_is_a_direct_award_outside_the_arrangement_with_no_framework_or_lot() -> None:
    release = release_of(moved(off_framework=True))
    assert release_errors(release) == []
    tender = release["tender"]
    assert tender["procurementMethod"] == "direct" and "spot purchase outside" in tender["title"]
    assert "competitive" not in tender and "lots" not in tender and "relatedLot" not in tender["items"][0]
    assert "relatedLots" not in release["awards"][0]
    assert [r["relationship"] for r in release["relatedProcesses"]] == [["prior"]]
    assert "not published" in tender["procurementMethodRationale"]


def test_the_facts_of_a_moved_placement_hold_no_child_data_and_not_the_spot_purchase_reason() -> None:
    names = {f.name for f in fields(MovedPlacementFacts)} | {f.name for f in fields(PlacementFacts)}
    assert names & (FORBIDDEN_CHILD_KEYS | {"off_framework_reason", "setting_id", "distance_miles"}) == set()
    for f in (moved(), moved(off_framework=True)):
        release = release_of(f)
        assert keys_of(release) & FORBIDDEN_CHILD_KEYS == set()
        assert json.dumps(release).count('"amount"') == 2  # the award and the contract, nothing else priced


def test_its_fee_variations_are_amendments_its_end_the_termination_and_its_record_the_merge() -> None:
    first = release_of(moved())
    change = FeeChange(T0 + timedelta(days=100), None, 125_000, 129_750)
    varied = release_of(
        moved(fee_changes=(change,), weekly_fee_pence=129_750), T0 + timedelta(days=100), ["contractAmendment"], 2
    )
    ended = release_of(
        moved(fee_changes=(change,), weekly_fee_pence=129_750, ended_on=date(2027, 6, 1), ending_kind="planned"),
        T0 + timedelta(days=160),
        ["contractTermination"],
        3,
    )
    for release in (first, varied, ended):
        assert release_errors(release) == []
    [amendment] = varied["contracts"][0]["amendments"]
    assert "from £1,250.00 to £1,297.50" in amendment["description"] and amendment["value"]["amount"] == 1297.5
    compiled = compiled_release([first, varied, ended])
    assert compiled["contracts"][0]["status"] == "terminated"
    assert compiled["contracts"][0]["period"] == {
        "startDate": "2026-12-20T00:00:00Z",
        "endDate": "2027-06-01T00:00:00Z",
    }
    assert compiled["awards"][0]["value"]["amount"] == 1250 and release_errors(compiled) == []


ON = date(2026, 12, 20)


def types(profile: str, off_framework: bool, action: str) -> list[tuple[str, date | None]]:
    return [(n.notice_type.value, n.due_on) for n in moved_placement_notices(profile, off_framework, action, "p", ON)]


@pytest.mark.parametrize(
    ("profile", "off_framework", "action", "expected"),
    [
        # Under the arrangement: the profile's award notice, as for a call-off, then its contract notices.
        ("pcr2015_dps", False, "placement.created", [("F03", ON + timedelta(days=30))]),
        ("light_touch", False, "placement.created", [("F21", ON + timedelta(days=30))]),
        ("pa2023_dynamic_market", False, "placement.created", [("UK6", ON), ("UK7", ON + timedelta(days=30))]),
        ("pa2023_open_framework", False, "placement.fee_varied", [("UK10", ON)]),
        ("pcr2015_dps", False, "placement.fee_varied", [("F20", None)]),
        ("pcr2015_dps", False, "placement.ended", []),
        # A spot purchase is a direct award under the Act whatever the arrangement's regime.
        ("pcr2015_dps", True, "placement.created", [("UK5", ON), ("UK6", ON), ("UK7", ON + timedelta(days=30))]),
        (
            "pa2023_dynamic_market",
            True,
            "placement.created",
            [("UK5", ON), ("UK6", ON), ("UK7", ON + timedelta(days=30))],
        ),
        ("pcr2015_dps", True, "placement.fee_varied", [("UK10", ON)]),
        ("light_touch", True, "placement.ended", [("UK11", ON + timedelta(days=30))]),
    ],
)
def test_the_notices_a_moved_placement_calls_for(
    profile: str, off_framework: bool, action: str, expected: list[tuple[str, date | None]]
) -> None:
    assert types(profile, off_framework, action) == expected


def test_a_spot_purchase_transparency_notice_always_asks_the_officer_for_the_justification() -> None:
    from dps.transparency.domain.notices import NoticeType

    uk5 = draft(NoticeType.UK5, compiled_release([release_of(moved(off_framework=True))]))
    assert uk5.fields["supplier_name"] == "Care Ltd" and uk5.fields["award_value"] == 1250
    assert "direct award justification (PA 2023 Schedule 5)" in uk5.missing and not uk5.ready


def test_a_replaced_placement_points_on_to_the_process_of_its_replacement() -> None:
    later = placement_release(
        moved(ended_on=date(2027, 1, 10)), OCID, "ocds-test-arrangement-3", "ocds-test-call-off-11",
        f"{OCID}-2", T0, ["contractTermination"], successor_ocid="ocds-test-placement-12",
    )  # fmt: skip
    assert release_errors(later) == []
    assert later["relatedProcesses"][-1] == {
        "id": "replaced-by", "relationship": ["replacementProcess"], "title": "The placement that replaced this one",
        "scheme": "ocid", "identifier": "ocds-test-placement-12",
    }  # fmt: skip
    assert "replaced-by" not in [r["id"] for r in release_of(moved())["relatedProcesses"]]


def test_a_call_off_whose_placement_was_moved_points_on_to_the_move() -> None:
    from dps.transparency.domain.facts import AwardFacts, CallOffFacts

    facts = CallOffFacts(
        id=11, arrangement_id=3, arrangement_reference="NW-RES-DPS", arrangement_title="North West residential DPS",
        profile_code="pcr2015_dps", service_type="residential", lot=LOT, buyer=BOLTON, status="concluded",
        need_level="complex", published_at=T0 - timedelta(days=20), deadline=T0 - timedelta(days=10),
        quality_weight=Decimal(50), price_weight=Decimal(30), proximity_weight=Decimal(20),
        award=AwardFacts(CARE, 125_000, T0 - timedelta(days=9), None, T0 - timedelta(days=9)),
        placement=PlacementFacts(5, date(2026, 12, 14), 125_000, T0, ended_on=date(2026, 12, 20), successor_id=9),
    )  # fmt: skip
    args = (facts, "ocds-test-call-off-11", "ocds-test-arrangement-3", "ocds-test-call-off-11-4", T0)
    release = call_off_release(*args, ["contractTermination"], successor_ocid=OCID)
    assert release_errors(release) == []
    assert [(r["relationship"], r["identifier"]) for r in release["relatedProcesses"]] == [
        (["framework"], "ocds-test-arrangement-3"),
        (["replacementProcess"], OCID),
    ]
    assert [r["id"] for r in call_off_release(*args, ["award"])["relatedProcesses"]] == ["arrangement"]
