"""Tables owned by the core package."""

from __future__ import annotations

from piccolo.columns import JSONB, BigInt, Serial, Timestamptz, Varchar
from piccolo.table import Table

from dps.core.db import DB


class AuditEvent(Table, db=DB, tablename="audit_events"):
    """Append-only, hash-chained record of every state change (see dps.core.audit)."""

    id = Serial(primary_key=True)
    occurred_at = Timestamptz(null=False)
    actor_user_id = BigInt(null=True, default=None, index=True)
    actor_role = Varchar(length=40, null=True, default=None)
    actor_org_kind = Varchar(length=20, null=True, default=None)
    actor_org_id = BigInt(null=True, default=None)
    action = Varchar(length=80, null=False)
    entity_type = Varchar(length=60, null=False)
    entity_id = Varchar(length=60, null=False)
    before = JSONB(null=True, default=None)
    after = JSONB(null=True, default=None)
    prev_hash = Varchar(length=64, null=False)
    hash = Varchar(length=64, null=False, unique=True)
