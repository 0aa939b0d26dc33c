"""Step 7 of the provider's journey: a rate card proposed per band with each band's floor and
ceiling beside the fee, an exception with its justification, and the lead authority's decisions."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in


def test_a_member_proposes_fees_within_the_bands_and_sees_the_decisions(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    page.goto("/rate-cards")
    cards = page.get_by_role("table")
    expect(cards).to_contain_text("Approved")
    expect(cards).to_contain_text("Refused")
    look("index")
    # The refusal, with its reason; the approval, with its note.
    page.goto(f"/rate-cards/{scene['birch_refused_card_id']}")
    expect(page.locator(".govuk-summary-list")).to_contain_text("The fee is below the floor with no explanation")
    expect(page.get_by_role("table")).to_contain_text("Below the floor")
    look("refused")
    page.goto(f"/rate-cards/{scene['birch_approved_card_id']}")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Within every band")
    expect(page.get_by_role("table")).to_contain_text("£6,500")
    look("approved")

    # A new card from next year: a fee above a ceiling needs a reason, shown beside that band.
    page.get_by_role("link", name="Rate cards").click()
    page.get_by_role("link", name="Propose a rate card for LOT-1: Children's homes, ages 8 to 17").click()
    next_year = date.today().year + 1
    start = page.get_by_role("group", name="First day of these fees")
    start.get_by_label("Day", exact=True).fill("1")
    start.get_by_label("Month", exact=True).fill("4")
    start.get_by_label("Year", exact=True).fill(str(next_year))
    young = page.get_by_role("group", name="Ages 8-12, standard needs")
    expect(young).to_contain_text("floor £4,200, ceiling £5,600 a week")
    young.get_by_label("Weekly fee for ages 8-12, standard").fill("4,950")
    complex_ = page.get_by_role("group", name="Ages 13-17, complex needs")
    complex_.get_by_label("Weekly fee for ages 13-17, complex").fill("7500")
    page.get_by_label("One-to-one support, per hour").fill("35.50")
    look("form")
    page.get_by_role("button", name="Submit rate card").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The fee for 13-17, complex is above the ceiling")
    expect(complex_.get_by_label("Weekly fee for ages 13-17, complex")).to_have_value("7500")  # kept as typed
    look("above-ceiling")
    summary.get_by_role("link").click()
    reason = complex_.get_by_label("Reason for a fee above the ceiling (only if it is above)")
    expect(reason).to_be_focused()
    reason.fill("Two-to-one staffing around the clock for a child with complex health needs")
    page.get_by_role("button", name="Submit rate card").click()
    expect(page.get_by_text("Rate card submitted. The lead authority will approve or refuse it")).to_be_visible()
    fees = page.get_by_role("table").first
    expect(fees).to_contain_text("£4,950")
    expect(fees).to_contain_text("Above the ceiling")
    expect(fees).to_contain_text("Exception requested: Two-to-one staffing")
    expect(page.get_by_text("Waiting for a decision")).to_be_visible()
    expect(page.get_by_role("table").nth(1)).to_contain_text("£35.50 per hour")
    look("submitted")


def test_another_providers_rate_card_and_a_lot_without_a_place_are_not_found(page: Page) -> None:
    sign_in(page, "alder@portal.test")
    for path in (f"/rate-cards/{scene['birch_approved_card_id']}", f"/rate-cards/new/{scene['lot1_id']}"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
