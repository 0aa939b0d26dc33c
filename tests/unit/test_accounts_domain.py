"""Pure account rules at their boundaries: ages, grades, identifiers, lockout, organisations."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dps.accounts.domain import (
    COMPANY_NUMBER,
    OFSTED_URN,
    AgeRange,
    OfstedGrade,
    SettingType,
    User,
    UserStatus,
    after_successful_login,
    check_expiry_not_past,
    check_grade_scale,
    check_identifier,
    check_inspection_not_future,
    check_provider_registration,
    check_user_organisation,
    normalise_email,
    safe_filename,
)
from dps.core.auth import OrgKind, Principal, Role
from dps.core.credentials import hash_password, token_digest, verify_password
from dps.core.errors import InvalidInput, PermissionDenied, RuleViolation

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("low", "high"), [(0, 0), (0, 25), (16, 17), (8, 8)])
def test_age_ranges_within_0_to_25_are_accepted(low: int, high: int) -> None:
    assert AgeRange(low, high).covers(high)


@pytest.mark.parametrize(("low", "high"), [(-1, 5), (0, 26), (12, 11)])
def test_age_ranges_outside_or_backwards_are_refused(low: int, high: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        AgeRange(low, high)
    assert caught.value.code == "invalid_age_range"


def test_age_range_covers_its_edges_only() -> None:
    ages = AgeRange(8, 17)
    assert [ages.covers(a) for a in (7, 8, 17, 18)] == [False, True, True, False]


@pytest.mark.parametrize("grade", [OfstedGrade.SA_OUTCOME_1, OfstedGrade.SA_OUTCOME_2, OfstedGrade.SA_OUTCOME_3])
def test_supported_accommodation_takes_outcomes_only(grade: OfstedGrade) -> None:
    check_grade_scale(SettingType.SUPPORTED_ACCOMMODATION, grade)
    with pytest.raises(RuleViolation):
        check_grade_scale(SettingType.CHILDRENS_HOME, grade)


@pytest.mark.parametrize(
    "grade",
    [OfstedGrade.OUTSTANDING, OfstedGrade.GOOD, OfstedGrade.REQUIRES_IMPROVEMENT, OfstedGrade.INADEQUATE],
)
def test_four_point_grades_fit_homes_but_not_supported_accommodation(grade: OfstedGrade) -> None:
    check_grade_scale(SettingType.CHILDRENS_HOME, grade)
    with pytest.raises(RuleViolation):
        check_grade_scale(SettingType.SUPPORTED_ACCOMMODATION, grade)


def test_inspection_on_today_is_fine_tomorrow_is_not() -> None:
    check_inspection_not_future(date(2026, 11, 23), date(2026, 11, 23))
    with pytest.raises(RuleViolation):
        check_inspection_not_future(date(2026, 11, 24), date(2026, 11, 23))


def test_document_expiring_today_is_accepted_yesterday_is_not() -> None:
    check_expiry_not_past(date(2026, 11, 23), date(2026, 11, 23))
    with pytest.raises(RuleViolation):
        check_expiry_not_past(date(2026, 11, 22), date(2026, 11, 23))


@pytest.mark.parametrize(
    ("raw", "expected"), [("01234567", "01234567"), ("sc123456", "SC123456"), (" 0123 4567 ", "01234567")]
)
def test_company_numbers_are_normalised(raw: str, expected: str) -> None:
    assert (
        check_identifier(COMPANY_NUMBER, raw, "company_number", "company number", code="invalid_company_number")
        == expected
    )


@pytest.mark.parametrize("raw", ["1234567", "123456789", "S1234567", "ABCDEFGH"])
def test_bad_company_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_identifier(COMPANY_NUMBER, raw, "company_number", "company number", code="invalid_company_number")
    assert caught.value.code == "invalid_company_number"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("SC123456", True), ("123456", True), ("1234567", True), ("SC12345", False), ("XX123456", False)],
)
def test_ofsted_urns(raw: str, ok: bool) -> None:
    if ok:
        assert check_identifier(OFSTED_URN, raw, "ofsted_urn", "URN", code="invalid_ofsted_urn") == raw
    else:
        with pytest.raises(InvalidInput):
            check_identifier(OFSTED_URN, raw, "ofsted_urn", "URN", code="invalid_ofsted_urn")


def test_provider_needs_a_company_or_charity_number() -> None:
    check_provider_registration("01234567", None)
    check_provider_registration(None, "1123456")
    with pytest.raises(RuleViolation):
        check_provider_registration(None, None)


@pytest.mark.parametrize(
    ("role", "authority_id", "provider_id", "ok"),
    [
        (Role.PROVIDER_ADMIN, None, 1, True),
        (Role.PROVIDER_USER, 1, 1, False),
        (Role.COMMISSIONER, 1, None, True),
        (Role.EVALUATOR, None, None, False),
        (Role.ADMIN, None, None, True),
        (Role.ADMIN, 1, None, False),
    ],
)
def test_user_organisation_matches_role(
    role: Role, authority_id: int | None, provider_id: int | None, ok: bool
) -> None:
    if ok:
        check_user_organisation(role, authority_id, provider_id)
    else:
        with pytest.raises(RuleViolation):
            check_user_organisation(role, authority_id, provider_id)


def _user(failed: int = 0, locked_until: datetime | None = None) -> User:
    return User(1, "a@b.test", "A", Role.PROVIDER_ADMIN, UserStatus.ACTIVE, None, 1, failed, locked_until, NOW)


def test_success_clears_the_count() -> None:
    assert after_successful_login(_user(failed=4)).failed_logins == 0


@pytest.mark.parametrize(("raw", "expected"), [(" Ann@Council.GOV.uk ", "ann@council.gov.uk")])
def test_emails_are_normalised(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["ann", "ann@", "@council.gov.uk", "a b@c.uk"])
def test_bad_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        normalise_email(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\docs\\cert.pdf", "cert.pdf"),
        ('a"b<c>.pdf', "abc.pdf"),
        ("", "upload"),
        (None, "upload"),
    ],
)
def test_filenames_keep_no_path(raw: str | None, expected: str) -> None:
    assert safe_filename(raw) == expected


def test_principal_role_checks() -> None:
    p = Principal(1, "a@b.test", Role.COMMISSIONER, OrgKind.AUTHORITY, 7)
    p.require_role(Role.COMMISSIONER, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        p.require_role(Role.PROCUREMENT_OFFICER)
    assert p.is_authority(7) and not p.is_authority(8) and not p.is_provider(7)


def test_passwords_and_token_digests() -> None:
    stored = hash_password("correct-horse-battery")
    assert verify_password(stored, "correct-horse-battery")
    assert not verify_password(stored, "correct-horse-batterY")
    assert not verify_password("not-a-hash", "x")
    assert token_digest("abc") != token_digest("abd") and len(token_digest("abc")) == 64
