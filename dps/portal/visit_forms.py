"""The quality-visit form (Eastern consortium Forms B-D) read from a page: what each form asks, in
words, and the posted boxes turned into the compliance service's `VisitIn`. Which fields each form
records, and that each is answered, is the service's rule (`visits.FORM_FIELDS`); this module only
reads the boxes a person filled in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dps.compliance.domain.concerns import ActionStatus, VisitForm
from dps.portal.forms import Form

FINDING_ROWS = 3  # rows for findings on the page (no JavaScript adds more; a second visit can add others)
OUTCOME_ROWS = 3

FORM_WORDS: dict[VisitForm, tuple[str, str]] = {
    VisitForm.A: ("Form A: the provider's own description", "The provider describes its service"),
    VisitForm.B: (
        "Form B: verification visit",
        "The contracts officer checks what the provider said against what is there",
    ),
    VisitForm.C: (
        "Form C: practitioner's visit",
        "A practitioner sees the home and hears from the children",
    ),
    VisitForm.D: ("Form D: outcomes", "How children placed here are doing"),
}
COUNCIL_FORMS = (VisitForm.B, VisitForm.C, VisitForm.D)

# Form B: what the contracts officer verifies on a visit.
CHECKLIST: list[tuple[str, str]] = [
    ("registration", "Ofsted registration certificate on display"),
    ("insurance", "Insurance certificates seen"),
    ("dbs", "Staff DBS checks seen"),
    ("policies", "Safeguarding and complaints policies seen"),
    ("records", "Children's records kept securely"),
]
# Form C: each question the practitioner answers (the service's field, the question).
FORM_C_QUESTIONS: list[tuple[str, str]] = [
    ("atmosphere", "What the atmosphere of the home is like"),
    ("staff_and_children", "How staff and children get on"),
    ("childrens_views", "What the children said"),
    ("complaints_route", "How children can complain, and whether they know how"),
]
ACTION_WORDS: dict[ActionStatus, tuple[str, str]] = {
    ActionStatus.OPEN: ("Not started", "govuk-tag--grey"),
    ActionStatus.IN_PROGRESS: ("In progress", "govuk-tag--blue"),
    ActionStatus.DONE: ("Done", "govuk-tag--green"),
}
# The buttons that move an action on from each status (the service decides which moves are legal).
ACTION_MOVES: dict[ActionStatus, list[tuple[ActionStatus, str]]] = {
    ActionStatus.OPEN: [(ActionStatus.IN_PROGRESS, "Start"), (ActionStatus.DONE, "Close as done")],
    ActionStatus.IN_PROGRESS: [(ActionStatus.DONE, "Close as done")],
    ActionStatus.DONE: [(ActionStatus.IN_PROGRESS, "Reopen")],
}


@dataclass(frozen=True, slots=True)
class DetailLine:
    """One answer of a recorded form, as a summary list row."""

    question: str
    answer: str


def details_of(form: VisitForm, details: dict[str, Any]) -> list[DetailLine]:
    """A recorded form's answers in words, in the order the page asked them."""
    if form is VisitForm.A:
        return [DetailLine("Description", str(details.get("description", "")))]
    if form is VisitForm.B:
        items = details.get("checklist") or []
        checklist = [DetailLine(str(i["item"]), "Verified" if i["verified"] else "Not verified") for i in items]
        return checklist + ([DetailLine("Notes", str(details["notes"]))] if details.get("notes") else [])
    if form is VisitForm.C:
        return [DetailLine(q, str(details.get(name, ""))) for name, q in FORM_C_QUESTIONS]
    return [DetailLine(str(o["measure"]), str(o["value"])) for o in details.get("outcomes") or []]


def visit_body(form: Form, which: VisitForm) -> dict[str, Any]:
    """The posted boxes as the service's visit body (a dict for `msgspec.convert`); problems a
    person can see in the boxes themselves (a missing date, half a finding) go on `form`."""
    visited_on = form.day_month_year("visited_on", "date of the visit", required=True)
    body: dict[str, Any] = {
        "form": which.value,
        "visited_on": visited_on.isoformat() if visited_on else None,
        "summary": form.get("summary"),
    }
    if which is VisitForm.B:
        ticked = set(form.getall("verified"))
        body["checklist"] = [{"item": words, "verified": key in ticked} for key, words in CHECKLIST]
        body["notes"] = form.optional("notes")
    elif which is VisitForm.C:
        for name, question in FORM_C_QUESTIONS:
            body[name] = form.required(name, f"Enter {question[0].lower()}{question[1:]}")
    else:
        body["outcomes"] = _outcomes(form)
    body["findings"] = _findings(form)
    return body


def _outcomes(form: Form) -> list[dict[str, str]]:
    found = []
    for n in range(1, OUTCOME_ROWS + 1):
        measure, value = form.get(f"measure-{n}"), form.get(f"value-{n}")
        if not (measure or value):
            continue
        if not measure:
            form.error(f"measure-{n}", f"Enter what outcome {n} measures")
        if not value:
            form.error(f"value-{n}", f"Enter the result for outcome {n}")
        found.append({"measure": measure, "value": value})
    if not found:
        form.error("measure-1", "Enter at least one outcome and its result")
    return found


def _findings(form: Form) -> list[dict[str, str | None]]:
    """Each filled row of findings: the action, who owns it, and when it is due (an action due
    before the visit is the service's rule, `check_action_due`)."""
    found: list[dict[str, str | None]] = []
    for n in range(1, FINDING_ROWS + 1):
        filled = [form.get(f"finding-{n}"), form.get(f"owner-{n}")] + [
            form.get(f"due-{n}-{part}") for part in ("day", "month", "year")
        ]
        if not any(filled):
            continue
        finding = form.required(f"finding-{n}", f"Enter what needs to be done for action {n}")
        owner = form.required(f"owner-{n}", f"Enter who will do action {n}")
        due = form.day_month_year(f"due-{n}", f"date action {n} is due", required=True)
        found.append({"finding": finding, "owner": owner, "due_on": due.isoformat() if due else None})
    return found
