"""What falls due for the caller's organisation: decisions for the lead council's officers, a
provider's own applications, and arrangements ending within 6 months."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from dps.frameworks import tables as ft
from tests.support import Api, admit_member, problem
from tests.support.frameworks import waive_publishing_checks


async def _arrangement(api: Api, token: str, term_end: str) -> tuple[int, int]:
    made = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": f"NW-{term_end}", "title": f"DPS ending {term_end}", "service_type": "residential",
            "profile_code": "pcr2015_dps", "term_start": "2026-12-01", "term_end": term_end,
        },
        headers=api.auth(token),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    arrangement_id = made.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={"code": "L1", "title": "Homes", "age_bands": [{"label": "8-17", "min_age": 8, "max_age": 17}]},
        headers=api.auth(token),
    )
    assert lot.status_code == 201, lot.text
    await waive_publishing_checks(api, token, arrangement_id)
    assert (await api.client.post(f"/api/v1/arrangements/{arrangement_id}/publish", headers=api.auth(token))).is_success
    return arrangement_id, lot.json()["id"]


async def _submitted(arrangement_id: int, lot_id: int, provider_id: int, due_on: date) -> int:
    rows = await ft.Application.insert(
        ft.Application(
            arrangement=arrangement_id, provider=provider_id, status="submitted", lot_ids=[lot_id],
            submitted_at=datetime(2026, 11, 16, 10, tzinfo=UTC), decision_due_on=due_on, version=2,
            created_at=datetime(2026, 11, 16, 10, tzinfo=UTC),
        )
    ).returning(ft.Application.id)  # fmt: skip
    return int(rows[0]["id"])


async def _deadlines(api: Api, token: str) -> list[dict[str, Any]]:
    response = await api.client.get("/api/v1/deadlines", headers=api.auth(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_each_organisation_sees_what_falls_due_for_it(api: Api) -> None:
    # Today is Monday 23 November 2026.
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    other_council = await api.authority("Wigan Council", "E08000010")
    _, stranger = await api.staff("procurement_officer", other_council)
    member, member_token = await api.provider()
    applicant, applicant_token = await api.provider()
    _, outsider_token = await api.provider()
    ending, lot = await _arrangement(api, officer, "2027-04-30")  # within 6 months
    later, later_lot = await _arrangement(api, officer, "2028-11-30")  # not yet
    await admit_member(ending, lot, member, date(2026, 12, 1))
    application = await _submitted(later, later_lot, applicant, date(2026, 11, 30))
    overdue = await _submitted(ending, lot, member, date(2026, 11, 20))

    officer_view = await _deadlines(api, officer)
    assert [(d["kind"], d["entity_id"]) for d in officer_view] == [
        ("application_decision", overdue),
        ("application_decision", application),
        ("arrangement_term_end", ending),
    ]
    assert officer_view[0]["overdue"] is True and officer_view[0]["working_days_left"] == -1
    # Monday 30 November: Tuesday to Friday and Monday are 5 working days away.
    assert officer_view[1] | {"title": None} == {
        "kind": "application_decision", "entity_type": "application", "entity_id": application, "title": None,
        "due_on": "2026-11-30", "days_left": 7, "working_days_left": 5, "overdue": False,
        "link_path": f"/api/v1/applications/{application}",
    }  # fmt: skip
    assert officer_view[2]["due_on"] == "2027-04-30" and officer_view[2]["working_days_left"] is None
    assert all(d["entity_id"] != later or d["kind"] != "arrangement_term_end" for d in officer_view)

    assert [(d["kind"], d["entity_id"]) for d in await _deadlines(api, applicant_token)] == [
        ("application_decision", application)
    ]
    assert [(d["kind"], d["entity_id"]) for d in await _deadlines(api, member_token)] == [
        ("application_decision", overdue),
        ("arrangement_term_end", ending),
    ]
    assert await _deadlines(api, outsider_token) == []
    assert await _deadlines(api, stranger) == []
    problem(await api.client.get("/api/v1/deadlines"), 401, "unauthenticated")
