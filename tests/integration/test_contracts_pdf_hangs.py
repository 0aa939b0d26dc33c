"""LibreOffice hangs and orphans (issue 13, item 5; issue 18): a timed-out conversion kills soffice's
whole process group and retires its profile, the next conversion works, a template cannot render
more than converts in time, PDFs are made apart from the request, and two schedulers never
convert the same document."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import stat
from pathlib import Path

import psutil
import pytest
from docx import Document

from dps.contracts import repository, sandbox
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.contracts import PdfStatus
from dps.contracts.domain.samples import sample_context
from dps.contracts.pdf import PdfConverter
from dps.contracts.rendering import RenderFailed, check_docx, render_docx
from dps.contracts.services import generation
from tests.support.contract_world import World, _placement, _variation
from tests.support.contracts import NO_LIBREOFFICE

HAS_LIBREOFFICE = shutil.which("soffice") is not None


def docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def hanging_soffice(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A stand-in `soffice` that, while `hang` exists, starts the real LibreOffice in the
    background (as the launcher starts soffice.bin) and never returns; else it is LibreOffice.
    It logs its process group leader and the profile (HOME) it was given."""
    flag, log, script = tmp_path / "hang", tmp_path / "calls.log", tmp_path / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$$ $HOME" >> {log}\n'
        f"if [ -e {flag} ]; then\n"
        '    soffice "$@" >/dev/null 2>&1 &\n'
        "    sleep 600\n"
        "fi\n"
        'exec soffice "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    flag.touch()
    return script, flag, log


def survivors(group: int, profile: str) -> list[psutil.Process]:
    """Live processes of the group, or any process using the profile (soffice.bin names it)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE:
                continue  # dead, waiting for its parent to reap it
            in_group = os.getpgid(process.pid) == group
            if in_group or any(profile in part for part in process.info["cmdline"] or []):
                found.append(process)
        except (psutil.NoSuchProcess, ProcessLookupError, psutil.AccessDenied):
            continue
    return found


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice (soffice) is not installed; make test installs it as root")
async def test_after_a_timeout_no_soffice_of_ours_survives_and_the_next_conversion_works(tmp_path: Path) -> None:
    script, flag, log = hanging_soffice(tmp_path)
    converter = PdfConverter(str(script), timeout_seconds=3, workers=1)

    assert await converter.convert([docx("first")]) == [None]
    group, profile = log.read_text().split()
    assert survivors(int(group), profile) == []
    assert os.path.basename(profile) not in os.listdir(os.path.dirname(profile))  # retired

    flag.unlink()
    converter.timeout_seconds = 120
    [pdf] = await converter.convert([docx("second")])
    assert pdf is not None and pdf.startswith(b"%PDF")
    second_group, second_profile = log.read_text().splitlines()[1].split()
    assert second_profile != profile
    assert survivors(int(second_group), second_profile) == []


def paragraphs(count: int, size: int) -> bytes:
    """A template rendering `count` paragraphs of `size` characters."""
    document = Document()
    document.add_paragraph(f"{{%p for i in range({count}) %}}")
    document.add_paragraph("x" * size)
    document.add_paragraph("{%p endfor %}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def one_paragraph(size: int) -> bytes:
    return docx(f"{{% for i in range({size // 1000}) %}}" + "x" * 1000 + "{% endfor %}")


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        (paragraphs(3000, 1000), "more than 2,000,000 characters"),  # ~3 million: the whole part
        (one_paragraph(101_000), "a paragraph of more than 100,000 characters"),
    ],
)
def test_a_template_may_not_render_more_than_converts_in_time(template: bytes, refused: str) -> None:
    # ~19 million characters passed the old limit and hung LibreOffice (see the sandbox's measures).
    problems = check_docx(template, sample_context(TemplateKind.DECISION_LETTER))
    assert [p.kind for p in problems] == ["too_expensive"]
    assert refused in problems[0].message
    with pytest.raises(RenderFailed):
        render_docx(template, sample_context(TemplateKind.DECISION_LETTER))


@pytest.mark.parametrize("template", [paragraphs(1800, 1000), one_paragraph(100_000)])
def test_what_converts_in_time_is_accepted(template: bytes) -> None:
    assert (sandbox.MAX_OUTPUT, sandbox.MAX_PARAGRAPH) == (2_000_000, 100_000)
    assert check_docx(template, sample_context(TemplateKind.DECISION_LETTER)) == []


async def test_generation_leaves_the_pdf_pending_for_the_scheduler(world: World) -> None:
    # No converter named (a request): the .docx is stored and the PDF waits, whatever is installed.
    contract = await generation.generate_placement_agreement(world.ctx, _placement(world))
    assert contract.pdf_status is PdfStatus.PENDING
    assert (await repository.get_contract(contract.id)).pdf_status is PdfStatus.PENDING


class RecordingConverter(PdfConverter):
    """Converts to a fake PDF, recording what it was given; the first call waits for `go`."""

    def __init__(self, started: asyncio.Event, go: asyncio.Event) -> None:
        super().__init__("recording", workers=1)
        self.started, self.go = started, go
        self.converted: list[bytes] = []

    @property
    def available(self) -> bool:
        return True

    async def convert(self, documents):  # type: ignore[no-untyped-def]
        self.started.set()
        await self.go.wait()
        self.converted += documents
        return [b"%PDF-1.4 fake\n%%EOF\n" for _ in documents]


async def test_two_schedulers_never_convert_the_same_document(world: World) -> None:
    batch = await generation.generate_fee_variations(
        world.ctx, [_variation(world, n) for n in range(1, 6)], converter=NO_LIBREOFFICE
    )
    ids = sorted(c.id for c in batch.created)
    first_started, second_started, go = asyncio.Event(), asyncio.Event(), asyncio.Event()
    first, second = RecordingConverter(first_started, go), RecordingConverter(second_started, go)

    one = asyncio.create_task(generation.convert_pending_pdfs(world.ctx, converter=first))
    await first_started.wait()  # the first pass has claimed them and is converting
    two = asyncio.create_task(generation.convert_pending_pdfs(world.ctx, converter=second))
    # The second pass finds nothing to claim (it would convert the same five otherwise).
    assert await asyncio.wait_for(two, timeout=60) == 0
    assert [(await repository.get_contract(i)).pdf_status for i in ids] == [PdfStatus.CONVERTING] * 5
    go.set()
    assert await one == 5
    assert len(first.converted) == 5 and second.converted == []
    assert {(await repository.get_contract(i)).pdf_status for i in ids} == {PdfStatus.READY}


async def test_a_claim_whose_converter_died_is_taken_over(world: World) -> None:
    contract = await generation.generate_placement_agreement(world.ctx, _placement(world))
    now = world.ctx.clock.now()
    [claimed] = await repository.claim_pdfs(10, now, now - generation.STALE_CLAIM)
    assert claimed.id == contract.id
    assert await repository.claim_pdfs(10, now, now - generation.STALE_CLAIM) == []  # still fresh
    later = now + generation.STALE_CLAIM + generation.STALE_CLAIM
    [again] = await repository.claim_pdfs(10, later, later - generation.STALE_CLAIM)
    assert again.id == contract.id
