"""A legal officer's preview of a template version: the version filled in with its kind's sample
data, as Word, or as PDF when LibreOffice can make one (refused in plain terms when it cannot)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from dps.accounts import tables as accounts
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.services import templates
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.errors import RuleViolation
from dps.core.settings import Settings
from dps.core.storage import DOCX, LocalDocumentStore
from tests.conftest import START
from tests.support.contracts import NO_LIBREOFFICE, docx_text

HAS_LIBREOFFICE = shutil.which("soffice") is not None


@pytest_asyncio.fixture
async def legal(clean_database: str, settings: Settings, clock: FixedClock, tmp_path: Path) -> AsyncIterator[Context]:
    """A council's legal officer, with the shipped templates loaded as the national defaults."""
    system = Context(principal=None, clock=clock, settings=settings, store=LocalDocumentStore(tmp_path / "documents"))
    authority = await accounts.Authority.insert(
        accounts.Authority(name="Salford City Council", ons_code="E08000006", region="north_west", created_at=START)
    ).returning(accounts.Authority.id)
    await templates.load_shipped_templates(system)
    principal = Principal(7, "legal@salford.test", Role.LEGAL_OFFICER, OrgKind.AUTHORITY, authority[0]["id"])
    yield Context(principal=principal, clock=clock, settings=settings, store=system.store)


async def _fee_variation(ctx: Context) -> int:
    found = await templates.list_template_versions(ctx, TemplateKind.FEE_VARIATION, 10, 0)
    return found.items[0].id


async def test_a_preview_is_the_template_filled_with_the_sample_data(legal: Context) -> None:
    preview = await templates.preview_template_version(legal, await _fee_variation(legal))
    text = docx_text(preview.data)
    assert preview.media_type == DOCX
    assert preview.filename == "fee_variation-v1-preview.docx"
    assert "£6,315.77" in text  # the sample's new weekly fee, as in the variables catalogue
    assert "{{" not in text and "{%" not in text


async def test_a_pdf_preview_is_refused_in_plain_terms_without_libreoffice(legal: Context) -> None:
    with pytest.raises(RuleViolation) as refused:
        await templates.preview_template_version(legal, await _fee_variation(legal), pdf=True, converter=NO_LIBREOFFICE)
    assert refused.value.code == "pdf_unavailable"


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice (soffice) is not installed")
async def test_a_pdf_preview_is_a_pdf(legal: Context) -> None:
    preview = await templates.preview_template_version(legal, await _fee_variation(legal), pdf=True)
    assert preview.media_type == "application/pdf"
    assert preview.data.startswith(b"%PDF-")
