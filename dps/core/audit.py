"""The audit trail: append-only events, chained by SHA-256 so tampering is detectable.

Every service that changes state calls `record()` inside its own transaction, so the event and
the change commit together or not at all. Each event's hash covers its content and the previous
event's hash; `verify()` walks the chain and names the first event that does not fit (edited,
deleted or inserted out of band). Appends take one transaction-scoped advisory lock so two
writers never fork the chain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from dps.core.context import Context
from dps.core.db import DB
from dps.core.tables import AuditEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the lock that serialises appends to the chain.
AUDIT_CHAIN_LOCK = 7_310_001


def to_json_value(value: Any) -> Any:
    """Domain objects (dataclasses, Structs, enums, dates) as plain JSON values."""
    if value is None:
        return None
    return msgspec.to_builtins(value, builtin_types=None, order="sorted")


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's canonical JSON."""
    body = msgspec.json.encode(fields, order="sorted")
    return hashlib.sha256(prev_hash.encode() + b"\n" + body).hexdigest()


def _hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    occurred: datetime = row["occurred_at"]
    return {
        "occurred_at": occurred.astimezone(UTC).isoformat(),
        "actor_user_id": row["actor_user_id"],
        "actor_role": row["actor_role"],
        "actor_org_kind": row["actor_org_kind"],
        "actor_org_id": row["actor_org_id"],
        "action": row["action"],
        "entity_type": row["entity_type"],
        "entity_id": row["entity_id"],
        "before": row["before"],
        "after": row["after"],
        # Only in sealed events' hashes, so every event written before seals existed still verifies.
        **({"sealed_until": row["sealed_until"].astimezone(UTC).isoformat()} if row.get("sealed_until") else {}),
    }


async def record(
    ctx: Context,
    action: str,
    entity_type: str,
    entity_id: int | str,
    *,
    before: Any = None,
    after: Any = None,
    sealed_until: datetime | None = None,
) -> None:
    """Append one event; call inside the service's transaction. A `sealed_until` event (an offer
    before its deadline: who offered is itself sealed) is shown to no reader until that time."""
    if DB.current_transaction.get() is None:
        raise RuntimeError("audit.record must run inside the service's transaction")
    await DB.run_querystring(_lock_chain())
    last = await AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id, ascending=False).first()
    prev_hash = last["hash"] if last else GENESIS_HASH
    principal = ctx.principal
    row: dict[str, Any] = {
        "occurred_at": ctx.clock.now().astimezone(UTC),
        "actor_user_id": principal.user_id if principal else None,
        "actor_role": principal.role.value if principal else None,
        "actor_org_kind": principal.org_kind.value if principal else None,
        "actor_org_id": principal.org_id if principal else None,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": to_json_value(before),
        "after": to_json_value(after),
        "sealed_until": sealed_until,
    }
    digest = event_hash(prev_hash, _hashed_fields(row))
    await AuditEvent.insert(
        AuditEvent(
            **{**row, "before": _jsonb(row["before"]), "after": _jsonb(row["after"])},
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    if ctx.changes is not None:
        await ctx.changes.changed(ctx, action, entity_type, str(entity_id), row["after"])


def _jsonb(value: Any) -> str | None:
    return None if value is None else msgspec.json.encode(value, order="sorted").decode()


def _lock_chain() -> Any:
    from piccolo.querystring import QueryString

    return QueryString("SELECT pg_advisory_xact_lock({})", AUDIT_CHAIN_LOCK)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    checked: int
    ok: bool
    first_bad_id: int | None = None
    problem: str | None = None


async def verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain in order; report the first event whose hash or link is wrong."""
    prev_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = (
            await AuditEvent.select()
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch_size)
            .output(load_json=True)
        )
        if not rows:
            return VerifyResult(checked=checked, ok=True)
        for row in rows:
            if row["prev_hash"] != prev_hash:
                return VerifyResult(checked, False, row["id"], "the event before this one is missing or was altered")
            if event_hash(prev_hash, _hashed_fields(row)) != row["hash"]:
                return VerifyResult(checked, False, row["id"], "this event's content was altered")
            prev_hash = row["hash"]
            checked += 1
            last_id = row["id"]
