"""Evidence as a timeline (issue 12, early renewal): the piece in force on a day, the renewal that
takes over, and the gap that does not cover an expiry; at each boundary day."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from dps.compliance.domain.requirements import (
    ComplianceStatus,
    Evidence,
    InsuranceKind,
    Outcome,
    Requirement,
    RequirementKind,
    summarise,
)
from dps.compliance.domain.timeline import check_on_day, corrected_by, on_day, overtaken, renewal_covering

TEN_MILLION = 10_000_000_00
REQUIREMENT = Requirement(
    id=1,
    arrangement_id=1,
    kind=RequirementKind.INSURANCE,
    title="Employer's liability",
    mandatory=True,
    insurance_kind=InsuranceKind.EMPLOYERS_LIABILITY,
    min_cover_pence=TEN_MILLION,
)


def piece(id: int, starts_on: date | None, expires_on: date | None, **changes: object) -> Evidence:
    base = Evidence(
        id=id,
        requirement_id=1,
        provider_id=3,
        document_id=None,
        issuer="Zurich",
        starts_on=starts_on,
        expires_on=expires_on,
        cover_pence=TEN_MILLION,
        insurance_kind=InsuranceKind.EMPLOYERS_LIABILITY,
        status="current",
        submitted_at=datetime(2027, 2, 1, 10, tzinfo=UTC),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


CURRENT = piece(1, date(2026, 4, 1), date(2027, 3, 31))
# Attached on 1 February, starting the day after the current cover ends: no gap.
RENEWAL = piece(2, date(2027, 4, 1), date(2028, 3, 31))
# Starting a week after the current cover ends: a gap of six days.
LATE_RENEWAL = piece(2, date(2027, 4, 8), date(2028, 4, 7))


@pytest.mark.parametrize(
    ("day", "in_force", "following"),
    [
        (date(2027, 2, 1), 1, 2),  # the renewal is attached: the current piece stays in force
        (date(2027, 3, 31), 1, 2),  # the day before the renewal starts (the expiry day)
        (date(2027, 4, 1), 2, None),  # the renewal's start day: it takes over
    ],
)
def test_the_current_piece_stays_in_force_until_the_renewal_starts(
    day: date, in_force: int, following: int | None
) -> None:
    standing = on_day([CURRENT, RENEWAL], day)
    assert standing.in_force is not None and standing.in_force.id == in_force
    assert (standing.following.id if standing.following else None) == following


def test_a_renewal_starting_before_the_expiry_takes_over_on_its_start_day() -> None:
    early = piece(2, date(2027, 3, 15), date(2028, 3, 14))
    assert on_day([CURRENT, early], date(2027, 3, 14)).in_force == CURRENT
    assert on_day([CURRENT, early], date(2027, 3, 15)).in_force == early
    assert overtaken([CURRENT, early], date(2027, 3, 14)) == []
    assert overtaken([CURRENT, early], date(2027, 3, 15)) == [CURRENT]


@pytest.mark.parametrize(
    ("day", "outcome", "reported"),
    [
        (date(2027, 3, 31), Outcome.PASS, 1),  # expiry day: still good
        (date(2027, 4, 1), Outcome.EXPIRED, 1),  # the gap: the lapsed piece is what is held
        (date(2027, 4, 7), Outcome.EXPIRED, 1),  # the day before the late renewal starts
        (date(2027, 4, 8), Outcome.PASS, 2),  # its start day
    ],
)
def test_a_renewal_that_leaves_a_gap_does_not_cover_it(day: date, outcome: Outcome, reported: int) -> None:
    result = check_on_day(REQUIREMENT, 3, [CURRENT, LATE_RENEWAL], day)
    assert (result.outcome, result.evidence_id) == (outcome, reported)


@pytest.mark.parametrize(
    ("renewal", "covers"),
    [
        (RENEWAL, True),  # starts the day after the expiry
        (piece(2, date(2027, 3, 31), date(2028, 3, 30)), True),  # starts on the expiry day
        (LATE_RENEWAL, False),  # leaves a gap
        (piece(2, date(2027, 4, 2), date(2028, 4, 1)), False),  # one day's gap is a gap
        (replace(RENEWAL, cover_pence=TEN_MILLION - 1), False),  # one penny short does not cover
    ],
)
def test_a_renewal_covers_the_expiry_only_without_a_gap(renewal: Evidence, covers: bool) -> None:
    found = renewal_covering(REQUIREMENT, CURRENT, [CURRENT, renewal])
    assert (found == renewal) is covers
    assert (found is None) is not covers


def test_a_covered_expiry_is_no_longer_expiring() -> None:
    day = date(2027, 3, 20)  # eleven days before the expiry
    alone = check_on_day(REQUIREMENT, 3, [CURRENT], day)
    renewed = check_on_day(REQUIREMENT, 3, [CURRENT, RENEWAL], day)
    gap = check_on_day(REQUIREMENT, 3, [CURRENT, LATE_RENEWAL], day)
    assert (alone.renewal_id, renewed.renewal_id, gap.renewal_id) == (None, 2, None)
    assert summarise([alone], day).status is ComplianceStatus.EXPIRING
    assert summarise([renewed], day).status is ComplianceStatus.COMPLIANT
    assert summarise([gap], day).status is ComplianceStatus.EXPIRING


def test_a_piece_not_started_with_nothing_in_force_fails_until_its_start() -> None:
    first = piece(5, date(2027, 3, 1), date(2028, 2, 28))
    assert check_on_day(REQUIREMENT, 3, [first], date(2027, 2, 28)).outcome is Outcome.FAIL
    assert check_on_day(REQUIREMENT, 3, [first], date(2027, 3, 1)).outcome is Outcome.PASS


def test_replaced_pieces_are_history_and_a_same_day_piece_is_a_correction() -> None:
    wrong = replace(RENEWAL, id=2, cover_pence=1)
    corrected = replace(RENEWAL, id=3)
    assert corrected_by([CURRENT, wrong], corrected) == [wrong]
    assert on_day([CURRENT, replace(wrong, status="replaced")], date(2027, 4, 1)).in_force == CURRENT


def test_an_undated_piece_takes_effect_from_the_day_it_was_attached() -> None:
    undated = piece(9, None, None, submitted_at=datetime(2027, 2, 1, 10, tzinfo=UTC))
    assert on_day([CURRENT, undated], date(2027, 2, 1)).in_force == undated
    assert overtaken([CURRENT, undated], date(2027, 2, 1)) == [CURRENT]
