"""Errors that domain rules and services raise.

Each carries a stable `code` (clients match on it) and an HTTP status that `dps.app` maps once
to an RFC 9457 problem+json response. Nothing here imports a framework, so domain modules may
raise these freely.
"""

from __future__ import annotations

from typing import Any, ClassVar

from dps.core.codes import CommonCode


class DomainError(Exception):
    """Base of every expected failure; `code` is stable, `detail` is for people."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = CommonCode.DOMAIN_ERROR
    title: ClassVar[str] = "Request cannot be completed"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance may narrow the class code
        self.extra = extra


class InvalidInput(DomainError):
    """The request is well formed JSON but a field's value is not acceptable."""

    status = 400
    code: ClassVar[str] = CommonCode.VALIDATION_FAILED
    title = "Invalid input"


class Unauthenticated(DomainError):
    status = 401
    code: ClassVar[str] = CommonCode.UNAUTHENTICATED
    title = "Authentication required"


class PermissionDenied(DomainError):
    status = 403
    code: ClassVar[str] = CommonCode.PERMISSION_DENIED
    title = "Not allowed"


class NotFound(DomainError):
    status = 404
    code: ClassVar[str] = CommonCode.NOT_FOUND
    title = "Not found"


class Conflict(DomainError):
    status = 409
    code: ClassVar[str] = CommonCode.CONFLICT
    title = "Conflict with the current state"


class IllegalTransition(Conflict):
    """A state machine was asked to move along an edge it does not have."""

    code: ClassVar[str] = CommonCode.ILLEGAL_TRANSITION
    title = "Illegal state transition"

    def __init__(self, entity: str, current: str, target: str) -> None:
        super().__init__(
            f"{entity} cannot move from {current} to {target}",
            entity=entity,
            current_state=current,
            target_state=target,
        )


class StaleVersion(DomainError):
    """`If-Match` named a version that is no longer current (RFC 9110 section 13.1.1)."""

    status = 412
    code: ClassVar[str] = CommonCode.STALE_VERSION
    title = "Precondition failed"

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the resource is at version {actual}, not {expected}; reload it and try again",
            expected_version=expected,
            current_version=actual,
        )


class PayloadTooLarge(DomainError):
    status = 413
    code: ClassVar[str] = CommonCode.PAYLOAD_TOO_LARGE
    title = "Payload too large"


class UnsupportedMediaType(DomainError):
    status = 415
    code: ClassVar[str] = CommonCode.UNSUPPORTED_MEDIA_TYPE
    title = "Unsupported media type"


class RuleViolation(DomainError):
    """A business rule refuses the request (422)."""

    status = 422
    code: ClassVar[str] = CommonCode.RULE_VIOLATION
    title = "Business rule violated"


class TooManyAttempts(DomainError):
    status = 429
    code: ClassVar[str] = CommonCode.TOO_MANY_ATTEMPTS
    title = "Too many attempts"


class PreconditionRequired(DomainError):
    """An update of a versioned resource must say which version it read (RFC 6585 section 3)."""

    status = 428
    code: ClassVar[str] = CommonCode.PRECONDITION_REQUIRED
    title = "Precondition required"
