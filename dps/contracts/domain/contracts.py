"""Contracts and their lifecycle: draft -> issued -> signed -> active -> ended, or terminated.

A provider signs electronically by accepting the exact document it was sent: the signature
records the user, the time and the SHA-256 of the bytes accepted (Electronic Communications Act
2000 s.7 and UK eIDAS art. 25: an electronic signature is admissible; tying it to a digest shows
what was signed). A hash that is not the current document's is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from dps.contracts.codes import ContractCode
from dps.contracts.domain.contexts import TemplateKind
from dps.core.codes import CommonCode
from dps.core.errors import Conflict, IllegalTransition, RuleViolation


class ContractKind(StrEnum):
    PLACEMENT_AGREEMENT = "placement_agreement"  # standard terms + Individual Placement Agreement
    MEMBERSHIP_AGREEMENT = "membership_agreement"
    FEE_VARIATION = "fee_variation"
    DECISION_LETTER = "decision_letter"


# Reference prefixes, e.g. IPA-000123.
REFERENCE_PREFIX = {
    ContractKind.PLACEMENT_AGREEMENT: "IPA",
    ContractKind.MEMBERSHIP_AGREEMENT: "MEM",
    ContractKind.FEE_VARIATION: "VAR",
    ContractKind.DECISION_LETTER: "DEC",
}


def reference_for(kind: ContractKind, contract_id: int) -> str:
    return f"{REFERENCE_PREFIX[kind]}-{contract_id:06d}"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SIGNED = "signed"
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"


class PdfStatus(StrEnum):
    PENDING = "pending"  # not converted yet (or LibreOffice is not installed here)
    CONVERTING = "converting"  # claimed by one converter (a scheduler pass); others leave it alone
    READY = "ready"
    FAILED = "failed"


class SignatureMethod(StrEnum):
    ELECTRONIC = "electronic"
    SIGNED_COPY = "signed_copy"


TRANSITIONS: dict[ContractStatus, frozenset[ContractStatus]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.ISSUED, ContractStatus.TERMINATED}),
    ContractStatus.ISSUED: frozenset({ContractStatus.SIGNED, ContractStatus.TERMINATED}),
    ContractStatus.SIGNED: frozenset({ContractStatus.ACTIVE, ContractStatus.TERMINATED}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.ENDED, ContractStatus.TERMINATED}),
    ContractStatus.ENDED: frozenset(),
    ContractStatus.TERMINATED: frozenset(),
}

# A decision letter is a notice, not an agreement: it is issued and that is all.
UNSIGNED_KINDS = frozenset({ContractKind.DECISION_LETTER})


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class Signature:
    method: SignatureMethod
    user_id: int
    at: datetime
    sha256: str  # of the document accepted (electronic) or of the signed copy uploaded
    document_id: int | None = None  # the uploaded signed copy


@dataclass(frozen=True, slots=True)
class Contract:
    id: int
    reference: str
    kind: ContractKind
    status: ContractStatus
    template_kind: TemplateKind
    template_version_id: int
    template_sha256: str
    provider_id: int
    authority_ids: frozenset[int]  # the councils party to it; their officers see and manage it
    subject_key: str  # what it was generated from, unique: "membership:7", "placement:9:variation:2027-04-01"
    parent_id: int | None  # the contract a variation varies
    title: str
    document: StoredFile
    pdf_status: PdfStatus
    pdf: StoredFile | None
    starts_on: date | None
    ends_on: date | None
    created_at: datetime
    created_by: int | None
    issued_at: datetime | None = None
    issued_by: int | None = None
    signature: Signature | None = None
    activated_at: datetime | None = None
    ended_at: datetime | None = None
    terminated_at: datetime | None = None
    termination_reason: str | None = None
    version: int = 1

    def _move(self, target: ContractStatus) -> None:
        if target not in TRANSITIONS[self.status]:
            raise IllegalTransition("contract", self.status.value, target.value)

    def issue(self, by: int | None, at: datetime) -> Contract:
        """Send the draft to the provider."""
        self._move(ContractStatus.ISSUED)
        return replace(self, status=ContractStatus.ISSUED, issued_at=at, issued_by=by, version=self.version + 1)

    def sign(self, signature: Signature) -> Contract:
        """The provider accepts the issued document; an electronic signature must name its exact hash."""
        if self.kind in UNSIGNED_KINDS:
            raise RuleViolation("a decision letter is a notice; it is not signed", code=ContractCode.NOT_SIGNABLE)
        self._move(ContractStatus.SIGNED)
        if signature.method is SignatureMethod.ELECTRONIC and signature.sha256 != self.document.sha256:
            raise Conflict(
                "the document has changed since you read it; download it again and sign what you read",
                code=ContractCode.DOCUMENT_HASH_MISMATCH,
                current_sha256=self.document.sha256,
            )
        return replace(self, status=ContractStatus.SIGNED, signature=signature, version=self.version + 1)

    def activate(self, at: datetime) -> Contract:
        """The authority countersigns; the contract is in force."""
        self._move(ContractStatus.ACTIVE)
        return replace(self, status=ContractStatus.ACTIVE, activated_at=at, version=self.version + 1)

    def end(self, at: datetime) -> Contract:
        """The contract ran its course (placement ended as planned, term over)."""
        self._move(ContractStatus.ENDED)
        return replace(self, status=ContractStatus.ENDED, ended_at=at, version=self.version + 1)

    def terminate(self, reason: str, at: datetime) -> Contract:
        """Ended early or withdrawn, always with the reason (standard terms, termination clause)."""
        if not reason.strip():
            raise RuleViolation("give the reason for termination", code=CommonCode.REASON_REQUIRED)
        self._move(ContractStatus.TERMINATED)
        return replace(
            self,
            status=ContractStatus.TERMINATED,
            terminated_at=at,
            termination_reason=reason.strip(),
            version=self.version + 1,
        )

    def with_pdf(self, pdf: StoredFile | None, status: PdfStatus) -> Contract:
        return replace(self, pdf=pdf, pdf_status=status)
