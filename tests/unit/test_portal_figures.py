"""The figures page's pure parts: the reporting year (1 April to 31 March), its months, and the
charts' labels and descriptions."""

from __future__ import annotations

from datetime import date

import pytest

from dps.portal.charts import Bar, Row, label_lines, row_chart
from dps.portal.figures import financial_year, months, year_span


@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2026, 12, 31), 2026), (date(2027, 1, 1), 2026)],
)
def test_the_year_starts_on_the_first_of_april(today: date, year: int) -> None:
    assert financial_year(today) == year


def test_a_past_year_runs_to_the_31st_of_march_and_the_current_one_to_today() -> None:
    today = date(2026, 12, 5)
    assert year_span(2025, today) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year_span(2026, today) == (date(2026, 4, 1), today)


def test_months_cover_the_period_and_the_last_one_stops_on_its_last_day() -> None:
    spans = months(date(2025, 4, 1), date(2026, 3, 31))
    assert len(spans) == 12
    assert spans[0] == (date(2025, 4, 1), date(2025, 4, 30))
    assert spans[8] == (date(2025, 12, 1), date(2025, 12, 31))  # over the turn of the year
    assert spans[-1] == (date(2026, 3, 1), date(2026, 3, 31))
    assert months(date(2026, 4, 1), date(2026, 5, 9))[-1] == (date(2026, 5, 1), date(2026, 5, 9))


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Trafford Council", ["Trafford Council"]),
        ("The provider was suspended", ["The provider was", "suspended"]),
        ("Holly Homes Ltd, GM-1 8-12 standard", ["Holly Homes Ltd, GM-1", "8-12 standard"]),
        (
            "A very long provider name indeed, GM-1 13-17 complex in the north",
            ["A very long provider", "name indeed, GM-1 13-17…"],
        ),
    ],
)
def test_a_rows_label_takes_at_most_two_lines(label: str, lines: list[str]) -> None:
    assert label_lines(label) == lines


def test_a_row_chart_names_every_value_for_screen_readers_and_escapes_names() -> None:
    chart = row_chart(
        "Placements started and ended",
        ("Started", "Ended"),
        [Row("<Oak> & Co", (Bar("Started", 4, "4"), Bar("Ended", 3, "3")))],
    )
    assert 'role="img"' in chart and "<title" in chart
    assert "&lt;Oak&gt; &amp; Co: Started 4, Ended 3" in chart
    assert "<Oak>" not in chart
    assert chart.count('class="portal-series-1"') == 2  # the legend's key and the bar
