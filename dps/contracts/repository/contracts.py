"""Contract rows (`contracts`) <-> `Contract`: generated documents, their PDFs and the PDF claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.contracts import tables as t
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.contracts import (
    Contract,
    ContractKind,
    ContractStatus,
    PdfStatus,
    Signature,
    SignatureMethod,
    StoredFile,
)
from dps.contracts.repository._rows import conflict_from_unique
from dps.core.db import DB
from dps.core.errors import NotFound, StaleVersion
from dps.core.pagination import Page, page_of
from dps.core.rows import json_value, one_row

INSERT_CHUNK = 200


def _file(key: str | None, sha256: str | None, size: int | None) -> StoredFile | None:
    if key is None or sha256 is None or size is None:
        return None
    return StoredFile(key=key, sha256=sha256, size_bytes=size)


def _contract(row: dict[str, Any]) -> Contract:
    signature = None
    if row["signature_method"] is not None:
        signature = Signature(
            method=SignatureMethod(row["signature_method"]),
            user_id=row["signed_by"],
            at=row["signed_at"],
            sha256=row["signed_sha256"],
            document_id=row["signed_copy"],
        )
    document = _file(row["document_key"], row["document_sha256"], row["document_size"])
    assert document is not None  # the columns are NOT NULL
    return Contract(
        id=row["id"],
        reference=row["reference"],
        kind=ContractKind(row["kind"]),
        status=ContractStatus(row["status"]),
        template_kind=TemplateKind(row["template_kind"]),
        template_version_id=row["template_version"],
        template_sha256=row["template_sha256"],
        provider_id=row["provider"],
        authority_ids=frozenset(row["authority_ids"]),
        subject_key=row["subject_key"],
        parent_id=row["parent"],
        title=row["title"],
        document=document,
        pdf_status=PdfStatus(row["pdf_status"]),
        pdf=_file(row["pdf_key"], row["pdf_sha256"], row["pdf_size"]),
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        issued_at=row["issued_at"],
        issued_by=row["issued_by"],
        signature=signature,
        activated_at=row["activated_at"],
        ended_at=row["ended_at"],
        terminated_at=row["terminated_at"],
        termination_reason=row["termination_reason"],
        version=row["version"],
    )


def _mutable_values(c: Contract) -> dict[Any, Any]:
    s = c.signature
    return {
        t.Contract.status: c.status.value,
        t.Contract.pdf_status: c.pdf_status.value,
        t.Contract.pdf_key: c.pdf.key if c.pdf else None,
        t.Contract.pdf_sha256: c.pdf.sha256 if c.pdf else None,
        t.Contract.pdf_size: c.pdf.size_bytes if c.pdf else None,
        t.Contract.issued_at: c.issued_at,
        t.Contract.issued_by: c.issued_by,
        t.Contract.signature_method: s.method.value if s else None,
        t.Contract.signed_by: s.user_id if s else None,
        t.Contract.signed_at: s.at if s else None,
        t.Contract.signed_sha256: s.sha256 if s else None,
        t.Contract.signed_copy: s.document_id if s else None,
        t.Contract.activated_at: c.activated_at,
        t.Contract.ended_at: c.ended_at,
        t.Contract.terminated_at: c.terminated_at,
        t.Contract.termination_reason: c.termination_reason,
        t.Contract.version: c.version,
    }


async def next_contract_ids(count: int) -> list[int]:
    """Reserve ids first: the reference printed in each document is made from its id."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT nextval(pg_get_serial_sequence('contracts', 'id')) AS id FROM generate_series(1, {})", count
        )
    )
    return [int(r["id"]) for r in rows]


async def insert_contracts(contracts: Sequence[Contract], data: Sequence[Any]) -> None:
    """Insert generated contracts with the contexts they were rendered from (a few statements)."""
    if not contracts:
        return
    rows = []
    for c, context in zip(contracts, data, strict=True):
        values = {column._meta.name: value for column, value in _mutable_values(c).items()}
        rows.append(
            t.Contract(
                id=c.id,
                reference=c.reference,
                kind=c.kind.value,
                template_kind=c.template_kind.value,
                template_version=c.template_version_id,
                template_sha256=c.template_sha256,
                provider=c.provider_id,
                authority_ids=sorted(c.authority_ids),
                subject_key=c.subject_key,
                parent=c.parent_id,
                title=c.title,
                data=msgspec.json.encode(msgspec.to_builtins(context)).decode(),
                document_key=c.document.key,
                document_sha256=c.document.sha256,
                document_size=c.document.size_bytes,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                created_at=c.created_at,
                created_by=c.created_by,
                **values,
            )
        )
    try:
        # PostgreSQL takes at most 32,767 parameters per statement; ~40 columns a row.
        for start in range(0, len(rows), INSERT_CHUNK):
            await t.Contract.insert(*rows[start : start + INSERT_CHUNK])
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


async def get_contract(contract_id: int, *, for_update: bool = False) -> Contract:
    """The contract's row (no access check), locked when `for_update`; NotFound when there is none."""
    row = await one_row(
        t.Contract,
        t.Contract.id == contract_id,
        entity="contract",
        detail=f"contract {contract_id} does not exist",
        for_update=for_update,
        columns=_COLUMNS,
    )
    return _contract(row)


