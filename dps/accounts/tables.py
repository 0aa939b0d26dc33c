"""Tables of the accounts package."""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from dps.core.db import DB


class Authority(Table, db=DB, tablename="authorities"):
    id = Serial(primary_key=True)
    name = Varchar(length=200, null=False)
    ons_code = Varchar(length=9, null=False, unique=True)
    region = Varchar(length=40, null=False)
    created_at = Timestamptz(null=False)


class Provider(Table, db=DB, tablename="providers"):
    id = Serial(primary_key=True)
    legal_name = Varchar(length=200, null=False)
    trading_name = Varchar(length=200, null=True, default=None)
    company_number = Varchar(length=8, null=True, default=None, unique=True)
    charity_number = Varchar(length=11, null=True, default=None, unique=True)
    address = Varchar(length=500, null=False)
    postcode = Varchar(length=8, null=False)
    contacts = JSONB(null=False, default="[]")
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)


class Setting(Table, db=DB, tablename="provider_settings"):
    id = Serial(primary_key=True)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=200, null=False)
    setting_type = Varchar(length=40, null=False)
    ofsted_urn = Varchar(length=9, null=False, unique=True)
    ofsted_grade = Varchar(length=30, null=True, default=None)
    last_inspection_date = Date(null=True, default=None)
    postcode = Varchar(length=8, null=False)
    local_authority_code = Varchar(length=9, null=True, default=None)
    easting = DoublePrecision(null=True, default=None)
    northing = DoublePrecision(null=True, default=None)
    capacity = Integer(null=False)
    min_age = Integer(null=False)
    max_age = Integer(null=False)
    needs = Array(Varchar(length=40), null=False, default=list)
    version = Integer(null=False, default=1)
    created_at = Timestamptz(null=False)


class User(Table, db=DB, tablename="users"):
    id = Serial(primary_key=True)
    email = Varchar(length=254, null=False, unique=True)
    full_name = Varchar(length=200, null=False)
    password_hash = Varchar(length=200, null=True, default=None)
    role = Varchar(length=30, null=False)
    status = Varchar(length=20, null=False)
    authority = ForeignKey(Authority, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    provider = ForeignKey(Provider, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    failed_logins = Integer(null=False, default=0)
    locked_until = Timestamptz(null=True, default=None)
    invitation_hash = Varchar(length=64, null=True, default=None, unique=True)
    invitation_expires_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(null=False)


class AuthToken(Table, db=DB, tablename="auth_tokens"):
    id = Serial(primary_key=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, null=False, unique=True)
    created_at = Timestamptz(null=False)
    expires_at = Timestamptz(null=False)
    revoked_at = Timestamptz(null=True, default=None)


class Document(Table, db=DB, tablename="documents"):
    """Metadata of an uploaded blob; the blob lives in the DocumentStore under `storage_key`."""

    id = Serial(primary_key=True)
    owner_kind = Varchar(length=20, null=False)
    provider = ForeignKey(Provider, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    authority = ForeignKey(Authority, null=True, default=None, on_delete=OnDelete.restrict, index=True)
    document_type = Varchar(length=40, null=False)
    filename = Varchar(length=255, null=False)
    media_type = Varchar(length=100, null=False)
    size_bytes = BigInt(null=False)
    sha256 = Varchar(length=64, null=False)
    storage_key = Varchar(length=300, null=False, unique=True)
    expires_on = Date(null=True, default=None)
    uploaded_by = ForeignKey(User, null=False, on_delete=OnDelete.restrict)
    uploaded_at = Timestamptz(null=False)
