"""Proposed values read from real (generated) PDFs, and bad PDFs refused cleanly."""

from __future__ import annotations

import time
from datetime import date

import pytest

from dps.accounts.domain import OfstedGrade
from dps.compliance.domain.extraction import (
    ProposedCover,
    extract_insurance,
    extract_ofsted,
    find_dates,
    parse_money_pence,
)
from dps.compliance.domain.requirements import InsuranceKind
from dps.compliance.pdf import PdfUnreadable, read_pdf_text
from tests import pdfs


async def test_insurance_schedule_with_a_table_of_covers() -> None:
    text = await read_pdf_text(pdfs.insurance_schedule())
    proposal = extract_insurance(text.text)
    assert text.pages == 1
    assert proposal.covers == (
        ProposedCover(InsuranceKind.EMPLOYERS_LIABILITY, 10_000_000_00),
        ProposedCover(InsuranceKind.PUBLIC_LIABILITY, 5_000_000_00),
        ProposedCover(InsuranceKind.PROFESSIONAL_INDEMNITY, 2_000_000_00),
    )
    assert proposal.starts_on == date(2026, 4, 1)
    assert proposal.expires_on == date(2027, 3, 31)
    assert proposal.insurer == "Northern Mutual Insurance plc"


async def test_insurance_letter_with_the_schedule_on_page_two() -> None:
    text = await read_pdf_text(pdfs.insurance_letter())
    proposal = extract_insurance(text.text)
    assert text.pages == 3
    assert proposal.covers == (
        ProposedCover(InsuranceKind.EMPLOYERS_LIABILITY, 10_000_000_00),
        ProposedCover(InsuranceKind.HISTORICAL_ABUSE, 5_000_000_00),
    )
    assert proposal.starts_on == date(2026, 4, 1)
    assert proposal.expires_on == date(2027, 3, 31)
    assert proposal.insurer == "Lexington Care Underwriting Ltd"


@pytest.mark.parametrize(
    ("grade_text", "grade"),
    [
        ("good", OfstedGrade.GOOD),
        ("outstanding", OfstedGrade.OUTSTANDING),
        ("requires improvement to be good", OfstedGrade.REQUIRES_IMPROVEMENT),
        ("inadequate", OfstedGrade.INADEQUATE),
    ],
)
async def test_childrens_home_report(grade_text: str, grade: OfstedGrade) -> None:
    text = await read_pdf_text(pdfs.ofsted_childrens_home("SC512345", grade_text))
    proposal = extract_ofsted(text.text)
    assert text.pages == 3
    assert proposal.urn == "SC512345"
    assert proposal.inspection_date == date(2026, 3, 12)  # the last day of "11 to 12 March 2026"
    assert proposal.overall_effectiveness is grade


async def test_school_report() -> None:
    proposal = extract_ofsted((await read_pdf_text(pdfs.ofsted_school("105123", "Inadequate"))).text)
    assert proposal.urn == "105123"
    assert proposal.inspection_date == date(2026, 2, 4)
    assert proposal.overall_effectiveness is OfstedGrade.INADEQUATE


async def test_an_image_only_scan_yields_nothing() -> None:
    text = await read_pdf_text(pdfs.image_only())
    assert text.text.strip() == ""
    assert not extract_insurance(text.text).found_anything
    assert not extract_ofsted(text.text).found_anything


async def test_an_ofsted_report_read_as_a_certificate_finds_no_cover() -> None:
    proposal = extract_insurance((await read_pdf_text(pdfs.ofsted_school())).text)
    assert proposal.covers == ()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (pdfs.encrypted(), "pdf_encrypted"),
        (pdfs.damaged(), "pdf_unreadable"),
        (b"PK\x03\x04 not a pdf", "pdf_unreadable"),
        (pdfs.too_long(40), "pdf_too_many_pages"),
    ],
)
async def test_bad_pdfs_are_refused_with_a_clear_code(content: bytes, code: str) -> None:
    with pytest.raises(PdfUnreadable) as refused:
        await read_pdf_text(content)
    assert refused.value.code == code
    assert refused.value.status == 422


async def test_a_slow_pdf_is_abandoned_at_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(PdfUnreadable) as refused:
        await read_pdf_text(pdfs.too_long(29), time_limit=0.001)
    assert refused.value.code == "pdf_too_slow"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£10,000,000", 10_000_000_00),
        ("GBP 5m", 5_000_000_00),
        ("£2.5 million", 2_500_000_00),
        ("£250k", 250_000_00),
        ("£1,234.56", 123_456),
        ("no amount here", None),
    ],
)
def test_money(text: str, pence: int | None) -> None:
    assert parse_money_pence(text) == pence


def test_dates_are_read_day_first() -> None:
    assert [d for _, d in find_dates("from 01/04/2026 to 2027-03-31, renewed 3rd May 2027")] == [
        date(2026, 4, 1),
        date(2027, 3, 31),
        date(2027, 5, 3),
    ]
    assert find_dates("31/02/2026") == []  # not a date
