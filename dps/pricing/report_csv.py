"""The pricing analysis as CSV, one section per file (spreadsheet users filter one table at a time)."""

from __future__ import annotations

import csv
import io
from enum import StrEnum

from dps.pricing.domain.analysis import PricingReport


class ReportSection(StrEnum):
    SPREADS = "spreads"
    UTILISATION = "utilisation"
    ABOVE_CEILING = "above_ceiling"
    SPEND = "spend"


# A spreadsheet runs a cell starting with one of these as a formula; names come from providers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula is written as text, behind an apostrophe
    (OWASP "CSV injection"); numbers are written as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([_cell(v) for v in row])


def report_csv(report: PricingReport, section: ReportSection) -> str:
    """One section of the report as CSV with a header row; money in pence."""
    out = io.StringIO()
    writer = _SafeWriter(out)
    band = ["lot_id", "age_band", "need_level", "area"]
    if section is ReportSection.SPREADS:
        writer.writerow(
            ["provider_id", "provider_name", *band, "placements", "authorities", "min_pence", "median_pence",
             "max_pence", "spread_pence", "spread_percent"]
        )  # fmt: skip
        for s in report.spreads:
            writer.writerow(
                [s.provider_id, report.provider_names.get(s.provider_id, ""), s.lot_id, s.key.age_band,
                 s.key.need_level, s.key.area or "", s.placements, s.authorities, s.min_pence, s.median_pence,
                 s.max_pence, s.spread_pence, s.spread_percent]
            )  # fmt: skip
    elif section is ReportSection.UTILISATION:
        writer.writerow([*band, "placements", "share_percent"])
        for u in report.utilisation:
            writer.writerow(
                [u.lot_id, u.key.age_band, u.key.need_level, u.key.area or "", u.placements, u.share_percent]
            )
    elif section is ReportSection.SPEND:
        writer.writerow(["authority_id", "authority_name", "spend_from", "spend_to", "placements", "spend_pence"])
        total = [report.spend_total] if report.spend_total is not None else []
        for c in [*report.spend, *total]:
            name = report.authority_names.get(c.authority_id, "") if c.authority_id else "consortium"
            writer.writerow([c.authority_id, name, report.spend_from, report.spend_to, c.placements, c.spend_pence])
    else:
        writer.writerow(
            ["rate_card_id", "provider_id", "provider_name", *band, "weekly_price_pence", "ceiling_pence",
             "over_pence", "exception_status"]
        )  # fmt: skip
        for a in report.above_ceiling:
            writer.writerow(
                [a.rate_card_id, a.provider_id, report.provider_names.get(a.provider_id, ""), a.lot_id,
                 a.key.age_band, a.key.need_level, a.key.area or "", a.weekly_price_pence, a.ceiling_pence,
                 a.over_pence, a.exception_status.value if a.exception_status else ""]
            )  # fmt: skip
    return out.getvalue()
