"""The audit trail: append-only events, chained by a keyed hash so tampering is detectable.

Every service that changes state calls `record()` inside its own transaction, so the event and
the change commit together or not at all. An append is one INSERT and takes no lock, so writers
never wait on each other (issue 18): the sealer (dps.core.audit_chain) chains committed events in
order shortly after commit, and `verify()` walks that chain, checks it against the last signed
checkpoint and names the first event that does not fit (edited, deleted or removed from the end).
Each event also stores the owner of its entity, which decides who may read it
(dps.core.audit_owners, dps.core.audit_queries).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.querystring import QueryString

from dps.core.audit_chain import GENESIS_HASH, VerifyResult, configure, seal_all, seal_pending
from dps.core.audit_chain import verify as _verify
from dps.core.audit_owners import OWNER_QUERIES
from dps.core.context import Context
from dps.core.db import DB

__all__ = ["GENESIS_HASH", "VerifyResult", "configure", "owner_of", "record", "seal_all", "seal_pending", "verify"]


def to_json_value(value: Any) -> Any:
    """Domain objects (dataclasses, Structs, enums, dates) as plain JSON values."""
    if value is None:
        return None
    return msgspec.to_builtins(value, builtin_types=None, order="sorted")


_INSERT = (
    "INSERT INTO audit_events (occurred_at, actor_user_id, actor_role, actor_org_kind, actor_org_id, action,"
    " entity_type, entity_id, before, after, sealed_until, owner_kind, owner_id)"
    " SELECT {}::timestamptz, {}::bigint, {}::varchar, {}::varchar, {}::bigint, {}::varchar, {}::varchar,"
    " {}::varchar, {}::jsonb, {}::jsonb, {}::timestamptz, owner.kind, owner.id"
    " FROM (SELECT 1) AS one LEFT JOIN LATERAL (%s) AS owner (kind, id) ON TRUE"
)
_NO_OWNER = "SELECT NULL::varchar, NULL::bigint"
_GIVEN_OWNER = "SELECT {}::varchar, {}::bigint"


async def record(
    ctx: Context,
    action: str,
    entity_type: str,
    entity_id: int | str,
    *,
    before: Any = None,
    after: Any = None,
    sealed_until: datetime | None = None,
    owner: tuple[str, int] | None = None,
) -> None:
    """Append one event; call inside the service's transaction. A `sealed_until` event (an offer
    before its deadline: who offered is itself sealed) is shown to no reader until that time.
    The owner (who may read it) is found from the entity (dps.core.audit_owners) unless given."""
    if DB.current_transaction.get() is None:
        raise RuntimeError("audit.record must run inside the service's transaction")
    principal = ctx.principal
    after_value = to_json_value(after)
    values: list[Any] = [
        ctx.clock.now().astimezone(UTC),
        principal.user_id if principal else None,
        principal.role.value if principal else None,
        principal.org_kind.value if principal else None,
        principal.org_id if principal else None,
        action,
        entity_type,
        str(entity_id),
        _jsonb(to_json_value(before)),
        _jsonb(after_value),
        sealed_until,
    ]
    owner_sql, owner_values = _owner_query(entity_type, entity_id, owner)
    # One statement, no lock: the owner is looked up in the same round trip.
    await DB.run_querystring(QueryString(_INSERT % owner_sql, *values, *owner_values))
    if ctx.changes is not None:  # transparency's OCDS release, in this same transaction
        await ctx.changes.changed(ctx, action, entity_type, str(entity_id), after_value)


def _owner_query(entity_type: str, entity_id: int | str, owner: tuple[str, int] | None) -> tuple[str, list[Any]]:
    if owner is not None:
        return _GIVEN_OWNER, list(owner)
    sql = OWNER_QUERIES.get(entity_type)
    number = _as_id(entity_id)
    if sql is None or number is None:
        return _NO_OWNER, []
    return sql, [number]


async def owner_of(entity_type: str, entity_id: int | str) -> tuple[str | None, int | None]:
    """Who owns an entity, so who may read its events (dps.core.audit_owners)."""
    sql, values = _owner_query(entity_type, entity_id, None)
    rows = await DB.run_querystring(QueryString(sql, *values))
    if not rows:
        return None, None
    kind, owner_id = rows[0].values()
    return kind, owner_id


def _as_id(entity_id: int | str) -> int | None:
    text = str(entity_id)
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _jsonb(value: Any) -> str | None:
    return None if value is None else msgspec.json.encode(value, order="sorted").decode()


async def verify(batch_size: int = 5000) -> VerifyResult:
    """Seal what is pending, then check the whole chain and its checkpoint (dps.core.audit_chain)."""
    return await _verify(batch_size)
