"""Tables of the frameworks package."""

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

from dps.accounts.tables import Authority, Document, Provider, User
from dps.core.db import DB


class Arrangement(Table, db=DB, tablename="arrangements"):
    id = Serial(primary_key=True)
    reference = Varchar(length=40, null=False, unique=True)
    title = Varchar(length=200, null=False)
    service_type = Varchar(length=30, null=False)
    profile_code = Varchar(length=40, null=False)
    lead_authority = ForeignKey(Authority, null=False, on_delete=OnDelete.restrict, index=True)
    member_authority_ids = Array(BigInt(), null=False, default=list)
    term_start = Date(null=False)
    term_end = Date(null=False)
    status = Varchar(length=20, null=False)
    quality_threshold = Numeric(digits=(5, 2), null=False)
    min_evaluators = Integer(null=False, default=2)
    decision_period_days = Integer(null=True, default=None)
    windows = JSONB(null=False, default="[]")
    extensions = JSONB(null=False, default="[]")
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)
    questionnaire_version = Integer(null=False, default=1)
    waivers = JSONB(null=False, default="[]")
    window_reminder_days = Integer(null=False, default=14)


class Lot(Table, db=DB, tablename="lots"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=20, null=False)
    title = Varchar(length=200, null=False)
    description = Text(null=False, default="")
    age_bands = JSONB(null=False, default="[]")
    need_levels = Array(Varchar(length=40), null=False, default=list)
    areas = Array(Varchar(length=9), null=False, default=list)
    quality_threshold = Numeric(digits=(5, 2), null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_reason = Text(null=True, default=None)


class Question(Table, db=DB, tablename="questions"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    section = Varchar(length=100, null=False)
    position = Integer(null=False)
    text = Text(null=False)
    kind = Varchar(length=20, null=False)
    mandatory = Boolean(null=False, default=True)
    max_score = Integer(null=False, default=0)
    weight = Numeric(digits=(7, 2), null=False)
    descriptors = JSONB(null=False, default="[]")
    choices = Array(Varchar(length=200), null=False, default=list)
    evidence_type = Varchar(length=40, null=True, default=None)
    lot_ids = Array(BigInt(), null=False, default=list)
    from_version = Integer(null=False, default=1)
    until_version = Integer(null=True, default=None)


class Application(Table, db=DB, tablename="applications"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=20, null=False, index=True)
    lot_ids = Array(BigInt(), null=False, default=list)
    submitted_at = Timestamptz(null=True, default=None)
    decision_due_on = Date(null=True, default=None)
    extension_reason = Text(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)
    questionnaire_version = Integer(null=True, default=None)
    thresholds = JSONB(null=True, default=None)


class Answer(Table, db=DB, tablename="answers"):
    id = Serial(primary_key=True)
    application = ForeignKey(Application, null=False, on_delete=OnDelete.restrict, index=True)
    question = ForeignKey(Question, null=False, on_delete=OnDelete.restrict)
    value = JSONB(null=True, default=None)
    document = ForeignKey(Document, null=True, default=None, on_delete=OnDelete.restrict)


class Clarification(Table, db=DB, tablename="clarifications"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    question_text = Text(null=False)
    asked_at = Timestamptz(null=False)
    answer_text = Text(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    published = Boolean(null=False, default=False)
    published_question = Text(null=True, default=None)


class Assignment(Table, db=DB, tablename="evaluator_assignments"):
    id = Serial(primary_key=True)
    application = ForeignKey(Application, null=False, on_delete=OnDelete.restrict, index=True)
    evaluator = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=20, null=False)
    conflict_note = Text(null=True, default=None)
    declared_at = Timestamptz(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)


class Mark(Table, db=DB, tablename="marks"):
    id = Serial(primary_key=True)
    assignment = ForeignKey(Assignment, null=False, on_delete=OnDelete.restrict, index=True)
    question = ForeignKey(Question, null=False, on_delete=OnDelete.restrict)
    score = Integer(null=True, default=None)
    passed = Boolean(null=True, default=None)
    rationale = Text(null=False)


class ModeratedMark(Table, db=DB, tablename="moderated_marks"):
    id = Serial(primary_key=True)
    application = ForeignKey(Application, null=False, on_delete=OnDelete.restrict, index=True)
    question = ForeignKey(Question, null=False, on_delete=OnDelete.restrict)
    score = Integer(null=True, default=None)
    passed = Boolean(null=True, default=None)
    reason = Text(null=False)


class LotDecision(Table, db=DB, tablename="lot_decisions"):
    id = Serial(primary_key=True)
    application = ForeignKey(Application, null=False, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(Lot, null=False, on_delete=OnDelete.restrict)
    decision = Varchar(length=10, null=False)
    reasons = Text(null=False)
    weighted_total = Numeric(digits=(5, 2), null=False)
    decided_at = Timestamptz(null=False)
    threshold = Numeric(digits=(5, 2), null=True, default=None)
    threshold_applies = Boolean(null=True, default=None)
    failed_gateways = Array(BigInt(), null=True, default=None)


class Membership(Table, db=DB, tablename="memberships"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(Lot, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    application = ForeignKey(Application, null=True, default=None, on_delete=OnDelete.restrict)
    status = Varchar(length=20, null=False, index=True)
    started_on = Date(null=False)
    status_reason = Text(null=True, default=None)
    version = Integer(null=False, default=1)
