"""Story 3 in the browser, as an evaluator from a member council: the applications assigned to
them, a declaration of interests before any answer opens, then marking each question with the
provider's answer beside what the marks mean, a draft saved, and the marks submitted (with the
error summary for a missing declaration and for unmarked questions)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.portal.scene_council import CLOSED_TITLE


def test_an_evaluator_declares_marks_saves_a_draft_and_submits(page: Page, look: Look) -> None:
    sign_in(page, "fresh@portal.test")
    page.get_by_role("link", name="Your evaluations").click()
    look("assigned")
    page.get_by_role("link", name=f"Application {scene['dogwood_application_id']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declare your interests")
    expect(page.get_by_text("Key workers, a missing-from-care protocol")).to_have_count(0)  # answers still closed
    page.get_by_role("button", name="Declare and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes if you have a conflict of interest")
    look("declaration-error")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Declare and continue").click()
    expect(page.get_by_text("Declaration recorded")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluate the application")
    expect(page.get_by_text("Key workers, a missing-from-care protocol and weekly reflective practice")).to_be_visible()
    look("marking")

    page.get_by_label("Your mark for question 2").fill("3")
    page.get_by_label("Your reason for question 2").fill("Sound practice; few examples")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your marks are saved as a draft")).to_be_visible()
    expect(page.get_by_label("Your mark for question 2")).to_have_value("3")

    page.get_by_role("button", name="Submit marks").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select pass or fail for question 1")
    expect(summary).to_contain_text("Give the reason for your mark on question 1")
    look("submit-errors")
    page.get_by_label("Pass", exact=True).check()
    page.get_by_label("Your reason for question 1").fill("Policy dated May 2026 seen")
    page.get_by_role("button", name="Submit marks").click()
    expect(page.get_by_text("Your marks are submitted", exact=True)).to_be_visible()
    expect(page.get_by_text("Your marks are submitted and final.")).to_be_visible()
    expect(page.get_by_role("button", name="Submit marks")).to_have_count(0)
    look("submitted")


def test_an_evaluator_sees_only_what_is_assigned_to_them(page: Page) -> None:
    sign_in(page, "fresh@portal.test")
    response = page.goto(f"/council/evaluations/{scene['cedar_application_id']}")
    assert response is not None and response.status == 404


def test_an_evaluator_sees_the_placement_requests_on_whose_panel_they_sit(page: Page, look: Look) -> None:
    sign_in(page, "panel@portal.test")
    page.get_by_role("link", name="Your evaluations").click()
    requests = page.get_by_role("table", name="Placement requests on whose evaluation panel you sit")
    row = requests.get_by_role("row", name=CLOSED_TITLE)
    expect(row).to_contain_text("Bolton Council")
    # Its state now: closed to offers, or concluded once the award test in this session has awarded it.
    expect(row).to_contain_text(re.compile(r"Closed|Concluded"))
    look("panels")
    row.get_by_role("link", name=CLOSED_TITLE).click()
    expect(page).to_have_url(re.compile(rf"/council/placement-requests/{scene['closed_call_off_id']}/panel$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation panel")
    expect(page.locator(".govuk-caption-l")).to_have_text(CLOSED_TITLE)
    look("panel")
    back = page.locator(".govuk-back-link")
    expect(back).to_have_text("Your evaluations")
    back.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your evaluations")
