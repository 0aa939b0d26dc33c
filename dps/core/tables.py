"""Tables owned by the core package."""

from __future__ import annotations

from piccolo.columns import JSONB, BigInt, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from dps.core.db import DB


class AuditEvent(Table, db=DB, tablename="audit_events"):
    """Append-only record of every state change, chained after commit (see dps.core.audit)."""

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
    # The unkeyed SHA-256 chain of events written before the sealer (kept, no longer written);
    # today's chain is the table audit_chain, written by dps.core.audit_chain after commit. The
    # column writer_xid (xid8, the writing transaction) has no Piccolo type and is not declared.
    prev_hash = Varchar(length=64, null=True, default=None)
    hash = Varchar(length=64, null=True, default=None, unique=True)
    # Sealed events (offers before their deadline) are kept from every reader until this time.
    sealed_until = Timestamptz(null=True, default=None)
    # Whose records these are, so who may read them (dps.core.audit_owners); derived on write.
    owner_kind = Varchar(length=20, null=True, default=None)
    owner_id = BigInt(null=True, default=None)


class Notification(Table, db=DB, tablename="notifications"):
    """One in-app message to one user (dps.core.notifications). `key` + `user_id` is unique, so
    a rule that fires twice creates it once. `user_id` refers to users.id; the constraint is added
    by the scheduler app's migration (core's tables come before the accounts tables)."""

    id = Serial(primary_key=True)
    user_id = BigInt(null=False)
    kind = Varchar(length=80, null=False)
    key = Varchar(length=200, null=False)
    subject = Varchar(length=300, null=False)
    body = Text(null=False)
    link_path = Varchar(length=500, null=False)
    created_at = Timestamptz(null=False)
    read_at = Timestamptz(null=True, default=None)


class OutboundEmail(Table, db=DB, tablename="outbound_emails"):
    """The email outbox: a row per message, delivered by dps.core.email with retries."""

    id = Serial(primary_key=True)
    notification_id = BigInt(null=True, default=None)
    recipient = Varchar(length=254, null=False)
    subject = Varchar(length=300, null=False)
    body = Text(null=False)
    link_path = Varchar(length=500, null=False, default="")
    status = Varchar(length=20, null=False)
    attempts = Integer(null=False, default=0)
    next_attempt_at = Timestamptz(null=False)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz(null=False)
    sent_at = Timestamptz(null=True, default=None)


class DeadlineCheck(Table, db=DB, tablename="deadline_checks"):
    """When the scheduler should next look at an entity (dps.core.deadlines)."""

    id = Serial(primary_key=True)
    entity_type = Varchar(length=40, null=False)
    entity_id = BigInt(null=False)
    next_check_at = Timestamptz(null=False)
