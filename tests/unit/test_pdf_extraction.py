"""Proposed values read from real (generated) PDFs, and bad PDFs refused cleanly."""

from __future__ import annotations

import time
from datetime import date

import pytest

from dps.accounts.domain import OfstedGrade
from dps.compliance.domain.extraction import (
    ProposedCover,
    SourceLine,
    extract_insurance,
    extract_ofsted,
    find_dates,
    parse_money_pence,
)
from dps.compliance.domain.requirements import InsuranceKind
from dps.compliance.pdf import PdfUnreadable, read_pdf_text
from tests.support import pdfs


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


# --- issue 12: the patterns real documents use --------------------------------------------------

EL = InsuranceKind.EMPLOYERS_LIABILITY
PL = InsuranceKind.PUBLIC_LIABILITY
PI = InsuranceKind.PROFESSIONAL_INDEMNITY
ABUSE = InsuranceKind.HISTORICAL_ABUSE


def limits(text: str) -> dict[InsuranceKind, int | None]:
    return {c.insurance_kind: c.limit_pence for c in extract_insurance(text).covers}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the limit on its own line, well below the class, with dots leading to it
        (
            "Certificate of Employers' Liability Insurance\nPolicy number: EL/1\n"
            "Territorial limits: Great Britain\nLimit of indemnity ....: GBP 10,000,000",
            {EL: 10_000_000_00},
        ),
        # a bare figure under a "Limit of indemnity" label in the right-hand column
        ("Public Liability Limit of indemnity\nGBP 5,000,000", {PL: 5_000_000_00}),
        ("Public Liability\n£5,000,000 any one occurrence", {PL: 5_000_000_00}),
        ("Public & Products Liability: £5m any one occurrence", {PL: 5_000_000_00}),
        ("Employers Liability - GBP10,000,000", {EL: 10_000_000_00}),
        # a labelled figure without a currency sign
        ("Employers' Liability\nLimit of indemnity: 10,000,000", {EL: 10_000_000_00}),
        # two classes side by side, their limits side by side below
        (
            "Employers' Liability Public Liability\nLimit: £10,000,000 Limit: £5,000,000",
            {EL: 10_000_000_00, PL: 5_000_000_00},
        ),
    ],
    ids=[
        "own-line",
        "next-line-under-label",
        "next-line-bare",
        "ampersand",
        "no-apostrophe",
        "no-currency",
        "side-by-side",
    ],
)
def test_a_limit_is_read_where_layouts_put_it(text: str, expected: dict[InsuranceKind, int | None]) -> None:
    assert limits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Public Liability\nExcess: GBP 500",
        "Public Liability Excess GBP 500",
        "Public Liability £500 excess",
        "Public Liability\nExcess GBP 500 each and every claim\nGBP 5,000",
        "Public Liability premium £1,250,000",
        "Public Liability £5,000",  # no insurer writes a £5,000 limit: a sub-limit or an excess
    ],
    ids=["excess-below", "excess-on-line", "excess-after", "after-an-excess", "premium", "implausibly-small"],
)
def test_an_excess_or_a_small_figure_is_not_taken_as_the_limit(text: str) -> None:
    assert limits(text) == {PL: None}


def test_a_limit_beside_an_excess_is_the_limit() -> None:
    assert limits("Public Liability Excess £250 Limit of indemnity £5,000,000") == {PL: 5_000_000_00}
    assert limits("Public liability: limit £5,000,000 any one occurrence, excess £250 each claim") == {PL: 5_000_000_00}
    assert limits("Public Liability £5,000,000 £250") == {PL: 5_000_000_00}


@pytest.mark.parametrize(
    "text",
    [
        "Employers' liability: not insured under this policy",
        "Abuse and molestation: excluded",
        "Employers' Liability Not insured -",
        "Employers' Liability\nNot covered",
        "Exclusions: abuse and molestation",
        "Professional indemnity: N/A",
        "Public liability - nil",
    ],
)
def test_a_class_the_document_says_is_not_covered_is_proposed_as_nothing(text: str) -> None:
    assert extract_insurance(text).covers == ()


def test_a_class_named_in_passing_takes_its_limit_from_the_schedule_not_from_another_section() -> None:
    text = (
        "Please find your employers' liability certificate attached.\n"
        "Buildings\nSum insured: £2,000,000\n"
        "SCHEDULE\nEmployers' Liability\nLimit of indemnity: £10,000,000"
    )
    (cover,) = extract_insurance(text).covers
    assert cover.limit_pence == 10_000_000_00
    assert cover.limit_source == SourceLine(1, "Limit of indemnity: £10,000,000")


def test_a_limit_under_another_section_is_not_the_class_above() -> None:
    assert limits("Public Liability cover applies\nMaterial damage\nSum insured £3,000,000") == {PL: None}


