"""Story 7 in the browser: a procurement officer refuses a rate card with the reason and approves
another (each price against its band, an exception above the ceiling, a review of an abnormally
low price), then defines an uplift, previews every band and card before and after, applies it,
and makes the fee variations of the live placements it changes in one batch (a second run makes
nothing twice)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, sign_in


def test_an_officer_approves_a_rate_card_with_an_exception_and_a_low_price(page: Page, look: Look) -> None:
    sign_in(page, "oversight@portal.test")
    page.get_by_role("link", name="Rate cards", exact=True).click()
    waiting = page.get_by_role("table", name="2 cards to decide, oldest first")
    expect(waiting.get_by_role("row", name="Elm Care Ltd")).to_contain_text("1 above the ceiling, 1 below the floor")
    expect(waiting.get_by_role("row", name="Fir Care Ltd")).to_contain_text("All within the bands")
    look("cards")

    waiting.get_by_role("link", name="Fir Care Ltd").click()
    page.get_by_role("button", name="Refuse the rate card").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give the reason for refusing the rate card")
    page.get_by_label("Reason for refusing").fill("A new card mid-year needs evidence of higher costs")
    page.get_by_role("button", name="Refuse the rate card").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Rate card refused")
    waiting = page.get_by_role("table", name="1 card to decide, oldest first")

    waiting.get_by_role("link", name="Elm Care Ltd").click()
    prices = page.get_by_role("table", name="Weekly prices against the bands")
    above = prices.get_by_role("row", name="8-12, standard")
    for words in ("£5,400", "£4,000", "£5,000", "Above the ceiling", "Two to one staffing at night"):
        expect(above).to_contain_text(words)
    expect(prices.get_by_role("row", name="13-17, standard")).to_contain_text("Below the floor: abnormally low")
    page.get_by_role("button", name="Approve the rate card").click()
    expect(summary).to_contain_text("needs its exception approved before the card can be approved")
    look("exception-first")

    page.get_by_role("button", name="Record the decision on 8-12").click()
    expect(summary).to_contain_text("Select whether to approve or refuse the exception")
    page.get_by_label("Approve the exception").check()
    page.get_by_label("Reason for the decision on 8-12").fill("Night staffing agreed at the quality visit")
    page.get_by_role("button", name="Record the decision on 8-12").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Decision on the exception recorded")
    expect(above).to_contain_text("Exception approved: Night staffing agreed at the quality visit")

    page.get_by_role("button", name="Approve the rate card").click()
    expect(summary).to_contain_text("A price below the band's floor is abnormally low")
    look("low-price-review")
    page.get_by_label("Your review of the abnormally low prices").fill(
        "Accounts show the home is funded by a charity grant; the price is sustainable"
    )
    page.get_by_role("button", name="Approve the rate card").click()
    expect(banner).to_contain_text("Rate card approved")
    expect(page.get_by_text("No rate cards are waiting for a decision")).to_be_visible()


def test_an_officer_previews_and_applies_an_uplift_then_makes_the_fee_variations(page: Page, look: Look) -> None:
    sign_in(page, "oversight@portal.test")
    page.get_by_role("link", name="Uplifts", exact=True).click()
    page.get_by_role("button", name="Save and preview").click()
    summary = page.locator(".govuk-error-summary")
    for message in (
        "Select the arrangement to uplift",
        "Describe the uplift",
        "Enter the date the new prices start",
        "Enter the percentage",
    ):
        expect(summary).to_contain_text(message)

    page.get_by_label("Arrangement").select_option(label="Salford children's homes DPS")
    page.get_by_label("Description").fill("Annual uplift 2027 to 2028")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("A blend of indices").check()
    page.get_by_label("Name of index 1").fill("CPI")
    page.get_by_label("Weight of index 1").fill("40")
    page.get_by_label("Change in index 1").fill("2.6")
    page.get_by_label("Name of index 2").fill("National Living Wage")
    page.get_by_label("Weight of index 2").fill("50")
    page.get_by_label("Change in index 2").fill("4.1")
    page.get_by_role("button", name="Save and preview").click()
    expect(summary).to_contain_text("The index weights must add up to 100")
    expect(page.get_by_label("Name of index 2")).to_have_value("National Living Wage")
    look("uplift-errors")

    page.get_by_label("A flat percentage").check()
    page.get_by_label("Percentage for a flat uplift").fill("3.8")
    page.get_by_role("button", name="Save and preview").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Uplift saved as a draft")
    bands = page.get_by_role("table", name="Price bands (2)")
    expect(bands.get_by_role("row", name="SAL-1 8-12, standard")).to_contain_text("£4,152")
    expect(bands.get_by_role("row", name="SAL-1 8-12, standard")).to_contain_text("£5,190")
    cards = page.get_by_role("table", name="Members' approved prices")
    fir = cards.get_by_role("row", name="Fir Care Ltd SAL-1 13-17, standard")
    expect(fir).to_contain_text("£4,600")
    expect(fir).to_contain_text("£4,774.80")
    look("preview")

    page.get_by_role("button", name="Apply the uplift").click()
    expect(summary).to_contain_text("Confirm that you have checked the new prices")
    page.get_by_label("I have checked the new prices in the preview").check()
    page.get_by_role("button", name="Apply the uplift").click()
    expect(banner).to_contain_text("Uplift applied")
    look("applied")

    page.get_by_role("button", name="Make the fee variations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fee variations for Annual uplift 2027 to 2028")
    made = page.get_by_role("table", name="What happened to each placement")
    expect(made.get_by_role("row", name="Fir Care Ltd")).to_contain_text("Made: a draft for a legal officer to issue")
    look("variations")

    page.get_by_role("link", name="Annual uplift 2027 to 2028").click()
    page.get_by_role("button", name="Make the fee variations").click()
    expect(made).to_contain_text("Already varied from this day: nothing new made")
