"""Realistic test PDFs made with reportlab: insurance certificates and Ofsted reports in several
layouts (two-column schedules, letters with the schedule on a later page, tables), plus the bad
ones (image-only scans, encrypted, damaged, far too long)."""

from __future__ import annotations

import io
import zlib
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


# --- hand-built PDFs: bombs, slow pages, active content, junk -----------------------------------


def raw_pdf(objects: Sequence[bytes], *, root: int = 1, extra_trailer: bytes = b"") -> bytes:
    """A classic PDF from the bodies of objects 1..n, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        extra_trailer,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, attrs: bytes = b"", *, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        attrs += b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n" % (len(data), attrs) + data + b"\nendstream"


def _page_objects(content: bytes, *, catalog_extra: bytes = b"", compress: bool = True) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content, compress=compress),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def minimal(text: str = "Certificate of insurance") -> bytes:
    """A small valid one-page PDF, written by hand."""
    return raw_pdf(_page_objects(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")))


def bomb(inflated_mb: int = 50) -> bytes:
    """A page whose Flate content stream is ~50 KB on disk and inflates to `inflated_mb` MB."""
    content = b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n" + b" " * (inflated_mb * 1024 * 1024)
    return raw_pdf(_page_objects(content))


def slow(megabytes: int = 12) -> bytes:
    """A page of `megabytes` MB of text operators (under the decompression cap): reading it takes
    far longer than any deadline."""
    line = b"BT /F1 1 Tf 10 10 Td (abcdefghijklmnopqrstuvwxyz) Tj ET\n"
    return raw_pdf(_page_objects(line * (megabytes * 1024 * 1024 // len(line))))


def with_catalog_entry(entry: bytes, *extra_objects: bytes) -> bytes:
    """A valid page whose catalog carries `entry` (objects 6.. are `extra_objects`)."""
    objects = _page_objects(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET", catalog_extra=entry)
    return raw_pdf([*objects, *extra_objects])


def javascript_open_action() -> bytes:
    return with_catalog_entry(b"/OpenAction 6 0 R ", b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>")


def launch_action() -> bytes:
    return with_catalog_entry(b"/OpenAction 6 0 R ", b"<< /Type /Action /S /Launch /F (calc.exe) >>")


def embedded_file() -> bytes:
    return with_catalog_entry(
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >> ",
        b"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>",
        _stream(b"MZ\x90\x00", b"/Type /EmbeddedFile"),
    )


def rich_media() -> bytes:
    return with_catalog_entry(b"", b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>")


def hex_escaped_javascript() -> bytes:
    """`/J#61vaScript` is `/JavaScript` to a PDF reader."""
    return with_catalog_entry(b"/OpenAction 6 0 R ", b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")


def open_action_to_a_page() -> bytes:
    """A harmless OpenAction: open at page 1."""
    return with_catalog_entry(b"/OpenAction [3 0 R /Fit] ")


def javascript_in_object_stream() -> bytes:
    """PDF 1.5: the JavaScript action is compressed inside an object stream, listed by an xref
    stream, so its names appear nowhere in the file's bytes."""
    body = _page_objects(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET", catalog_extra=b"/OpenAction 6 0 R ")
    hidden = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    objstm_data = b"6 0 " + hidden
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    offsets.append(len(out))  # object 7: the object stream
    out += b"7 0 obj\n" + _stream(objstm_data, b"/Type /ObjStm /N 1 /First 4") + b"\nendobj\n"
    xref_offset = len(out)  # object 8: the xref stream
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for offset in offsets[:5]]
    rows.append(b"\x02" + (7).to_bytes(4, "big") + b"\x00\x00")  # object 6 is item 0 of stream 7
    rows.append(b"\x01" + offsets[5].to_bytes(4, "big") + b"\x00\x00")
    rows.append(b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00")
    out += b"8 0 obj\n" + _stream(b"".join(rows), b"/Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R") + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def junk_after_header() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 40


def of_size(size: int) -> bytes:
    """A valid one-page PDF of exactly `size` bytes (padded with an unused stream)."""

    def build(padding: int) -> bytes:
        return raw_pdf(
            [*_page_objects(b"BT /F1 12 Tf 72 720 Td (Padded) Tj ET"), _stream(b"0" * padding, compress=False)]
        )

    padding = size - len(build(0))
    for _ in range(3):  # the digits of the length and the offsets grow with the padding
        data = build(padding)
        if len(data) == size:
            return data
        padding += size - len(data)
    raise ValueError(f"cannot build a PDF of exactly {size} bytes")


# --- issue 12: the layouts real certificates, letters and reports use ---------------------------


def statutory_el_certificate() -> bytes:
    """Single column, the statutory wording (Employers' Liability (Compulsory Insurance)
    Regulations 1998, schedule 1): the limit on its own line well below the class, an excess line
    before it, and the period as 'Date of commencement' / 'Date of expiry'."""
    return _pdf(
        [
            [
                ("CERTIFICATE OF EMPLOYERS' LIABILITY INSURANCE (a)",),
                ("Where required by regulation 5 of the Employers' Liability (Compulsory Insurance)",),
                ("Regulations 1998 one or more copies of this certificate must be displayed.",),
                ("Policy number: EL/775/2025",),
                ("Name of policy holder: Kestrel Fostering Ltd",),
                ("Date of commencement of insurance policy: 23 August 2025",),
                ("Date of expiry of insurance policy: 22 August 2026",),
                ("Territorial limits: Great Britain, Northern Ireland, the Channel Islands and the Isle of Man",),
                ("Excess: GBP 500 each and every claim",),
                ("Limit of indemnity ..........................: GBP 10,000,000",),
                ("Signed on behalf of Marlow Insurance Company Limited (Authorised Insurer)",),
            ]
        ]
    )


def two_column_schedule() -> bytes:
    """Labels on the left, values on the right, each value on the line after its label; the
    period on the line after its label with an en dash; an excess row between the classes."""
    return _pdf(
        [
            [
                ("POLICY SCHEDULE",),
                ("Insurer", "Harbour Mutual plc"),
                ("Period of insurance",),
                ("", "15/02/2026 \u2013 14/02/2027"),
                ("Public Liability", "Limit of indemnity"),
                ("", "GBP 5,000,000"),
                ("Excess", "GBP 500"),
                ("Professional Indemnity", "Limit of indemnity"),
                ("", "GBP 2,000,000"),
            ]
        ]
    )


def side_by_side_classes() -> bytes:
    """Two classes side by side with their limits side by side on the line below."""
    return _pdf(
        [
            [
                ("INSURANCE SUMMARY",),
                ("Policy period: 23 August 2025 to 22 August 2026",),
                ("Employers' Liability", "Public Liability"),
                ("Limit: £10,000,000", "Limit: £5,000,000"),
                ("Excess: £250", "Excess: £250"),
            ]
        ]
    )


def broker_letter() -> bytes:
    """A broker's letter in prose: one class with a limit and an excess in one sentence, two
    classes said not to be covered, and the period in words."""
    return _pdf(
        [
            [
                ("Dear Commissioning Team,",),
                ("We act as insurance brokers to Oakfield Supported Living Ltd and confirm cover as follows.",),
                ("Insurer: Aviva Insurance Limited",),
                ("Policy period: 23 August 2025 to 22 August 2026",),
                ("Public liability: limit of indemnity £5,000,000 any one occurrence, excess £250 each claim.",),
                ("Employers' liability: not insured under this policy",),
                ("Abuse and molestation: excluded",),
                ("Yours faithfully, Client Services, Northgate Brokers",),
            ]
        ]
    )


def table_with_excess_column() -> bytes:
    """A table: class, limit, excess; one class marked not insured."""
    return _pdf(
        [
            [
                ("SCHEDULE OF COVER",),
                ("Period of insurance: From 01/04/2026 to 31/03/2027 both days inclusive",),
                ("Class", "Limit of indemnity", "Excess"),
                ("Public Liability", "£5,000,000", "£250"),
                ("Professional Indemnity", "£1,000,000", "£1,000"),
                ("Employers' Liability", "Not insured", "-"),
            ]
        ]
    )


def ofsted_interim(urn: str = "SC498765") -> bytes:
    """An interim inspection of a children's home: no overall grade, only progress since the last
    full inspection, whose grade is quoted."""
    return _pdf(
        [
            [
                ("Interim inspection of children's home",),
                ("Unique reference number:", urn),
                ("Inspection date:", "9 September 2026"),
                ("Judgement outcome:", "sustained effectiveness"),
                ("Overall judgement at last inspection:", "good"),
                ("Date of last inspection:", "2 May 2025"),
            ],
            [("The home has sustained its effectiveness since the last inspection.",)],
        ]
    )


SA_SENTENCES = {
    1: ("Consistently strong service delivery leads to typically positive experiences", "and progress for children."),
    2: ("Inconsistent quality of service delivery adversely affects some children's", "experiences."),
    3: ("Serious or widespread weaknesses lead to significant concerns about the", "experiences of children."),
}


def ofsted_supported_accommodation(outcome: int, *, labelled: bool = True) -> bytes:
    """A supported accommodation report: the outcome as Ofsted's sentence (no 'outcome N')."""
    first, second = SA_SENTENCES[outcome]
    heading: list[Row] = [("Overall outcome",)] if labelled else []
    return _pdf(
        [
            [
                ("Supported accommodation inspection",),
                ("Unique reference number:", "2700123"),
                ("Inspection dates:", "3 to 5 June 2026"),
                *heading,
                (first,),
                (second,),
            ],
            [("Young people say staff help them to learn to cook and budget.",)],
        ]
    )


def ofsted_judgement_below_label() -> bytes:
    """A two-column report where the judgement sits on the line below its label, and a narrative
    sentence with 'good' under another heading."""
    return _pdf(
        [
            [
                ("Children's home inspection - full",),
                ("URN", "SC600111"),
                ("Inspection dates", "30 September to 1 October 2025"),
                ("Overall experiences and progress of children and young people",),
                ("Requires improvement to be good",),
                ("How well children and young people are helped and protected",),
                ("Children make good progress at school.",),
            ]
        ]
    )
