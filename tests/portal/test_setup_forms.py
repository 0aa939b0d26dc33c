"""The set-up pages' pure helpers, without a browser: age bands and score descriptors typed one a
line, a profile's numbers in words, and the set-up's problem codes in plain English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dps.core.errors import RuleViolation
from dps.frameworks.profiles import PA2023_OPEN_FRAMEWORK, PCR2015_DPS
from dps.portal.banners import BANNERS
from dps.portal.forms import Form
from dps.portal.messages import FALLBACK, explain
from dps.portal.setup import UNREACHABLE, problem, profile_numbers, read_pass_mark
from dps.portal.setup_lots import read_age_bands
from dps.portal.setup_messages import SETUP_BANNERS, SETUP_MESSAGES
from dps.portal.setup_questions import read_descriptors


def test_age_bands_are_typed_one_a_line_and_labelled_by_their_ages() -> None:
    form = Form(values={"ages": "0-4\n 5 to 10 \n\n11 - 15"})
    assert read_age_bands(form, "ages") == [
        {"label": "0-4", "min_age": 0, "max_age": 4},
        {"label": "5-10", "min_age": 5, "max_age": 10},
        {"label": "11-15", "min_age": 11, "max_age": 15},
    ]
    assert form.ok


@pytest.mark.parametrize("typed", ["", "toddlers", "0-4, teenagers"])
def test_an_age_band_that_is_not_two_ages_is_refused_in_words(typed: str) -> None:
    form = Form(values={"ages": typed})
    read_age_bands(form, "ages")
    assert "age band" in form.errors["ages"]


def test_descriptors_are_score_colon_meaning_up_to_the_maximum_score() -> None:
    form = Form(values={"d": "0: no answer\n5: excellent"})
    assert read_descriptors(form, "d", 5) == [
        {"score": 0, "meaning": "no answer"},
        {"score": 5, "meaning": "excellent"},
    ]
    assert form.ok
    over = Form(values={"d": "6: beyond the maximum"})
    read_descriptors(over, "d", 5)
    assert over.errors["d"] == "Descriptors describe scores from 0 to the maximum score, 5"
    shapeless = Form(values={"d": "excellent"})
    read_descriptors(shapeless, "d", 5)
    assert "like 3: good" in shapeless.errors["d"]


@pytest.mark.parametrize(
    ("typed", "value"), [("0", Decimal(0)), ("60", Decimal(60)), ("100", Decimal(100)), ("72.5%", Decimal("72.5"))]
)
def test_a_pass_mark_is_a_percentage_from_0_to_100(typed: str, value: Decimal) -> None:
    assert read_pass_mark(Form(values={"t": typed}), "t") == value


@pytest.mark.parametrize("typed", ["100.01", "-1", "sixty", "60.005", ""])
def test_a_pass_mark_outside_0_to_100_is_refused(typed: str) -> None:
    form = Form(values={"t": typed})
    assert read_pass_mark(form, "t") is None
    assert "pass mark" in form.errors["t"]


def test_a_profiles_numbers_are_shown_in_words() -> None:
    dps = dict(profile_numbers(PCR2015_DPS))
    assert dps["Decision on an application"] == "10 working days, extendable once to 15 with a recorded reason"
    assert dps["Minimum period for offers"] == "10 days"
    assert dps["Standstill after an award"] == "None"
    assert dps["Term limit"] == "Must end by 23 February 2029"
    framework = dict(profile_numbers(PA2023_OPEN_FRAMEWORK))
    assert framework["Standstill after an award"] == "8 working days"
    assert framework["Term limit"] == "At most 8 years from the first award"
    assert framework["Providers may apply"] == "Only in published application windows"


def test_every_setup_code_has_its_words_and_a_term_too_long_names_the_day() -> None:
    for code in SETUP_MESSAGES:
        assert explain(RuleViolation("x", code=code)).message != FALLBACK
    assert set(SETUP_BANNERS) <= set(BANNERS)
    form = Form()
    problem(form, RuleViolation("too long", code="term_too_long", latest_end="2029-02-23"))
    assert form.errors["term_end"].endswith("The latest end date is 23 February 2029")
    assert explain(RuleViolation("x", code="threshold_unreachable")).message == UNREACHABLE
