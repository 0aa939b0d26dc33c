"""Tables of the compliance package."""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from dps.accounts.tables import Authority, Document, Provider, Setting, User
from dps.core.db import DB
from dps.frameworks.tables import Arrangement, Membership


class Requirement(Table, db=DB, tablename="compliance_requirements"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=30, null=False)
    title = Varchar(length=200, null=False)
    description = Text(null=False, default="")
    mandatory = Boolean(null=False, default=True)
    insurance_kind = Varchar(length=30, null=True, default=None)
    min_cover_pence = BigInt(null=True, default=None)
    credit_accept_from = Integer(null=True, default=None)
    credit_review_from = Integer(null=True, default=None)
    min_current_ratio = Numeric(digits=(8, 2), null=True, default=None)
    accepted_grades = Array(Varchar(length=30), null=False, default=list)
    suspend_on_failing_grade = Boolean(null=False, default=True)
    turnover_threshold_pence = BigInt(null=False, default=3_600_000_000)
    created_at = Timestamptz(null=False)


class Evidence(Table, db=DB, tablename="compliance_evidence"):
    id = Serial(primary_key=True)
    requirement = ForeignKey(Requirement, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    document = ForeignKey(Document, null=True, default=None, on_delete=OnDelete.restrict)
    issuer = Varchar(length=200, null=True, default=None)
    starts_on = Date(null=True, default=None)
    expires_on = Date(null=True, default=None)
    cover_pence = BigInt(null=True, default=None)
    insurance_kind = Varchar(length=30, null=True, default=None)
    credit_score = Integer(null=True, default=None)
    current_ratio = Numeric(digits=(8, 2), null=True, default=None)
    turnover_pence = BigInt(null=True, default=None)
    status = Varchar(length=20, null=False)
    submitted_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    submitted_at = Timestamptz(null=False)


class Override(Table, db=DB, tablename="compliance_overrides"):
    """An officer's decision replacing a computed check result; the newest one counts."""

    id = Serial(primary_key=True)
    requirement = ForeignKey(Requirement, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    setting = ForeignKey(Setting, null=True, default=None, on_delete=OnDelete.restrict)
    outcome = Varchar(length=20, null=False)
    reason = Text(null=False)
    decided_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    decided_at = Timestamptz(null=False)


class Suspension(Table, db=DB, tablename="compliance_suspensions"):
    """A membership suspended by a compliance rule, so the same rule can lift it again."""

    id = Serial(primary_key=True)
    membership = ForeignKey(Membership, null=False, on_delete=OnDelete.restrict, index=True)
    cause = Varchar(length=30, null=False)
    requirement = ForeignKey(Requirement, null=True, default=None, on_delete=OnDelete.restrict)
    setting = ForeignKey(Setting, null=True, default=None, on_delete=OnDelete.restrict)
    suspended_at = Timestamptz(null=False)
    lifted_at = Timestamptz(null=True, default=None)


class OfstedJudgement(Table, db=DB, tablename="ofsted_judgements"):
    """Each grade (or withdrawal of registration) recorded for a setting; the newest is current."""

    id = Serial(primary_key=True)
    setting = ForeignKey(Setting, null=False, on_delete=OnDelete.restrict, index=True)
    grade = Varchar(length=30, null=True, default=None)
    inspection_date = Date(null=True, default=None)
    registration_withdrawn = Boolean(null=False, default=False)
    recorded_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(null=False)


class Concern(Table, db=DB, tablename="concerns"):
    id = Serial(primary_key=True)
    issuing_authority = ForeignKey(Authority, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    setting = ForeignKey(Setting, null=True, default=None, on_delete=OnDelete.restrict)
    category = Varchar(length=30, null=False)
    arrangement_ids = Array(BigInt(), null=False, default=list)
    summary = Text(null=False)
    actions_taken = Text(null=False, default="")
    review_on = Date(null=True, default=None)
    suspends_call_offs = Boolean(null=False, default=False)
    status = Varchar(length=20, null=False, index=True)
    response = Text(null=True, default=None)
    issued_at = Timestamptz(null=True, default=None)
    responded_at = Timestamptz(null=True, default=None)
    rescinded_at = Timestamptz(null=True, default=None)
    rescind_reason = Text(null=True, default=None)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    created_at = Timestamptz(null=False)
    version = Integer(null=False, default=1)


class Visit(Table, db=DB, tablename="quality_visits"):
    id = Serial(primary_key=True)
    setting = ForeignKey(Setting, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    form = Varchar(length=1, null=False)
    visited_on = Date(null=False)
    authority = ForeignKey(Authority, null=True, default=None, on_delete=OnDelete.restrict)
    recorded_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    summary = Text(null=False, default="")
    details = JSONB(null=False, default="{}")
    recorded_at = Timestamptz(null=False)


class ActionItem(Table, db=DB, tablename="action_plan_items"):
    id = Serial(primary_key=True)
    visit = ForeignKey(Visit, null=False, on_delete=OnDelete.restrict, index=True)
    finding = Text(null=False)
    owner = Varchar(length=200, null=False)
    due_on = Date(null=False)
    status = Varchar(length=20, null=False)
    version = Integer(null=False, default=1)
    updated_at = Timestamptz(null=False)
