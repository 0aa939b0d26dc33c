"""The council's placement figures in the browser: charts drawn on the server as SVG with their
numbers in a table beside them, and the same figures as a CSV download."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, sign_in


def test_a_commissioner_reads_the_placement_figures(page: Page, look: Look) -> None:
    sign_in(page, "commissioner@portal.test")
    page.get_by_role("link", name="Figures", exact=True).click()
    expect(page.get_by_role("img", name="Placements in the last 12 months")).to_be_visible()
    expect(page.get_by_role("img", name="Spend by month")).to_be_visible()
    numbers = page.get_by_role("table", name="The numbers in the chart")
    for measure in ("Started", "Ended", "Unplanned", "Out of area", "Over 20 miles", "3+ placements"):
        expect(numbers.get_by_role("row", name=measure)).to_be_visible()
    expect(page.get_by_role("table", name="Spend in each month").get_by_role("row")).to_have_count(13)
    assert page.locator("canvas").count() == 0
    look("figures")
    download = page.request.get("/council/figures/placements.csv")
    assert download.ok and download.headers["content-type"].startswith("text/csv")
    lines = download.text().splitlines()
    assert lines[0].startswith("month,started,ended,unplanned_endings")
    assert len(lines) == 13
