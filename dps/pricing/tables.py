"""Tables of the pricing package."""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    BigInt,
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

from dps.accounts.tables import Authority, Provider, User
from dps.core.db import DB
from dps.frameworks.tables import Arrangement, Lot


class Uplift(Table, db=DB, tablename="uplifts"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    description = Text(null=False)
    effective_on = Date(null=False)
    method = Varchar(length=20, null=False)
    flat_percentage = Numeric(digits=(9, 4), null=True, default=None)
    components = JSONB(null=False, default="[]")
    status = Varchar(length=20, null=False)
    applied_at = Timestamptz(null=True, default=None)
    applied_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)


class PriceBand(Table, db=DB, tablename="price_bands"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(Lot, null=False, on_delete=OnDelete.restrict, index=True)
    age_band = Varchar(length=40, null=False)
    need_level = Varchar(length=40, null=False)
    area = Varchar(length=9, null=False, default="")  # '' = the whole region the lot serves
    min_age = Integer(null=False)
    max_age = Integer(null=False)
    floor_pence = BigInt(null=False)
    ceiling_pence = BigInt(null=False)
    effective_from = Date(null=False)
    effective_to = Date(null=True, default=None)  # inclusive; None = open-ended
    uplift = ForeignKey(Uplift, null=True, default=None, on_delete=OnDelete.restrict)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)
    withdrawn_at = Timestamptz(null=True, default=None)  # kept, no longer offered
    withdrawn_reason = Text(null=True, default=None)


class AdditionalService(Table, db=DB, tablename="additional_services"):
    id = Serial(primary_key=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    code = Varchar(length=20, null=False)
    name = Varchar(length=200, null=False)
    unit = Varchar(length=10, null=False)
    description = Text(null=False, default="")
    created_at = Timestamptz(null=False)
    withdrawn_at = Timestamptz(null=True, default=None)  # kept, no longer offered
    withdrawn_reason = Text(null=True, default=None)


class RateCard(Table, db=DB, tablename="rate_cards"):
    id = Serial(primary_key=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    arrangement = ForeignKey(Arrangement, null=False, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(Lot, null=False, on_delete=OnDelete.restrict, index=True)
    status = Varchar(length=20, null=False)
    effective_from = Date(null=False)
    effective_to = Date(null=True, default=None)
    submitted_at = Timestamptz(null=False)
    decided_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    decision_note = Text(null=True, default=None)
    previous = BigInt(null=True, default=None)  # the card an uplift continued (FK in the checks migration)
    uplift = ForeignKey(Uplift, null=True, default=None, on_delete=OnDelete.restrict)
    version = Integer(null=False, default=1)


class RateLine(Table, db=DB, tablename="rate_card_lines"):
    id = Serial(primary_key=True)
    rate_card = ForeignKey(RateCard, null=False, on_delete=OnDelete.restrict, index=True)
    age_band = Varchar(length=40, null=False)
    need_level = Varchar(length=40, null=False)
    area = Varchar(length=9, null=False, default="")
    weekly_price_pence = BigInt(null=False)
    position = Varchar(length=20, null=False)
    exception_justification = Text(null=True, default=None)
    exception_status = Varchar(length=20, null=True, default=None)
    exception_reason = Text(null=True, default=None)


class ServicePrice(Table, db=DB, tablename="rate_card_services"):
    id = Serial(primary_key=True)
    rate_card = ForeignKey(RateCard, null=False, on_delete=OnDelete.restrict, index=True)
    service = ForeignKey(AdditionalService, null=False, on_delete=OnDelete.restrict)
    unit_price_pence = BigInt(null=False)


class AgreedFee(Table, db=DB, tablename="agreed_fees"):
    """Weekly fees agreed for placements, written by tenders through `record_agreed_fee`."""

    id = Serial(primary_key=True)
    authority = ForeignKey(Authority, null=False, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    lot = ForeignKey(Lot, null=False, on_delete=OnDelete.restrict, index=True)
    age_band = Varchar(length=40, null=False)
    need_level = Varchar(length=40, null=False)
    area = Varchar(length=9, null=False, default="")
    weekly_fee_pence = BigInt(null=False)
    start_on = Date(null=False)
    end_on = Date(null=True, default=None)
    source = Varchar(length=20, null=False)
    source_id = BigInt(null=True, default=None)
    rate_card = ForeignKey(RateCard, null=True, default=None, on_delete=OnDelete.restrict)
    created_at = Timestamptz(null=False)