def test_an_excess_of_nil_is_not_a_negation() -> None:
    assert limits("Public Liability £5,000,000 Excess: nil") == {PL: 5_000_000_00}


def test_the_name_of_the_regulations_is_not_a_class_of_cover() -> None:
    text = "Required by the Employers' Liability (Compulsory Insurance) Regulations 1998\nPublic Liability £5,000,000"
    assert limits(text) == {PL: 5_000_000_00}


@pytest.mark.parametrize(
    ("text", "starts_on", "expires_on"),
    [
        ("Policy period: 23 August 2025 to 22 August 2026", date(2025, 8, 23), date(2026, 8, 22)),
        ("Period of insurance: 15/02/2026 \u2013 14/02/2027", date(2026, 2, 15), date(2027, 2, 14)),
        ("Period of insurance\n15/02/2026 \u2014 14/02/2027", date(2026, 2, 15), date(2027, 2, 14)),
        ("Period of cover: 15/02/2026-14/02/2027", date(2026, 2, 15), date(2027, 2, 14)),
        (
            "Period of insurance: from 00:01 hours on 1 April 2026 until midnight on 31 March 2027",
            date(2026, 4, 1),
            date(2027, 3, 31),
        ),
        ("Valid from 01/04/2026 until 31/03/2027", date(2026, 4, 1), date(2027, 3, 31)),
        ("Date of commencement: 23 August 2025\nDate of expiry: 22 August 2026", date(2025, 8, 23), date(2026, 8, 22)),
        ("Inception date\n1st April 2026\nExpiry date\n31 March 2027", date(2026, 4, 1), date(2027, 3, 31)),
    ],
    ids=["words", "en-dash", "em-dash-next-line", "hyphen", "times", "valid-from-until", "statutory", "two-column"],
)
def test_periods_of_insurance(text: str, starts_on: date, expires_on: date) -> None:
    proposal = extract_insurance(text)
    assert (proposal.starts_on, proposal.expires_on) == (starts_on, expires_on)


@pytest.mark.parametrize(
    "text",
    [
        "Period of insurance: 31/03/2027 to 01/04/2026",  # ends before it starts
        "Period of insurance: 01/04/2020 to 31/03/2027",  # seven years: not one policy's period
        "Period of insurance: 01/04/2026 (renewal date 01/04/2027)",  # no range
        "Letter dated 14 March 2026",
        "Renewal date: 1 April 2027",  # the day after expiry, or the expiry? not said
    ],
)
def test_no_period_is_proposed_when_the_text_does_not_say_one(text: str) -> None:
    proposal = extract_insurance(text)
    assert (proposal.starts_on, proposal.expires_on) == (None, None)


def test_each_proposed_insurance_value_carries_its_page_and_line() -> None:
    pages = [
        "Dear Sir,\nPlease find the schedule enclosed.",
        "Insurer: Aviva\nPolicy period: 23 August 2025 to 22 August 2026\n"
        "Employers' Liability\nLimit of indemnity:   £10,000,000",
    ]
    proposal = extract_insurance(pages)
    (cover,) = proposal.covers
    assert cover.source == SourceLine(2, "Employers' Liability")
    assert cover.limit_source == SourceLine(2, "Limit of indemnity: £10,000,000")
    assert proposal.sources == {
        "insurer": SourceLine(2, "Insurer: Aviva"),
        "starts_on": SourceLine(2, "Policy period: 23 August 2025 to 22 August 2026"),
        "expires_on": SourceLine(2, "Policy period: 23 August 2025 to 22 August 2026"),
    }


def test_an_interim_inspection_proposes_no_grade() -> None:
    text = (
        "Interim inspection of children's home\nUnique reference number: SC498765\n"
        "Inspection date: 9 September 2026\nJudgement outcome: sustained effectiveness\n"
        "Overall judgement at last inspection: good"
    )
    proposal = extract_ofsted(text)
    assert proposal.overall_effectiveness is None
    assert proposal.interim_inspection is True
    assert proposal.urn == "SC498765"
    assert proposal.inspection_date == date(2026, 9, 9)


def test_a_previous_inspections_grade_is_never_this_reports() -> None:
    proposal = extract_ofsted("URN SC1234567\nOverall effectiveness at the previous inspection: outstanding")
    assert proposal.overall_effectiveness is None
    assert "overall_effectiveness" not in proposal.sources


@pytest.mark.parametrize(
    ("sentence", "grade"),
    [
        ("Consistently strong service delivery leads to typically positive experiences", OfstedGrade.SA_OUTCOME_1),
        ("Inconsistent quality of service delivery adversely affects some children's", OfstedGrade.SA_OUTCOME_2),
        ("Serious or widespread weaknesses lead to significant concerns", OfstedGrade.SA_OUTCOME_3),
        ("Outcome 2", OfstedGrade.SA_OUTCOME_2),
    ],
)
def test_supported_accommodation_outcomes_written_as_sentences(sentence: str, grade: OfstedGrade) -> None:
    assert extract_ofsted(f"Overall outcome\n{sentence}").overall_effectiveness is grade
    assert extract_ofsted(f"Supported accommodation inspection\n{sentence}").overall_effectiveness is grade


