"""Template versions: a legal officer uploads a draft, approves it, and it retires the one before.

Every version has an owner: a council (a consortium's lead authority owns the consortium's
wording) or, with no owner, the platform's national default (owned by admins). Only an approved
version renders contracts, and exactly one version of a kind is approved per owner at a time (a
partial unique index backs this up). A council's documents use its own approved version, else its
consortium lead's, else the national default (`choose_template`). Contracts pin the version and
its SHA-256, so a retired version still explains every contract made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from dps.contracts.codes import ContractCode
from dps.contracts.domain.contexts import TemplateKind
from dps.core.errors import IllegalTransition, PermissionDenied, RuleViolation


class TemplateStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class TemplateVersion:
    id: int
    kind: TemplateKind
    version: int
    status: TemplateStatus
    filename: str
    note: str
    storage_key: str
    sha256: str
    size_bytes: int
    uploaded_by: int | None  # None: loaded by the system (the shipped templates)
    uploaded_at: datetime
    approved_by: int | None = None
    approved_at: datetime | None = None
    retired_at: datetime | None = None
    owner_authority_id: int | None = None  # None: a national default, owned by the platform's admins

    def approve(self, by: int | None, at: datetime, *, four_eyes: bool = False) -> TemplateVersion:
        """A draft becomes the version its owner's contracts of its kind are made from. Under the
        four-eyes rule the person who uploaded it may not approve it: a second legal officer
        reads the wording before it binds the council (issue 13)."""
        if self.status is not TemplateStatus.DRAFT:
            raise IllegalTransition("template version", self.status.value, TemplateStatus.APPROVED.value)
        if four_eyes and by is not None and by == self.uploaded_by:
            raise SecondApproverRequired(
                "the legal officer who uploaded this version may not approve it: a second legal officer must"
            )
        return replace(self, status=TemplateStatus.APPROVED, approved_by=by, approved_at=at)

    def retire(self, at: datetime) -> TemplateVersion:
        """No longer used for new documents (documents made from it keep pointing at it)."""
        if self.status is TemplateStatus.RETIRED:
            raise IllegalTransition("template version", self.status.value, TemplateStatus.RETIRED.value)
        return replace(self, status=TemplateStatus.RETIRED, retired_at=at)


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """One reason a template cannot be used: what went wrong and, when known, on which line."""

    kind: str  # undefined_variable, syntax_error, sandbox_violation, too_expensive, render_error, not_a_template
    message: str
    line: int | None = None


class TemplateInvalid(RuleViolation):
    code = ContractCode.TEMPLATE_INVALID
    title = "Template refused"

    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__(
            f"the template cannot be used: {len(problems)} problem(s) found rendering it with sample data",
            problems=[{"kind": p.kind, "message": p.message, "line": p.line} for p in problems],
        )


class SecondApproverRequired(PermissionDenied):
    code = ContractCode.SECOND_APPROVER_REQUIRED


def choose_template(approved: list[TemplateVersion], owners: tuple[int, ...]) -> TemplateVersion | None:
    """The version a document of the councils `owners` (in order of preference: the council
    itself, then its consortium's lead) is made from: the first owner's approved version, else
    the national default. Another council's version is never chosen."""
    by_owner = {v.owner_authority_id: v for v in approved if v.status is TemplateStatus.APPROVED}
    for owner in (*owners, None):
        if owner in by_owner:
            return by_owner[owner]
    return None


def require_approved(version: TemplateVersion) -> None:
    """Only an approved version renders contracts."""
    if version.status is not TemplateStatus.APPROVED:
        raise RuleViolation(
            f"template {version.kind.value} version {version.version} is {version.status.value}, not approved",
            code=ContractCode.TEMPLATE_NOT_APPROVED,
        )
