"""Reading the audit trail (officers and admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from dps.core.audit_owners import council_may_read
from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.core.db import DB
from dps.core.pagination import Page, page_of
from dps.core.tables import AuditEvent

AUDIT_READERS = (Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_role: str | None
    actor_org_kind: str | None
    actor_org_id: int | None
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    hash: str | None  # the event's entry in the keyed chain; None until sealed (about a second)


async def list_events(
    ctx: Context,
    limit: int,
    after_id: int,
    entity_type: str | None,
    entity_id: str | None,
    actor_user_id: int | None,
    action: str | None,
    newest_first: bool = False,
) -> Page[AuditEntry]:
    """Events in order of writing (or newest first) with optional filters, narrowed to what the
    caller's council may see; the cursor continues after (or before) the last event shown."""
    ctx.user.require_role(*AUDIT_READERS)
    query = AuditEvent.select()
    if newest_first:
        if after_id:
            query = query.where(AuditEvent.id < after_id)
    else:
        query = query.where(AuditEvent.id > after_id)
    # Sealed events (offers before their deadline) stay hidden from everyone, admins included.
    query = query.where(AuditEvent.sealed_until.is_null() | (AuditEvent.sealed_until <= ctx.clock.now()))
    scope = _council_scope(ctx.user)
    if scope is not None:
        query = query.where(scope)
    if entity_type is not None:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    if actor_user_id is not None:
        query = query.where(AuditEvent.actor_user_id == actor_user_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    rows = await query.order_by(AuditEvent.id, ascending=not newest_first).limit(limit + 1).output(load_json=True)
    hashes = await _chain_hashes([r["id"] for r in rows])
    entries = [_entry(r, hashes.get(r["id"])) for r in rows]
    return page_of(entries, limit)


def _entry(row: dict[str, Any], chain_hash: str | None) -> AuditEntry:
    fields: dict[str, Any] = {k: row.get(k) for k in AuditEntry.__slots__}  # type: ignore[attr-defined]
    return AuditEntry(**{**fields, "hash": chain_hash})


async def _chain_hashes(event_ids: list[int]) -> dict[int, str]:
    if not event_ids:
        return {}
    rows = await DB.run_querystring(
        QueryString("SELECT event_id, hash FROM audit_chain WHERE event_id = ANY({}::bigint[])", event_ids)
    )
    return {r["event_id"]: r["hash"] for r in rows}


def _council_scope(p: Principal) -> WhereRaw | None:
    """Role AND organisation (DESIGN.md "Auth"; issue 13 item 6): a council's officers read the
    events of what their council owns or shares - its users, call-offs and the offers on them,
    placements, the arrangements it leads or belongs to, contracts naming it, concerns shared
    with it - and providers' own records (due diligence); never another council's users or
    sign-ins, another arrangement's applications or who offered on another council's call-off.
    Each event carries its owner from the moment it is written (dps.core.audit_owners).
    Platform admins see everything."""
    if p.is_admin:
        return None
    if p.org_kind is not OrgKind.AUTHORITY or p.org_id is None:
        return WhereRaw("FALSE")
    sql = council_may_read()
    return WhereRaw(sql, *([p.org_id] * sql.count("{}")))
