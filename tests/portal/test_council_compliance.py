"""Story 6 in the browser: a procurement officer's compliance dashboard (non-compliant and expiring
memberships with the failing checks), an override with its reason, a suspension and a
reinstatement; a concern drafted, issued (the provider drops out of new placement requests),
answered by the provider in its own browser, and rescinded (eligibility returns)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.portal.conftest import Look, scene, sign_in


def test_an_officer_works_through_the_compliance_dashboard(page: Page, look: Look) -> None:
    sign_in(page, "oversight@portal.test")
    page.get_by_role("link", name="Compliance", exact=True).click()
    attention = page.get_by_role("table", name="2 memberships need attention")
    fir = attention.get_by_role("row", name="Fir Care Ltd")
    expect(fir).to_contain_text("Not compliant")
    expect(fir).to_contain_text("Public liability insurance of at least £5m: Evidence missing")
    expect(attention.get_by_role("row", name="Elm Care Ltd")).to_contain_text("Expiring within 30 days")
    look("dashboard")

    attention.get_by_role("link", name="Fir Care Ltd").click()
    page.get_by_role("button", name="Override the check").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the check to override")
    expect(summary).to_contain_text("Select whether the check passes or fails")
    expect(summary).to_contain_text("Give the reason for overriding the check")
    look("override-errors")

    page.get_by_label("Check", exact=True).select_option(label="Public liability insurance of at least £5m")
    page.get_by_label("Passes").check()
    page.get_by_label("Reason for the override").fill("Certificate seen on a visit; the upload failed")
    page.get_by_role("button", name="Override the check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Check overridden")
    checks = page.get_by_role("table", name="Checks")
    expect(checks).to_contain_text("Passed by an officer")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Compliant")

    page.get_by_role("button", name="Suspend").click()
    expect(summary).to_contain_text("Give the reason for suspending the membership")
    page.get_by_label("Reason for suspending").fill("Ofsted monitoring visit outstanding")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Membership suspended")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Suspended: Ofsted monitoring visit outstanding")
    look("suspended")
    page.get_by_label("Reason for reinstating").fill("Monitoring visit done: no actions")
    page.get_by_role("button", name="Reinstate").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Membership reinstated")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Active: Monitoring visit done")

    page.get_by_role("link", name="Compliance").first.click()
    expect(page.get_by_role("table", name="1 membership needs attention")).not_to_contain_text("Fir Care Ltd")


def test_a_concern_takes_a_provider_out_of_new_requests_until_it_is_rescinded(
    page: Page, look: Look, browser: Browser, base_url: str
) -> None:
    sign_in(page, "oversight@portal.test")
    page.get_by_role("link", name="Concerns", exact=True).click()
    look("concerns")
    page.get_by_role("button", name="Raise a concern").click()
    page.get_by_role("button", name="Issue the concern").click()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Select the provider the concern is about",
        "Select at least one arrangement the concern affects",
        "Select the kind of concern",
        "Describe the concern",
    ):
        expect(summary).to_contain_text(message)
    look("concern-errors")

    page.get_by_label("Provider", exact=True).select_option(label="Elm Care Ltd")
    page.get_by_label("Salford children's homes DPS").check()
    page.get_by_label("Kind of concern").select_option(label="Safeguarding")
    page.get_by_label("What concerns the council").fill("Staff at Elm House were not DBS checked before starting")
    page.get_by_label("Keep the provider out of new placement requests").check()
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern saved as a draft")
    effect = page.get_by_role("table", name="SAL-1: Children's homes in Salford (Salford children's homes DPS)")
    expect(effect.get_by_role("row", name="Elm House")).to_contain_text("Eligible")
    look("draft")

    page.get_by_role("button", name="Issue the concern").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern issued")
    expect(effect.get_by_role("row", name="Elm House")).to_contain_text("Not eligible")
    expect(effect.get_by_role("row", name="Elm House")).to_contain_text("A live concern suspends the provider")
    look("issued")
    concern_url = page.url

    # The provider reads it and responds in its own browser.
    provider = browser.new_context(base_url=base_url)
    try:
        theirs = provider.new_page()
        sign_in(theirs, "elm@portal.test")
        theirs.goto(concern_url.replace("/council/concerns/", "/concerns/"))
        theirs.get_by_label("Your response").fill("Every member of staff is now DBS checked; records attached")
        theirs.get_by_role("button", name="Send response").click()
        expect(theirs.locator(".govuk-notification-banner")).to_contain_text("Your response has been sent")
    finally:
        provider.close()

    page.reload()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Every member of staff is now DBS checked")
    page.get_by_role("button", name="Rescind the concern").click()
    expect(summary).to_contain_text("Give the reason for rescinding the concern")
    page.get_by_label("Why the concern is rescinded").fill("DBS checks seen for every member of staff")
    page.get_by_role("button", name="Rescind the concern").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Concern rescinded")
    expect(effect.get_by_role("row", name="Elm House")).to_contain_text("Eligible")
    expect(effect.get_by_role("row", name="Elm House")).not_to_contain_text("Not eligible")
    look("rescinded")


def test_another_councils_membership_and_the_administration_pages_are_not_found(page: Page, look: Look) -> None:
    sign_in(page, "officer@portal.test")  # Bolton's officer: Salford's arrangement is none of Bolton's business
    for path in (
        f"/council/compliance/memberships/{scene['fir_membership_id']}",
        "/admin/users",
        "/admin/audit",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    look("not-found")
