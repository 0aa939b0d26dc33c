"""Which problem statuses an operation documents follows from its shape (dps/core/openapi_problems.py)."""

from __future__ import annotations

import pytest

from dps.core.openapi_problems import OperationShape, problem_statuses

READ = OperationShape(signed_in=False, takes_id=False, writes=False, if_match=False)


@pytest.mark.parametrize(
    ("shape", "statuses"),
    [
        (READ, [400, 500]),
        (OperationShape(signed_in=True, takes_id=False, writes=False, if_match=False), [400, 401, 403, 500]),
        (OperationShape(signed_in=False, takes_id=False, writes=False, if_match=False, reads_token=True),
         [400, 401, 500]),
        (OperationShape(signed_in=False, takes_id=True, writes=False, if_match=False), [400, 404, 500]),
        (OperationShape(signed_in=False, takes_id=False, writes=True, if_match=False), [400, 409, 422, 500]),
        (OperationShape(signed_in=False, takes_id=False, writes=False, if_match=True), [400, 412, 428, 500]),
        (OperationShape(signed_in=False, takes_id=False, writes=True, if_match=False, uploads=True),
         [400, 409, 413, 415, 422, 500]),
    ],
)  # fmt: skip
def test_each_feature_of_an_operation_adds_its_problems(shape: OperationShape, statuses: list[int]) -> None:
    assert problem_statuses(shape) == statuses


def test_answers_no_shape_shows_are_listed_by_operation_id() -> None:
    assert problem_statuses(READ, "Login") == [400, 401, 429, 500]
    assert problem_statuses(READ, "SomethingElse") == [400, 500]
