"""Step 6 of the provider's journey: the compliance dashboard per membership, what is missing and
why, and a renewal uploaded ahead of expiry shown beside the piece still in force."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.pdfs import insurance_schedule

MEMBERSHIP = "Placements North West children's residential DPS, LOT-2"


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))


def upload_certificate(page: Page, starts: date, ends: date, name: str) -> None:
    page.get_by_label("Upload a file").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": insurance_schedule()}
    )
    page.get_by_label("Insurer").fill("Northern Mutual Insurance plc")
    page.get_by_label("Limit of indemnity, in pounds").fill("5,000,000")
    fill_date(page, "Cover starts on", starts)
    fill_date(page, "Cover ends on", ends)
    page.get_by_role("button", name="Upload evidence").click()


def test_compliance_shows_what_is_missing_then_a_renewal_beside_the_piece_in_force(page: Page, look: Look) -> None:
    today = date.today()
    sign_in(page, "alder@portal.test")
    page.get_by_role("link", name="Compliance", exact=True).click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Non-compliant")
    expect(table).to_contain_text("Public liability insurance of at least £5m")
    look("dashboard")

    page.get_by_role("link", name=MEMBERSHIP).click()
    card = page.locator(".govuk-summary-card")
    expect(card).to_contain_text("Missing")
    look("missing")

    # A certificate that lapses in 20 days: compliant today, but expiring within 30 days.
    page.get_by_role("link", name="Upload evidence for Public liability insurance of at least £5m").click()
    look("upload")
    page.get_by_role("button", name="Upload evidence").click()  # nothing entered
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select a file to upload")
    expect(summary).to_contain_text("Enter who issued it")
    look("upload-errors")
    upload_certificate(page, today - timedelta(days=345), today + timedelta(days=20), "this-year.pdf")
    expect(page.get_by_text("Evidence uploaded")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Expiring within 30 days")
    expect(card).to_contain_text("Expires soon")

    # The renewal starts the day after: held beside the one in force, which stays in force.
    page.get_by_role("link", name="Upload a renewal for Public liability insurance of at least £5m").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("In force now: Northern Mutual Insurance plc")
    upload_certificate(page, today + timedelta(days=21), today + timedelta(days=385), "next-year.pdf")
    expect(page.locator("main")).to_contain_text("Compliant")
    expect(card).to_contain_text("In force now")
    expect(card).to_contain_text("Renewal held")
    expect(card).to_contain_text("until then the one in force stays in force")
    look("renewal-held")


def test_another_providers_membership_compliance_is_not_found(page: Page) -> None:
    sign_in(page, "birch@portal.test")
    page.goto("/compliance")
    expect(page.get_by_role("table")).to_contain_text("Compliant")
    theirs = scene["alder_membership_id"]
    for path in (f"/compliance/memberships/{theirs}", f"/compliance/memberships/{theirs}/requirements/1"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