async def contract_context(contract_id: int) -> dict[str, Any]:
    """The context a contract's document was rendered from."""
    row = await t.Contract.select(t.Contract.data).where(t.Contract.id == contract_id).first()
    if row is None:
        raise NotFound(f"contract {contract_id} does not exist", entity="contract")
    data = row["data"]
    return dict(json_value(data))


async def existing_subjects(subject_keys: Sequence[str]) -> set[str]:
    if not subject_keys:
        return set()
    rows = await t.Contract.select(t.Contract.subject_key).where(t.Contract.subject_key.is_in(list(subject_keys)))
    return {r["subject_key"] for r in rows}


async def contract_by_subject(subject_key: str) -> Contract | None:
    row = await t.Contract.select(*_COLUMNS).where(t.Contract.subject_key == subject_key).first()
    return _contract(row) if row else None


async def update_contract(before: Contract, after: Contract) -> None:
    """Write `after` if the row is still at `before.version` (the caller holds the row lock)."""
    result = (
        await t.Contract.update(_mutable_values(after))
        .where((t.Contract.id == before.id) & (t.Contract.version == before.version))
        .returning(t.Contract.id)
    )
    if not result:
        current = await get_contract(before.id)
        raise StaleVersion(before.version, current.version)


async def set_pdf(contract_id: int, pdf: StoredFile | None, status: PdfStatus) -> None:
    """Record a PDF copy (a derived file: no version bump, so it never makes a signer's If-Match stale)."""
    await t.Contract.update(
        {
            t.Contract.pdf_status: status.value,
            t.Contract.pdf_key: pdf.key if pdf else None,
            t.Contract.pdf_sha256: pdf.sha256 if pdf else None,
            t.Contract.pdf_size: pdf.size_bytes if pdf else None,
        }
    ).where(t.Contract.id == contract_id)


async def claim_pdfs(
    limit: int, now: datetime, stale_before: datetime, ids: Sequence[int] | None = None
) -> list[Contract]:
    """Claim up to `limit` PDF copies to convert (pending ones, or claims older than
    `stale_before` whose converter died), optionally only among `ids`: they turn `converting`.
    `FOR UPDATE SKIP LOCKED` passes over rows another converter is claiming at this moment, so
    two schedulers never take the same one and neither waits for the other."""
    rows = await DB.run_querystring(
        QueryString(
            """UPDATE contracts SET pdf_status = 'converting', pdf_claimed_at = {}
               WHERE id IN (
                   SELECT id FROM contracts
                   WHERE (pdf_status = 'pending' OR (pdf_status = 'converting' AND pdf_claimed_at < {}))
                     AND ({}::bigint[] IS NULL OR id = ANY({}::bigint[]))
                   ORDER BY id LIMIT {}
                   FOR UPDATE SKIP LOCKED)
               RETURNING id""",
            now,
            stale_before,
            None if ids is None else list(ids),
            None if ids is None else list(ids),
            limit,
        )
    )
    if not rows:
        return []
    claimed = await (
        t.Contract.select(*_COLUMNS).where(t.Contract.id.is_in([r["id"] for r in rows])).order_by(t.Contract.id)
    )
    return [_contract(r) for r in claimed]


async def release_pdf_claims(contract_ids: Sequence[int]) -> None:
    """Put claimed copies back to `pending` (their conversion could not finish)."""
    if contract_ids:
        await t.Contract.update({t.Contract.pdf_status: PdfStatus.PENDING.value}).where(
            t.Contract.id.is_in(list(contract_ids)) & (t.Contract.pdf_status == PdfStatus.CONVERTING.value)
        )


async def count_pending_pdfs() -> int:
    return int(await t.Contract.count().where(t.Contract.pdf_status == PdfStatus.PENDING.value))


async def list_contracts(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    authority_id: int | None,
    hide_drafts: bool,
    kind: ContractKind | None,
    status: ContractStatus | None,
    parent_id: int | None,
    or_created_by: int | None = None,
) -> Page[Contract]:
    """Contracts after `after_id`; `authority_id` limits them to that council's (and, with
    `or_created_by`, to those that user generated too)."""
    query = t.Contract.select(*_COLUMNS).where(t.Contract.id > after_id)
    if provider_id is not None:
        query = query.where(t.Contract.provider == provider_id)
    if authority_id is not None and or_created_by is not None:
        query = query.where(t.Contract.authority_ids.any(authority_id) | (t.Contract.created_by == or_created_by))
    elif authority_id is not None:
        query = query.where(t.Contract.authority_ids.any(authority_id))
    if hide_drafts:
        query = query.where(t.Contract.status != ContractStatus.DRAFT.value)
    if kind is not None:
        query = query.where(t.Contract.kind == kind.value)
    if status is not None:
        query = query.where(t.Contract.status == status.value)
    if parent_id is not None:
        query = query.where(t.Contract.parent == parent_id)
    rows = await query.order_by(t.Contract.id).limit(limit + 1)
    return page_of([_contract(r) for r in rows], limit)


# Every column but the rendered context (`data`), which lists and lifecycle steps never need.
_COLUMNS = [c for c in t.Contract.all_columns() if c._meta.name != "data"]
