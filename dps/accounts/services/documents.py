"""Documents: sniffed, size-limited uploads with SHA-256, readable only by permitted callers.

A PDF is also opened in a limited child process and refused when it is malformed, needs a password
or carries active content; the name it is stored under is made safe (`dps.accounts.filenames`); an
organisation's documents together stay within its storage quota (`DPS_STORAGE_QUOTA_MB`).

Ordering keeps rows and blobs consistent: the blob is written first, then the row commits; if the
row cannot be written the blob is deleted again. So no row ever points at a missing blob, and a
failed upload leaves no row.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from dps.accounts import access, repository
from dps.accounts.codes import AccountCode
from dps.accounts.domain import Document, DocumentType, check_expiry_not_past
from dps.accounts.filenames import stored_filename
from dps.core import audit
from dps.core.auth import OrgKind, Principal
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import DomainError, NotFound, PayloadTooLarge, PermissionDenied
from dps.core.pagination import Page
from dps.core.pdfs import check_uploaded_pdf
from dps.core.settings import MEGABYTE
from dps.core.storage import PDF, check_upload


class StorageQuotaExceeded(PayloadTooLarge):
    code = AccountCode.STORAGE_QUOTA_EXCEEDED
    title = "Storage quota exceeded"


class DocumentCorrupted(DomainError):
    status = 500
    code = CommonCode.DOCUMENT_CORRUPTED
    title = "Stored document failed its integrity check"


@dataclass(frozen=True, slots=True)
class Download:
    document: Document
    data: bytes


async def upload_document(
    ctx: Context, data: bytes, filename: str | None, document_type: DocumentType, expires_on: date | None
) -> Document:
    """Store a file for the caller's organisation after checking its real type and size."""
    principal = ctx.user
    if principal.org_kind is OrgKind.PLATFORM or principal.org_id is None:
        raise PermissionDenied("documents belong to a provider or an authority; sign in as one of their users")
    media_type = check_upload(data, ctx.settings.max_upload_bytes)
    now = ctx.clock.now()
    check_expiry_not_past(expires_on, now.date())
    is_provider = principal.org_kind is OrgKind.PROVIDER
    quota = ctx.settings.storage_quota_bytes
    _check_quota(await repository.storage_used(is_provider, principal.org_id), len(data), quota)
    if media_type == PDF:
        # Structure and active content are checked in a limited child process (issue 13, item 10).
        await check_uploaded_pdf(data, (principal.org_kind, principal.org_id), ctx.settings)
    key = f"documents/{now:%Y/%m}/{uuid.uuid4().hex}"
    blob = await ctx.store.put(key, data, media_type)
    draft = Document(
        id=0,
        owner_kind=principal.org_kind,
        provider_id=principal.org_id if is_provider else None,
        authority_id=None if is_provider else principal.org_id,
        document_type=document_type,
        filename=stored_filename(filename, media_type),
        media_type=media_type,
        size_bytes=blob.size,
        sha256=blob.sha256,
        storage_key=key,
        expires_on=expires_on,
        uploaded_by=principal.user_id,
        uploaded_at=now,
    )
    try:
        async with DB.transaction():
            # Checked again under a per-organisation lock: two uploads at once cannot both fit.
            used = await repository.lock_storage_used(is_provider, principal.org_id)
            _check_quota(used, blob.size, quota)
            document = await repository.insert_document(draft)
            await audit.record(ctx, "document.uploaded", "document", document.id, after=document)
    except BaseException:
        await ctx.store.delete(key)
        raise
    return document


def _check_quota(used: int, adding: int, quota: int) -> None:
    """Refuse an upload that would take the organisation's stored documents over its quota (413)."""
    if used + adding > quota:
        raise StorageQuotaExceeded(
            f"your organisation stores {used / MEGABYTE:.1f} MB of documents; this file would take it over "
            f"its quota of {quota / MEGABYTE:.0f} MB. Ask the platform operator for more room",
            used_bytes=used,
            quota_bytes=quota,
            file_bytes=adding,
        )


async def get_document(ctx: Context, document_id: int) -> Document:
    """A document its reader may see; to anyone else exactly what a missing id says (404)."""
    document = await repository.get_document(document_id)
    if not (access.may_read_document(ctx.user, document) and await _works_with_owner(ctx.user, document)):
        raise NotFound(f"document {document_id} does not exist", entity="document")
    return document


async def _works_with_owner(p: Principal, document: Document) -> bool:
    """A provider's documents (its evidence) are due diligence: council staff read them only when
    their council holds an arrangement with the provider (issue 13 item 10)."""
    if p.is_admin or p.org_kind is not OrgKind.AUTHORITY or document.provider_id is None:
        return True
    return p.org_id in await repository.councils_working_with(document.provider_id)


async def download_document(ctx: Context, document_id: int) -> Download:
    """The blob, checked against the SHA-256 recorded at upload."""
    document = await get_document(ctx, document_id)
    data = await ctx.store.get(document.storage_key)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise DocumentCorrupted(f"document {document_id} does not match its recorded SHA-256")
    return Download(document=document, data=data)


async def list_documents(
    ctx: Context, limit: int, after_id: int, provider_id: int | None, document_type: DocumentType | None
) -> Page[Document]:
    """A provider sees its own documents; council staff see a provider's or their council's."""
    principal = ctx.user
    if principal.org_kind is OrgKind.PROVIDER:
        if provider_id is not None and provider_id != principal.org_id:
            raise PermissionDenied("you may only see your own organisation's documents")
        return await repository.list_documents(
            limit, after_id, provider_id=principal.org_id, authority_id=None, document_type=document_type
        )
    if provider_id is not None:
        access.require_read_provider(principal, provider_id)
        if not principal.is_admin and principal.org_id not in await repository.councils_working_with(provider_id):
            raise PermissionDenied(
                "your council holds no arrangement with this provider, so its documents are not yours to read"
            )
        return await repository.list_documents(
            limit, after_id, provider_id=provider_id, authority_id=None, document_type=document_type
        )
    authority_id = None if principal.is_admin else principal.org_id
    return await repository.list_documents(
        limit, after_id, provider_id=None, authority_id=authority_id, document_type=document_type
    )
