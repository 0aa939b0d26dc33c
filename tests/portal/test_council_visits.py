"""Ofsted judgements and quality visits in the browser: a procurement officer records an Inadequate
judgement (the setting drops out of new placement requests: its place is suspended and a concern
issued), then a better one; records a verification visit (Form B) whose findings open an action
plan, follows the actions up and closes them; the provider reads its visits and action plan and
describes its setting (Form A), which the council then reads."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.portal.conftest import Look, scene, sign_in


def test_an_ofsted_judgement_and_its_effect_on_eligibility(page: Page, look: Look) -> None:
    sign_in(page, "quality@portal.test")
    page.get_by_role("link", name="Ofsted and visits", exact=True).click()
    settings = page.get_by_role("table", name="Settings")
    expect(settings.get_by_role("row", name="Hazel House")).to_contain_text("Good")
    look("settings")

    settings.get_by_role("link", name="Hazel House").click()
    eligibility = page.get_by_role("table", name="Eligibility by lot")
    expect(eligibility.get_by_role("row", name="TRA-1")).to_contain_text("Eligible")
    page.get_by_role("button", name="Record the judgement").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the judgement, or that the registration was withdrawn")
    expect(summary).to_contain_text("Enter the date of the inspection")
    look("judgement-errors")

    page.get_by_label("Inadequate").check()
    dates = page.get_by_role("group", name="Date of the inspection")
    dates.get_by_label("Day").fill("2")
    dates.get_by_label("Month").fill("11")
    dates.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Record the judgement").click()
    expect(summary).to_contain_text("must be today or in the past")
    expect(page.get_by_label("Inadequate")).to_be_checked()  # what was chosen is kept
    dates.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record the judgement").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("places that rely on this setting are suspended")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Inadequate")
    row = eligibility.get_by_role("row", name="TRA-1")
    expect(row).to_contain_text("Not eligible")
    expect(row).to_contain_text("Suspended")
    look("inadequate")

    page.get_by_label("Good", exact=True).check()
    dates.get_by_label("Day").fill("3")
    dates.get_by_label("Month").fill("12")
    dates.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Record the judgement").click()
    expect(banner).to_contain_text("Judgement recorded. Places suspended for an earlier judgement are reinstated")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Good")
    look("good-again")


def test_a_quality_visit_opens_an_action_plan_the_council_follows_up(
    page: Page, look: Look, browser: Browser, base_url: str
) -> None:
    sign_in(page, "quality@portal.test")
    setting = f"/council/quality/providers/{scene['hazel_provider_id']}/settings/{scene['hazel_setting_id']}"
    page.goto(setting)
    page.get_by_role("link", name="Record Form B: verification visit").click()
    page.get_by_role("group", name="Action 1 (optional)").get_by_label("Who will do it").fill("Registered manager")
    page.get_by_role("button", name="Record the visit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the visit")
    expect(summary).to_contain_text("Enter what needs to be done for action 1")
    expect(summary).to_contain_text("Enter the date action 1 is due")
    look("visit-errors")

    visited = page.get_by_role("group", name="Date of the visit")
    visited.get_by_label("Day").fill("1")
    visited.get_by_label("Month").fill("12")
    visited.get_by_label("Year").fill("2026")
    page.get_by_label("Ofsted registration certificate on display").check()
    page.get_by_label("Staff DBS checks seen").check()
    page.get_by_label("Notes (optional)").fill("Insurance certificates were off site with the accountant")
    first = page.get_by_role("group", name="Action 1 (optional)")
    first.get_by_label("What needs to be done").fill("Keep copies of the insurance certificates in the home")
    due = first.get_by_role("group", name="Due by")
    due.get_by_label("Day").fill("30")
    due.get_by_label("Month").fill("11")
    due.get_by_label("Year").fill("2026")
    second = page.get_by_role("group", name="Action 2 (optional)")
    second.get_by_label("What needs to be done").fill("Repair the fire door on the first floor")
    second.get_by_label("Who will do it").fill("Maintenance lead")
    due = second.get_by_role("group", name="Due by")
    due.get_by_label("Day").fill("15")
    due.get_by_label("Month").fill("1")
    due.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Record the visit").click()
    expect(summary).to_contain_text("An action cannot fall due before the visit that found it")
    expect(page.get_by_label("Staff DBS checks seen")).to_be_checked()
    look("due-before-visit")

    due = page.get_by_role("group", name="Action 1 (optional)").get_by_role("group", name="Due by")
    due.get_by_label("Day").fill("4")
    due.get_by_label("Month").fill("12")
    page.get_by_role("button", name="Record the visit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Visit recorded")
    plan = page.get_by_role("table", name="Actions from visits")
    insurance = plan.get_by_role("row", name="Keep copies of the insurance certificates")
    expect(insurance).to_contain_text("Registered manager")
    expect(insurance).to_contain_text("Overdue")  # due on 4 December 2026, before today
    expect(plan.get_by_role("row", name="Repair the fire door")).to_contain_text("Not started")
    expect(page.get_by_role("heading", name="Form B: verification visit, 1 December 2026")).to_be_visible()
    expect(page.locator(".govuk-summary-list").last).to_contain_text("Insurance certificates seen")
    look("action-plan")

    plan.get_by_role("button", name="Start: Repair the fire door on the first floor").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action updated")
    expect(plan.get_by_role("row", name="Repair the fire door")).to_contain_text("In progress")
    plan.get_by_role("button", name="Close as done: Keep copies of the insurance certificates in the home").click()
    done = plan.get_by_role("row", name="Keep copies of the insurance certificates")
    expect(done).to_contain_text("Done")
    expect(done).not_to_contain_text("Overdue")
    expect(
        done.get_by_role("button", name="Reopen: Keep copies of the insurance certificates in the home")
    ).to_be_visible()
    look("followed-up")

    # Form C needs every answer.
    page.get_by_role("link", name="Record Form C: practitioner's visit").click()
    page.get_by_role("button", name="Record the visit").click()
    expect(summary).to_contain_text("Enter what the children said")
    expect(summary).to_contain_text("Enter how children can complain")
    look("form-c-errors")

    # The provider reads its visits and action plan in its own browser.
    provider = browser.new_context(base_url=base_url)
    try:
        theirs = provider.new_page()
        sign_in(theirs, "rowan@portal.test")
        theirs.goto("/organisation/settings")
        theirs.get_by_role("row", name="Hazel House").get_by_role("link", name="Quality visits").click()
        their_plan = theirs.get_by_role("table", name="Actions from visits")
        expect(their_plan.get_by_role("row", name="Repair the fire door")).to_contain_text("In progress")
        expect(their_plan.get_by_role("button")).to_have_count(0)
        expect(theirs.get_by_role("heading", name="Form B: verification visit, 1 December 2026")).to_be_visible()
        theirs_look = Look(theirs, [], "a_quality_visit_as_the_provider_sees_it")
        theirs_look("provider-visits")
        # Form A is the provider's own description of the setting.
        theirs.get_by_role("button", name="Send the description").click()
        expect(theirs.locator(".govuk-error-summary")).to_contain_text("Enter a description of the service")
        theirs_look("description-errors")
        theirs.get_by_label("Describe the service this setting gives children").fill(
            "A four-bed home for children aged 8 to 17 with two staff on every shift"
        )
        theirs.get_by_role("button", name="Send the description").click()
        expect(theirs.locator(".govuk-notification-banner")).to_contain_text("Description recorded")
        expect(theirs.get_by_role("heading", name="Form A: the provider's own description")).to_be_visible()
    finally:
        provider.close()

    page.goto(setting)
    expect(page.get_by_role("heading", name="Form A: the provider's own description")).to_be_visible()
    expect(page.get_by_text("A four-bed home for children aged 8 to 17")).to_be_visible()


def test_another_councils_setting_page_is_not_found(page: Page, look: Look) -> None:
    sign_in(page, "oversight@portal.test")  # Salford holds no arrangement with Hazel Care
    path = f"/council/quality/providers/{scene['hazel_provider_id']}/settings/{scene['hazel_setting_id']}"
    response = page.goto(path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    look("not-found")
