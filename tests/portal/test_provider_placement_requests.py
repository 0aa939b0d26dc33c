"""Step 8 of the provider's journey: the inbox of placement requests (the anonymised child only),
the deadline counting down in UK time, a sealed offer checked (the fee against the band and the
rate card) before it is submitted, changed and withdrawn, a clarification question, the outcome
and assessment after an award, and a late offer refused."""

from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.portal.clock import advance_past
from tests.support.portal.council import council_act

OPEN_REQUEST = "Boy, 12, long term"


def fill_offer(page: Page, fee: str) -> None:
    page.get_by_label("Weekly fee, in pounds").fill(fee)
    page.get_by_label(re.compile(r"How will you help (him|her) settle in (his|her) first month\?")).fill(
        "A key worker who knows autism meets him twice before he moves"
    )


def test_an_invited_provider_offers_changes_and_withdraws_before_the_deadline(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    page.get_by_role("link", name="Placement requests").click()
    inbox = page.get_by_role("table")
    expect(inbox).to_contain_text(OPEN_REQUEST)
    expect(inbox).to_contain_text("Open for offers")
    expect(inbox).to_contain_text("11 days and")  # counting down to the deadline
    look("inbox")
    page.get_by_role("link", name=OPEN_REQUEST).click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("(UK time)")
    profile = page.locator(".govuk-summary-list").first
    expect(profile).to_contain_text("12 years old")
    expect(profile).to_contain_text("Autism")
    expect(profile).to_contain_text("M1 (postcode district)")
    look("request")

    # A clarification question.
    page.get_by_label("Ask the council a question").fill("Does he have contact with his brother?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Your question has been sent to the council")).to_be_visible()
    expect(page.get_by_text("Does he have contact with his brother?")).to_be_visible()

    # An offer: nothing typed first, then a fee above the rate card, shown on "check your offer".
    page.get_by_role("button", name="Make an offer").click()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the weekly fee")
    expect(summary).to_contain_text("Answer “How will you help him settle in his first month?”")
    look("offer-errors")
    fill_offer(page, "5,200")
    page.get_by_label("Additional service 1", exact=True).fill("Ten hours of one-to-one support")
    page.get_by_label("Weekly cost of additional service 1, in pounds").fill("350")
    look("offer")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your offer")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "Your fee is above your approved rate card price of £4,800"
    )
    expect(page.locator("main")).to_contain_text("Floor £4,200, ceiling £5,600")
    look("check-offer")
    page.get_by_role("button", name="Change your offer").click()
    expect(page.get_by_label("Weekly fee, in pounds")).to_have_value("5,200")  # kept as typed
    page.get_by_label("Weekly fee, in pounds").fill("4800")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your fee is within the band and matches your approved rate card")).to_be_visible()
    page.get_by_role("button", name="Submit offer").click()
    expect(page.get_by_text("Offer submitted. It stays sealed until the deadline")).to_be_visible()
    offer = page.locator(".govuk-summary-card")
    expect(offer).to_contain_text("£4,800")
    expect(offer).to_contain_text("Ten hours of one-to-one support: £350 a week")
    look("offer-submitted")

    # Change it, then withdraw it.
    page.get_by_role("link", name="Change this offer for Birch House").click()
    expect(page.get_by_label("Weekly fee, in pounds")).to_have_value("4800")
    page.get_by_label("Weekly fee, in pounds").fill("4750")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Submit changed offer").click()
    expect(page.get_by_text("Your offer has been changed")).to_be_visible()
    expect(offer).to_contain_text("£4,750")
    page.get_by_role("button", name="Withdraw this offer").click()
    expect(page.get_by_text("Your offer has been withdrawn")).to_be_visible()
    expect(offer).to_contain_text("Withdrawn")
    expect(page.get_by_role("button", name="Make an offer")).to_be_visible()
    look("withdrawn")


def test_after_the_award_the_winner_sees_the_outcome_and_its_assessment(page: Page, look: Look) -> None:
    sign_in(page, "birch@portal.test")
    page.goto(f"/placement-requests/{scene['won_call_off_id']}")
    expect(page.get_by_text("Your offer was awarded")).to_be_visible()
    card = page.locator(".govuk-summary-card")
    expect(card).to_contain_text("Quality")
    expect(card).to_contain_text("ranked 1")
    expect(page.get_by_text("This is your assessment summary")).to_be_visible()
    look("awarded")


def test_an_offer_after_the_deadline_is_refused(page: Page, look: Look) -> None:
    late = council_act("request", "60")
    sign_in(page, "birch@portal.test")
    page.goto(f"/placement-requests/{late['call_off_id']}/offer")
    fill_offer(page, "4800")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your offer")
    # The deadline passes (a person who lingered on "check your offer").
    advance_past(datetime.fromisoformat(str(late["deadline"])))
    page.get_by_role("button", name="Submit offer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The deadline for offers has passed")
    look("late-offer")


def test_another_providers_request_and_offer_are_not_found(page: Page) -> None:
    sign_in(page, "alder@portal.test")
    won = scene["won_call_off_id"]
    for path in (
        f"/placement-requests/{won}",
        f"/placement-requests/{won}/offer",
        f"/placement-requests/{won}/offers/1",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
