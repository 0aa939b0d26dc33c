"""Document rows (`documents`) <-> `Document`, the storage an organisation uses, and the councils that may read a
provider's due diligence."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Sum
from piccolo.querystring import QueryString

from dps.accounts import tables as t
from dps.accounts.domain import Document, DocumentType
from dps.core.auth import OrgKind
from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=row["id"],
        owner_kind=OrgKind(row["owner_kind"]),
        provider_id=row["provider"],
        authority_id=row["authority"],
        document_type=DocumentType(row["document_type"]),
        filename=row["filename"],
        media_type=row["media_type"],
        size_bytes=row["size_bytes"],
        sha256=row["sha256"],
        storage_key=row["storage_key"],
        expires_on=row["expires_on"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
    )


async def insert_document(d: Document) -> Document:
    rows = await t.Document.insert(
        t.Document(
            owner_kind=d.owner_kind.value,
            provider=d.provider_id,
            authority=d.authority_id,
            document_type=d.document_type.value,
            filename=d.filename,
            media_type=d.media_type,
            size_bytes=d.size_bytes,
            sha256=d.sha256,
            storage_key=d.storage_key,
            expires_on=d.expires_on,
            uploaded_by=d.uploaded_by,
            uploaded_at=d.uploaded_at,
        )
    ).returning(*t.Document.all_columns())
    return _document(rows[0])


async def get_document(document_id: int) -> Document:
    """The document's record (no access check); NotFound when there is none."""
    row = await one_row(
        t.Document, t.Document.id == document_id, entity="document", detail=f"document {document_id} does not exist"
    )
    return _document(row)


async def list_documents(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    authority_id: int | None,
    document_type: DocumentType | None,
) -> Page[Document]:
    query = t.Document.select().where(t.Document.id > after_id)
    if provider_id is not None:
        query = query.where(t.Document.provider == provider_id)
    if authority_id is not None:
        query = query.where(t.Document.authority == authority_id)
    if document_type is not None:
        query = query.where(t.Document.document_type == document_type.value)
    rows = await query.order_by(t.Document.id).limit(limit + 1)
    return page_of([_document(r) for r in rows], limit)


async def storage_used(is_provider: bool, org_id: int | None) -> int:
    """Bytes of documents an organisation (a provider, or an authority) has stored."""
    owner = t.Document.provider if is_provider else t.Document.authority
    rows = await t.Document.select(Sum(t.Document.size_bytes, alias="used")).where(owner == org_id)
    return int(rows[0]["used"] or 0) if rows else 0


async def lock_storage_used(is_provider: bool, org_id: int | None) -> int:
    """`storage_used` under the organisation's transaction-scoped lock (call inside a transaction)."""
    kind = "provider" if is_provider else "authority"
    await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", f"documents:{kind}:{org_id}"))
    return await storage_used(is_provider, org_id)


async def councils_working_with(provider_id: int) -> frozenset[int]:
    """The lead and member councils of every arrangement where the provider holds a membership
    (any status) or an application that was submitted (and not withdrawn): the councils that may
    read its due diligence (issue 13 item 10). Read-side SQL over frameworks' tables, so that
    accounts (documents) and compliance (evidence, visits) share one rule."""
    rows = await DB.run_querystring(
        QueryString(
            """SELECT r.lead_authority, r.member_authority_ids FROM arrangements r
               WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.arrangement = r.id AND m.provider = {})
                  OR EXISTS (SELECT 1 FROM applications a WHERE a.arrangement = r.id AND a.provider = {}
                             AND a.status IN ('submitted', 'under_evaluation', 'decided'))""",
            provider_id,
            provider_id,
        )
    )
    found: set[int] = set()
    for r in rows:
        found.add(r["lead_authority"])
        found.update(r["member_authority_ids"] or ())
    return frozenset(found)
