"""The server's side of reading untrusted PDFs: limits per organisation, a child process per job.

Every job (checking an upload, reading an insurance certificate's text) runs through `run_pdf_job`:
at most `pdf_reads_per_org` at once per organisation (429 beyond, so one organisation cannot crowd
out the others), at most `pdf_reads_total` at once in this process (the rest wait their turn), each
in a child process limited to `pdf_read_memory_bytes` and `pdf_read_seconds` (issue 13, item 3). Whatever
goes wrong is a 422 with a stable code, never a hung request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from dps.core.blocking import ConcurrencyLimit
from dps.core.codes import CommonCode
from dps.core.errors import RuleViolation
from dps.core.isolation import IsolatedCrashed, IsolatedTimeout, run_isolated
from dps.core.pdfguard import PdfRefused, check_upload_pdf
from dps.core.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")


class PdfUnreadable(RuleViolation):
    code = CommonCode.PDF_UNREADABLE
    title = "The PDF cannot be read"


EXTRACTIONS = ConcurrencyLimit("too_many_extractions", "PDF extractions")
UPLOAD_CHECKS = ConcurrencyLimit("too_many_pdf_checks", "PDF uploads being checked")


async def run_pdf_job(
    limit: ConcurrencyLimit, key: Hashable, settings: Settings, target: Callable[..., T], *args: Any
) -> T:
    """`target(*args)` (a function of `dps.core.pdfguard`) in a limited child; 422 on any failure."""
    seconds = settings.pdf_read_seconds
    async with limit.slot(key, per_key=settings.pdf_reads_per_org, total=settings.pdf_reads_total):
        try:
            return await run_isolated(target, *args, seconds=seconds, memory_bytes=settings.pdf_read_memory_bytes)
        except PdfRefused as refused:
            raise PdfUnreadable(refused.message, code=refused.code) from None
        except IsolatedTimeout:
            log.warning("PDF job %s gave up after %.1f s", getattr(target, "__name__", target), seconds)
            raise PdfUnreadable(
                f"reading the PDF took longer than {seconds:g} s; enter the values by hand",
                code=CommonCode.PDF_TOO_SLOW,
            ) from None
        except (IsolatedCrashed, MemoryError):
            raise PdfUnreadable(
                "reading the PDF needs more memory or time than one document may use", code=CommonCode.PDF_TOO_EXPENSIVE
            ) from None


async def check_uploaded_pdf(data: bytes, key: Hashable, settings: Settings) -> None:
    """Refuse an uploaded PDF that is malformed, password-protected or has active content (422)."""
    await run_pdf_job(UPLOAD_CHECKS, key, settings, check_upload_pdf, data)
