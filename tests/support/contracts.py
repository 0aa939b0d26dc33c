"""Helpers for contracts tests: shipped templates loaded, an arrangement with a member, no-PDF converter."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document

from dps.contracts.pdf import PdfConverter
from dps.core.context import Context
from tests.support import Api, admit_member

# Points at a binary that does not exist: LibreOffice "absent", so PDFs stay pending.
NO_LIBREOFFICE = PdfConverter("/nonexistent/bin/soffice")
WELSH_PROVIDER = 'Ysgol y Bryn & "Gofal" <Cymru> Ltd'


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx (and its footers), one per line."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    lines += [p.text for s in document.sections for p in s.footer.paragraphs]
    return "\n".join(lines)


def table_rows(data: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


async def load_templates(api: Api) -> None:
    from dps.contracts.services.templates import load_shipped_templates

    await load_shipped_templates(Context(None, api.clock, api.app.state.settings, api.app.state.store))


@dataclass
class Membership:
    lead: int
    officer: str
    legal: str
    legal_user: int
    provider_id: int
    provider_token: str
    arrangement_id: int
    lot_id: int
    membership_id: int


async def member(api: Api) -> Membership:
    """Bolton leads a published fostering DPS with one lot; a Welsh-named provider holds a place."""
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    legal_user, legal = await api.staff("legal_officer", lead)
    provider_id, provider_token = await api.provider(WELSH_PROVIDER, postcode="M1 1AE")
    response = await api.client.post(
        "/api/v1/arrangements",
        json={
            "reference": "NW-FOST-DPS-2026",
            "title": "North West Fostering DPS",
            "service_type": "fostering",
            "profile_code": "pcr2015_dps",
            "term_start": "2026-12-01",
            "term_end": "2029-02-23",
        },
        headers=api.auth(officer),
    )
    assert response.status_code == 201, response.text
    arrangement_id = response.json()["id"]
    response = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={
            "code": "LOT-1",
            "title": "Enhanced fostering, 11-15",
            "age_bands": [{"label": "11-15", "min_age": 11, "max_age": 15}],
            "need_levels": ["enhanced"],
            "areas": [],
        },
        headers=api.auth(officer),
    )
    assert response.status_code == 201, response.text
    lot_id = response.json()["id"]
    membership_id = await admit_member(arrangement_id, lot_id, provider_id, date(2026, 12, 1))
    return Membership(
        lead, officer, legal, legal_user, provider_id, provider_token, arrangement_id, lot_id, membership_id
    )
