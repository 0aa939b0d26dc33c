"""The contract lifecycle: read, download, issue, sign (electronically or by a signed copy),
activate, end and terminate, each audited in the same transaction as the change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from dps.accounts import public as accounts
from dps.contracts import access, repository
from dps.contracts.codes import ContractCode
from dps.contracts.domain.contracts import (
    Contract,
    ContractKind,
    ContractStatus,
    PdfStatus,
    Signature,
    SignatureMethod,
)
from dps.contracts.domain.variation_terms import fee_variation_terms
from dps.core import audit, deadlines, notifications
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import Conflict, DomainError, NotFound, RuleViolation
from dps.core.pagination import Page
from dps.core.storage import DOCX, PDF
from dps.tenders.public import vary_weekly_fee


class ContractDocumentCorrupted(DomainError):
    status = 500
    code = CommonCode.DOCUMENT_CORRUPTED
    title = "Stored document failed its integrity check"


@dataclass(frozen=True, slots=True)
class ContractFile:
    contract: Contract
    data: bytes
    media_type: str
    filename: str


async def get_contract(ctx: Context, contract_id: int) -> Contract:
    """A contract, as the caller may read it."""
    contract = await repository.get_contract(contract_id)
    access.require_read_contract(ctx.user, contract)
    return contract


async def list_contracts(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    kind: ContractKind | None = None,
    status: ContractStatus | None = None,
    parent_id: int | None = None,
) -> Page[Contract]:
    """A provider's own issued contracts; council staff their council's; admins all."""
    provider_id, authority_id, hide_drafts = access.listing_scope(ctx.user)
    return await repository.list_contracts(
        limit,
        after_id,
        provider_id=provider_id,
        authority_id=authority_id,
        or_created_by=ctx.user.user_id if authority_id is not None else None,
        hide_drafts=hide_drafts,
        kind=kind,
        status=status,
        parent_id=parent_id,
    )


async def download(ctx: Context, contract_id: int, *, pdf: bool = False) -> ContractFile:
    """The generated .docx, or its PDF copy (409 `pdf_not_ready` while pending), checked against
    the SHA-256 recorded when it was stored."""
    contract = await get_contract(ctx, contract_id)
    if pdf:
        if contract.pdf is None or contract.pdf_status is not PdfStatus.READY:
            raise Conflict(f"the PDF copy is {contract.pdf_status.value}", code=ContractCode.PDF_NOT_READY)
        stored, media_type, suffix = contract.pdf, PDF, "pdf"
    else:
        stored, media_type, suffix = contract.document, DOCX, "docx"
    data = await ctx.store.get(stored.key)
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise ContractDocumentCorrupted(f"contract {contract_id}'s document does not match its recorded SHA-256")
    return ContractFile(contract, data, media_type, f"{contract.reference}.{suffix}")


async def _step(
    ctx: Context,
    contract_id: int,
    action: str,
    check: Callable[[Contract], None],
    change: Callable[[Contract], Contract],
) -> Contract:
    async with DB.transaction():
        before = await repository.get_contract(contract_id, for_update=True)
        check(before)
        after = change(before)
        await repository.update_contract(before, after)
        await audit.record(ctx, action, "contract", contract_id, before=before, after=after)
        await deadlines.track(EntityType.CONTRACT, contract_id, ctx.clock.now())  # the scheduler watches its end date
        if after.status is ContractStatus.ISSUED:
            await _tell_provider(ctx, after)
    return after


async def _tell_provider(ctx: Context, contract: Contract) -> None:
    signing = "" if contract.kind is ContractKind.DECISION_LETTER else " Please read it and sign it."
    await notifications.notify(
        await accounts.recipients_of_provider(contract.provider_id),
        kind="contract.issued",
        key=f"contract:{contract.id}:issued",
        subject=f"{contract.reference}: {contract.title}",
        body=f"{contract.title} ({contract.reference}) has been issued to you.{signing}",
        link_path=f"/api/v1/contracts/{contract.id}",
        at=ctx.clock.now(),
    )


async def issue_contract(ctx: Context, contract_id: int) -> Contract:
    """Send a draft to the provider (its users are notified)."""
    user = ctx.user
    return await _step(
        ctx,
        contract_id,
        "contract.issued",
        lambda c: access.require_manage_contract(user, c, "issue"),
        lambda c: c.issue(user.user_id, ctx.clock.now()),
    )


async def sign_contract(ctx: Context, contract_id: int, document_sha256: str) -> Contract:
    """The provider accepts the exact issued document identified by its SHA-256 (409 otherwise)."""
    user = ctx.user
    signature = Signature(
        method=SignatureMethod.ELECTRONIC, user_id=user.user_id, at=ctx.clock.now(), sha256=document_sha256.lower()
    )
    return await _step(
        ctx, contract_id, "contract.signed", lambda c: access.require_sign(user, c), lambda c: c.sign(signature)
    )


async def sign_with_copy(ctx: Context, contract_id: int, document_id: int) -> Contract:
    """The provider uploads (through /documents) a signed copy of the issued document."""
    user = ctx.user
    document = await accounts.get_document_row(document_id)
    if document.provider_id is None or not user.is_provider(document.provider_id):
        raise NotFound(f"document {document_id} does not exist", entity="document")
    if document.media_type not in (PDF, DOCX):
        raise RuleViolation("a signed copy is a PDF or Word document", code=ContractCode.SIGNED_COPY_TYPE)
    signature = Signature(
        method=SignatureMethod.SIGNED_COPY,
        user_id=user.user_id,
        at=ctx.clock.now(),
        sha256=document.sha256,
        document_id=document.id,
    )
    return await _step(
        ctx, contract_id, "contract.signed", lambda c: access.require_sign(user, c), lambda c: c.sign(signature)
    )


async def activate_contract(ctx: Context, contract_id: int) -> Contract:
    """The council countersigns a signed contract: it is in force. A fee variation in force
    changes the placement's weekly fee from its day, in the same transaction."""
    user = ctx.user
    async with DB.transaction():
        contract = await _step(
            ctx,
            contract_id,
            "contract.activated",
            lambda c: access.require_manage_contract(user, c, "countersign"),
            lambda c: c.activate(ctx.clock.now()),
        )
        if contract.kind is ContractKind.FEE_VARIATION:
            terms = fee_variation_terms(contract.subject_key, await repository.contract_context(contract_id))
            await vary_weekly_fee(ctx, terms.placement_id, terms.weekly_fee_pence, terms.from_day)
    return contract


async def end_contract(ctx: Context, contract_id: int) -> Contract:
    """An active contract has run its course."""
    user = ctx.user
    return await _step(
        ctx,
        contract_id,
        "contract.ended",
        lambda c: access.require_manage_contract(user, c, "end"),
        lambda c: c.end(ctx.clock.now()),
    )


async def terminate_contract(ctx: Context, contract_id: int, reason: str) -> Contract:
    """End a contract early or withdraw it, with the reason recorded."""
    user = ctx.user
    return await _step(
        ctx,
        contract_id,
        "contract.terminated",
        lambda c: access.require_manage_contract(user, c, "terminate"),
        lambda c: c.terminate(reason, ctx.clock.now()),
    )
