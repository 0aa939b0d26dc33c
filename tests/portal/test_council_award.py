"""Story 4 after the deadline, as the commissioner: the opened offers with their cost, distance and
flags; scoring them; the award (an error when no offer is chosen); the placement that follows,
a move to another home, and ending it with a reason code (each with its error summary)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in
from tests.support.portal.scene_council import CLOSED_TITLE


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_commissioner_scores_awards_places_and_ends_a_placement(page: Page, look: Look) -> None:
    sign_in(page, "commissioner@portal.test")
    page.get_by_role("link", name="Placement requests", exact=True).click()
    look("requests")
    page.get_by_role("link", name=CLOSED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CLOSED_TITLE)
    offers = page.get_by_role("table", name="1 offer, opened at the deadline")
    row = offers.get_by_role("row", name="Birch House")
    expect(row).to_contain_text("£5,350 a week (fee £5,200 + services £150)")
    expect(row).to_contain_text("miles")
    expect(row).to_contain_text("Not scored")
    look("opened")

    page.get_by_role("button", name="Score and rank the offers").click()
    expect(page.get_by_text("Offers scored and ranked")).to_be_visible()
    expect(offers.get_by_role("row", name="Birch House")).not_to_contain_text("Not scored")

    page.get_by_role("button", name="Award").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the offer to award")
    look("award-needs-an-offer")
    page.get_by_label("Rank 1: Birch House").check()
    page.get_by_role("button", name="Award").click()
    expect(page.get_by_text("Offer awarded")).to_be_visible()
    expect(page.get_by_text("None under this arrangement: the placement starts at once")).to_be_visible()
    look("awarded")

    page.get_by_role("link", name=re.compile(r"^Placement \d+, from ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement with Birch Homes Ltd")
    look("placement")
    # The child moves to another member home of the lot: the old placement ends, a new one starts.
    page.get_by_role("link", name="Move the child to another home").click()
    page.get_by_role("button", name="Record the move").click()
    summary = page.locator(".govuk-error-summary")
    for message in ("Enter the date the placement ended", "Select the home the child moves to", "Enter the weekly fee"):
        expect(summary).to_contain_text(message)
    look("move-errors")
    moved = date.today() + timedelta(days=30)
    fill_date(page, "Date the placement ended", moved)
    page.get_by_label("Planned", exact=True).check()
    page.get_by_label("Birch Lodge").check()
    fill_date(page, "Date the new placement starts", moved)
    page.get_by_label("Weekly fee, in pounds").fill("5,100")
    page.get_by_role("button", name="Record the move").click()
    # Birch Lodge takes older children and the fee is above Birch's approved price: not a call-off.
    expect(summary).to_contain_text("This move is not within the framework: the setting takes ages 16-17, not 14")
    expect(summary).to_contain_text("the fee is above the provider's approved price for the band")
    look("move-outside-framework")
    page.get_by_label("Record this move as a spot purchase outside the framework").check()
    page.get_by_role("button", name="Record the move").click()
    expect(summary).to_contain_text("Say why the child is placed outside the framework")
    page.get_by_label("Why the child is placed outside the framework").fill("No member home of the lot had a place")
    page.get_by_role("button", name="Record the move").click()
    expect(page.get_by_text("The move has been recorded")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Under the framework")).to_contain_text(
        "No: a spot purchase outside the framework. No member home of the lot had a place"
    )
    expect(page.get_by_text(re.compile(r"This placement follows a move from placement \d+"))).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Weekly fee")).to_contain_text("£5,100")
    look("moved")

    ended = date.today() + timedelta(days=60)
    fill_date(page, "Date the placement ended", ended)
    page.get_by_label("Unplanned").check()
    page.get_by_role("button", name="Record the ending").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why the placement ended unplanned")
    look("ending-needs-a-reason")
    page.get_by_label("The placement broke down").check()
    page.get_by_role("button", name="Record the ending").click()
    expect(page.get_by_text("The end of the placement has been recorded")).to_be_visible()
    expect(page.get_by_text("Unplanned, the placement broke down")).to_be_visible()
    expect(page.get_by_role("button", name="Record the ending")).to_have_count(0)
    look("ended")


def test_offers_are_another_councils_business(page: Page) -> None:
    sign_in(page, "birch@portal.test")
    response = page.goto(f"/council/placement-requests/{scene['closed_call_off_id']}")
    assert response is not None and response.status == 404
