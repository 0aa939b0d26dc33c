"""The template registry: upload (checked by rendering with sample data), approve, retire, read.

Every version belongs to an owner (a council, or the national defaults for admins); only the
owner's legal officers approve or retire it, a second legal officer approves under the council's
four-eyes policy (on unless an admin turned it off), and a council's documents are made from its
own approved version, else its consortium lead's, else the national default.

Blob first, then the row; if the row cannot be written the blob is deleted again, so no row ever
points at a missing blob (the same ordering as accounts documents).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from dps.contracts import access, repository
from dps.contracts.codes import ContractCode
from dps.contracts.domain.contexts import TemplateKind, Variable, catalogue
from dps.contracts.domain.errors import NoApprovedTemplate
from dps.contracts.domain.samples import sample_context
from dps.contracts.domain.templates import (
    TemplateInvalid,
    TemplateStatus,
    TemplateVersion,
    choose_template,
    require_approved,
)
from dps.contracts.pdf import converter_for
from dps.contracts.rendering import renderer_for
from dps.core import audit
from dps.core.context import Context
from dps.core.db import DB
from dps.core.documents import PdfConverter
from dps.core.errors import DomainError, PermissionDenied, RuleViolation, UnsupportedMediaType
from dps.core.pagination import Page
from dps.core.storage import DOCX, check_upload

SHIPPED_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "contracts"


class TemplateCorrupted(DomainError):
    status = 500
    code = ContractCode.TEMPLATE_CORRUPTED
    title = "Stored template failed its integrity check"


async def _store_version(
    ctx: Context, kind: TemplateKind, owner: int | None, data: bytes, filename: str, note: str, *, approve: bool
) -> TemplateVersion:
    key = f"contract-templates/{kind.value}/{uuid.uuid4().hex}.docx"
    blob = await ctx.store.put(key, data, DOCX)
    now = ctx.clock.now()
    user_id = ctx.principal.user_id if ctx.principal else None
    try:
        async with DB.transaction():
            await repository.lock_template_kind(kind, owner)
            draft = TemplateVersion(
                id=0,
                kind=kind,
                version=await repository.next_template_version(kind, owner),
                status=TemplateStatus.DRAFT,
                filename=filename,
                note=note,
                storage_key=key,
                sha256=blob.sha256,
                size_bytes=blob.size,
                uploaded_by=user_id,
                uploaded_at=now,
                owner_authority_id=owner,
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
    renderer_for(ctx).remember(version.sha256, data)
    return version


async def upload_template_version(
    ctx: Context, kind: TemplateKind, data: bytes, filename: str | None, note: str = ""
) -> TemplateVersion:
    """A new draft version of `kind`, refused (422 `template_invalid`, every reason listed) unless
    it renders with the kind's sample data inside the sandbox. A legal officer's version belongs
    to their council; an admin's is a national default."""
    owner = access.template_owner_of(ctx.user)
    if check_upload(data, ctx.settings.max_upload_bytes) != DOCX:
        raise UnsupportedMediaType("a contract template is a Word (.docx) document", allowed=[DOCX])
    problems = await renderer_for(ctx).check(data, sample_context(kind))
    if problems:
        raise TemplateInvalid(problems)
    return await _store_version(ctx, kind, owner, data, (filename or f"{kind.value}.docx")[:255], note, approve=False)


async def _approve(ctx: Context, draft: TemplateVersion) -> TemplateVersion:
    """Approve `draft` and retire the owner's version it replaces (inside the caller's transaction,
    the kind locked for the owner)."""
    now = ctx.clock.now()
    owner = draft.owner_authority_id
    four_eyes = owner is not None and await repository.four_eyes_required(owner)
    approved = draft.approve(ctx.principal.user_id if ctx.principal else None, now, four_eyes=four_eyes)
    previous = await repository.approved_template(draft.kind, owner)
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
    """Make a draft the version its owner's new documents of its kind are made from; the owner's
    previous one retires. Only the owner's legal officers (admins for a national default); under
    four eyes not the one who uploaded it (403 `second_approver_required`)."""
    access.require_manage_templates(ctx.user)
    visible = await _visible_owners(ctx)
    async with DB.transaction():
        draft = await repository.get_template_version(version_id)
        access.require_template_owner(ctx.user, draft, "approve", visible)
        await repository.lock_template_kind(draft.kind, draft.owner_authority_id)
        draft = await repository.get_template_version(version_id, for_update=True)
        approved = await _approve(ctx, draft)
    return approved


async def retire_template_version(ctx: Context, version_id: int) -> TemplateVersion:
    """Stop using a version (a draft that will not be approved, or an approved one withdrawn): the
    owner's documents fall back to its consortium lead's or the national default. Only the owner."""
    access.require_manage_templates(ctx.user)
    visible = await _visible_owners(ctx)
    async with DB.transaction():
        before = await repository.get_template_version(version_id, for_update=True)
        access.require_template_owner(ctx.user, before, "retire", visible)
        after = before.retire(ctx.clock.now())
        await repository.save_template_version(after)
        await audit.record(
            ctx, "contract_template.retired", "contract_template_version", version_id, before=before, after=after
        )
    return after


