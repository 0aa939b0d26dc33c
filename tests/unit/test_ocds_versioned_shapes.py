"""The versioned release of a record whose field changes shape between releases (found by the schema
fuzzer: the last supplier of a lot removed, its award's `suppliers` went from objects merged by id
to `[]`, and reading the record answered 500). OCDS 1.1 merging: an array that is not merged by id
replaces the earlier value whole, in the compiled release and so in the field's history."""

from __future__ import annotations

from typing import Any

from dps.transparency.domain.merge import compiled_release, record, versioned_release

SUPPLIER = {"id": "GB-COH-1", "name": "Mersey Futures Ltd"}


def release(n: int, award: dict[str, Any]) -> dict[str, Any]:
    return {
        "ocid": "ocds-x-1",
        "id": f"ocds-x-1-{n}",
        "date": f"2026-11-2{n}T10:00:00Z",
        "tag": ["award" if n == 1 else "awardUpdate"],
        "awards": [{"id": "lot-2", **award}],
    }


def test_an_array_merged_by_id_then_emptied_starts_its_history_again() -> None:
    releases = [release(1, {"suppliers": [SUPPLIER]}), release(2, {"suppliers": []})]

    versioned = versioned_release(releases)

    history = versioned["awards"][0]["suppliers"]
    assert [(v["releaseID"], v["value"]) for v in history] == [("ocds-x-1-2", [])]
    assert compiled_release(releases)["awards"][0]["suppliers"] == []
    assert record("ocds-x-1", releases)["versionedRelease"] == versioned


def test_an_emptied_array_then_filled_again_merges_by_id_afresh() -> None:
    releases = [
        release(1, {"suppliers": [SUPPLIER]}),
        release(2, {"suppliers": []}),
        release(3, {"suppliers": [SUPPLIER]}),
    ]

    suppliers = versioned_release(releases)["awards"][0]["suppliers"]

    assert [s["id"] for s in suppliers] == ["GB-COH-1"]
    assert [v["value"] for v in suppliers[0]["name"]] == ["Mersey Futures Ltd"]


def test_an_object_replaced_by_a_value_keeps_the_value_as_its_history() -> None:
    releases = [release(1, {"value": {"amount": 100}}), release(2, {"value": "withheld"})]

    history = versioned_release(releases)["awards"][0]["value"]

    assert [v["value"] for v in history] == ["withheld"]


def test_an_unchanged_value_is_listed_once() -> None:
    releases = [release(1, {"title": "Lot 2"}), release(2, {"title": "Lot 2"})]

    assert [v["releaseID"] for v in versioned_release(releases)["awards"][0]["title"]] == ["ocds-x-1-1"]
