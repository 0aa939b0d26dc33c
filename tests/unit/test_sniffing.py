"""Uploads are typed by their bytes, never by what the client declares."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from reportlab.pdfgen import canvas

from dps.core.errors import PayloadTooLarge, UnsupportedMediaType
from dps.core.storage import (
    ALLOWED_MEDIA_TYPES,
    DOCX,
    JPEG,
    PDF,
    PNG,
    check_upload,
    sniff_media_type,
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def make_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Certificate of employer's liability insurance")
    page.save()
    return buffer.getvalue()


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Safeguarding policy")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def make_xlsx_like() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def make_docm() -> bytes:
    # A real .docx with a macro project added: Word would open it as macro-enabled.
    with zipfile.ZipFile(io.BytesIO(make_docx())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return make_zip(members)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (make_pdf, PDF),
        (make_docx, DOCX),
        (lambda: PNG_HEADER, PNG),
        (lambda: JPEG_HEADER, JPEG),
    ],
    ids=["pdf", "docx", "png", "jpeg"],
)
def test_allowed_documents_are_recognised_by_content(make, expected) -> None:
    assert sniff_media_type(make()) == expected


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(make_xlsx_like(), id="xlsx-like zip without word/document.xml"),
        pytest.param(make_zip({"word/document.xml": b"<w:document/>"}), id="zip without content types"),
        pytest.param(make_docm(), id="macro-enabled docm"),
        pytest.param(make_docx()[:200], id="truncated docx"),
        pytest.param(b"PK\x03\x04 not really a zip", id="zip magic only"),
        pytest.param(b"Dear commissioner, please find attached...\n", id="plain text"),
        pytest.param(b"see the %PDF- attached", id="pdf magic not at start"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
        pytest.param(b"", id="empty"),
    ],
)
def test_other_content_is_not_recognised(data: bytes) -> None:
    assert sniff_media_type(data) is None


def test_check_upload_accepts_exactly_the_limit() -> None:
    data = JPEG_HEADER + b"\x00" * (1000 - len(JPEG_HEADER))

    assert check_upload(data, max_bytes=1000) == JPEG


def test_check_upload_refuses_one_byte_over_the_limit() -> None:
    data = JPEG_HEADER + b"\x00" * (1001 - len(JPEG_HEADER))

    with pytest.raises(PayloadTooLarge) as raised:
        check_upload(data, max_bytes=1000)

    assert raised.value.code == "payload_too_large"
    assert raised.value.extra == {"limit_bytes": 1000}


def test_check_upload_refuses_text_and_lists_what_is_allowed() -> None:
    with pytest.raises(UnsupportedMediaType) as raised:
        check_upload(b"name,insurer\nAcme Care,Lloyds\n", max_bytes=1_000_000)

    assert raised.value.code == "unsupported_media_type"
    assert sorted(raised.value.extra["allowed"]) == sorted(ALLOWED_MEDIA_TYPES)


def test_check_upload_returns_the_sniffed_type_of_a_real_docx() -> None:
    assert check_upload(make_docx(), max_bytes=1_000_000) == DOCX
