"""Proposed values read from a stored PDF (an insurance certificate, an Ofsted report).

Nothing is saved: the values are proposals for a person to check against the document, each with
the page and line it was read from. The PDF is read in a limited child process, at most a few at
once per organisation (`dps.compliance.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dps.accounts.public import download_document
from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.extraction import (
    ExtractionKind,
    InsuranceProposal,
    OfstedProposal,
    extract_insurance,
    extract_ofsted,
)
from dps.compliance.pdf import read_pdf_text
from dps.core.context import Context
from dps.core.errors import RuleViolation


@dataclass(frozen=True, slots=True)
class Extraction:
    document_id: int
    pages: int
    proposal: InsuranceProposal | OfstedProposal


async def extract(ctx: Context, document_id: int, kind: ExtractionKind) -> Extraction:
    """Propose values from a stored PDF for a person to confirm (nothing is saved)."""
    download = await download_document(ctx, document_id)
    if download.document.media_type != "application/pdf":
        raise RuleViolation("values can only be read from a PDF", code=ComplianceCode.NOT_A_PDF)
    principal = ctx.user
    text = await read_pdf_text(
        download.data, settings=ctx.settings, organisation=(principal.org_kind, principal.org_id)
    )
    pages = text.page_texts
    proposal = extract_insurance(pages) if kind is ExtractionKind.INSURANCE_CERTIFICATE else extract_ofsted(pages)
    return Extraction(document_id=document_id, pages=text.pages, proposal=proposal)
