"""Concern rows (`concerns`) <-> `Concern`: notices under the information sharing protocol."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from piccolo.querystring import QueryString

from dps.compliance import tables as t
from dps.compliance.domain.concerns import LIVE_STATUSES, Concern, ConcernCategory, ConcernStatus
from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.rows import one_row, update_versioned


def _concern(row: dict[str, Any]) -> Concern:
    return Concern(
        id=row["id"],
        issuing_authority_id=row["issuing_authority"],
        provider_id=row["provider"],
        setting_id=row["setting"],
        category=ConcernCategory(row["category"]),
        arrangement_ids=frozenset(row["arrangement_ids"]),
        summary=row["summary"],
        actions_taken=row["actions_taken"],
        review_on=row["review_on"],
        suspends_call_offs=row["suspends_call_offs"],
        status=ConcernStatus(row["status"]),
        response=row["response"],
        issued_at=row["issued_at"],
        responded_at=row["responded_at"],
        rescinded_at=row["rescinded_at"],
        rescind_reason=row["rescind_reason"],
        created_by=row["created_by"],
        version=row["version"],
    )


def _concern_values(c: Concern) -> dict[Any, Any]:
    return {
        t.Concern.category: c.category.value,
        t.Concern.arrangement_ids: sorted(c.arrangement_ids),
        t.Concern.summary: c.summary,
        t.Concern.actions_taken: c.actions_taken,
        t.Concern.review_on: c.review_on,
        t.Concern.suspends_call_offs: c.suspends_call_offs,
        t.Concern.status: c.status.value,
        t.Concern.response: c.response,
        t.Concern.issued_at: c.issued_at,
        t.Concern.responded_at: c.responded_at,
        t.Concern.rescinded_at: c.rescinded_at,
        t.Concern.rescind_reason: c.rescind_reason,
        t.Concern.version: c.version,
    }


async def insert_concern(c: Concern, at: datetime) -> Concern:
    values = {column._meta.name: value for column, value in _concern_values(c).items()}
    rows = await t.Concern.insert(
        t.Concern(
            **values,
            issuing_authority=c.issuing_authority_id,
            provider=c.provider_id,
            setting=c.setting_id,
            created_by=c.created_by,
            created_at=at,
        )
    ).returning(*t.Concern.all_columns())
    return _concern(rows[0])


async def get_concern(concern_id: int, *, for_update: bool = False) -> Concern:
    row = await one_row(
        t.Concern,
        t.Concern.id == concern_id,
        entity="concern",
        detail=f"concern {concern_id} does not exist",
        for_update=for_update,
    )
    return _concern(row)


async def update_concern(before: Concern, after: Concern) -> None:
    await update_versioned(t.Concern, before.id, before.version, _concern_values(after))


async def list_concerns(
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    visible_to_authority: int | None,
    status: ConcernStatus | None,
) -> Page[Concern]:
    """Concerns in id order. `visible_to_authority`: those it issued (drafts too) and the issued ones
    about arrangements it leads or joins. `provider_id`: about that provider (never drafts when
    the caller is that provider; the service passes `status` accordingly)."""
    where = ["c.id > {}"]
    args: list[Any] = [after_id]
    if provider_id is not None:
        where.append("c.provider = {}")
        args.append(provider_id)
    if visible_to_authority is not None:
        where.append(
            """(c.issuing_authority = {} OR (c.status <> 'draft' AND EXISTS (
                 SELECT 1 FROM arrangements a WHERE a.id = ANY(c.arrangement_ids)
                 AND (a.lead_authority = {} OR {} = ANY(a.member_authority_ids)))))"""
        )
        args += [visible_to_authority, visible_to_authority, visible_to_authority]
    if status is not None:
        where.append("c.status = {}")
        args.append(status.value)
    # The fragments are constants of this function; every value is a bound parameter.
    sql = f"SELECT c.* FROM concerns c WHERE {' AND '.join(where)} ORDER BY c.id LIMIT {{}}"  # noqa: S608
    rows = await DB.run_querystring(QueryString(sql, *args, limit + 1))
    return page_of([_concern(r) for r in rows], limit)


async def live_concerns_of_providers(provider_ids: Collection[int]) -> list[Concern]:
    if not provider_ids:
        return []
    rows = await DB.run_querystring(
        QueryString(
            "SELECT * FROM concerns WHERE provider = ANY({}::bigint[]) AND status = ANY({}::text[])",
            list(provider_ids),
            [s.value for s in LIVE_STATUSES],
        )
    )
    return [_concern(r) for r in rows]