def test_a_report_listing_all_three_outcomes_proposes_none_of_them() -> None:
    text = (
        "The three outcomes are:\nConsistently strong service delivery leads to ...\n"
        "Inconsistent quality of service delivery adversely affects ...\nSerious or widespread weaknesses lead to ..."
    )
    assert extract_ofsted(text).overall_effectiveness is None


def test_a_narrative_good_under_a_heading_is_not_a_grade() -> None:
    text = "Overall experiences and progress of children and young people\nChildren make good progress at school."
    assert extract_ofsted(text).overall_effectiveness is None


# --- the same, read from PDFs in several layouts --------------------------------------------------


async def insurance(pdf: bytes):  # type: ignore[no-untyped-def]
    return extract_insurance((await read_pdf_text(pdf)).page_texts)


async def test_statutory_el_certificate() -> None:
    proposal = await insurance(pdfs.statutory_el_certificate())
    assert proposal.covers == (ProposedCover(EL, 10_000_000_00),)
    assert proposal.covers[0].limit_source == SourceLine(
        1, "Limit of indemnity ..........................: GBP 10,000,000"
    )
    assert (proposal.starts_on, proposal.expires_on) == (date(2025, 8, 23), date(2026, 8, 22))


async def test_two_column_schedule() -> None:
    proposal = await insurance(pdfs.two_column_schedule())
    assert proposal.covers == (ProposedCover(PL, 5_000_000_00), ProposedCover(PI, 2_000_000_00))
    assert [c.limit_source for c in proposal.covers] == [SourceLine(1, "GBP 5,000,000"), SourceLine(1, "GBP 2,000,000")]
    assert (proposal.starts_on, proposal.expires_on) == (date(2026, 2, 15), date(2027, 2, 14))
    assert proposal.sources["expires_on"] == SourceLine(1, "15/02/2026 \u2013 14/02/2027")
    assert proposal.insurer == "Harbour Mutual plc"


async def test_classes_side_by_side() -> None:
    proposal = await insurance(pdfs.side_by_side_classes())
    assert proposal.covers == (ProposedCover(EL, 10_000_000_00), ProposedCover(PL, 5_000_000_00))
    assert (proposal.starts_on, proposal.expires_on) == (date(2025, 8, 23), date(2026, 8, 22))


async def test_broker_letter_with_negations() -> None:
    proposal = await insurance(pdfs.broker_letter())
    assert proposal.covers == (ProposedCover(PL, 5_000_000_00),)
    assert proposal.insurer == "Aviva Insurance Limited"
    assert (proposal.starts_on, proposal.expires_on) == (date(2025, 8, 23), date(2026, 8, 22))


async def test_table_with_an_excess_column() -> None:
    proposal = await insurance(pdfs.table_with_excess_column())
    assert proposal.covers == (ProposedCover(PL, 5_000_000_00), ProposedCover(PI, 1_000_000_00))
    assert (proposal.starts_on, proposal.expires_on) == (date(2026, 4, 1), date(2027, 3, 31))


async def test_interim_inspection_report() -> None:
    proposal = extract_ofsted((await read_pdf_text(pdfs.ofsted_interim())).page_texts)
    assert (proposal.urn, proposal.inspection_date, proposal.overall_effectiveness) == (
        "SC498765",
        date(2026, 9, 9),
        None,
    )
    assert proposal.interim_inspection


@pytest.mark.parametrize("labelled", [True, False])
@pytest.mark.parametrize(
    ("outcome", "grade"),
    [(1, OfstedGrade.SA_OUTCOME_1), (2, OfstedGrade.SA_OUTCOME_2), (3, OfstedGrade.SA_OUTCOME_3)],
)
async def test_supported_accommodation_report(outcome: int, grade: OfstedGrade, labelled: bool) -> None:
    pdf = pdfs.ofsted_supported_accommodation(outcome, labelled=labelled)
    proposal = extract_ofsted((await read_pdf_text(pdf)).page_texts)
    assert proposal.overall_effectiveness is grade
    assert proposal.inspection_date == date(2026, 6, 5)
    assert proposal.sources["overall_effectiveness"] == SourceLine(1, pdfs.SA_SENTENCES[outcome][0])


async def test_judgement_on_the_line_below_its_label() -> None:
    proposal = extract_ofsted((await read_pdf_text(pdfs.ofsted_judgement_below_label())).page_texts)
    assert proposal.overall_effectiveness is OfstedGrade.REQUIRES_IMPROVEMENT
    assert proposal.inspection_date == date(2025, 10, 1)
    assert proposal.sources["overall_effectiveness"] == SourceLine(1, "Requires improvement to be good")
