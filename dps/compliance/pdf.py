"""The PDF adapter: pdfplumber, run in a worker thread with page, size and time limits.

Uploaded PDFs are untrusted. A corrupt or encrypted file is refused with a clear 422; an image-only
scan yields no text (the caller reports "nothing found"); a file with too many pages is refused
before any page is read; and a file that takes too long is abandoned with a 422, so a request never
hangs. The thread itself cannot be killed, but it only ever works on `max_pages` pages.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass

from dps.core.errors import RuleViolation

log = logging.getLogger(__name__)

MAX_PAGES = 30
TIMEOUT_SECONDS = 10.0
MAX_CHARS = 400_000


class PdfUnreadable(RuleViolation):
    code = "pdf_unreadable"
    title = "The PDF cannot be read"


@dataclass(frozen=True, slots=True)
class PdfText:
    pages: int
    text: str


def _read_blocking(data: bytes, max_pages: int) -> PdfText:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    if not data.startswith(b"%PDF-"):
        raise PdfUnreadable("the file is not a PDF", code="pdf_unreadable")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages > max_pages:
                raise PdfUnreadable(
                    f"the PDF has {pages} pages; at most {max_pages} are read", code="pdf_too_many_pages"
                )
            parts: list[str] = []
            size = 0
            for page in pdf.pages:
                text = page.extract_text() or ""
                parts.append(text)
                size += len(text)
                if size > MAX_CHARS:
                    break
            return PdfText(pages=pages, text="\n".join(parts)[:MAX_CHARS])
    except PdfUnreadable:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise PdfUnreadable("the PDF is encrypted; upload an unprotected copy", code="pdf_encrypted") from error
    except PdfminerException as error:
        cause = error.args[0] if error.args else None
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise PdfUnreadable("the PDF is encrypted; upload an unprotected copy", code="pdf_encrypted") from error
        raise PdfUnreadable("the PDF is damaged and cannot be read", code="pdf_unreadable") from error
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        # pdfminer raises a variety of errors on malformed files; each means "damaged".
        raise PdfUnreadable("the PDF is damaged and cannot be read", code="pdf_unreadable") from error


async def read_pdf_text(data: bytes, *, max_pages: int = MAX_PAGES, time_limit: float = TIMEOUT_SECONDS) -> PdfText:
    """The text of a PDF's pages, read in a worker thread; 422 when unreadable, too long or too slow."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(_read_blocking, data, max_pages), time_limit)
    except TimeoutError as error:
        log.warning("PDF extraction gave up after %.1f s", time_limit)
        raise PdfUnreadable(
            f"reading the PDF took longer than {time_limit:.0f} s; enter the values by hand",
            code="pdf_too_slow",
        ) from error
