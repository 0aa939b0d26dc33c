"""Request and response bodies of the contracts API (msgspec Structs; unknown fields refused)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from litestar.datastructures import UploadFile
from msgspec import Meta, Struct

from dps.contracts.domain.contexts import TemplateKind, Variable
from dps.contracts.domain.contracts import Contract, ContractKind, ContractStatus, PdfStatus, SignatureMethod
from dps.contracts.domain.templates import TemplateStatus, TemplateVersion
from dps.core.requests import Input

Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-fA-F]{64}$", examples=["3b4c..."])]
Reason = Annotated[str, Meta(min_length=1, max_length=2000)]
Note = Annotated[str, Meta(max_length=2000)]


# --- templates -------------------------------------------------------------------------------


class TemplateUpload(Struct, kw_only=True):
    """Multipart form: the .docx and an optional note saying what changed."""

    file: UploadFile
    note: str = ""


class TemplateVersionOut(Struct, kw_only=True):
    id: int
    kind: TemplateKind
    version: int
    status: TemplateStatus
    filename: str
    note: str
    sha256: str
    size_bytes: int
    uploaded_by: int | None
    uploaded_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    retired_at: datetime | None
    owner_authority_id: int | None  # None: a national default (owned by the platform's admins)

    @classmethod
    def of(cls, v: TemplateVersion) -> TemplateVersionOut:
        return cls(
            id=v.id,
            kind=v.kind,
            version=v.version,
            status=v.status,
            filename=v.filename,
            note=v.note,
            sha256=v.sha256,
            size_bytes=v.size_bytes,
            uploaded_by=v.uploaded_by,
            uploaded_at=v.uploaded_at,
            approved_by=v.approved_by,
            approved_at=v.approved_at,
            retired_at=v.retired_at,
            owner_authority_id=v.owner_authority_id,
        )


class ApprovalPolicyIn(Input, kw_only=True):
    """Whether a second legal officer, not the uploader, must approve the council's templates."""

    four_eyes: bool


class ApprovalPolicyOut(Struct, kw_only=True):
    authority_id: int
    four_eyes: bool


class TemplateVersionPage(Struct, kw_only=True):
    items: list[TemplateVersionOut]
    next_cursor: str | None


class VariableOut(Struct, kw_only=True):
    name: str
    type: str
    description: str
    sample: str | int | None

    @classmethod
    def of(cls, v: Variable) -> VariableOut:
        return cls(name=v.name, type=v.kind, description=v.description, sample=v.sample)


class KindVariables(Struct, kw_only=True):
    kind: TemplateKind
    variables: list[VariableOut]


class VariablesOut(Struct, kw_only=True):
    kinds: list[KindVariables]


# --- contracts -------------------------------------------------------------------------------


class SignIn(Input, kw_only=True):
    """Electronic signature: the SHA-256 of the exact document you read and accept
    (the `document_sha256` of the contract, also sent as X-Content-SHA256 on download)."""

    document_sha256: Sha256


class SignedCopyIn(Input, kw_only=True):
    """A signed copy uploaded first through POST /api/v1/documents (type signed_contract)."""

    document_id: int


class TerminateIn(Input, kw_only=True):
    reason: Reason


class SignatureOut(Struct, kw_only=True):
    method: SignatureMethod
    user_id: int
    at: datetime
    sha256: str
    document_id: int | None


class ContractOut(Struct, kw_only=True):
    id: int
    reference: str
    kind: ContractKind
    status: ContractStatus
    title: str
    provider_id: int
    authority_ids: list[int]
    parent_id: int | None
    template_kind: TemplateKind
    template_version_id: int
    template_sha256: str
    document_sha256: str
    document_size: int
    pdf_status: PdfStatus
    pdf_sha256: str | None
    starts_on: date | None
    ends_on: date | None
    created_at: datetime
    issued_at: datetime | None
    signature: SignatureOut | None
    activated_at: datetime | None
    ended_at: datetime | None
    terminated_at: datetime | None
    termination_reason: str | None
    version: int

    @classmethod
    def of(cls, c: Contract) -> ContractOut:
        s = c.signature
        return cls(
            id=c.id,
            reference=c.reference,
            kind=c.kind,
            status=c.status,
            title=c.title,
            provider_id=c.provider_id,
            authority_ids=sorted(c.authority_ids),
            parent_id=c.parent_id,
            template_kind=c.template_kind,
            template_version_id=c.template_version_id,
            template_sha256=c.template_sha256,
            document_sha256=c.document.sha256,
            document_size=c.document.size_bytes,
            pdf_status=c.pdf_status,
            pdf_sha256=c.pdf.sha256 if c.pdf else None,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            created_at=c.created_at,
            issued_at=c.issued_at,
            signature=SignatureOut(
                method=s.method, user_id=s.user_id, at=s.at, sha256=s.sha256, document_id=s.document_id
            )
            if s
            else None,
            activated_at=c.activated_at,
            ended_at=c.ended_at,
            terminated_at=c.terminated_at,
            termination_reason=c.termination_reason,
            version=c.version,
        )


class ContractPage(Struct, kw_only=True):
    items: list[ContractOut]
    next_cursor: str | None


class PlacementAgreementIn(Input, kw_only=True):
    placement_id: int


class FeeVariationsIn(Input, kw_only=True):
    uplift_id: int


class FeeVariationsOut(Struct, kw_only=True):
    """What issuing an uplift's fee variations did: the live placements it changes, the draft
    variations made now, and the placements that had theirs already (a re-run makes nothing new)."""

    uplift_id: int
    placements: int
    created: list[ContractOut]
    already_varied_placement_ids: list[int]
