"""Untrusted PDFs, opened with limits: structure, active content, decompression caps, page text.

These functions are blocking and run inside a limited child process (`dps.core.isolation`), never
in the server: an uploaded PDF is a program for a parser, and a 49 KB file whose Flate stream
inflates to 50 MB once froze the server (issue 13, item 3). Inside the child:

- every decoded stream is capped (`MAX_STREAM_BYTES`, and `MAX_INFLATED_BYTES` for the whole
  document), checked while it inflates, so a compression bomb is refused before it is built;
- `check_upload_pdf` refuses a file that only starts like a PDF (header, `startxref`, `%%EOF`, a
  catalog with a page), one that needs a password, and one with active content (JavaScript,
  launch actions, embedded files, rich media), looking at every object, also inside object
  streams, with names as pdfminer decodes them (`/J#61vaScript` is `/JavaScript`);
- `read_page_texts` reads at most `max_pages` pages and `max_chars` characters of text.

Refusals are `PdfRefused(code, message)`, which crosses the process boundary intact (pickled by
its arguments); the adapters turn them into 422 problems.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_STREAM_BYTES = 16 * 1024 * 1024  # one decoded stream; a page's text is kilobytes
MAX_INFLATED_BYTES = 64 * 1024 * 1024  # every stream decoded while reading one document
MAX_OBJECTS = 200_000  # objects looked at for active content

# Names that make a PDF do something when opened or clicked (ISO 32000-1 sections 12.6.4.16
# JavaScript actions, 12.6.4.5 launch actions, 7.11.4 embedded file streams, and Adobe's RichMedia
# annotations, which carry Flash or video). A certificate or an inspection report needs none.
ACTIVE_CONTENT = frozenset({"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia"})

_HEADER = re.compile(rb"%PDF-[12]\.\d")
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_TAIL_BYTES = 2048  # Acrobat looks for %%EOF in the last 1024 bytes; be a little kinder


class PdfRefused(Exception):
    """A PDF that will not be read or stored, with a stable snake_case `code`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class PageTexts:
    pages: int  # pages in the document
    texts: tuple[str, ...]  # text of the pages read, in order (page 1 first)


# --- decompression caps -----------------------------------------------------------------------


class _Inflated:
    total = 0


def _too_far(limit: int) -> PdfRefused:
    return PdfRefused(
        "pdf_too_large_when_decompressed",
        f"the PDF's compressed content expands to more than {limit // (1024 * 1024)} MB; "
        "upload a normal copy (print it to PDF again)",
    )


def _inflate(data: bytes, *, lenient: bool = False) -> bytes:
    """zlib inflate that stops at `MAX_STREAM_BYTES` instead of building whatever the file asks."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_STREAM_BYTES + 1)
        if len(out) <= MAX_STREAM_BYTES and not inflater.unconsumed_tail:
            out += inflater.flush()
    except zlib.error:
        if not lenient:
            raise
        return b""
    if len(out) > MAX_STREAM_BYTES or inflater.unconsumed_tail:
        raise _too_far(MAX_STREAM_BYTES)
    return out


class _CappedZlib:
    """Stands in for the `zlib` module inside pdfminer's stream decoder."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)

    @staticmethod
    def decompress(data: bytes) -> bytes:
        return _inflate(data)


def _install_caps() -> None:
    """Make pdfminer inflate with caps (idempotent). pdfminer has no hook for this, so its module
    globals are replaced; this happens in the child process that reads the PDF."""
    from pdfminer import pdftypes

    if getattr(pdftypes, "_dps_capped", False):
        return
    original_decode = pdftypes.PDFStream.decode

    def capped_decode(self: Any) -> None:
        original_decode(self)
        _Inflated.total += len(self.data or b"")
        if len(self.data or b"") > MAX_STREAM_BYTES:
            raise _too_far(MAX_STREAM_BYTES)
        if _Inflated.total > MAX_INFLATED_BYTES:
            raise _too_far(MAX_INFLATED_BYTES)

    pdftypes.zlib = _CappedZlib()  # type: ignore[assignment]
    pdftypes.decompress_corrupted = lambda data: _inflate(data, lenient=True)
    pdftypes.PDFStream.decode = capped_decode  # type: ignore[method-assign]
    pdftypes._dps_capped = True  # type: ignore[attr-defined]


def _begin_document() -> None:
    _install_caps()
    _Inflated.total = 0


