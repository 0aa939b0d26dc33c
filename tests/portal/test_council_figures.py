"""The placement figures in the browser (story 9): each figure a chart drawn on the server as SVG
with its numbers in a table beside it and a CSV download of them, for the year chosen with a plain
form. The numbers are those of tests/support/portal/scene_figures.py: the lead authority's officer
sees every member council and the whole consortium, a member council's commissioner only its own."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.portal.conftest import Look, scene, sign_in

YEAR = "April 2025 to March 2026"
SYSTEM = "Greater Manchester children's homes DPS"


def numbers(page: Page, figure: str, row: str) -> list[str]:
    """The numbers a figure's table shows in the row named `row` (its first cell)."""
    table = page.get_by_role("table", name=f"{figure}: the numbers")
    found = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=row, exact=True))
    expect(found).to_have_count(1)
    return [text.strip() for text in found.get_by_role("cell").all_inner_texts()]


def rows(page: Page, figure: str) -> list[str]:
    """The names of a figure's table rows."""
    table = page.get_by_role("table", name=f"{figure}: the numbers")
    return [text.strip() for text in table.get_by_role("rowheader").all_inner_texts()]


def choose(page: Page, system: str | None = None) -> None:
    page.get_by_role("link", name="Figures", exact=True).click()
    page.get_by_label("Year", exact=True).select_option(label=YEAR)
    if system:
        page.get_by_label("Placements", exact=True).select_option(label=system)
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text("1 April 2025 to 31 March 2026")).to_be_visible()


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_lead_authority_reads_the_consortiums_figures(page: Page, look: Look, tmp_path: Path) -> None:
    sign_in(page, "figures-officer@portal.test")
    choose(page, SYSTEM)
    for figure in (
        "Placements started and ended",
        "Unplanned endings by reason",
        "Children with 3 or more placements in the year",
        "Placed out of area and over 20 miles from home",
        "Spend by month",
        "The same provider's rates across councils",
        "Band utilisation",
        "Rates above the ceiling",
    ):
        expect(page.get_by_role("img", name=figure)).to_be_visible()
        expect(page.get_by_role("heading", name=figure, level=2)).to_be_visible()
    assert page.locator("canvas").count() == 0 and page.locator("main script").count() == 0
    # A chart is an image named by its title and described by its values, for a screen reader.
    expect(page.get_by_role("img", name="Placements started and ended", exact=True)).to_have_accessible_description(
        "Stockport Council: Started 4, Ended 3; Oldham Council: Started 2, Ended 1"
    )
    expect(page.get_by_role("img", name="Spend by month", exact=True)).to_have_accessible_description(
        re.compile(r"^Apr: £22k; May: £44k; .*; Mar: £70k$")
    )

    # Started and ended: a child moved twice at Stockport; Oldham's ending began the year before.
    started = "Placements started and ended"
    assert numbers(page, started, "Stockport Council") == ["4", "3"]
    assert numbers(page, started, "Oldham Council") == ["2", "1"]
    assert numbers(page, started, "Whole consortium") == ["6", "4"]
    # Unplanned endings by reason, a column per council and the total.
    unplanned = "Unplanned endings by reason"
    assert numbers(page, unplanned, "The placement broke down") == ["1", "0", "1"]
    assert numbers(page, unplanned, "The child asked to move") == ["1", "0", "1"]
    assert numbers(page, unplanned, "A safeguarding concern") == ["0", "1", "1"]
    assert numbers(page, unplanned, "The provider gave notice") == ["0", "0", "0"]
    # Stability: the child moved twice lived in three placements in the year.
    stability = "Children with 3 or more placements in the year"
    assert numbers(page, stability, "Stockport Council") == ["1", "1"]
    assert numbers(page, stability, "Oldham Council") == ["0", "2"]
    assert numbers(page, stability, "Whole consortium") == ["1", "3"]
    # Distance: Oldham's two live placements are out of its area, one of them over 20 miles away.
    distance = "Placed out of area and over 20 miles from home"
    assert numbers(page, distance, "Stockport Council") == ["0", "0", "1"]
    assert numbers(page, distance, "Oldham Council") == ["2", "1", "2"]
    assert numbers(page, distance, "Whole consortium") == ["2", "1", "3"]
    # Spend: each weekly fee for the days in force; March 2026 has 31 days.
    assert len(rows(page, "Spend by month")) == 12
    assert numbers(page, "Spend by month", "March 2026") == ["£21,700", "£48,050", "£69,750"]
    assert numbers(page, "Spend by month", "April 2025") == ["£0", "£21,600", "£21,600"]  # Oldham's from 2024
    # Rates: Holly is paid £4,900 by Stockport and £5,250 by Oldham for the same band.
    rates = "The same provider's rates across councils"
    assert numbers(page, rates, "Holly Homes Ltd, GM-1 8-12 standard") == [
        "2", "£4,900", "£5,075", "£5,250", "£350 (7.14%)"
    ]  # fmt: skip
    assert numbers(page, rates, "Ivy Homes Ltd, GM-1 13-17 standard") == [
        "1",
        "£5,600",
        "£5,600",
        "£5,600",
        "£0 (0.00%)",
    ]
    assert rows(page, "Band utilisation") == ["GM-1 8-12 standard", "GM-1 13-17 standard"]  # youngest first
    assert numbers(page, "Band utilisation", "GM-1 8-12 standard") == ["2", "66.67%"]
    assert numbers(page, "Band utilisation", "GM-1 13-17 standard") == ["1", "33.33%"]
    # Above the ceiling: Holly's exception; Ivy's price on the ceiling is not above it.
    above = "Rates above the ceiling"
    assert rows(page, above) == ["Holly Homes Ltd, GM-1 13-17 standard"]
    assert numbers(page, above, "Holly Homes Ltd, GM-1 13-17 standard") == ["£5,900", "£5,600", "£300", "Approved"]
    look("consortium")

    # Each figure downloads as CSV: the spend by month in pence, a column per council.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download spend by month (CSV)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert download.value.suggested_filename == "spend-2025-GM-RES-DPS-2025.csv"
    spend = read_csv(saved.read_text(encoding="utf-8"))
    assert spend[0] == ["month", "Stockport Council", "Oldham Council", "spend_pence"]
    assert ["2026-03", "2170000", "4805000", "6975000"] in spend and len(spend) == 13
    for figure, expected in (
        ("placements started and ended", ["Whole consortium", "6", "4"]),
        ("unplanned endings by reason", ["safeguarding", "0", "1", "1"]),
        ("children with 3 or more placements in the year", ["Stockport Council", "1", "1"]),
        ("placed out of area and over 20 miles from home", ["Oldham Council", "2", "1", "2"]),
        ("the same provider's rates across councils",
         ["Holly Homes Ltd", "GM-1 8-12 standard", "2", "2", "490000", "507500", "525000", "35000", "7.14"]),
        ("band utilisation", ["GM-1 13-17 standard", "1", "33.33"]),
        ("rates above the ceiling",
         ["Holly Homes Ltd", "GM-1 13-17 standard", "590000", "560000", "30000", "approved"]),
    ):  # fmt: skip
        href = page.get_by_role("link", name=f"Download {figure} (CSV)").get_attribute("href")
        assert href is not None
        got = page.request.get(href)
        assert got.ok and got.headers["content-type"].startswith("text/csv"), figure
        assert expected in read_csv(got.text()), figure


