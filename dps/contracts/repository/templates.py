"""Contract template versions (`contract_template_versions`, `contract_template_policies`) <-> `TemplateVersion`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from asyncpg.exceptions import UniqueViolationError
from piccolo.querystring import QueryString

from dps.contracts import tables as t
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.templates import TemplateStatus, TemplateVersion
from dps.contracts.repository._rows import conflict_from_unique
from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row


def _template(row: dict[str, Any]) -> TemplateVersion:
    return TemplateVersion(
        id=row["id"],
        kind=TemplateKind(row["kind"]),
        version=row["version"],
        status=TemplateStatus(row["status"]),
        filename=row["filename"],
        note=row["note"],
        storage_key=row["storage_key"],
        sha256=row["sha256"],
        size_bytes=row["size_bytes"],
        uploaded_by=row["uploaded_by"],
        uploaded_at=row["uploaded_at"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
        retired_at=row["retired_at"],
        owner_authority_id=row["owner_authority"],
    )


def _owned_by(owner: int | None) -> Any:
    column = t.ContractTemplateVersion.owner_authority
    return column.is_null() if owner is None else column == owner


async def lock_template_kind(kind: TemplateKind, owner: int | None) -> None:
    """Serialise uploads and approvals of one kind by one owner (version numbers, the single
    approved version)."""
    await DB.run_querystring(
        QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", f"contract_template:{kind}:{owner or 0}")
    )


async def next_template_version(kind: TemplateKind, owner: int | None) -> int:
    rows = await DB.run_querystring(
        QueryString(
            """SELECT COALESCE(MAX(version), 0) + 1 AS n FROM contract_template_versions
               WHERE kind = {} AND COALESCE(owner_authority, 0) = {}""",
            kind.value,
            owner or 0,
        )
    )
    return int(rows[0]["n"])


async def insert_template_version(v: TemplateVersion) -> TemplateVersion:
    try:
        rows = await t.ContractTemplateVersion.insert(
            t.ContractTemplateVersion(
                kind=v.kind.value,
                version=v.version,
                status=v.status.value,
                filename=v.filename,
                note=v.note,
                storage_key=v.storage_key,
                sha256=v.sha256,
                size_bytes=v.size_bytes,
                uploaded_by=v.uploaded_by,
                uploaded_at=v.uploaded_at,
                approved_by=v.approved_by,
                approved_at=v.approved_at,
                owner_authority=v.owner_authority_id,
            )
        ).returning(*t.ContractTemplateVersion.all_columns())
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error
    return _template(rows[0])


async def get_template_version(version_id: int, *, for_update: bool = False) -> TemplateVersion:
    row = await one_row(
        t.ContractTemplateVersion,
        t.ContractTemplateVersion.id == version_id,
        entity="contract_template_version",
        detail=f"template version {version_id} does not exist",
        for_update=for_update,
    )
    return _template(row)


async def approved_template(kind: TemplateKind, owner: int | None) -> TemplateVersion | None:
    """The approved version of `kind` that `owner` (None: the national default) owns."""
    row = await (
        t.ContractTemplateVersion.select()
        .where(
            (t.ContractTemplateVersion.kind == kind.value)
            & (t.ContractTemplateVersion.status == "approved")
            & _owned_by(owner)
        )
        .first()
    )
    return _template(row) if row else None


async def approved_templates(kind: TemplateKind, owners: Sequence[int]) -> list[TemplateVersion]:
    """The approved versions of `kind` owned by any of `owners` or national (the candidates a
    document of those councils may be made from)."""
    column = t.ContractTemplateVersion.owner_authority
    owned = column.is_null() if not owners else column.is_null() | column.is_in(list(owners))
    rows = await t.ContractTemplateVersion.select().where(
        (t.ContractTemplateVersion.kind == kind.value) & (t.ContractTemplateVersion.status == "approved") & owned
    )
    return [_template(r) for r in rows]


async def consortium_leads(authority_id: int) -> list[int]:
    """The lead authorities of the arrangements `authority_id` leads or is a member of (its
    consortia's leads), itself excluded."""
    rows = await DB.run_querystring(
        QueryString(
            """SELECT DISTINCT lead_authority FROM arrangements
               WHERE {} = ANY(member_authority_ids) AND lead_authority <> {} ORDER BY lead_authority""",
            authority_id,
            authority_id,
        )
    )
    return [int(r["lead_authority"]) for r in rows]


async def four_eyes_required(authority_id: int) -> bool:
    """Whether a council's templates need a second legal officer to approve them (yes unless the
    council's policy says otherwise)."""
    row = await (
        t.ContractTemplatePolicy.select(t.ContractTemplatePolicy.four_eyes)
        .where(t.ContractTemplatePolicy.authority == authority_id)
        .first()
    )
    return True if row is None else bool(row["four_eyes"])


async def set_four_eyes(authority_id: int, four_eyes: bool, by: int | None, at: datetime) -> None:
    await DB.run_querystring(
        QueryString(
            """INSERT INTO contract_template_policies (authority, four_eyes, updated_at, updated_by)
               VALUES ({}, {}, {}, {})
               ON CONFLICT (authority) DO UPDATE
               SET four_eyes = EXCLUDED.four_eyes, updated_at = EXCLUDED.updated_at,
                   updated_by = EXCLUDED.updated_by""",
            authority_id,
            four_eyes,
            at,
            by,
        )
    )


async def save_template_version(v: TemplateVersion) -> None:
    try:
        await t.ContractTemplateVersion.update(
            {
                t.ContractTemplateVersion.status: v.status.value,
                t.ContractTemplateVersion.approved_by: v.approved_by,
                t.ContractTemplateVersion.approved_at: v.approved_at,
                t.ContractTemplateVersion.retired_at: v.retired_at,
            }
        ).where(t.ContractTemplateVersion.id == v.id)
    except UniqueViolationError as error:
        raise conflict_from_unique(error) from error


async def list_template_versions(
    kind: TemplateKind | None, limit: int, after_id: int, owners: Sequence[int] | None
) -> Page[TemplateVersion]:
    """Versions oldest first; `owners` limits them to those councils' and the national defaults
    (None: every owner's)."""
    query = t.ContractTemplateVersion.select().where(t.ContractTemplateVersion.id > after_id)
    if owners is not None:
        column = t.ContractTemplateVersion.owner_authority
        query = query.where(column.is_null() | column.is_in(list(owners)) if owners else column.is_null())
    if kind is not None:
        query = query.where(t.ContractTemplateVersion.kind == kind.value)
    rows = await query.order_by(t.ContractTemplateVersion.id).limit(limit + 1)
    return page_of([_template(r) for r in rows], limit)


async def template_kinds_present() -> set[TemplateKind]:
    """Kinds that have a national default version (in any state)."""
    rows = (
        await t.ContractTemplateVersion.select(t.ContractTemplateVersion.kind)
        .where(t.ContractTemplateVersion.owner_authority.is_null())
        .distinct()
    )
    return {TemplateKind(r["kind"]) for r in rows}
