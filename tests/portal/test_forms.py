"""The portal's pure helpers, without a browser: typed text into values (pounds to pence, dates
from three boxes, whole numbers), problem codes into plain English, times in UK time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dps.accounts.domain import SettingType
from dps.core.errors import PayloadTooLarge, RuleViolation
from dps.frameworks.domain.arrangements import ServiceType
from dps.portal.forms import Form, pounds_to_pence
from dps.portal.labels import label
from dps.portal.messages import FALLBACK, explain
from dps.portal.templating import long_date, pounds, uk_datetime


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("0", 0), ("4950", 495_000), ("4,950.5", 495_050), ("£4950.05", 495_005), ("0.01", 1)],
)
def test_pounds_typed_are_stored_as_exact_pence(typed: str, pence: int) -> None:
    form = Form(values={"fee": typed})
    assert form.pounds("fee", "Weekly fee") == pence
    assert form.ok


@pytest.mark.parametrize("typed", ["4950.505", "-1", "four thousand", "1e3"])
def test_amounts_that_are_not_pounds_and_pence_are_refused(typed: str) -> None:
    form = Form(values={"fee": typed})
    assert form.pounds("fee", "Weekly fee") is None
    assert form.errors["fee"] == "Weekly fee must be an amount in pounds, like 4950 or 4950.50"


def test_fractions_of_a_penny_never_round() -> None:
    with pytest.raises(ValueError, match="fractions of a penny"):
        pounds_to_pence("1.005")


def _date_form(day: str, month: str, year: str) -> Form:
    return Form(values={"d-day": day, "d-month": month, "d-year": year})


def test_a_date_from_three_boxes() -> None:
    assert _date_form("29", "2", "2028").day_month_year("d", "inspection date", True) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("29", "2", "2027", "The inspection date must be a real date, like 27 3 2026"),
        ("31", "4", "2026", "The inspection date must be a real date, like 27 3 2026"),
        ("1", "13", "2026", "The inspection date must be a real date, like 27 3 2026"),
        ("1", "1", "26", "The inspection date must be a real date, like 27 3 2026"),
        ("", "3", "2026", "The inspection date must include a day"),
        ("1", "", "", "The inspection date must include a month and a year"),
        ("", "", "", "Enter the inspection date"),
    ],
)
def test_a_date_that_is_not_real_or_not_whole_is_explained(day: str, month: str, year: str, message: str) -> None:
    form = _date_form(day, month, year)
    assert form.day_month_year("d", "inspection date", True) is None
    assert form.errors == {"d": message}


def test_an_optional_date_left_empty_is_none_without_an_error() -> None:
    form = _date_form("", "", "")
    assert form.day_month_year("d", "expiry date", False) is None
    assert form.ok


@pytest.mark.parametrize(("typed", "ok"), [("0", False), ("1", True), ("25", True), ("26", False), ("2.5", False)])
def test_whole_numbers_at_their_bounds(typed: str, ok: bool) -> None:
    form = Form(values={"n": typed})
    assert (form.whole_number("n", "Capacity", 1, 25) is not None) is ok
    assert form.ok is ok


def test_the_summary_links_each_error_to_its_field_and_a_missing_answer_to_its_page() -> None:
    form = Form()
    form.error("postcode", "Enter a real postcode, like M1 1AE")
    form.error("postcode", "a second problem with the same field is not shown")
    form.error("/applications/1/questions/2", "Answer “Why?”")
    form.error("_page", "This arrangement is not taking applications")
    assert form.error_list() == [
        {"text": "Enter a real postcode, like M1 1AE", "href": "#postcode"},
        {"text": "Answer “Why?”", "href": "/applications/1/questions/2"},
        {"text": "This arrangement is not taking applications"},
    ]


def test_problem_codes_read_as_plain_english_beside_their_field() -> None:
    problem = explain(RuleViolation("postcode M1 9ZZ is not in the ONS directory", code="unknown_postcode"))
    assert problem.field == "postcode"
    assert problem.message.startswith("We cannot find this postcode in the ONS Postcode Directory")
    too_big = explain(PayloadTooLarge("the file is 2000000 bytes", limit_bytes=1024 * 1024))
    assert too_big.message == "The selected file must be smaller than 1 MB"
    assert explain(RuleViolation("?", code="a_code_nobody_mapped")).message == FALLBACK


def test_times_are_shown_in_uk_time_across_the_clock_change() -> None:
    assert uk_datetime(datetime(2026, 3, 28, 13, 30, tzinfo=UTC)) == "28 March 2026 at 1:30pm"  # GMT
    assert uk_datetime(datetime(2026, 3, 29, 13, 0, tzinfo=UTC)) == "29 March 2026 at 2pm"  # BST
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"  # already tomorrow in the UK


def test_money_is_shown_in_pounds() -> None:
    assert pounds(495_000) == "£4,950"
    assert pounds(495_050) == "£4,950.50"
    assert pounds(-5) == "-£0.05"


def test_codes_of_different_vocabularies_with_the_same_value_keep_their_own_words() -> None:
    assert label(SettingType.SUPPORTED_ACCOMMODATION) == "Supported accommodation (16 and 17 year olds)"
    assert label(ServiceType.SUPPORTED_ACCOMMODATION) == "Supported accommodation"


def test_tables_page_on_with_more_and_back_to_the_first_page() -> None:
    from dps.portal.templating import environment

    macro = environment().from_string(
        '{% from "pagination.html" import pages %}{{ pages("/organisation/settings", after, next_after) }}'
    )
    first = macro.render(after=0, next_after=20)
    assert 'href="/organisation/settings?after=20"' in first and "First page" not in first
    middle = macro.render(after=20, next_after=40)
    assert 'href="/organisation/settings"' in middle and "?after=40" in middle
    assert macro.render(after=0, next_after=None).strip() == ""


def test_every_process_gets_the_same_csrf_key_from_the_var_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dps.core.settings import Settings
    from dps.portal.wiring import portal_secret

    monkeypatch.delenv("DPS_SECRET_KEY", raising=False)
    settings = Settings.from_env({"DPS_VAR_DIR": str(tmp_path / "var")})
    first = portal_secret(settings)
    assert len(first) == 64 and portal_secret(settings) == first
    assert (tmp_path / "var" / "portal.key").stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in (tmp_path / "var").iterdir()) == ["portal.key"]
