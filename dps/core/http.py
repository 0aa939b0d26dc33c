"""HTTP plumbing shared by every package: problem+json errors, the request Context, list paging.

Every error leaves the API as RFC 9457 `application/problem+json` with a stable `code`; this is the
one place that maps exceptions to responses.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from asyncpg.exceptions import (
    CheckViolationError,
    DataError,
    ExclusionViolationError,
    ForeignKeyViolationError,
    IntegrityConstraintViolationError,
    UniqueViolationError,
)
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import HeaderParameter, QueryParameter
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from dps.core.auth import Principal
from dps.core.clock import Clock
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.errors import DomainError, Unauthenticated
from dps.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "malformed_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def _domain_problem(exc: DomainError) -> ProblemDetailsException:
    headers = None
    if "retry_after_seconds" in exc.extra:
        headers = {"Retry-After": str(exc.extra["retry_after_seconds"])}
    return ProblemDetailsException(
        status_code=exc.status,
        title=exc.title,
        detail=exc.detail,
        headers=headers,
        extra={"code": exc.code, **exc.extra},
    )


def _validation_problem(exc: ValidationException) -> ProblemDetailsException:
    errors = exc.extra if isinstance(exc.extra, list) else []
    fields = [e.get("key") for e in errors if isinstance(e, dict) and e.get("key")]
    extra: dict[str, Any] = {"code": CommonCode.VALIDATION_FAILED, "errors": errors}
    if fields:
        extra["field"] = fields[0]
    return ProblemDetailsException(
        status_code=400, title="Invalid input", detail=str(exc.detail), extra=extra, headers=exc.headers
    )


def _http_problem(exc: HTTPException) -> ProblemDetailsException:
    status = exc.status_code
    return ProblemDetailsException(
        status_code=status,
        title=str(exc.detail),
        detail=str(exc.detail),
        headers=exc.headers,
        extra={"code": HTTP_CODES.get(status, f"http_{status}")},
    )


def _data_problem(exc: DataError) -> ProblemDetailsException:
    # A value PostgreSQL cannot take: an id or number past its column's range (ids are 32-bit,
    # pence 64-bit) or text with a NUL character. The request is at fault, not the server; the
    # message names the value, so it is logged, not sent.
    log.info("refused a value the database cannot store: %s", exc)
    return ProblemDetailsException(
        status_code=400,
        title="Invalid input",
        detail="a value in the request is out of range or contains characters that cannot be stored",
        extra={"code": CommonCode.INVALID_VALUE},
    )


def _reference_problem(exc: ForeignKeyViolationError) -> ProblemDetailsException:
    # Services check the records a request names; this is the safety net when one slips through
    # (the transaction has rolled back, so nothing is half-written).
    log.warning("foreign key refused a request: %s", exc)
    return ProblemDetailsException(
        status_code=422,
        title="Business rule violated",
        detail="the request names a record that does not exist",
        extra={"code": CommonCode.UNKNOWN_REFERENCE},
    )


# Services turn the constraints they expect into their own codes; these are the safety net for one
# that slips through (a race past a lock, a rule the domain missed). The transaction has rolled back.
_CONSTRAINT_PROBLEMS: dict[type[Exception], tuple[int, str, str]] = {
    UniqueViolationError: (409, "duplicate", "this record already exists"),
    ExclusionViolationError: (409, "overlaps_existing", "this overlaps an existing record for the same period"),
    CheckViolationError: (422, "constraint_violated", "the request breaks a rule the data must keep"),
}


def _constraint_problem(exc: IntegrityConstraintViolationError) -> ProblemDetailsException:
    log.warning("a database constraint refused a request: %s", exc)
    status, code, detail = next(
        (v for kind, v in _CONSTRAINT_PROBLEMS.items() if isinstance(exc, kind)),
        (409, "conflict", "the request conflicts with the stored data"),
    )
    title = "Conflict with the current state" if status == 409 else "Business rule violated"
    return ProblemDetailsException(status_code=status, title=title, detail=detail, extra={"code": code})


def _unexpected_problem(exc: Exception) -> ProblemDetailsException:
    # Log the internals; never send them.
    log.exception("unhandled error", exc_info=exc)
    return ProblemDetailsException(
        status_code=500,
        title="Internal error",
        detail="something went wrong on our side; it has been logged",
        extra={"code": CommonCode.INTERNAL_ERROR},
    )


def problem_details_plugin() -> ProblemDetailsPlugin:
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                DomainError: _domain_problem,
                ValidationException: _validation_problem,
                HTTPException: _http_problem,
                DataError: _data_problem,
                ForeignKeyViolationError: _reference_problem,
                IntegrityConstraintViolationError: _constraint_problem,
                Exception: _unexpected_problem,
            }
        )
    )


# --- authentication and the request Context --------------------------------------------------

TokenResolver = Callable[[str, Clock], Awaitable[Principal | None]]
PUBLIC = {"public": True}  # handler opt for the few routes anonymous callers may use


async def _principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """Resolve the bearer token once per request (cached on the connection's state)."""
    state = connection.state
    if "principal" in state:
        return state.principal  # type: ignore[no-any-return]
    principal = None
    header = connection.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use 'Authorization: Bearer <token>'", code=CommonCode.INVALID_AUTHORIZATION_HEADER)
        resolve: TokenResolver = connection.app.state.resolve_token
        principal = await resolve(token.strip(), connection.app.state.clock)
        if principal is None:
            raise Unauthenticated(
                "the token is unknown, expired or revoked; sign in again", code=CommonCode.INVALID_TOKEN
            )
    state.principal = principal
    return principal


async def signed_in(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """Guard on every controller: 401 before any body is read, unless the handler is PUBLIC."""
    principal = await _principal_of(connection)
    if principal is None and not handler.opt.get("public"):
        raise Unauthenticated("sign in and send the token as 'Authorization: Bearer <token>'")


async def provide_ctx(request: Request[Any, Any, Any]) -> Context:
    """The request's Context: caller, clock, settings and document store."""
    return context_for(request.app.state, await _principal_of(request))


def context_for(state: Any, principal: Principal | None) -> Context:
    """A Context from the app's state (clock, settings, store, the change listener) for one caller:
    the one way the JSON API and the portal build it, so both write the same audit and releases."""
    return Context(
        principal=principal,
        clock=state.clock,
        settings=state.settings,
        store=state.store,
        changes=state.get("changes"),
        renderer=state.get("renderer"),
        converter=state.get("converter"),
    )


# --- list parameters -------------------------------------------------------------------------

Limit = Annotated[int, QueryParameter(name="limit", ge=1, le=MAX_LIMIT, description=f"page size, at most {MAX_LIMIT}")]
Cursor = Annotated[
    str | None,
    QueryParameter(name="cursor", description="the next_cursor of the previous page", required=False),
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(name="If-Match", description='the ETag you read, e.g. "3"; required on updates', required=False),
]

DEFAULT_PAGE_SIZE = DEFAULT_LIMIT


def after_id(cursor: str | None) -> int:
    return decode_cursor(cursor)


def content_disposition(filename: str) -> str:
    """An attachment header that survives any file name (RFC 6266 with an RFC 5987 UTF-8 form)."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