async def _visible_owners(ctx: Context) -> list[int] | None:
    """Whose versions the caller sees besides the national defaults: a council's staff their own
    council's and its consortia's leads' (the ones its documents may be made from); admins all."""
    user = ctx.user
    access.require_read_templates(user)
    if user.is_admin or user.org_id is None:
        return None
    return [user.org_id, *await repository.consortium_leads(user.org_id)]


async def list_template_versions(
    ctx: Context, kind: TemplateKind | None, limit: int, after_id: int
) -> Page[TemplateVersion]:
    """The national defaults and the versions of the caller's council and its consortia's leads."""
    owners = await _visible_owners(ctx)
    return await repository.list_template_versions(kind, limit, after_id, owners)


async def get_template_version(ctx: Context, version_id: int) -> TemplateVersion:
    owners = await _visible_owners(ctx)
    version = await repository.get_template_version(version_id)
    access.require_see_template(ctx.user, version, owners)
    return version


async def set_approval_policy(ctx: Context, authority_id: int, four_eyes: bool) -> bool:
    """Whether a council's templates need a second legal officer to approve them (admins set it:
    a legal officer could otherwise lift the check on their own approvals)."""
    user = ctx.user
    if not user.is_admin:
        raise PermissionDenied("only platform admins change a council's template approval policy")
    async with DB.transaction():
        before = await repository.four_eyes_required(authority_id)
        await repository.set_four_eyes(authority_id, four_eyes, user.user_id, ctx.clock.now())
        await audit.record(
            ctx,
            "contract_template.policy_changed",
            "authority",
            authority_id,
            before={"four_eyes": before},
            after={"four_eyes": four_eyes},
        )
    return four_eyes


async def approval_policy(ctx: Context, authority_id: int) -> bool:
    """A council's four-eyes rule (its own staff and admins)."""
    user = ctx.user
    access.require_read_templates(user)
    if not (user.is_admin or user.is_authority(authority_id)):
        raise PermissionDenied("a council's template approval policy is for its own staff")
    return await repository.four_eyes_required(authority_id)


async def template_bytes(ctx: Context, version: TemplateVersion) -> bytes:
    """The version's .docx, checked against its recorded SHA-256 (kept in memory once read)."""
    cached = renderer_for(ctx).cached(version.sha256)
    if cached is not None:
        return cached
    data = await ctx.store.get(version.storage_key)
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise TemplateCorrupted(f"template version {version.id} does not match its recorded SHA-256")
    renderer_for(ctx).remember(version.sha256, data)
    return data


async def download_template_version(ctx: Context, version_id: int) -> tuple[TemplateVersion, bytes]:
    version = await get_template_version(ctx, version_id)
    return version, await template_bytes(ctx, version)


async def approved_template(
    ctx: Context, kind: TemplateKind, owners: tuple[int, ...] = ()
) -> tuple[TemplateVersion, bytes]:
    """The approved version of `kind` a document of the councils `owners` (the council itself,
    then its consortium's lead) is made from, and its bytes: the first owner's, else the national
    default; 422 `no_approved_template` when there is none."""
    version = choose_template(await repository.approved_templates(kind, owners), owners)
    if version is None:
        raise NoApprovedTemplate(f"there is no approved {kind.value} template; a legal officer must approve one first")
    require_approved(version)
    return version, await template_bytes(ctx, version)


@dataclass(frozen=True, slots=True)
class Preview:
    version: TemplateVersion
    data: bytes
    media_type: str
    filename: str


async def preview_template_version(
    ctx: Context, version_id: int, *, pdf: bool = False, converter: PdfConverter | None = None
) -> Preview:
    """The version filled in with its kind's sample data, as Word or (through LibreOffice) PDF, so
    a legal officer reads what a document made from it would look like before approving it."""
    version, data = await download_template_version(ctx, version_id)
    rendered = await renderer_for(ctx).render(data, sample_context(version.kind))
    stem = f"{version.kind.value}-v{version.version}-preview"
    if not pdf:
        return Preview(version, rendered, DOCX, f"{stem}.docx")
    [copy] = await (converter or converter_for(ctx)).convert([rendered])
    if copy is None:
        raise RuleViolation(
            "the PDF copy could not be made here; read the Word preview", code=ContractCode.PDF_UNAVAILABLE
        )
    return Preview(version, copy, "application/pdf", f"{stem}.pdf")


def variables_catalogue(ctx: Context) -> dict[TemplateKind, list[Variable]]:
    """Per template kind, every variable a template may use, with its kind, meaning and a sample."""
    access.require_read_templates(ctx.user)
    return {kind: catalogue(kind, sample_context(kind)) for kind in TemplateKind}


async def load_shipped_templates(ctx: Context) -> list[TemplateVersion]:
    """Load templates/contracts/<kind>.docx as the approved national default (version 1) of every
    kind that has no national version yet (the demo, a fresh deployment, tests). Running it again
    changes nothing."""
    present = await repository.template_kinds_present()
    loaded = []
    for kind in TemplateKind:
        if kind in present:
            continue
        data = (SHIPPED_TEMPLATES / f"{kind.value}.docx").read_bytes()
        problems = await renderer_for(ctx).check(data, sample_context(kind))
        if problems:
            raise TemplateInvalid(problems)
        loaded.append(
            await _store_version(ctx, kind, None, data, f"{kind.value}.docx", "shipped with dps", approve=True)
        )
    return loaded
