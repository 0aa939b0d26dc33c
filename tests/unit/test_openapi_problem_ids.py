"""An operation that names another resource by id, in its path, a query parameter or its body,
documents 404; a route that answers in several media types lists them (dps/core/openapi_problems.py;
found by the schema fuzzer, tests/api/test_openapi_fuzz.py)."""

from __future__ import annotations

import msgspec
import pytest
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Parameter, Schema

from dps.core.openapi_problems import EXTRA, OperationShape, body_names_ids, names_id, operation_class, problem_statuses


class Child(msgspec.Struct):
    setting_id: int


class Flat(msgspec.Struct):
    title: str
    lot_id: int


class Nested(msgspec.Struct):
    title: str
    children: list[Child]


class NoIds(msgspec.Struct):
    title: str
    identity: str  # ends in neither `_id` nor `_ids`


@pytest.mark.parametrize(
    ("name", "names"),
    [("arrangement_id", True), ("document_ids", True), ("id", False), ("paid", False), ("identity", False)],
)
def test_a_name_ending_in_id_or_ids_names_a_resource(name: str, names: bool) -> None:
    assert names_id(name) is names


@pytest.mark.parametrize(
    ("body", "names"),
    [(Flat, True), (Nested, True), (list[Flat], True), (NoIds, False), (Flat | None, True), (str, False)],
)
def test_a_body_names_a_resource_when_it_or_a_nested_struct_has_an_id_field(body: object, names: bool) -> None:
    assert body_names_ids(body) is names


def test_a_query_parameter_naming_a_resource_adds_404_and_another_does_not() -> None:
    operation = operation_class(signed_in=True, reads_token=False, writes=False)
    by_id = operation(
        operation_id="AReport", parameters=[Parameter(name="arrangement_id", param_in="query")], responses={}
    )
    by_day = operation(operation_id="AList", parameters=[Parameter(name="on", param_in="query")], responses={})
    assert "404" in (by_id.responses or {})
    assert "404" not in (by_day.responses or {})


def test_a_write_whose_body_names_a_resource_documents_404() -> None:
    names = operation_class(signed_in=True, reads_token=False, writes=True, body_names_ids=True)(responses={})
    plain = operation_class(signed_in=True, reads_token=False, writes=True)(responses={})
    assert "404" in (names.responses or {})
    assert "404" not in (plain.responses or {})


def test_a_route_answering_in_several_media_types_lists_each_for_its_success() -> None:
    kinds = ("application/pdf", "image/png")
    ok = OpenAPIResponse(description="ok", content={"application/octet-stream": OpenAPIMediaType(schema=Schema())})
    operation = operation_class(signed_in=True, reads_token=False, writes=False, content_types=kinds)(
        responses={"200": ok}
    )
    assert list((operation.responses or {})["200"].content) == list(kinds)
    problem = (operation.responses or {})["403"]
    assert list(problem.content) == ["application/problem+json"]


@pytest.mark.parametrize(
    ("operation_id", "status"),
    [
        ("ListEvidence", 422),
        ("PlacementReport", 422),
        ("GetPricingReport", 422),
        ("GetModeration", 422),
        ("DownloadContractPdf", 409),
    ],
)
def test_the_answers_the_fuzzer_found_that_no_shape_shows_are_listed(operation_id: str, status: int) -> None:
    assert status in EXTRA[operation_id]
    assert status in problem_statuses(OperationShape(True, False, False, False), operation_id)
