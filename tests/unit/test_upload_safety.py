"""Issue 13 item 10: an upload that only starts like a PDF, or carries active content, is refused;
stored file names are safe to show and to save."""

from __future__ import annotations

import pytest

from dps.accounts.filenames import MAX_FILENAME_LENGTH, stored_filename
from dps.core.pdfguard import PdfRefused, check_structure, check_upload_pdf
from dps.core.storage import DOCX, JPEG, PDF, PNG
from tests.support import pdfs


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdfs.minimal(), id="hand-written"),
        pytest.param(pdfs.insurance_schedule(), id="reportlab"),
        pytest.param(pdfs.image_only(), id="image-only scan"),
        pytest.param(pdfs.open_action_to_a_page(), id="open action to a page"),
        pytest.param(pdfs.minimal() + b"\r\n" * 100, id="blank lines after %%EOF"),
    ],
)
def test_ordinary_pdfs_are_accepted(data: bytes) -> None:
    check_upload_pdf(data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(pdfs.junk_after_header(), "pdf_malformed", id="%PDF- then junk"),
        pytest.param(b"%PDF-1.4\n%%EOF\n", "pdf_malformed", id="header and end only"),
        pytest.param(b"%PDF-1.4\nstartxref\n0\n%%EOF\n", "pdf_malformed", id="no objects"),
        pytest.param(pdfs.damaged(), "pdf_malformed", id="cut off half way"),
        pytest.param(pdfs.minimal() + bytes(4096), "pdf_malformed", id="%%EOF buried under 4 KB"),
        pytest.param(pdfs.encrypted(), "pdf_encrypted", id="password protected"),
        pytest.param(pdfs.javascript_open_action(), "pdf_active_content", id="JavaScript on open"),
        pytest.param(pdfs.launch_action(), "pdf_active_content", id="launch action"),
        pytest.param(pdfs.embedded_file(), "pdf_active_content", id="embedded file"),
        pytest.param(pdfs.rich_media(), "pdf_active_content", id="rich media"),
        pytest.param(pdfs.hex_escaped_javascript(), "pdf_active_content", id="#-escaped /JavaScript"),
        pytest.param(pdfs.javascript_in_object_stream(), "pdf_active_content", id="JavaScript in an object stream"),
    ],
)
def test_bad_pdfs_are_refused_with_a_clear_code(data: bytes, code: str) -> None:
    with pytest.raises(PdfRefused) as refused:
        check_upload_pdf(data)
    assert refused.value.code == code


def test_active_content_is_named() -> None:
    with pytest.raises(PdfRefused) as refused:
        check_upload_pdf(pdfs.launch_action())
    assert "Launch" in str(refused.value)


def test_the_structure_check_wants_a_version_header() -> None:
    with pytest.raises(PdfRefused):
        check_structure(b"%PDF-x\nstartxref\n0\n%%EOF\n")
    check_structure(b"%PDF-2.0\nstartxref\n0\n%%EOF\n")


@pytest.mark.parametrize(
    ("raw", "media_type", "expected"),
    [
        ("../../etc/passwd", PDF, "passwd.pdf"),
        ("C:\\docs\\cert.pdf", PDF, "cert.pdf"),
        ("invoice.pdf.exe", PDF, "invoice.pdf.exe.pdf"),  # never offered as an .exe
        ("a\x00b\r\n\x07.pdf", PDF, "ab.pdf"),
        ("invoice\u202egpj.exe", JPEG, "invoicegpj.exe.jpg"),  # a right-to-left override disguise
        (".htaccess.pdf", PDF, "htaccess.pdf"),
        ("  ..  ", PDF, "upload.pdf"),
        (None, PNG, "upload.png"),
        ("CON.pdf", PDF, "_CON.pdf"),
        ("Photo.JPEG", JPEG, "Photo.jpeg"),
        ("policy; v2.docx", DOCX, "policy v2.docx"),
        ("Café   certificate.pdf", PDF, "Café certificate.pdf"),
    ],
)
def test_stored_filenames(raw: str | None, media_type: str, expected: str) -> None:
    assert stored_filename(raw, media_type) == expected


def test_a_long_filename_is_cut_keeping_its_extension() -> None:
    name = stored_filename("x" * 500 + ".PDF", PDF)
    assert len(name) == MAX_FILENAME_LENGTH
    assert name.endswith("x.pdf")
    assert stored_filename("y" * (MAX_FILENAME_LENGTH - 4) + ".pdf", PDF) == "y" * (MAX_FILENAME_LENGTH - 4) + ".pdf"