def test_a_member_council_sees_only_its_own_figures(page: Page, look: Look) -> None:
    sign_in(page, "figures-commissioner@portal.test")
    choose(page)
    started = "Placements started and ended"
    assert rows(page, started) == ["Oldham Council"]
    assert numbers(page, started, "Oldham Council") == ["2", "1"]
    assert numbers(page, "Unplanned endings by reason", "A safeguarding concern") == ["1"]
    assert numbers(page, "Placed out of area and over 20 miles from home", "Oldham Council") == ["2", "1", "2"]
    assert numbers(page, "Spend by month", "March 2026") == ["£48,050"]
    # The pricing analysis is for procurement officers.
    expect(page.get_by_role("heading", name="Rates above the ceiling")).to_have_count(0)
    look("own-council")

    # Under the consortium's purchasing system too, a member council sees its own council only.
    choose(page, SYSTEM)
    assert rows(page, started) == ["Oldham Council"]
    href = page.get_by_role("link", name="Download placements started and ended (CSV)").get_attribute("href")
    assert href is not None
    lines = read_csv(page.request.get(href).text())
    assert lines == [["council", "started", "ended"], ["Oldham Council", "2", "1"]]
    look("member")
    # A purchasing system the council is not part of is not found.
    response = page.goto(f"/council/figures?arrangement={scene['arrangement_id']}")
    assert response is not None and response.status == 404
