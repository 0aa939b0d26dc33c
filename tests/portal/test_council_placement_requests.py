"""Story 4 in the browser, as a commissioner: raise a placement request for an anonymised child
(a full postcode refused with the reason why), see who would be invited and why the other homes
would not, publish it, and then see only how many offers have come in while they are sealed. The
placement request form is also used by keyboard alone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from playwright.sync_api import Page, expect

from dps.core.dates import UK_TIME
from tests.portal.conftest import Look, sign_in

COMMISSIONER = "commissioner@portal.test"
LOT = "LOT-1: Children's homes, ages 8 to 17 (Placements North West children's residential DPS)"


def in_days(days: int) -> date:
    return datetime.now(UK_TIME).date() + timedelta(days=days)


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def fill_request(page: Page, title: str, district: str) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label(LOT).check()
    page.get_by_label("Age", exact=True).fill("12")
    page.get_by_role("group", name="Sex", exact=True).get_by_label("Female").check()
    page.get_by_label("Home postcode district").fill(district)
    page.get_by_label("Long term").check()
    fill_date(page, "Start date", in_days(21))
    page.get_by_role("group", name="Essential needs").get_by_label("Social, emotional and mental health").check()
    page.get_by_role("group", name="Preferred needs").get_by_label("Autism").check()
    page.get_by_label("Need level").select_option("standard")
    fill_date(page, "Date offers close", in_days(14))
    page.get_by_label("A question for providers to answer (optional)").fill("How would you help her settle at school?")
    page.get_by_label("Weight of preferred needs within quality").fill("1")


def test_a_commissioner_raises_previews_and_publishes_a_placement_request(page: Page, look: Look) -> None:
    sign_in(page, COMMISSIONER)
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs doing")
    look("home")
    page.get_by_role("button", name="Raise a placement request").click()
    expect(page.get_by_text("Offers must stay open at least 10 days from when you publish")).to_be_visible()
    look("form")

    # A full postcode is refused, and the page says why; everything typed is kept.
    fill_request(page, "Residential home for a 12 year old girl, Bolton", "M1 1AE")
    page.get_by_role("button", name="Save and see who would be invited").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter only the first part of the postcode, like M5")
    expect(summary).to_contain_text("the request goes to every invited provider")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Residential home for a 12 year old girl, Bolton")
    expect(page.get_by_label("Autism").nth(1)).to_be_checked()
    look("full-postcode-refused")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Home postcode district")).to_be_focused()

    # A deadline sooner than the arrangement's minimum period is refused without an urgent reason.
    page.get_by_label("Home postcode district").fill("M1")
    fill_date(page, "Date offers close", in_days(3))
    page.get_by_role("button", name="Save and see who would be invited").click()
    expect(summary).to_contain_text("Offers must stay open at least 10 days")
    look("offer-period-too-short")

    fill_date(page, "Date offers close", in_days(14))
    page.get_by_role("button", name="Save and see who would be invited").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Residential home for a 12 year old girl, Bolton")
    expect(page.get_by_text("Placement request saved as a draft")).to_be_visible()
    preview = page.get_by_role("table", name="1 of 2 member homes would be invited")
    expect(preview.get_by_role("row", name="Birch House")).to_contain_text("Invited")
    expect(preview.get_by_role("row", name="Birch Lodge")).to_contain_text("Left out")
    expect(preview.get_by_role("row", name="Birch Lodge")).to_contain_text("Does not take children of this age")
    look("preview")

    page.get_by_role("button", name="Publish the request").click()
    expect(page.get_by_text("Placement request published")).to_be_visible()
    expect(page.get_by_text("0 offers received so far")).to_be_visible()
    expect(page.get_by_text("nobody, including you, can see who has offered")).to_be_visible()
    expect(page.get_by_role("button", name="Publish the request")).to_have_count(0)
    look("sealed")

    # The home page lists the closing of offers among the deadlines, with a link to the request.
    page.get_by_role("link", name="Home", exact=True).click()
    deadline = page.get_by_role("link", name="Offers close: Residential home for a 12 year old girl, Bolton")
    expect(deadline).to_be_visible()
    expect(page.get_by_role("row", name="Residential home for a 12 year old girl, Bolton").last).to_contain_text(
        "Offers are sealed until the deadline"
    )
    look("home-with-request")
    deadline.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Residential home for a 12 year old girl, Bolton")


def test_placement_requests_are_for_commissioners_only(page: Page) -> None:
    sign_in(page, "officer@portal.test")
    response = page.goto("/council/placement-requests/new")
    assert response is not None and response.status == 404
    sign_in(page, "birch@portal.test")
    response = page.goto("/council/placement-requests")
    assert response is not None and response.status == 404


def tab_to(page: Page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element with `element_id` has the focus."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_placement_request_form_works_by_keyboard_alone(page: Page) -> None:
    sign_in(page, COMMISSIONER)
    page.goto("/council/placement-requests/new")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "title")
    page.keyboard.type("Foster home for a 9 year old, keyboard")
    tab_to(page, "lot")  # the first lot: LOT-1
    page.keyboard.press("Space")
    tab_to(page, "age")
    page.keyboard.type("9")
    tab_to(page, "sex")
    page.keyboard.press("Space")  # the first: Female
    tab_to(page, "home_district")
    page.keyboard.type("M1")
    tab_to(page, "placement_type")
    page.keyboard.press("Space")
    start = in_days(20)
    for part, value in (("day", start.day), ("month", start.month), ("year", start.year)):
        tab_to(page, f"start_date-{part}")
        page.keyboard.type(str(value))
    tab_to(page, "essential_needs")
    page.keyboard.press("Space")  # the first need
    close = in_days(12)
    for part, value in (("day", close.day), ("month", close.month), ("year", close.year)):
        tab_to(page, f"deadline-{part}")
        page.keyboard.type(str(value))
    tab_to(page, "question")
    page.keyboard.type("What would a first week look like?")
    tab_to(page, "preferred_needs_weight")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and see who would be invited")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Foster home for a 9 year old, keyboard")
    expect(page.get_by_text("Placement request saved as a draft")).to_be_visible()
