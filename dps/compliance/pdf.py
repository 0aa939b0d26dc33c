"""The PDF adapter for extraction: page texts read in a limited child process.

Uploaded PDFs are untrusted. The text is read by `dps.core.pdfguard.read_page_texts` in a child
process with memory and CPU limits, killed at the deadline (`dps.core.pdfs`), with every stream's
decompression capped; so a corrupt, encrypted, too long, too slow or bomb PDF is a clear 422
(`pdf_unreadable`, `pdf_encrypted`, `pdf_too_many_pages`, `pdf_too_slow`,
`pdf_too_large_when_decompressed`, `pdf_too_expensive`) and never holds up the server. An
image-only scan yields no text (the caller reports "nothing found"). An organisation runs at most
`pdf_reads_per_org` extractions at once (429 `too_many_extractions`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace

from dps.core.pdfguard import read_page_texts
from dps.core.pdfs import EXTRACTIONS, PdfUnreadable, run_pdf_job
from dps.core.settings import Settings

__all__ = ["MAX_CHARS", "MAX_PAGES", "PdfText", "PdfUnreadable", "read_pdf_text"]

MAX_PAGES = 30
MAX_CHARS = 400_000


@dataclass(frozen=True, slots=True)
class PdfText:
    pages: int  # pages in the document
    page_texts: tuple[str, ...]  # the text of each page read, page 1 first

    @property
    def text(self) -> str:
        return "\n".join(self.page_texts)


async def read_pdf_text(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    time_limit: float | None = None,
    settings: Settings | None = None,
    organisation: Hashable = None,
) -> PdfText:
    """The text of a PDF's pages, read in a limited child; 422 when unreadable, too long or too slow."""
    limits = settings or Settings.from_env({})
    if time_limit is not None:
        limits = replace(limits, pdf_read_seconds=time_limit)
    read = await run_pdf_job(EXTRACTIONS, organisation, limits, read_page_texts, data, max_pages, MAX_CHARS)
    return PdfText(pages=read.pages, page_texts=read.texts)
