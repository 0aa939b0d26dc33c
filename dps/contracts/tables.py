"""Tables of the contracts package."""

from __future__ import annotations

from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from dps.accounts.tables import Authority, Document, Provider, User
from dps.core.db import DB


class ContractTemplateVersion(Table, db=DB, tablename="contract_template_versions"):
    """One uploaded version of a template kind; its .docx sits in the DocumentStore under `storage_key`."""

    id = Serial(primary_key=True)
    kind = Varchar(length=40, null=False, index=True)
    version = Integer(null=False)
    status = Varchar(length=20, null=False)
    filename = Varchar(length=255, null=False)
    note = Text(null=False, default="")
    storage_key = Varchar(length=300, null=False, unique=True)
    sha256 = Varchar(length=64, null=False)
    size_bytes = BigInt(null=False)
    uploaded_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    uploaded_at = Timestamptz(null=False)
    approved_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    approved_at = Timestamptz(null=True, default=None)
    retired_at = Timestamptz(null=True, default=None)
    # The council whose documents use it (a consortium's lead authority for the consortium);
    # NULL: a national default, owned by the platform's admins.
    owner_authority = ForeignKey(Authority, null=True, default=None, on_delete=OnDelete.restrict, index=True)


class ContractTemplatePolicy(Table, db=DB, tablename="contract_template_policies"):
    """A council's rule for approving its templates; without a row, four eyes (the default)."""

    id = Serial(primary_key=True)
    authority = ForeignKey(Authority, null=False, unique=True, on_delete=OnDelete.restrict)
    four_eyes = Boolean(null=False, default=True)
    updated_at = Timestamptz(null=False)
    updated_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)


class Contract(Table, db=DB, tablename="contracts"):
    """A generated document (agreement, variation, letter) and where it is in its lifecycle."""

    id = Serial(primary_key=True)
    reference = Varchar(length=20, null=False, unique=True)
    kind = Varchar(length=30, null=False)
    status = Varchar(length=20, null=False, index=True)
    template_kind = Varchar(length=40, null=False)
    template_version = ForeignKey(ContractTemplateVersion, null=False, on_delete=OnDelete.restrict)
    template_sha256 = Varchar(length=64, null=False)
    provider = ForeignKey(Provider, null=False, on_delete=OnDelete.restrict, index=True)
    authority_ids = Array(BigInt(), null=False, default=list)
    subject_key = Varchar(length=120, null=False, unique=True)
    parent: ForeignKey[Contract] = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=300, null=False)
    data = JSONB(null=False, default="{}")
    document_key = Varchar(length=300, null=False, unique=True)
    document_sha256 = Varchar(length=64, null=False)
    document_size = BigInt(null=False)
    pdf_status = Varchar(length=10, null=False)
    pdf_key = Varchar(length=300, null=True, default=None, unique=True)
    pdf_sha256 = Varchar(length=64, null=True, default=None)
    pdf_size = BigInt(null=True, default=None)
    pdf_claimed_at = Timestamptz(null=True, default=None)  # when a converter claimed it (`converting`)
    starts_on = Date(null=True, default=None)
    ends_on = Date(null=True, default=None)
    created_at = Timestamptz(null=False)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(null=True, default=None)
    issued_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    signature_method = Varchar(length=20, null=True, default=None)
    signed_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    signed_at = Timestamptz(null=True, default=None)
    signed_sha256 = Varchar(length=64, null=True, default=None)
    signed_copy = ForeignKey(Document, null=True, default=None, on_delete=OnDelete.restrict)
    activated_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    terminated_at = Timestamptz(null=True, default=None)
    termination_reason = Text(null=True, default=None)
    version = Integer(null=False, default=1)
