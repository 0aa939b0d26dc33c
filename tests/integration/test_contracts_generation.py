"""Generation on the real database and document store: an IPA from placement facts, a batch of fee
variations linked to their agreements, PDF copies through LibreOffice (read back with pdfplumber)
or pending when it is absent, and every stored blob matching the SHA-256 its row records."""

from __future__ import annotations

import hashlib
import io
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from dps.contracts import repository
from dps.contracts import tables as t
from dps.contracts.domain.contracts import ContractKind, ContractStatus, PdfStatus
from dps.contracts.pdf import PdfConverter
from dps.contracts.repository import contracts as contract_rows
from dps.contracts.services import generation
from dps.core.errors import Conflict
from tests.support import scalar
from tests.support.contract_world import (
    World,
    _placement,
    _variation,
)
from tests.support.contracts import NO_LIBREOFFICE, docx_text, table_rows

HAS_LIBREOFFICE = shutil.which("soffice") is not None


async def test_an_ipa_pins_its_template_and_is_stored_with_its_hash(world: World) -> None:
    contract = await generation.generate_placement_agreement(world.ctx, _placement(world), converter=NO_LIBREOFFICE)

    assert contract.kind is ContractKind.PLACEMENT_AGREEMENT
    assert contract.status is ContractStatus.DRAFT
    assert contract.reference == f"IPA-{contract.id:06d}"
    assert contract.pdf_status is PdfStatus.PENDING  # no LibreOffice: pending, not failed
    pinned = await repository.get_template_version(contract.template_version_id)
    assert pinned.sha256 == contract.template_sha256
    data = await world.ctx.store.get(contract.document.key)
    assert hashlib.sha256(data).hexdigest() == contract.document.sha256
    rows = table_rows(data)
    assert ["Agreement reference", contract.reference] in rows
    assert ["Child reference", "CH-2026-0042"] in rows
    assert ["Total weekly fee", "£6,084.56"] in rows
    # The context it was rendered from is kept with it.
    row = await t.Contract.select(t.Contract.data).where(t.Contract.id == contract.id).output(load_json=True).first()
    assert row is not None
    assert row["data"]["child"]["reference"] == "CH-2026-0042"

    with pytest.raises(Conflict) as twice:
        await generation.generate_placement_agreement(world.ctx, _placement(world), converter=NO_LIBREOFFICE)
    assert twice.value.code == "already_generated"


