"""Tables of the tenders package."""

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

from dps.accounts.tables import Authority, Provider, Setting, User
from dps.core.db import DB
from dps.frameworks.tables import Arrangement, Lot


class CallOff(Table, db=DB, tablename="call_offs"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(Lot, null=False, on_delete=OnDelete.restrict, index=True)
    authority = ForeignKey(Authority, null=False, on_delete=OnDelete.restrict, index=True)
    created_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=200, null=False)
    child = JSONB(null=False)
    criteria = JSONB(null=False)
    deadline = Timestamptz(null=False)
    urgent_reason = Text(null=True, default=None)
    status = Varchar(length=20, null=False, index=True)
    status_reason = Text(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    awarded_offer_id = BigInt(null=True, default=None)
    award_reason = Text(null=True, default=None)
    awarded_at = Timestamptz(null=True, default=None)
    standstill_ends_at = Timestamptz(null=True, default=None)
    concluded_at = Timestamptz(null=True, default=None)
    second_round_size = Integer(null=True, default=None)  # the optional price-only round among the top N
    second_round_deadline = Timestamptz(null=True, default=None)
    second_round_scored_at = Timestamptz(null=True, default=None)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)


class Invitation(Table, db=DB, tablename="call_off_invitations"):
    """Frozen at publish: every member setting of the lot, invited or not, with the reasons."""

    id = Serial(primary_key=True)
    call_off = ForeignKey(CallOff, null=False, on_delete=OnDelete.restrict, index=True)
    setting = ForeignKey(Setting, null=False, on_delete=OnDelete.restrict)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    membership_id = BigInt(null=True, default=None)
    invited = Boolean(null=False)
    reasons = JSONB(null=False, default="[]")
    distance_miles = Numeric(digits=(8, 2), null=True, default=None)
    # The call-off's preferred needs this setting met when invited (scored as quality).
    preferred_needs_met = Array(Varchar(length=40), null=False, default=list)


class Offer(Table, db=DB, tablename="offers"):
    id = Serial(primary_key=True)
    call_off = ForeignKey(CallOff, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    setting = ForeignKey(Setting, null=False, on_delete=OnDelete.restrict)
    weekly_fee_pence = BigInt(null=False)
    additional_services = JSONB(null=False, default="[]")
    start_date = Date(null=False)
    answers = JSONB(null=False, default="[]")
    notes = Text(null=False, default="")
    fee_flags = Array(Varchar(length=40), null=False, default=list)
    revised_fee_pence = BigInt(null=True, default=None)  # the second round's fee, never above the first
    revised_at = Timestamptz(null=True, default=None)
    content_sha256 = Varchar(length=64, null=False)
    content_salt = Varchar(length=32, null=False, default="")  # salts content_sha256 (never shown)
    status = Varchar(length=20, null=False)
    submitted_at = Timestamptz(null=False)
    updated_at = Timestamptz(null=False)
    version = Integer(null=False, default=1)


class Clarification(Table, db=DB, tablename="call_off_clarifications"):
    id = Serial(primary_key=True)
    call_off = ForeignKey(CallOff, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict)
    question = Text(null=False)
    asked_at = Timestamptz(null=False)
    answer = Text(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)


class OfferMark(Table, db=DB, tablename="offer_marks"):
    """One evaluator's mark on one question of one opened offer."""

    id = Serial(primary_key=True)
    offer = ForeignKey(Offer, null=False, on_delete=OnDelete.restrict, index=True)
    evaluator = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    question_id = Integer(null=False)
    score = Integer(null=True, default=None)
    passed = Boolean(null=True, default=None)
    rationale = Text(null=False)
    moderated = Boolean(null=False, default=False)  # the moderator's mark, which counts
    marked_at = Timestamptz(null=False)


class CallOffEvaluator(Table, db=DB, tablename="call_off_evaluators"):
    """The evaluation panel of a call-off: each evaluator assigned, and released with a reason."""

    id = Serial(primary_key=True)
    call_off = ForeignKey(CallOff, null=False, on_delete=OnDelete.restrict, index=True)
    evaluator = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    assigned_by = BigInt(null=False)
    assigned_at = Timestamptz(null=False)
    released_at = Timestamptz(null=True, default=None)
    released_by = BigInt(null=True, default=None)
    release_reason = Text(null=True, default=None)


class OfferScore(Table, db=DB, tablename="offer_scores"):
    id = Serial(primary_key=True)
    offer = ForeignKey(Offer, null=False, on_delete=OnDelete.restrict, unique=True)
    failed_gateways = Array(Integer(), null=False, default=list)
    quality_percent = Numeric(digits=(5, 2), null=False)
    quality_score = Numeric(digits=(5, 2), null=False)
    price_score = Numeric(digits=(5, 2), null=False)
    proximity_score = Numeric(digits=(5, 2), null=False)
    total = Numeric(digits=(5, 2), null=False)
    rank = Integer(null=True, default=None)


class Placement(Table, db=DB, tablename="placements"):
    id = Serial(primary_key=True)
    call_off = ForeignKey(CallOff, null=True, default=None, on_delete=OnDelete.restrict, unique=True)
    previous_placement_id = BigInt(null=True, default=None)  # FK to placements(id) in the checks migration
    authority = ForeignKey(Authority, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    setting = ForeignKey(Setting, null=False, on_delete=OnDelete.restrict)
    home_district = Varchar(length=4, null=False)  # the child's postcode district, never more
    start_date = Date(null=False)
    weekly_fee_pence = BigInt(null=False)
    distance_miles = Numeric(digits=(8, 2), null=False)
    out_of_area = Boolean(null=False)
    over_20_miles = Boolean(null=False)
    ended_on = Date(null=True, default=None)
    ending_kind = Varchar(length=20, null=True, default=None)
    ending_reason = Varchar(length=40, null=True, default=None)
    ending_note = Text(null=True, default=None)
    agreed_fee_id = BigInt(null=True, default=None)  # pricing's record of the fee (agreed_fees.id)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)
    # Added by the placement_fees migration (hand-written SQL).
    fee_schedule = JSONB(null=False, default="[]")  # [{"from_day", "weekly_fee_pence"}], oldest first
    child_reference = Varchar(length=20, null=True, default=None, index=True)
    lot = ForeignKey(Lot, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    age_band = Varchar(length=40, null=True, default=None)
    need_level = Varchar(length=40, null=True, default=None)
    off_framework = Boolean(null=False, default=False)
    off_framework_reason = Text(null=True, default=None)
