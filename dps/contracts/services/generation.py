"""Generation: facts -> context -> the approved template filled -> stored .docx -> contract row,
then a PDF copy when LibreOffice is installed.

Every document pins the template version and its SHA-256 and is stored with its own SHA-256.
Blobs are written before the rows commit and deleted again if they do not, so no row points at a
missing blob. PDF copies are made apart from the request (issue 13, item 5: LibreOffice can take
minutes): a new document's `pdf_status` is `pending`, and the scheduler pass (or `dps contracts
convert-pdfs`) claims the pending copies (`converting`, see `repository.claim_pdfs`: two
schedulers never convert the same one), converts them in batches and records each `ready` or
`failed`. Only a caller that names a converter (the CLI, tests) converts at once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from dps.contracts import access, repository
from dps.contracts.domain import facts as f
from dps.contracts.domain.contexts import TemplateKind, placement_template_kind
from dps.contracts.domain.contracts import (
    Contract,
    ContractKind,
    ContractStatus,
    PdfStatus,
    StoredFile,
    reference_for,
)
from dps.contracts.domain.errors import AlreadyGenerated
from dps.contracts.pdf import converter_for
from dps.contracts.rendering import renderer_for
from dps.contracts.services.templates import approved_template
from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.documents import PdfConverter
from dps.core.storage import DOCX, PDF

Progress = Callable[[int, int], None]  # (documents done, documents in the batch)
RENDER_CHUNK = 50
STORE_CONCURRENCY = 8
# A claim on a PDF copy older than this belongs to a converter that died: another may take it.
STALE_CLAIM = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Draft:
    """One document to generate: what it is, whom it binds, and how to build its context."""

    kind: ContractKind
    template_kind: TemplateKind
    subject_key: str
    provider_id: int
    authority_ids: frozenset[int]
    title: str
    build: Callable[[str, date], Any]  # (reference, issued on) -> context
    parent_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    # Whose approved template it is made from, in order of preference (the council party to it,
    # then its consortium's lead); the national default after them. Never another council's.
    template_owners: tuple[int, ...] = ()


def owners(*authority_ids: int | None) -> tuple[int, ...]:
    """Template owners in order of preference, without repeats or unknowns."""
    return tuple(dict.fromkeys(a for a in authority_ids if a is not None))


@dataclass(frozen=True, slots=True)
class BatchResult:
    created: list[Contract]
    skipped: list[str]  # subject keys that already had a document (a re-run changes nothing)


async def _generate(
    ctx: Context,
    drafts: Sequence[Draft],
    *,
    converter: PdfConverter | None,
    progress: Progress | None = None,
) -> BatchResult:
    existing = await repository.existing_subjects([d.subject_key for d in drafts])
    todo = [d for d in drafts if d.subject_key not in existing]
    skipped = [d.subject_key for d in drafts if d.subject_key in existing]
    if not todo:
        if progress:
            progress(len(drafts), len(drafts))
        return BatchResult(created=[], skipped=skipped)

    templates = {
        key: await approved_template(ctx, *key) for key in {(d.template_kind, d.template_owners) for d in todo}
    }
    now = ctx.clock.now()
    today = now.date()
    ids = await repository.next_contract_ids(len(todo))
    contexts = [d.build(reference_for(d.kind, i), today) for d, i in zip(todo, ids, strict=True)]

    documents: list[bytes] = []
    for start in range(0, len(todo), RENDER_CHUNK):
        chunk = range(start, min(start + RENDER_CHUNK, len(todo)))
        by_kind: dict[tuple[TemplateKind, tuple[int, ...]], list[int]] = {}
        for n in chunk:
            by_kind.setdefault((todo[n].template_kind, todo[n].template_owners), []).append(n)
        rendered: dict[int, bytes] = {}
        for kind, positions in by_kind.items():
            out = await renderer_for(ctx).render_many(templates[kind][1], [contexts[n] for n in positions])
            rendered.update(zip(positions, out, strict=True))
        documents.extend(rendered[n] for n in chunk)
        if progress:
            progress(len(skipped) + len(documents), len(drafts))

    keys = [f"contracts/{now:%Y/%m}/{i}-{uuid.uuid4().hex}.docx" for i in ids]
    contracts: list[Contract] = []
    user_id = ctx.principal.user_id if ctx.principal else None
    try:
        blobs = []
        for start in range(0, len(keys), STORE_CONCURRENCY):
            # A few writes at a time: each waits on the disk or the network, not on the CPU.
            blobs += await asyncio.gather(
                *(
                    ctx.store.put(key, data, DOCX)
                    for key, data in zip(keys[start : start + STORE_CONCURRENCY], documents[start:], strict=False)
                )
            )
        for d, contract_id, key, blob in zip(todo, ids, keys, blobs, strict=True):
            version = templates[(d.template_kind, d.template_owners)][0]
            contracts.append(
                Contract(
                    id=contract_id,
                    reference=reference_for(d.kind, contract_id),
                    kind=d.kind,
                    status=ContractStatus.DRAFT,
                    template_kind=d.template_kind,
                    template_version_id=version.id,
                    template_sha256=version.sha256,
                    provider_id=d.provider_id,
                    authority_ids=d.authority_ids,
                    subject_key=d.subject_key,
                    parent_id=d.parent_id,
                    title=d.title,
                    document=StoredFile(key=key, sha256=blob.sha256, size_bytes=blob.size),
                    pdf_status=PdfStatus.PENDING,
                    pdf=None,
                    starts_on=d.starts_on,
                    ends_on=d.ends_on,
                    created_at=now,
                    created_by=user_id,
                )
            )
        async with DB.transaction():
            await repository.insert_contracts(contracts, contexts)
            for contract in contracts:
                await audit.record(ctx, "contract.generated", "contract", contract.id, after=contract)
    except BaseException:
        for key in keys:
            await ctx.store.delete(key)
        raise
    if converter is not None and converter.available:
        # The caller asked for the copies now (the CLI, tests); requests leave them to the scheduler.
        claimed = {c.id for c in await _claim(ctx, len(contracts), [c.id for c in contracts])}
        made = {
            c.id: c
            for c in await _attach_pdfs(
                ctx,
                [c for c in contracts if c.id in claimed],
                [d for c, d in zip(contracts, documents, strict=True) if c.id in claimed],
                converter,
            )
        }
        contracts = [made.get(c.id, c) for c in contracts]
    return BatchResult(created=contracts, skipped=skipped)


async def _claim(ctx: Context, limit: int, ids: Sequence[int] | None = None) -> list[Contract]:
    now = ctx.clock.now()
    return await repository.claim_pdfs(limit, now, now - STALE_CLAIM, ids)


async def _attach_pdfs(
    ctx: Context, contracts: list[Contract], documents: list[bytes], converter: PdfConverter
) -> list[Contract]:
    """Convert claimed copies and record each `ready` or `failed`; if that cannot finish, the
    claims are released (back to `pending`) for the next pass."""
    try:
        pdfs = await converter.convert(documents)
        done = []
        for contract, pdf in zip(contracts, pdfs, strict=True):
            if pdf is None:
                await repository.set_pdf(contract.id, None, PdfStatus.FAILED)
                done.append(contract.with_pdf(None, PdfStatus.FAILED))
                continue
            key = contract.document.key.removesuffix(".docx") + ".pdf"
            blob = await ctx.store.put(key, pdf, PDF)
            stored = StoredFile(key=key, sha256=blob.sha256, size_bytes=blob.size)
            await repository.set_pdf(contract.id, stored, PdfStatus.READY)
            done.append(contract.with_pdf(stored, PdfStatus.READY))
    except BaseException:
        await asyncio.shield(repository.release_pdf_claims([c.id for c in contracts]))
        raise
    return done


async def _convert_claimed(ctx: Context, limit: int, converter: PdfConverter) -> list[Contract]:
    claimed = await _claim(ctx, limit)
    if not claimed:
        return []
    try:
        documents = [await ctx.store.get(c.document.key) for c in claimed]
    except BaseException:
        await asyncio.shield(repository.release_pdf_claims([c.id for c in claimed]))
        raise
    return await _attach_pdfs(ctx, claimed, documents, converter)


async def convert_pending_pdfs(ctx: Context, *, limit: int = 200, converter: PdfConverter | None = None) -> int:
    """Claim and make up to `limit` pending PDF copies (the scheduler pass); returns how many are
    ready. Without LibreOffice nothing is claimed: they stay pending."""
    converter = converter or converter_for(ctx)
    if not converter.available:
        return 0
    done = await _convert_claimed(ctx, limit, converter)
    return sum(1 for c in done if c.pdf_status is PdfStatus.READY)


async def convert_all_pending_pdfs(
    ctx: Context, *, batch: int = 200, converter: PdfConverter | None = None, progress: Progress | None = None
) -> tuple[int, int]:
    """Catch up every pending PDF copy, `batch` at a time; returns (ready, failed). Nothing
    happens without LibreOffice (they stay pending); each file ends `ready` or `failed`, so this
    always finishes."""
    converter = converter or converter_for(ctx)
    if not converter.available:
        return 0, 0
    total = await repository.count_pending_pdfs()
    ready = failed = 0
    while done := await _convert_claimed(ctx, batch, converter):
        made = sum(1 for c in done if c.pdf_status is PdfStatus.READY)
        ready, failed = ready + made, failed + len(done) - made
        total = max(total, ready + failed)  # more may arrive while we work
        if progress:
            progress(ready + failed, total)
    return ready, failed


async def generate_one(ctx: Context, draft: Draft, converter: PdfConverter | None) -> Contract:
    """Generate one document (the caller has checked permission); 409 `already_generated` when
    its subject has one already."""
    result = await _generate(ctx, [draft], converter=converter)
    if result.skipped:
        existing = await repository.contract_by_subject(draft.subject_key)
        raise AlreadyGenerated(
            "a document has already been generated for this",
            contract_id=existing.id if existing else None,
        )
    return result.created[0]


# --- the documents ---------------------------------------------------------------------------


def placement_draft(facts: f.PlacementFacts) -> Draft:
    f.check_placement(facts)
    return Draft(
        kind=ContractKind.PLACEMENT_AGREEMENT,
        template_kind=placement_template_kind(facts.service_type),
        subject_key=f"placement:{facts.placement_id}",
        provider_id=facts.provider_id,
        authority_ids=frozenset({facts.authority_id}),
        title=f"Individual Placement Agreement for {facts.child_reference}",
        build=lambda reference, on: f.placement_context(facts, reference, on),
        starts_on=facts.start_date,
        ends_on=facts.end_date,
        template_owners=owners(facts.authority_id, facts.lead_authority_id),
    )


async def generate_placement_agreement(
    ctx: Context, facts: f.PlacementFacts, *, converter: PdfConverter | None = None
) -> Contract:
    """The standard terms of the placement's service type with its Individual Placement Agreement
    (call it when a call-off concludes; tenders fills `PlacementFacts`)."""
    access.require_generate_for(ctx.principal, {facts.authority_id})
    return await generate_one(ctx, placement_draft(facts), converter)


async def fee_variation_draft(facts: f.FeeVariationFacts, lead_authority_id: int | None = None) -> Draft:
    """A fee variation of the placing council (made from its template, else its consortium
    lead's `lead_authority_id`, else the national default)."""
    f.check_fee_variation(facts)
    parent_id, contract_reference = facts.contract_id, facts.contract_reference
    if parent_id is None:
        ipa = await repository.contract_by_subject(f"placement:{facts.placement_id}")
        if ipa is not None:
            parent_id, contract_reference = ipa.id, ipa.reference
    elif not contract_reference:
        contract_reference = (await repository.get_contract(parent_id)).reference
    linked = replace(facts, contract_id=parent_id, contract_reference=contract_reference)
    return Draft(
        kind=ContractKind.FEE_VARIATION,
        template_kind=TemplateKind.FEE_VARIATION,
        subject_key=f"placement:{facts.placement_id}:fee:{facts.effective_date.isoformat()}",
        provider_id=facts.provider_id,
        authority_ids=frozenset({facts.authority_id}),
        title=f"Fee variation for {facts.child_reference} from {facts.effective_date.isoformat()}",
        build=lambda reference, on: f.fee_variation_context(linked, reference, on),
        parent_id=parent_id,
        starts_on=facts.effective_date,
        template_owners=owners(facts.authority_id, lead_authority_id),
    )


async def generate_fee_variations(
    ctx: Context,
    items: Sequence[f.FeeVariationFacts],
    *,
    progress: Progress | None = None,
    converter: PdfConverter | None = None,
) -> BatchResult:
    """A fee variation for each placement an uplift changed, linked to the placement's agreement.
    Items already varied from the same date are skipped, so a re-run is safe."""
    for authority_id in {i.authority_id for i in items}:
        access.require_generate_for(ctx.principal, {authority_id})
    return await fee_variation_batch(ctx, items, progress=progress, converter=converter)


async def fee_variation_batch(
    ctx: Context,
    items: Sequence[f.FeeVariationFacts],
    *,
    progress: Progress | None = None,
    converter: PdfConverter | None = None,
) -> BatchResult:
    """`generate_fee_variations` once the caller has checked permission (an uplift's variations are
    issued by the lead council for every member council's placements)."""
    leads = await repository.lead_authorities_of_placements([i.placement_id for i in items])
    drafts = [await fee_variation_draft(item, leads.get(item.placement_id)) for item in items]
    return await _generate(ctx, drafts, converter=converter, progress=progress)


async def generate_membership_agreement(
    ctx: Context, membership_id: int, *, converter: PdfConverter | None = None
) -> Contract:
    """The agreement admitting a provider to a lot, from the membership as recorded."""
    facts = await repository.membership_facts(membership_id)
    access.require_generate_for(ctx.user, {facts.lead_authority_id})
    draft = Draft(
        kind=ContractKind.MEMBERSHIP_AGREEMENT,
        template_kind=TemplateKind.MEMBERSHIP_AGREEMENT,
        subject_key=f"membership:{membership_id}",
        provider_id=facts.provider_id,
        authority_ids=frozenset({facts.lead_authority_id}),
        title=f"Membership agreement: {facts.arrangement_reference} lot {facts.lot_code}",
        build=lambda reference, on: f.membership_context(facts, reference, on),
        starts_on=facts.started_on,
        ends_on=facts.term_end,
        template_owners=owners(facts.lead_authority_id),
    )
    return await generate_one(ctx, draft, converter)


async def generate_decision_letter(
    ctx: Context, application_id: int, *, converter: PdfConverter | None = None
) -> Contract:
    """The letter telling a provider the decision on each lot it applied for, with reasons."""
    facts = await repository.decision_facts(application_id)
    access.require_generate_for(ctx.user, {facts.lead_authority_id})
    f.decision_context(facts, "check", facts.decided_on)  # refuses an application without decisions
    draft = Draft(
        kind=ContractKind.DECISION_LETTER,
        template_kind=TemplateKind.DECISION_LETTER,
        subject_key=f"application:{application_id}:decision",
        provider_id=facts.provider_id,
        authority_ids=frozenset({facts.lead_authority_id}),
        title=f"Decision on application {application_id} to {facts.arrangement_reference}",
        build=lambda reference, on: f.decision_context(facts, reference, on),
        template_owners=owners(facts.lead_authority_id),
    )
    return await generate_one(ctx, draft, converter)