async def test_a_batch_of_fee_variations_links_each_to_its_agreement_and_reports_progress(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large batches are inserted in chunks (PostgreSQL's 32,767 parameters per statement).
    # Patched where `insert_contracts` reads it (the package only re-exports the name).
    monkeypatch.setattr(contract_rows, "INSERT_CHUNK", 50)
    ipa = await generation.generate_placement_agreement(world.ctx, _placement(world, 1), converter=NO_LIBREOFFICE)
    items = [_variation(world, placement_id) for placement_id in range(1, 121)]
    seen: list[tuple[int, int]] = []

    result = await generation.generate_fee_variations(
        world.ctx, items, progress=lambda done, total: seen.append((done, total)), converter=NO_LIBREOFFICE
    )

    assert len(result.created) == 120
    assert result.skipped == []
    assert seen[-1] == (120, 120)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    first = result.created[0]
    assert first.parent_id == ipa.id
    assert all(c.parent_id is None for c in result.created[1:])  # no agreement on the platform for those
    rows = table_rows(await world.ctx.store.get(first.document.key))
    assert ["Agreement varied", ipa.reference] in rows
    assert ["Change", "£231.21 (3.8%)"] in rows
    assert await scalar("SELECT count(*) FROM audit_events WHERE action = 'contract.generated'") == 121

    # Running the same uplift again creates nothing new.
    again = await generation.generate_fee_variations(world.ctx, items[:5], converter=NO_LIBREOFFICE)
    assert again.created == []
    assert len(again.skipped) == 5
    assert await scalar("SELECT count(*) FROM contracts WHERE kind = 'fee_variation'") == 120


async def test_a_failed_batch_leaves_no_rows_and_no_blobs(world: World, tmp_path: Path) -> None:
    # The second item's provider does not exist: the insert fails, and the blobs written for the
    # batch are removed again.
    items = [_variation(world, 1), replace(_variation(world, 2), provider_id=999_999)]
    with pytest.raises(Exception):  # noqa: B017 - the foreign key violation from the driver
        await generation.generate_fee_variations(world.ctx, items, converter=NO_LIBREOFFICE)
    assert await scalar("SELECT count(*) FROM contracts") == 0
    assert list((tmp_path / "documents").glob("contracts/**/*.docx")) == []


async def test_pdf_is_pending_without_libreoffice_and_made_later(world: World) -> None:
    contract = await generation.generate_placement_agreement(world.ctx, _placement(world), converter=NO_LIBREOFFICE)
    assert (await repository.get_contract(contract.id)).pdf_status is PdfStatus.PENDING
    assert await generation.convert_pending_pdfs(world.ctx, converter=NO_LIBREOFFICE) == 0
    if not HAS_LIBREOFFICE:
        return
    assert await generation.convert_pending_pdfs(world.ctx, converter=PdfConverter()) == 1
    stored = await repository.get_contract(contract.id)
    assert stored.pdf_status is PdfStatus.READY
    assert stored.pdf is not None
    pdf = await world.ctx.store.get(stored.pdf.key)
    assert hashlib.sha256(pdf).hexdigest() == stored.pdf.sha256


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice (soffice) is not installed; make test installs it as root")
async def test_pdf_copies_read_back_with_the_same_parties_fees_and_welsh_names(world: World) -> None:
    ipa = await generation.generate_placement_agreement(world.ctx, _placement(world, 1), converter=PdfConverter())
    batch = await generation.generate_fee_variations(
        world.ctx, [_variation(world, 1), _variation(world, 2, 100_000, 103_800)], converter=PdfConverter()
    )
    for contract in [ipa, *batch.created]:
        assert contract.pdf_status is PdfStatus.READY
        assert contract.pdf is not None

    assert ipa.pdf is not None
    with pdfplumber.open(io.BytesIO(await world.ctx.store.get(ipa.pdf.key))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        first_page = pdf.pages[0]
        assert (round(first_page.width), round(first_page.height)) == (595, 842)  # A4 in points
    flat = " ".join(text.split())
    assert 'Ysgol y Bryn & "Gofal" <Cymru> Ltd' in flat
    assert "CH-2026-0042" in flat
    assert "£6,084.56" in flat
    assert "28 days" in flat
    assert ipa.reference in flat

    second = batch.created[1]
    assert second.pdf is not None
    with pdfplumber.open(io.BytesIO(await world.ctx.store.get(second.pdf.key))) as pdf:
        variation_text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).split())
    assert "£1,000.00" in variation_text
    assert "£1,038.00" in variation_text
    assert "1 April 2027" in variation_text
    # The .docx stays the document of record; the PDF is a copy of it.
    assert "£1,038.00" in docx_text(await world.ctx.store.get(second.document.key))


async def test_a_converter_pointing_at_a_missing_binary_reports_it_is_unavailable() -> None:
    assert NO_LIBREOFFICE.available is False
    assert await NO_LIBREOFFICE.convert([b"x", b"y"]) == [None, None]


def test_issue_dates_come_from_the_clock(world: World) -> None:
    assert world.ctx.clock.now().date() == date(2026, 11, 23)


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice (soffice) is not installed; make test installs it as root")
async def test_parallel_soffice_processes_keep_each_pdf_with_its_document(world: World) -> None:
    fees = [100_000 + n * 1_111 for n in range(5)]
    batch = await generation.generate_fee_variations(
        world.ctx,
        [_variation(world, n, fee, fee + 3_800) for n, fee in enumerate(fees, start=1)],
        converter=NO_LIBREOFFICE,
    )
    documents = [await world.ctx.store.get(c.document.key) for c in batch.created]
    # Two soffice processes with two files per start: shares of 3 and 2, in batches of 2 and 1.
    pdfs = await PdfConverter(workers=2, batch_size=2).convert(documents)
    for fee, pdf in zip(fees, pdfs, strict=True):
        assert pdf is not None
        with pdfplumber.open(io.BytesIO(pdf)) as opened:
            text = " ".join(" ".join(page.extract_text() or "" for page in opened.pages).split())
        pounds, pence = divmod(fee, 100)
        assert f"£{pounds:,}.{pence:02d}" in text


async def test_a_soffice_that_hangs_is_cut_off_at_the_timeout(tmp_path: Path) -> None:
    hanging = tmp_path / "soffice"
    hanging.write_text("#!/bin/sh\nexec sleep 30\n")
    hanging.chmod(0o755)
    converter = PdfConverter(str(hanging), timeout_seconds=0.5, workers=2)
    assert await converter.convert([b"a", b"b", b"c"]) == [None, None, None]
