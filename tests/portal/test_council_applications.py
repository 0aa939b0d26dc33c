"""Story 3 in the browser, as the lead authority's procurement officer: the application queue with
its working-day clocks and filters; the moderation screen with three evaluators' marks (from two
councils) side by side, the spread and the suggested consensus; the decision per lot. The
moderation screen is also used by keyboard alone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in

OFFICER = "officer@portal.test"
SAFEGUARDING = "Reason for the moderated mark on question 1"
QUALITY = "Reason for the moderated mark on question 2"


def moderation_path() -> str:
    return f"/council/applications/{scene['cedar_application_id']}/moderation"


def test_the_moderation_screen_works_by_keyboard_alone(page: Page) -> None:
    sign_in(page, OFFICER)
    page.goto(moderation_path())
    ids = {
        name: page.get_by_label(name, exact=True).get_attribute("id")
        for name in (SAFEGUARDING, "Moderated mark for question 2", QUALITY)
    }
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")

    def tab_to(element_id: str | None) -> None:
        for _ in range(40):
            if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to(ids[SAFEGUARDING])
    page.keyboard.type("Every evaluator saw the policy, reviewed in May 2026")
    tab_to(ids["Moderated mark for question 2"])
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    tab_to(ids[QUALITY])
    page.keyboard.type("Agreed at 4 after discussion: strong examples, supervision not described")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save moderated marks")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Moderated marks saved")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide each lot")


def test_an_officer_moderates_and_decides_an_application(page: Page, look: Look) -> None:
    sign_in(page, OFFICER)
    page.get_by_role("link", name="Applications", exact=True).click()
    queue = page.get_by_role("table")
    cedar = queue.get_by_role("row", name="Cedar Care Ltd")
    expect(cedar).to_contain_text("Being evaluated")
    expect(cedar).to_contain_text("working day")
    look("queue")
    page.get_by_label("Status").select_option("decided")
    page.get_by_role("button", name="Filter").click()
    expect(queue.get_by_role("row", name="Birch Homes Ltd")).to_be_visible()
    expect(queue.get_by_role("row", name="Cedar Care Ltd")).to_have_count(0)
    expect(page.get_by_label("Status")).to_have_value("decided")
    look("queue-filtered")
    page.get_by_label("Status").select_option("")
    page.get_by_role("button", name="Filter").click()

    queue.get_by_role("row", name="Cedar Care Ltd").get_by_role("link", name="Moderate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate the marks")
    marks = page.get_by_role("table", name="Evaluators' marks on question 2")
    for evaluator, mark in (("Marker 1", "2 out of 5"), ("Marker 2", "4 out of 5"), ("Marker 3", "5 out of 5")):
        expect(marks.get_by_role("row", name=evaluator)).to_contain_text(mark)
    expect(page.get_by_text("Marks from 2 to 5.")).to_be_visible()
    expect(page.get_by_text("Needs discussion")).to_be_visible()
    expect(page.get_by_label("Moderated mark for question 2")).to_have_value("4")
    look("moderation")

    page.get_by_label(SAFEGUARDING, exact=True).fill("The policy was seen by every evaluator")
    page.get_by_label(QUALITY, exact=True).fill("")
    page.get_by_label("Moderated mark for question 2").fill("9")
    page.get_by_role("button", name="Save moderated marks").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Moderated mark for question 2 must be between 0 and 5")
    expect(summary).to_contain_text("Give the reason for the moderated mark on question 2")
    expect(page.get_by_label(SAFEGUARDING, exact=True)).to_have_value("The policy was seen by every evaluator")
    look("moderation-errors")

    page.get_by_label("Moderated mark for question 2").fill("4")
    page.get_by_label(QUALITY, exact=True).fill("Agreed at 4: strong examples of keeping children safe")
    page.get_by_role("button", name="Save moderated marks").click()
    expect(page.get_by_text("Moderated marks saved")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("80")
    page.get_by_role("button", name="Record the decision").click()
    expect(summary).to_contain_text("Select admit or reject for each lot")
    look("decision-errors")
    page.get_by_label("Admit").check()
    page.get_by_label("Reasons for LOT-1").fill("Meets every requirement; quality 80 out of 100")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    expect(queue.get_by_role("row", name="Cedar Care Ltd")).to_contain_text("Decided")
    look("decided")


def test_the_queue_is_for_procurement_officers(page: Page) -> None:
    sign_in(page, "commissioner@portal.test")
    response = page.goto("/council/applications")
    assert response is not None and response.status == 404


def test_an_officer_assigns_evaluators_and_sees_their_declarations(page: Page, look: Look) -> None:
    sign_in(page, OFFICER)
    page.goto(f"/council/applications/{scene['dogwood_application_id']}/evaluators")
    on_it = page.get_by_role("table", name="On this evaluation")
    expect(on_it.get_by_role("row", name="Fran Fresh")).to_be_visible()
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select at least one evaluator")
    look("assign-error")
    # Evaluators come from every council of the arrangement, not only the officer's own.
    page.get_by_label("Pat Panel, evaluator, Bolton Council").check()
    page.get_by_label("Marker 2, evaluator, Wigan Council").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Evaluators assigned")).to_be_visible()
    expect(on_it.get_by_role("row", name="Pat Panel")).to_contain_text("Not declared yet")
    expect(on_it.get_by_role("row", name="Marker 2")).to_contain_text("Not declared yet")
    expect(page.get_by_label("Pat Panel, evaluator, Bolton Council")).to_have_count(0)
    look("assigned")


def test_an_officer_extends_the_decision_period_once_with_a_reason(page: Page, look: Look) -> None:
    sign_in(page, OFFICER)
    page.goto(f"/council/applications/{scene['dogwood_application_id']}/evaluators")
    page.get_by_role("link", name="Need more time to decide?").click()
    expect(page.get_by_text(re.compile(r"The decision is due on \d+ \w+ \d{4}"))).to_be_visible()
    page.get_by_role("button", name="Extend the decision period").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the decision needs more time")
    look("extension-needs-a-reason")
    page.get_by_label("Why the decision needs more time").fill("The site visit cannot happen before next week")
    page.get_by_role("button", name="Extend the decision period").click()
    expect(page.get_by_text("The decision period has been extended. The provider sees")).to_be_visible()
    expect(page.get_by_text("because: The site visit cannot happen before next week")).to_be_visible()
    expect(page.get_by_text("It cannot be extended again")).to_be_visible()
    expect(page.get_by_role("button", name="Extend the decision period")).to_have_count(0)
    look("extended")
