"""`Placement.start`: one way to start a placement (a concluded call-off or a move), with its
distance measured one way; and the proximity band a call-off publishes, checked once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dps.core.errors import RuleViolation
from dps.core.evaluation import check_proximity_band, proximity_score
from dps.core.geo import METRES_PER_MILE, Location
from dps.tenders.domain.placements import Placement

HOME = Location("BL1", 370_000.0, 409_000.0, "E08000001")
CHILDS_AUTHORITY = "E08000001"


def setting_at(miles_east: float, miles_north: float, authority: str | None = CHILDS_AUTHORITY) -> Location:
    return Location("XX1 1XX", HOME.easting + miles_east * METRES_PER_MILE,
                    HOME.northing + miles_north * METRES_PER_MILE, authority)  # fmt: skip


def start(where: Location | None, **extra: object) -> Placement:
    return Placement.start(
        authority_id=1,
        authority_code=CHILDS_AUTHORITY,
        provider_id=2,
        setting_id=3,
        setting_location=where,
        home_district="BL1",
        home=HOME,
        start_date=date(2026, 12, 14),
        weekly_fee_pence=450_000,
        **extra,  # type: ignore[arg-type]
    )


def test_a_placement_starts_live_at_version_1_measured_on_the_grid() -> None:
    placed = start(setting_at(3, 4), call_off_id=9)
    assert (placed.distance_miles, placed.out_of_area, placed.over_20_miles) == (Decimal("5.00"), False, False)
    assert (placed.call_off_id, placed.previous_placement_id, placed.version, placed.ended_on) == (9, None, 1, None)


@pytest.mark.parametrize(("miles", "far"), [(20, False), (20.01, True), (19.99, False)])
def test_over_20_miles_is_strictly_more_than_20(miles: float, far: bool) -> None:
    """SSDA903 counts children placed more than 20 miles from home."""
    assert start(setting_at(miles, 0)).over_20_miles is far


@pytest.mark.parametrize(("authority", "out"), [(CHILDS_AUTHORITY, False), ("E08000002", True), (None, True)])
def test_out_of_area_is_a_setting_not_shown_inside_the_childs_authority(authority: str | None, out: bool) -> None:
    """Children Act 1989 s.22C: an unknown authority is not shown to be inside, so out of area."""
    assert start(setting_at(1, 0, authority)).out_of_area is out


def test_a_move_keeps_the_childs_reference_and_may_be_a_spot_purchase() -> None:
    moved = start(setting_at(1, 1), previous_placement_id=5, child_reference="CH-CO-000009", off_framework=True,
                  off_framework_reason="no framework home had a bed")  # fmt: skip
    assert (moved.previous_placement_id, moved.call_off_id, moved.child_reference) == (5, None, "CH-CO-000009")
    assert moved.off_framework and moved.off_framework_reason == "no framework home had a bed"


def test_a_setting_without_a_grid_reference_cannot_be_measured() -> None:
    with pytest.raises(RuleViolation, check=lambda e: e.code == "unknown_postcode"):
        start(None)


@pytest.mark.parametrize(
    ("full", "zero", "ok"),
    [("0", "0.01", True), ("5", "50", True), ("5", "5", False), ("-0.01", "50", False), ("5", "Infinity", False)],
)
def test_the_proximity_band_starts_at_0_or_more_and_before_zero_marks(full: str, zero: str, ok: bool) -> None:
    if ok:
        check_proximity_band(Decimal(full), Decimal(zero))
        assert proximity_score(Decimal(0), Decimal(20), Decimal(full), Decimal(zero)) == Decimal("20.00")
    else:
        with pytest.raises(RuleViolation, check=lambda e: e.code == "invalid_proximity_band"):
            check_proximity_band(Decimal(full), Decimal(zero))
