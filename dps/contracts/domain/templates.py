"""Template versions: a legal officer uploads a draft, approves it, and it retires the one before.

Only an approved version renders contracts, and exactly one version of a kind is approved at a
time (a partial unique index backs this up). Contracts pin the version and its SHA-256, so a
retired version still explains every contract made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from dps.contracts.domain.contexts import TemplateKind
from dps.core.errors import IllegalTransition, RuleViolation


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

    def approve(self, by: int | None, at: datetime) -> TemplateVersion:
        """A draft becomes the version contracts of its kind are made from."""
        if self.status is not TemplateStatus.DRAFT:
            raise IllegalTransition("template version", self.status.value, TemplateStatus.APPROVED.value)
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
    code = "template_invalid"
    title = "Template refused"

    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__(
            f"the template cannot be used: {len(problems)} problem(s) found rendering it with sample data",
            problems=[{"kind": p.kind, "message": p.message, "line": p.line} for p in problems],
        )


def require_approved(version: TemplateVersion) -> None:
    """Only an approved version renders contracts."""
    if version.status is not TemplateStatus.APPROVED:
        raise RuleViolation(
            f"template {version.kind.value} version {version.version} is {version.status.value}, not approved",
            code="template_not_approved",
        )
