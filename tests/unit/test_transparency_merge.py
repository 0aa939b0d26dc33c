"""Records compiled by the OCDS 1.1 merge rules (standard.open-contracting.org/1.1/en/schema/merging/)."""

from __future__ import annotations

from typing import Any

import pytest

from dps.transparency.domain.merge import WHOLE_LIST_FIELDS, compiled_release, record, versioned_release
from tests.support.transparency import package_schema


def rel(n: int, date: str, tag: str = "tenderUpdate", **body: Any) -> dict[str, Any]:
    return {"ocid": "ocds-x-1", "id": f"r{n}", "date": date, "tag": [tag], **body}


R1 = rel(1, "2026-01-01T00:00:00Z", "tender", tender={"id": "t", "title": "Old", "status": "active",
         "lots": [{"id": "1", "title": "Lot one"}, {"id": "2", "title": "Lot two"}]})  # fmt: skip
R2 = rel(2, "2026-02-01T00:00:00Z", tender={"title": "New", "lots": [{"id": "2", "status": "cancelled"}]})


def test_objects_merge_field_by_field_and_the_latest_value_wins() -> None:
    compiled = compiled_release([R1, R2])
    assert compiled["tender"]["id"] == "t" and compiled["tender"]["title"] == "New"
    assert compiled["tender"]["status"] == "active"


def test_arrays_of_objects_with_ids_merge_by_identifier() -> None:
    compiled = compiled_release([R1, R2])
    assert compiled["tender"]["lots"] == [
        {"id": "1", "title": "Lot one"},
        {"id": "2", "title": "Lot two", "status": "cancelled"},
    ]


def test_an_object_with_a_new_id_is_appended() -> None:
    r3 = rel(3, "2026-03-01T00:00:00Z", tender={"lots": [{"id": "3", "title": "Lot three"}]})
    assert [lot["id"] for lot in compiled_release([R1, r3])["tender"]["lots"]] == ["1", "2", "3"]


def test_arrays_of_strings_and_of_objects_without_ids_replace_the_earlier_value() -> None:
    a = rel(1, "2026-01-01T00:00:00Z", tender={"submissionMethod": ["electronicSubmission", "written"],
            "milestones": [{"title": "no id"}, {"title": "none either"}]})  # fmt: skip
    b = rel(2, "2026-02-01T00:00:00Z", tender={"submissionMethod": ["inPerson"], "milestones": [{"title": "x"}]})
    compiled = compiled_release([a, b])
    assert compiled["tender"]["submissionMethod"] == ["inPerson"]
    assert compiled["tender"]["milestones"] == [{"title": "x"}]


def test_whole_list_merge_fields_replace_even_with_ids() -> None:
    a = rel(1, "2026-01-01T00:00:00Z", tender={"items": [{"id": "1", "additionalClassifications": [
        {"scheme": "CPV", "id": "85311300"}, {"scheme": "CPV", "id": "85311000"}]}]})  # fmt: skip
    b = rel(2, "2026-02-01T00:00:00Z", tender={"items": [{"id": "1", "additionalClassifications": [
        {"scheme": "CPV", "id": "80340000"}]}]})  # fmt: skip
    assert compiled_release([a, b])["tender"]["items"][0]["additionalClassifications"] == [
        {"scheme": "CPV", "id": "80340000"}
    ]


def test_whole_list_fields_are_those_the_schema_marks() -> None:
    marked: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.get("properties", {}).items():
                if isinstance(value, dict) and value.get("wholeListMerge"):
                    marked.add(key)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(package_schema())
    assert marked == WHOLE_LIST_FIELDS


def test_null_removes_a_field() -> None:
    b = rel(2, "2026-02-01T00:00:00Z", tender={"title": None, "lots": [{"id": "1", "title": None}]})
    compiled = compiled_release([R1, b])
    assert "title" not in compiled["tender"]
    assert compiled["tender"]["lots"][0] == {"id": "1"}


def test_releases_merge_in_date_order_whatever_order_they_come_in() -> None:
    assert compiled_release([R2, R1]) == compiled_release([R1, R2])


def test_the_compiled_release_has_its_own_id_and_the_compiled_tag_and_the_latest_date() -> None:
    compiled = compiled_release([R1, R2])
    assert compiled["tag"] == ["compiled"]
    assert compiled["id"] == "ocds-x-1-2026-02-01T00:00:00Z" and compiled["date"] == "2026-02-01T00:00:00Z"


def test_a_record_needs_a_release() -> None:
    with pytest.raises(ValueError, match="at least one release"):
        compiled_release([])


def test_the_versioned_release_lists_a_value_again_only_when_it_changed() -> None:
    same = rel(3, "2026-03-01T00:00:00Z", tender={"title": "New"})
    versioned = versioned_release([R1, R2, same])
    assert [(v["releaseID"], v["value"]) for v in versioned["tender"]["title"]] == [("r1", "Old"), ("r2", "New")]
    assert versioned["tender"]["title"][0]["releaseTag"] == ["tender"]
    lot_two = versioned["tender"]["lots"][1]
    assert lot_two["id"] == "2" and [v["value"] for v in lot_two["status"]] == ["cancelled"]
    assert versioned["ocid"] == "ocds-x-1"


def test_a_record_holds_the_releases_the_compiled_and_the_versioned_release() -> None:
    out = record("ocds-x-1", [R1, R2])
    assert out["ocid"] == "ocds-x-1" and out["releases"] == [R1, R2]
    assert out["compiledRelease"] == compiled_release([R1, R2])
    assert out["versionedRelease"] == versioned_release([R1, R2])
    linked = record("ocds-x-1", [R1, R2], ["https://x/r1", "https://x/r2"])
    assert linked["releases"][1] == {"url": "https://x/r2", "date": R2["date"], "tag": ["tenderUpdate"]}