def _refusal_in(error: BaseException) -> PdfRefused | None:
    """Our own refusal, when pdfminer or pdfplumber wrapped it in one of theirs."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, PdfRefused):
            return seen
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__ or seen.__context__
    return None


# --- structure --------------------------------------------------------------------------------


def check_structure(data: bytes) -> None:
    """The cheap outline every PDF has: a `%PDF-x.y` header, `startxref` and `%%EOF` at the end."""
    tail = data[-_TAIL_BYTES:]
    if not _HEADER.match(data) or b"%%EOF" not in tail or b"startxref" not in data[-4 * _TAIL_BYTES :]:
        raise PdfRefused(
            "pdf_malformed",
            "the file starts like a PDF but is not a complete PDF document (no cross-reference or end marker)",
        )


def _encrypted() -> PdfRefused:
    return PdfRefused("pdf_encrypted", "the PDF is protected by a password; upload an unprotected copy")


def check_upload_pdf(data: bytes) -> None:
    """Refuse a PDF that is malformed, password-protected or carries active content (blocking)."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    _begin_document()
    check_structure(data)
    names = _raw_active_names(data)
    if names:
        raise _active(names)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        if next(iter(PDFPage.create_pages(document)), None) is None:
            raise PdfRefused("pdf_malformed", "the PDF has no pages")
        names = _active_names(document)
    except (PdfRefused, MemoryError):
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise _encrypted() from error
    except Exception as error:  # pdfminer raises many kinds of error on a malformed file
        refusal = _refusal_in(error)
        if refusal is not None:
            raise refusal from error
        raise PdfRefused("pdf_malformed", "the PDF is damaged and cannot be read") from error
    if names:
        raise _active(names)


def _active(names: set[str]) -> PdfRefused:
    listed = ", ".join(sorted(names))
    return PdfRefused(
        "pdf_active_content",
        f"the PDF contains active content ({listed}); remove scripts and attachments (print it to PDF again)",
    )


def _raw_active_names(data: bytes) -> set[str]:
    """Active-content names written in the file's bytes (outside compressed object streams)."""
    found: set[str] = set()
    for match in _NAME.finditer(data):
        raw = match.group(1)
        if b"#" in raw:
            raw = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        name = raw.decode("latin-1")
        if name in ACTIVE_CONTENT:
            found.add(name)
    return found


def _active_names(document: Any) -> set[str]:
    """Active-content names in every object pdfminer can resolve, object streams included."""
    from pdfminer.pdftypes import PDFObjectNotFound, PDFStream
    from pdfminer.psparser import PSLiteral

    found: set[str] = set()

    def visit(value: Any, depth: int) -> None:
        if depth > 32:
            return
        if isinstance(value, PDFStream):
            value = value.attrs
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and key in ACTIVE_CONTENT:
                    found.add(key)
                visit(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                visit(item, depth + 1)
        elif isinstance(value, PSLiteral) and isinstance(value.name, str) and value.name in ACTIVE_CONTENT:
            found.add(value.name)

    for count, objid in enumerate(_object_ids(document)):
        if count >= MAX_OBJECTS:
            raise PdfRefused("pdf_malformed", f"the PDF has more than {MAX_OBJECTS:,} objects")
        try:
            visit(document.getobj(objid), 0)
        except PDFObjectNotFound:
            continue
    for xref in document.xrefs:
        visit(xref.get_trailer(), 0)
    return found


def _object_ids(document: Any) -> Iterator[int]:
    seen: set[int] = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            if objid not in seen:
                seen.add(objid)
                yield objid


# --- text -------------------------------------------------------------------------------------


def read_page_texts(data: bytes, max_pages: int, max_chars: int) -> PageTexts:
    """The text of each page, refused when unreadable, encrypted, too long or a bomb (blocking)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    _begin_document()
    if not data.startswith(b"%PDF-"):
        raise PdfRefused("pdf_unreadable", "the file is not a PDF")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            if pages > max_pages:
                raise PdfRefused("pdf_too_many_pages", f"the PDF has {pages} pages; at most {max_pages} are read")
            texts: list[str] = []
            size = 0
            for page in pdf.pages:
                text = page.extract_text() or ""
                texts.append(text[: max(0, max_chars - size)])
                size += len(text)
                if size >= max_chars:
                    break
            return PageTexts(pages=pages, texts=tuple(texts))
    except (PdfRefused, MemoryError):
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as error:
        raise _encrypted() from error
    except PdfminerException as error:
        cause = error.args[0] if error.args else None
        if isinstance(cause, MemoryError):
            raise cause from error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise _encrypted() from error
        refusal = _refusal_in(error)
        if refusal is not None:
            raise refusal from error
        raise PdfRefused("pdf_unreadable", "the PDF is damaged and cannot be read") from error
    except Exception as error:  # pdfminer raises many kinds of error on a malformed file; each means "damaged"
        refusal = _refusal_in(error)
        if refusal is not None:
            raise refusal from error
        raise PdfRefused("pdf_unreadable", "the PDF is damaged and cannot be read") from error
