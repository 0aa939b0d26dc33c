"""Tables of the transparency package."""

from __future__ import annotations

from piccolo.columns import JSONB, Array, BigInt, Date, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

from dps.core.db import DB


class OcdsRelease(Table, db=DB, tablename="ocds_releases"):
    """One OCDS release as published: written in the transaction of the change it reports."""

    id = Serial(primary_key=True)
    ocid = Varchar(length=120, null=False, index=True)
    release_id = Varchar(length=160, null=False, unique=True)
    arrangement_id = BigInt(null=False, index=True)  # the arrangement, or the call-off's arrangement
    call_off_id = BigInt(null=True, default=None)
    released_at = Timestamptz(null=False)
    tags = Array(Varchar(length=30), null=False, default=list)
    data = JSONB(null=False)
    content_sha256 = Varchar(length=64, null=False)  # of the release without id/date/tag


class TransparencyNotice(Table, db=DB, tablename="transparency_notices"):
    """A notice a change called for: drafted from the process's releases, filed by an officer."""

    id = Serial(primary_key=True)
    ocid = Varchar(length=120, null=False, index=True)
    arrangement_id = BigInt(null=False, index=True)
    call_off_id = BigInt(null=True, default=None)
    authority_id = BigInt(null=False, index=True)  # the council that files it
    notice_type = Varchar(length=8, null=False)
    subject = Varchar(length=200, null=False)
    due_on = Date(null=True, default=None)
    status = Varchar(length=20, null=False, default="draft")
    platform_notice_id = Varchar(length=100, null=True, default=None)
    published_on = Date(null=True, default=None)
    published_by = BigInt(null=True, default=None)
    created_at = Timestamptz(null=False)
    version = Integer(null=False, default=1)
