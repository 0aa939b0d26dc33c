"""The template registry: upload (checked by rendering with sample data), approve, retire, read.

Blob first, then the row; if the row cannot be written the blob is deleted again, so no row ever
points at a missing blob (the same ordering as accounts documents).
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from dps.contracts import access, repository
from dps.contracts.domain.contexts import TemplateKind, Variable, catalogue
from dps.contracts.domain.samples import sample_context
from dps.contracts.domain.templates import TemplateInvalid, TemplateStatus, TemplateVersion, require_approved
from dps.contracts.rendering import RENDERER
from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import DomainError, RuleViolation, UnsupportedMediaType
from dps.core.pagination import Page
from dps.core.storage import DOCX, check_upload

SHIPPED_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "contracts"


class TemplateCorrupted(DomainError):
    status = 500
    code = "template_corrupted"
    title = "Stored template failed its integrity check"


async def _store_version(
    ctx: Context, kind: TemplateKind, data: bytes, filename: str, note: str, *, approve: bool
) -> TemplateVersion:
    key = f"contract-templates/{kind.value}/{uuid.uuid4().hex}.docx"
    blob = await ctx.store.put(key, data, DOCX)
    now = ctx.clock.now()
    user_id = ctx.principal.user_id if ctx.principal else None
    try:
        async with DB.transaction():
            await repository.lock_template_kind(kind)
            draft = TemplateVersion(
                id=0,
                kind=kind,
                version=await repository.next_template_version(kind),
                status=TemplateStatus.DRAFT,
                filename=filename,
                note=note,
                storage_key=key,
                sha256=blob.sha256,
                size_bytes=blob.size,
                uploaded_by=user_id,
                uploaded_at=now,
            )
            version = await repository.insert_template_version(draft)
            await audit.record(
                ctx, "contract_template.uploaded", "contract_template_version", version.id, after=version
            )
            if approve:
                version = await _approve(ctx, version)
    except BaseException:
        await ctx.store.delete(key)
        raise
    RENDERER.remember(version.sha256, data)
    return version


async def upload_template_version(
    ctx: Context, kind: TemplateKind, data: bytes, filename: str | None, note: str = ""
) -> TemplateVersion:
    """A new draft version of `kind`, refused (422 `template_invalid`, every reason listed) unless
    it renders with the kind's sample data inside the sandbox."""
    access.require_manage_templates(ctx.user)
    if check_upload(data, ctx.settings.max_upload_bytes) != DOCX:
        raise UnsupportedMediaType("a contract template is a Word (.docx) document", allowed=[DOCX])
    problems = await RENDERER.check(data, sample_context(kind))
    if problems:
        raise TemplateInvalid(problems)
    return await _store_version(ctx, kind, data, (filename or f"{kind.value}.docx")[:255], note, approve=False)


async def _approve(ctx: Context, draft: TemplateVersion) -> TemplateVersion:
    """Approve `draft` and retire the version it replaces (inside the caller's transaction, kind locked)."""
    now = ctx.clock.now()
    approved = draft.approve(ctx.principal.user_id if ctx.principal else None, now)
    previous = await repository.approved_template(draft.kind)
    if previous is not None:
        retired = previous.retire(now)
        await repository.save_template_version(retired)
        await audit.record(
            ctx, "contract_template.retired", "contract_template_version", previous.id, before=previous, after=retired
        )
    await repository.save_template_version(approved)
    await audit.record(
        ctx, "contract_template.approved", "contract_template_version", draft.id, before=draft, after=approved
    )
    return approved


async def approve_template_version(ctx: Context, version_id: int) -> TemplateVersion:
    """Make a draft the version new documents of its kind are made from; the previous one retires."""
    access.require_manage_templates(ctx.user)
    async with DB.transaction():
        draft = await repository.get_template_version(version_id)
        await repository.lock_template_kind(draft.kind)
        draft = await repository.get_template_version(version_id, for_update=True)
        approved = await _approve(ctx, draft)
    return approved


async def retire_template_version(ctx: Context, version_id: int) -> TemplateVersion:
    """Stop using a version (a draft that will not be approved, or an approved one withdrawn)."""
    access.require_manage_templates(ctx.user)
    async with DB.transaction():
        before = await repository.get_template_version(version_id, for_update=True)
        after = before.retire(ctx.clock.now())
        await repository.save_template_version(after)
        await audit.record(
            ctx, "contract_template.retired", "contract_template_version", version_id, before=before, after=after
        )
    return after


async def list_template_versions(
    ctx: Context, kind: TemplateKind | None, limit: int, after_id: int
) -> Page[TemplateVersion]:
    access.require_read_templates(ctx.user)
    return await repository.list_template_versions(kind, limit, after_id)


async def get_template_version(ctx: Context, version_id: int) -> TemplateVersion:
    access.require_read_templates(ctx.user)
    return await repository.get_template_version(version_id)


async def template_bytes(ctx: Context, version: TemplateVersion) -> bytes:
    """The version's .docx, checked against its recorded SHA-256 (kept in memory once read)."""
    cached = RENDERER.cached(version.sha256)
    if cached is not None:
        return cached
    data = await ctx.store.get(version.storage_key)
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise TemplateCorrupted(f"template version {version.id} does not match its recorded SHA-256")
    RENDERER.remember(version.sha256, data)
    return data


async def download_template_version(ctx: Context, version_id: int) -> tuple[TemplateVersion, bytes]:
    version = await get_template_version(ctx, version_id)
    return version, await template_bytes(ctx, version)


async def approved_template(ctx: Context, kind: TemplateKind) -> tuple[TemplateVersion, bytes]:
    """The approved version of `kind` and its bytes; 422 `no_approved_template` when there is none."""
    version = await repository.approved_template(kind)
    if version is None:
        raise RuleViolation(
            f"there is no approved {kind.value} template; a legal officer must approve one first",
            code="no_approved_template",
        )
    require_approved(version)
    return version, await template_bytes(ctx, version)


def variables_catalogue(ctx: Context) -> dict[TemplateKind, list[Variable]]:
    """Per template kind, every variable a template may use, with its kind, meaning and a sample."""
    access.require_read_templates(ctx.user)
    return {kind: catalogue(kind, sample_context(kind)) for kind in TemplateKind}


async def load_shipped_templates(ctx: Context) -> list[TemplateVersion]:
    """Load templates/contracts/<kind>.docx as approved version 1 of every kind that has no version
    yet (the demo, a fresh deployment, tests). Running it again changes nothing."""
    present = await repository.template_kinds_present()
    loaded = []
    for kind in TemplateKind:
        if kind in present:
            continue
        data = (SHIPPED_TEMPLATES / f"{kind.value}.docx").read_bytes()
        problems = await RENDERER.check(data, sample_context(kind))
        if problems:
            raise TemplateInvalid(problems)
        loaded.append(await _store_version(ctx, kind, data, f"{kind.value}.docx", "shipped with dps", approve=True))
    return loaded
