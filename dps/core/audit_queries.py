"""Reading the audit trail (officers and admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw

from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
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
    hash: str


async def list_events(
    ctx: Context,
    limit: int,
    after_id: int,
    entity_type: str | None,
    entity_id: str | None,
    actor_user_id: int | None,
    action: str | None,
) -> Page[AuditEntry]:
    """Events in chain order with optional filters, narrowed to what the caller's council may see."""
    ctx.user.require_role(*AUDIT_READERS)
    query = AuditEvent.select().where(AuditEvent.id > after_id)
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
    rows = await query.order_by(AuditEvent.id).limit(limit + 1).output(load_json=True)
    entries = [AuditEntry(**{k: r[k] for k in AuditEntry.__slots__}) for r in rows]  # type: ignore[attr-defined]
    return page_of(entries, limit)


def _council_scope(p: Principal) -> WhereRaw | None:
    """Role AND organisation (DESIGN.md "Auth"): a council's officers see the trail of every record
    their council has acted on (with what providers and the system did to it), and of records no
    council has acted on (providers' own records, which council staff may read anyway). Records only
    other councils have worked on - their arrangements, evaluations, call-offs, placements and
    contracts - stay with those councils. Platform admins see everything."""
    if p.is_admin:
        return None
    if p.org_kind is not OrgKind.AUTHORITY or p.org_id is None:
        return WhereRaw("FALSE")
    return WhereRaw(
        "(EXISTS (SELECT 1 FROM audit_events AS ours WHERE ours.entity_type = audit_events.entity_type"
        " AND ours.entity_id = audit_events.entity_id AND ours.actor_org_kind = 'authority'"
        " AND ours.actor_org_id = {})"
        " OR NOT EXISTS (SELECT 1 FROM audit_events AS councils WHERE councils.entity_type = audit_events.entity_type"
        " AND councils.entity_id = audit_events.entity_id AND councils.actor_org_kind = 'authority'))",
        p.org_id,
    )
