"""The problem responses every API operation can give, documented in OpenAPI in one place.

Every error leaves the API as RFC 9457 `application/problem+json` with a stable `code`
(`dps.core.http` maps them). Which ones an operation can give follows from its shape, not from
each controller: a signed-in route can answer 401 (no or a bad token) and 403 (role or
organisation), a public one that reads the caller 401 (a bad token sent); a path with an id, or a
query parameter or body field naming another resource by id (`*_id`, `*_ids`), 404;
a write (POST/PUT/PATCH/DELETE) 409 (a conflict or an illegal transition) and 422 (a business
rule); an update that takes `If-Match` 412 (a stale version) and 428 (none sent); an upload
(multipart body) 413 and 415; every operation 400 (its input is invalid) and 500. The few
answers no shape shows are listed by operation id (`EXTRA`). A route whose success answer comes in
more than one media type names them in its `opt["content_types"]` (a download of whatever was
uploaded; JSON or CSV), and its success response lists each. A public route (no `signed_in`
guard, or opted public) is marked `security: []`, overriding the global bearer requirement.
The app adds `ProblemResponses` to its plugins and the `Problem` component (`problem_schema`, whose
`code` lists every catalogued code); nothing in the controllers changes.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import msgspec
from litestar.openapi.spec import Components, OpenAPIMediaType, OpenAPIResponse, Operation, Parameter, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from dps.core.http import signed_in

PROBLEM_JSON = "application/problem+json"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# status -> (description, example codes): what an operation of that shape may answer.
DESCRIPTIONS: dict[int, str] = {
    400: "Invalid input: a malformed or out-of-range parameter or body (`validation_failed`, `invalid_value`, ...)",
    401: "Not signed in, or the token is unknown, expired or revoked (`unauthenticated`, `invalid_token`)",
    413: "The file is larger than the limit (`payload_too_large`)",
    415: "The file is not of a type this route accepts (`unsupported_media_type`)",
    429: "Too many attempts or requests at once; retry later (`too_many_attempts`)",
    403: "Your role or organisation may not do this (`permission_denied`)",
    404: "No such resource, or one you may not know exists (`not_found`)",
    409: "Conflicts with the current state (`conflict`, `illegal_transition`, `duplicate`, ...)",
    412: "`If-Match` names a version that is no longer current (`stale_version`)",
    422: "A business rule refuses the request (`rule_violation` or a rule's own code)",
    428: "The update must send `If-Match` with the version read (`precondition_required`)",
    500: "Something went wrong on our side; it has been logged (`internal_error`)",
}

PROBLEM = Reference(ref="#/components/schemas/Problem")


def problem_schema(codes: Iterable[str]) -> Schema:
    """The `Problem` component every problem response names: RFC 9457 problem details whose `code`
    is one of the catalogued codes (`dps/<package>/codes.py`, given by the app, which sees them all)."""
    return Schema(
        type=OpenAPIType.OBJECT,
        description="RFC 9457 problem details with the stable `code` clients match on.",
        required=["status", "title", "code"],
        properties={
            "type": Schema(type=OpenAPIType.STRING),
            "title": Schema(type=OpenAPIType.STRING),
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": Schema(type=OpenAPIType.STRING),
            "instance": Schema(type=OpenAPIType.STRING),
            "code": Schema(
                type=OpenAPIType.STRING,
                description="stable snake_case error code, one of the catalogue's",
                enum=sorted(set(codes)),
            ),
        },
    )


# Answers an operation gives that its shape does not show: sign-in refuses wrong credentials
# (401) and throttles repeated failures (429, dps/accounts/services/auth.py).
# Council staff must name the provider whose evidence they list (422 `provider_required`); a report's
# period must run forwards (422 `invalid_period`); moderation needs the evaluations in (422
# `evaluations_outstanding`); a contract's PDF copy may still be pending (409 `pdf_not_ready`).
EXTRA: dict[str, tuple[int, ...]] = {
    "Login": (401, 429),
    "ListEvidence": (422,),
    "PlacementReport": (422,),
    "GetPricingReport": (422,),
    "GetModeration": (422,),
    "DownloadContractPdf": (409,),
}


@dataclass(frozen=True, slots=True)
class OperationShape:
    """What the problem responses of one operation depend on."""

    signed_in: bool
    takes_id: bool
    writes: bool
    if_match: bool
    reads_token: bool = False  # a public route that resolves the caller (refuses a bad token)
    uploads: bool = False


def problem_statuses(shape: OperationShape, operation_id: str | None = None) -> list[int]:
    """The problem statuses an operation of this shape can answer, in order."""
    statuses = {400, 500, *EXTRA.get(operation_id or "", ())}
    if shape.signed_in:
        statuses |= {401, 403}
    if shape.reads_token:
        statuses.add(401)
    if shape.uploads:
        statuses |= {413, 415}
    if shape.takes_id:
        statuses.add(404)
    if shape.writes:
        statuses |= {409, 422}
    if shape.if_match:
        statuses |= {412, 428}
    return sorted(statuses)


def problem_response(status: int) -> OpenAPIResponse:
    return OpenAPIResponse(description=DESCRIPTIONS[status], content={PROBLEM_JSON: OpenAPIMediaType(schema=PROBLEM)})


@dataclass
class ProblemOperation(Operation):
    """An Operation that adds its problem responses once Litestar has built it (its
    `operation_class`); `signed_in` and `writes` come from the route (`ProblemResponses`)."""

    signed_in: ClassVar[bool] = True
    reads_token: ClassVar[bool] = False
    writes: ClassVar[bool] = False
    body_names_ids: ClassVar[bool] = False
    content_types: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        parameters = [p for p in self.parameters or [] if isinstance(p, Parameter)]
        body = self.request_body
        shape = OperationShape(
            signed_in=self.signed_in,
            takes_id=self.body_names_ids
            or any(p.param_in == "path" or (p.param_in == "query" and names_id(p.name)) for p in parameters),
            writes=self.writes,
            if_match=any(p.param_in == "header" and p.name.lower() == "if-match" for p in parameters),
            reads_token=self.reads_token,
            uploads=body is not None and not isinstance(body, Reference) and "multipart/form-data" in body.content,
        )
        responses: dict[str, Any] = dict(self.responses or {})
        if self.content_types:
            _list_content_types(responses, self.content_types)
        for status in problem_statuses(shape, self.operation_id):
            # Litestar's own 400 describes its ValidationException as plain JSON: ours is a problem.
            responses[str(status)] = problem_response(status)
        self.responses = responses
        if not self.signed_in:
            self.security = []  # public: no bearer token needed (overrides the global requirement)


def _list_content_types(responses: dict[str, Any], content_types: tuple[str, ...]) -> None:
    """The success responses list each media type the route answers in, with the schema it documents."""
    for status, response in responses.items():
        if status.startswith("2") and isinstance(response, OpenAPIResponse) and response.content:
            media = next(iter(response.content.values()))
            response.content = {media_type: media for media_type in content_types}


def names_id(name: str) -> bool:
    """A parameter or field that names another resource by its id (404 when there is none)."""
    return name.endswith(("_id", "_ids"))


def body_names_ids(annotation: Any, depth: int = 0) -> bool:
    """Whether a request body (a msgspec Struct, or a list of them) has a field naming a resource by id."""
    if depth > 3:
        return False
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        if any(names_id(name) for name in annotation.__struct_fields__):
            return True
        try:
            hints = typing.get_type_hints(annotation, include_extras=True)
        except (NameError, TypeError):  # pragma: no cover - an unresolvable annotation
            return False
        return any(body_names_ids(hint, depth + 1) for hint in hints.values())
    return any(body_names_ids(arg, depth + 1) for arg in typing.get_args(annotation))


@dataclass(frozen=True, slots=True)
class RouteKind:
    """What the Operation class of a route depends on (one class per kind, made once)."""

    signed_in: bool
    reads_token: bool
    writes: bool
    body_names_ids: bool = False
    content_types: tuple[str, ...] = ()


_OPERATION_CLASSES: dict[RouteKind, type[ProblemOperation]] = {}


def operation_class(
    signed_in: bool,
    reads_token: bool,
    writes: bool,
    body_names_ids: bool = False,
    content_types: tuple[str, ...] = (),
) -> type[ProblemOperation]:
    """The ProblemOperation subclass for routes of this kind (one class per kind, made once)."""
    key = RouteKind(signed_in, reads_token, writes, body_names_ids, tuple(content_types))
    if key not in _OPERATION_CLASSES:
        flags = (signed_in, reads_token, writes, body_names_ids, bool(content_types))
        name = "ProblemOperation" + "".join(
            w for w, on in zip(("SignedIn", "ReadsToken", "Write", "NamesIds", "Media"), flags, strict=True) if on
        )
        attrs = {
            "signed_in": signed_in,
            "reads_token": reads_token,
            "writes": writes,
            "body_names_ids": body_names_ids,
            "content_types": tuple(content_types),
        }
        _OPERATION_CLASSES[key] = type(name, (ProblemOperation,), attrs)
    return _OPERATION_CLASSES[key]


class ProblemResponses(ReceiveRoutePlugin):
    """Gives every HTTP route handler the Operation class that documents its problem responses."""

    __slots__ = ()

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if handler.operation_class is not Operation and not issubclass(handler.operation_class, ProblemOperation):
                continue  # a handler that chose its own Operation class keeps it
            guarded = signed_in in handler.resolve_guards() and not handler.opt.get("public")
            reads_token = "ctx" in handler.parsed_fn_signature.parameters
            writes = bool(set(handler.http_methods) & WRITES)
            data = handler.parsed_fn_signature.parameters.get("data")
            handler.operation_class = operation_class(
                guarded,
                reads_token and not guarded,
                writes,
                body_names_ids=data is not None and body_names_ids(data.annotation),
                content_types=tuple(handler.opt.get("content_types", ())),
            )


def components_with_problem(problem: Schema, **components: Any) -> Components:
    """OpenAPI components that always hold the `Problem` schema. Litestar replaces
    `components.schemas` with the types its routes name when it builds the document, so the
    component is added back whenever `schemas` is set."""

    class WithProblem(Components):
        def __setattr__(self, name: str, value: Any) -> None:
            if name == "schemas":
                value = {**(value or {}), "Problem": problem}
            super().__setattr__(name, value)

    return WithProblem(**components)
