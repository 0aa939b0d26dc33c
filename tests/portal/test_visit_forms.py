"""The quality-visit form read from the page, without a browser: each form's boxes become a body
the compliance service accepts for that form (`form_details`), blank action rows are left out and
half-filled ones are refused, and the service's problems read in plain English."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest

from dps.compliance.domain.concerns import VisitForm
from dps.compliance.schemas import VisitIn
from dps.compliance.services.visits import form_details
from dps.core.errors import RuleViolation
from dps.portal.forms import Form
from dps.portal.messages import explain
from dps.portal.visit_forms import CHECKLIST, FORM_C_QUESTIONS, details_of, visit_body

VISITED = {"visited_on-day": "1", "visited_on-month": "12", "visited_on-year": "2026"}


def _read(which: VisitForm, **typed: object) -> tuple[Form, dict[str, object]]:
    form = Form(values={**VISITED, "verified": [], **typed})
    return form, visit_body(form, which)


@pytest.mark.parametrize(
    ("which", "typed"),
    [
        (VisitForm.B, {"verified": ["dbs"], "notes": "Certificates off site"}),
        (VisitForm.C, {name: "Seen" for name, _ in FORM_C_QUESTIONS}),
        (VisitForm.D, {"measure-1": "School attendance", "value-1": "96%"}),
    ],
)
def test_each_form_gives_the_service_the_fields_it_records(which: VisitForm, typed: dict[str, object]) -> None:
    form, body = _read(which, **typed)
    assert form.ok, form.errors
    data = msgspec.convert(body, VisitIn)
    assert data.visited_on == date(2026, 12, 1)
    details = form_details(data.to_domain())  # raises when a field is missing or belongs to another form
    assert details_of(which, details)


def test_form_b_records_every_checklist_item_ticked_or_not() -> None:
    _, body = _read(VisitForm.B, verified=["dbs"])
    checklist = body["checklist"]
    assert isinstance(checklist, list) and len(checklist) == len(CHECKLIST)
    assert [c["verified"] for c in checklist] == [key == "dbs" for key, _ in CHECKLIST]


def test_blank_action_rows_are_left_out_and_half_filled_ones_refused() -> None:
    form, body = _read(
        VisitForm.B,
        **{"finding-1": "Repair the fire door", "owner-1": "Maintenance lead"},
        **{"due-1-day": "15", "due-1-month": "1", "due-1-year": "2027"},
        **{"owner-2": "Registered manager"},
    )
    assert body["findings"] == [
        {"finding": "Repair the fire door", "owner": "Maintenance lead", "due_on": "2027-01-15"},
        {"finding": "", "owner": "Registered manager", "due_on": None},
    ]
    assert form.errors == {
        "finding-2": "Enter what needs to be done for action 2",
        "due-2": "Enter the date action 2 is due",
    }


def test_form_d_needs_at_least_one_outcome_and_form_c_every_answer() -> None:
    form, _ = _read(VisitForm.D)
    assert form.errors == {"measure-1": "Enter at least one outcome and its result"}
    form, _ = _read(VisitForm.C, atmosphere="Calm and homely")
    assert set(form.errors) == {name for name, _ in FORM_C_QUESTIONS} - {"atmosphere"}


@pytest.mark.parametrize(
    ("code", "field"),
    [("visit_in_future", "visited_on"), ("due_before_visit", "due-1"), ("judgement_required", "grade")],
)
def test_the_services_visit_problems_read_in_plain_english(code: str, field: str) -> None:
    found = explain(RuleViolation("x", code=code))
    assert found.field == field
    assert "_" not in found.message
