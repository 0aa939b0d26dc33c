"""Contract generation speed: one IPA .docx, a batch of 1,000 fee variations, PDFs per second.

Run from the repository root: `.venv/bin/python bench/contracts.py [--ipas N] [--batch N] [--pdfs N]`.

1. Creates a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server
   under `var/pg-bench`), applies the migrations, inserts one council and one provider, and loads
   the shipped templates as approved version 1 into a temporary document folder.
2. ipa: generates N Individual Placement Agreements one at a time through the real service
   (`generate_placement_agreement`: facts -> context -> docxtpl in a worker thread -> blob with
   SHA-256 -> row + audit event), without PDF, and reports the median and p95. Also the median of
   the rendering alone (`render_docx`), to show where the time goes.
3. batch: one `generate_fee_variations` call for N placements (default 1,000), without PDF.
4. pdf: converts N generated .docx files with LibreOffice headless in one batched call
   (`PdfConverter.convert`: split between one soffice per CPU, each with its own profile, up to
   100 files per soffice start) and reports conversions per second
   (0 and "skipped" when soffice is not installed).
5. Prints a table, then as the last line of stdout one JSON object of figures. Logs go to stderr.

Targets (issue 7): ipa p50 < 100 ms, batch of 1,000 < 120 s, pdf >= 5/s.
The database is always dropped and the folder removed, even on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

log = logging.getLogger("bench.contracts")


def throwaway_database_url() -> str:
    from dps.core import db

    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
    return db.with_database(server_url, name)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(url: str, folder: Path, ipas: int, batch: int, pdfs: int) -> dict[str, float]:
    from dps.accounts import tables as accounts
    from dps.contracts.domain import facts as f
    from dps.contracts.domain.contexts import TemplateKind
    from dps.contracts.domain.samples import fee_variation_facts, placement_facts
    from dps.contracts.pdf import PdfConverter
    from dps.contracts.rendering import render_docx
    from dps.contracts.services import generation
    from dps.contracts.services.templates import approved_template, load_shipped_templates
    from dps.core import db, migrations
    from dps.core.clock import SystemClock
    from dps.core.context import Context
    from dps.core.settings import Settings
    from dps.core.storage import LocalDocumentStore

    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports its migrations on stdout
        await migrations.upgrade()
    await db.open_pool(max_size=4)
    try:
        settings = Settings.from_env({"DATABASE_URL": url, "DPS_VAR_DIR": str(folder), "DPS_SCHEDULER": "off"})
        ctx = Context(principal=None, clock=SystemClock(), settings=settings, store=LocalDocumentStore(folder / "docs"))
        now = datetime.now(UTC)
        authority = await accounts.Authority.insert(
            accounts.Authority(name="Bench Council", ons_code="E08000001", region="north_west", created_at=now)
        ).returning(accounts.Authority.id)
        provider = await accounts.Provider.insert(
            accounts.Provider(
                legal_name="Bench Care & Co <Ltd>",
                company_number="12345678",
                address="1 Bench Street, Manchester",
                postcode="M1 1AE",
                contacts="[]",
                created_at=now,
            )
        ).returning(accounts.Provider.id)
        authority_id, provider_id = authority[0]["id"], provider[0]["id"]
        await load_shipped_templates(ctx)
        no_pdf = PdfConverter("/nonexistent/soffice")

        # --- one IPA at a time ----------------------------------------------------------------
        base = replace(placement_facts("residential"), authority_id=authority_id, provider_id=provider_id)
        await generation.generate_placement_agreement(ctx, replace(base, placement_id=0), converter=no_pdf)  # warm
        ipa_ms = []
        for n in range(1, ipas + 1):
            started = time.perf_counter()
            await generation.generate_placement_agreement(ctx, replace(base, placement_id=n), converter=no_pdf)
            ipa_ms.append((time.perf_counter() - started) * 1000)
        _, template = await approved_template(ctx, TemplateKind.PLACEMENT_RESIDENTIAL)
        render_ms = []
        for n in range(min(ipas, 20)):
            context = f.placement_context(replace(base, placement_id=n), f"IPA-{n:06d}", now.date())
            started = time.perf_counter()
            render_docx(template, context)
            render_ms.append((time.perf_counter() - started) * 1000)

        # --- a batch of fee variations --------------------------------------------------------
        items = [
            replace(
                fee_variation_facts(),
                placement_id=10_000 + n,
                authority_id=authority_id,
                provider_id=provider_id,
                previous_weekly_pence=400_000 + n,
                new_weekly_pence=round((400_000 + n) * 1.038),
            )
            for n in range(batch)
        ]
        last_report = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last_report[0] > 5 or done == total:
                last_report[0] = time.perf_counter()
                log.info("fee variations: %d / %d", done, total)

        started = time.perf_counter()
        result = await generation.generate_fee_variations(ctx, items, progress=progress, converter=no_pdf)
        batch_s = time.perf_counter() - started
        assert len(result.created) == batch, result.skipped

        # --- PDFs in batch --------------------------------------------------------------------
        converter = PdfConverter()
        pdf_rate = 0.0
        pdf_s = 0.0
        converted = 0
        if converter.available and pdfs:
            documents = [await ctx.store.get(c.document.key) for c in result.created[:pdfs]]
            # The first start in a profile creates it: warm one per worker (one soffice per CPU).
            await converter.convert(documents[: converter.workers])
            started = time.perf_counter()
            out = await converter.convert(documents)
            pdf_s = time.perf_counter() - started
            converted = sum(1 for x in out if x is not None)
            pdf_rate = converted / pdf_s
    finally:
        await db.close_pool()

    p50 = statistics.median(ipa_ms)
    rows = [
        ("IPA .docx, generated one at a time (p50)", f"{p50:.1f} ms", "< 100 ms", p50 < 100),
        ("IPA .docx, generated one at a time (p95)", f"{percentile(ipa_ms, 0.95):.1f} ms", "", None),
        ("  of which rendering alone (p50)", f"{statistics.median(render_ms):.1f} ms", "", None),
        (f"fee variations, batch of {batch}", f"{batch_s:.1f} s ({batch / batch_s:.0f}/s)", "< 120 s", batch_s < 120),
        (
            f"PDFs in batch ({converted} files, {converter.workers} soffice at once)",
            f"{pdf_rate:.1f}/s in {pdf_s:.1f} s" if converter.available else "skipped: soffice not installed",
            ">= 5/s",
            pdf_rate >= 5 if converter.available else None,
        ),
    ]
    print(f"{'measure':<48} {'result':<34} {'target':<10} met")
    for name, value, target, met in rows:
        print(f"{name:<48} {value:<34} {target:<10} {'' if met is None else ('yes' if met else 'NO')}")
    return {
        "ipa_docx_p50_ms": round(p50, 1),
        "ipa_docx_p95_ms": round(percentile(ipa_ms, 0.95), 1),
        "ipa_render_only_p50_ms": round(statistics.median(render_ms), 1),
        "fee_variations_batch_size": batch,
        "fee_variations_batch_s": round(batch_s, 2),
        "pdf_conversions_per_s": round(pdf_rate, 2),
        "pdf_workers": converter.workers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ipas", type=int, default=50, help="IPAs generated one at a time (default 50)")
    parser.add_argument("--batch", type=int, default=1000, help="fee variations in the batch (default 1000)")
    parser.add_argument("--pdfs", type=int, default=100, help="documents converted to PDF (default 100)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    logging.getLogger("dps").setLevel(logging.WARNING)

    from dps.core import db

    url = throwaway_database_url()
    with tempfile.TemporaryDirectory(prefix="dps-bench-contracts-") as folder:
        try:
            figures = asyncio.run(run(url, Path(folder), args.ipas, args.batch, args.pdfs))
        finally:
            try:
                asyncio.run(db.drop_database(url))
            except Exception:
                log.exception("could not drop the bench database %s", url)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
