"""Realistic test PDFs made with reportlab: insurance certificates and Ofsted reports in several
layouts (two-column schedules, letters with the schedule on a later page, tables), plus the bad
ones (image-only scans, encrypted, damaged, far too long)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

Row = tuple[str, ...]  # one line: a single text, or columns laid out across the page
COLUMN_X = (20 * mm, 95 * mm, 150 * mm)


def _pdf(pages: Sequence[Iterable[Row]], *, encrypt: str | None = None) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, encrypt=encrypt)
    pdf.setTitle("test document")
    for page in pages:
        y = A4[1] - 25 * mm
        for row in page:
            pdf.setFont("Helvetica-Bold" if row and row[0].isupper() and len(row) == 1 else "Helvetica", 10)
            for x, text in zip(COLUMN_X, row, strict=False):
                pdf.drawString(x, y, text)
            y -= 7 * mm
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def insurance_schedule() -> bytes:
    """One page, two columns: the period as a range and a table of classes with limits."""
    return _pdf(
        [
            [
                ("CERTIFICATE OF INSURANCE",),
                ("Policyholder:", "Brightside Children's Homes Ltd"),
                ("Insurer:", "Northern Mutual Insurance plc"),
                ("Policy number:", "NMI/CH/2026/55120"),
                ("Period of insurance:", "01/04/2026 to 31/03/2027"),
                ("",),
                ("Section", "Cover", "Limit of indemnity"),
                ("Employers' Liability", "Any one occurrence", "£10,000,000"),
                ("Public Liability", "Any one occurrence", "£5,000,000"),
                ("Professional Indemnity", "In the aggregate", "£2,000,000"),
                ("This certificate is evidence of cover under the policy named above.",),
            ]
        ]
    )


def insurance_letter() -> bytes:
    """Three pages: a covering letter, then the schedule with each limit on the line below its
    class, dates in words, and historical abuse cover in millions."""
    return _pdf(
        [
            [
                ("Dear Sir or Madam,",),
                ("Please find enclosed the schedule of your renewed policy.",),
                ("Our ref: LX-44190. Letter dated 14 March 2026.",),
                ("Yours faithfully, Account Executive",),
            ],
            [
                ("SCHEDULE",),
                ("Underwritten by: Lexington Care Underwriting Ltd",),
                ("Inception date: 1st April 2026",),
                ("Expiry date: 31 March 2027",),
                ("Section 1 - Employer's Liability",),
                ("Limit of indemnity: GBP 10m any one occurrence including costs",),
                ("Section 2 - Historical Abuse and Molestation",),
                ("Limit of indemnity: £5 million in the aggregate",),
            ],
            [
                ("Conditions and exclusions apply as set out in the policy wording.",),
                ("Page 3 of 3",),
            ],
        ]
    )


def ofsted_childrens_home(urn: str = "SC512345", grade_text: str = "good") -> bytes:
    """A children's home report: the judgements table on page 1, narrative on pages 2-3."""
    return _pdf(
        [
            [
                ("INSPECTION OF CHILDREN'S SOCIAL CARE SERVICES",),
                ("Unique reference number:", urn),
                ("Inspection dates:", "11 to 12 March 2026"),
                ("Inspector:", "A Inspector, Social Care Regulatory Inspector"),
                ("Type of inspection:", "Full"),
                ("Overall experiences and progress of children and young people:", "", grade_text),
                ("How well children and young people are helped and protected:", "", "requires improvement to be good"),
                ("The effectiveness of leaders and managers:", "", "good"),
            ],
            [
                ("Children say they feel safe and enjoy living in the home.",),
                ("Staff know the children well and advocate for them.",),
            ],
            [("Date of last inspection: 2 May 2025",), ("Ofsted, Piccadilly Gate, Manchester",)],
        ]
    )


def ofsted_school(urn: str = "105123", grade_text: str = "Inadequate") -> bytes:
    """A school report: URN after 'URN', a single inspection date, overall effectiveness as a table row."""
    return _pdf(
        [
            [
                ("School report",),
                ("Meadowbank Independent Special School",),
                ("URN", urn),
                ("Date of inspection", "4 February 2026"),
                ("Overall effectiveness", grade_text),
                ("The quality of education", "Requires improvement"),
            ],
            [("What does the school need to do to improve?",), ("Leaders must make sure that safeguarding works.",)],
        ]
    )


def image_only() -> bytes:
    """A scanned page: shapes, no text layer."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for i in range(40):
        pdf.rect(20 * mm + i * 4 * mm, 100 * mm, 3 * mm, (i % 7 + 1) * 10 * mm, fill=1)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def encrypted() -> bytes:
    return _pdf([[("CERTIFICATE OF INSURANCE",), ("Expiry date: 31/03/2027",)]], encrypt="secret-password")


def damaged() -> bytes:
    """A certificate cut off half way (a failed upload from a phone)."""
    whole = insurance_schedule()
    return whole[: len(whole) // 2]


def too_long(pages: int = 40) -> bytes:
    return _pdf([[(f"Terms and conditions, page {n + 1}",)] for n in range(pages)])
