"""The document adapters a `Context` carries besides the store: a template renderer and a PDF
converter. Both wrap blocking libraries (docxtpl, LibreOffice) that run in a worker thread; the
owner (`dps.contracts`) supplies the defaults, and tests inject their own on the Context."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class TemplateRenderer(Protocol):
    """Fills and checks .docx templates (dps/contracts/rendering.py)."""

    def cached(self, sha256: str) -> bytes | None: ...

    def remember(self, sha256: str, data: bytes) -> None: ...

    async def render(self, template: bytes, context: Any) -> bytes: ...

    async def render_many(self, template: bytes, contexts: list[Any]) -> list[bytes]: ...

    async def check(self, template: bytes, sample_context: Any) -> list[Any]: ...


class PdfConverter(Protocol):
    """Turns .docx documents into PDF copies (dps/contracts/pdf.py); None where one failed."""

    @property
    def available(self) -> bool: ...

    async def convert(self, documents: Sequence[bytes]) -> list[bytes | None]: ...
