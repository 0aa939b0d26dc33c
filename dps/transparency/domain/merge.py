"""Records compiled from releases by the OCDS 1.1 merge rules (our own implementation).

The rules (OCDS 1.1 "Merging", standard.open-contracting.org/1.1/en/schema/merging/):
- releases are merged in date order; fields marked `omitWhenMerged` (the release `tag`, and the
  release `id`) are left out; the compiled release gets `tag: ["compiled"]` and an id of its own;
- objects merge field by field, recursively;
- an array of objects that all have an `id` merges by identifier: an object whose id is new is
  appended, one whose id is known is merged into the earlier one;
- every other array, and the arrays the schema marks `wholeListMerge`, replaces the earlier value
  whole;
- a `null` value removes the field.
The versioned release keeps, for every field, the list of values it took, each with the release
that set it (a value is listed again only when it changed).
"""

from __future__ import annotations

import copy
from typing import Any

Json = dict[str, Any]

# Fields whose arrays the compiled schema marks `wholeListMerge` (the test checks this against
# the schema), matched by field name: none of these names has another meaning in the schema.
WHOLE_LIST_FIELDS = frozenset(
    {
        "rationaleClassifications",
        "criteria",
        "numbers",
        "buyerClassificationRestrictions",
        "buyerLocationRestrictions",
        "additionalClassifications",
        "deliveryAddresses",
        "deliveryLocations",
        "identifiers",
        "additionalIdentifiers",
    }
)
OMIT_WHEN_MERGED = frozenset({"tag", "id"})  # at the release's top level only


def _identified(key: str, value: list[Any]) -> bool:
    return (
        key not in WHOLE_LIST_FIELDS
        and bool(value)
        and all(isinstance(item, dict) and item.get("id") is not None for item in value)
    )


def _merge_object(target: Json, source: Json) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _merge_object(current, value)
        elif isinstance(value, list) and _identified(key, value):
            current_list = target.get(key)
            if not isinstance(current_list, list) or not _identified(key, current_list):
                current_list = target[key] = []
            by_id = {str(item["id"]): item for item in current_list}
            for item in value:
                known = by_id.get(str(item["id"]))
                if known is None:
                    known = {}
                    current_list.append(known)
                    by_id[str(item["id"])] = known
                _merge_object(known, item)
        else:
            target[key] = copy.deepcopy(value)


def _in_order(releases: list[Json]) -> list[Json]:
    return sorted(releases, key=lambda r: str(r["date"]))  # RFC 3339 in UTC sorts as text


def compiled_release(releases: list[Json]) -> Json:
    """The current state of a contracting process: its releases merged in date order."""
    if not releases:
        raise ValueError("a record needs at least one release")
    compiled: Json = {}
    for release in _in_order(releases):
        _merge_object(compiled, {k: v for k, v in release.items() if k not in OMIT_WHEN_MERGED})
    compiled["id"] = f"{compiled['ocid']}-{compiled['date']}"
    compiled["tag"] = ["compiled"]
    return compiled


def _version(release: Json, value: Any) -> Json:
    return {
        "releaseID": release["id"],
        "releaseDate": release["date"],
        "releaseTag": release.get("tag", []),
        "value": copy.deepcopy(value),
    }


def _add_versions(target: Json, source: Json, release: Json) -> None:
    for key, value in source.items():
        if isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _add_versions(current, value, release)
        elif isinstance(value, list) and _identified(key, value):
            current_list = target.get(key)
            if not isinstance(current_list, list) or not _item_list(current_list):
                current_list = target[key] = []  # it held a whole value before: merging by id starts afresh
            by_id = {str(item["id"]): item for item in current_list}
            for item in value:
                known = by_id.get(str(item["id"]))
                if known is None:
                    known = {"id": item["id"]}
                    current_list.append(known)
                    by_id[str(item["id"])] = known
                _add_versions(known, {k: v for k, v in item.items() if k != "id"}, release)
        else:
            history = target.get(key)
            if not isinstance(history, list) or _item_list(history):
                # An object, or an array merged by id, replaced whole (e.g. the last of an award's
                # suppliers gone: `suppliers: []`): its history starts again, as the compiled release
                # replaces it whole.
                history = target[key] = []
            if not history or history[-1]["value"] != value:
                history.append(_version(release, value))


def _item_list(current: Any) -> bool:
    """Whether a versioned field holds objects merged by id (each with its `id`), not a value's history."""
    return isinstance(current, list) and all(isinstance(item, dict) and "id" in item for item in current)


def versioned_release(releases: list[Json]) -> Json:
    """Every field's history: the values it took, each with the release that set it."""
    versioned: Json = {}
    for release in _in_order(releases):
        versioned["ocid"] = release["ocid"]
        _add_versions(versioned, {k: v for k, v in release.items() if k not in (*OMIT_WHEN_MERGED, "ocid")}, release)
    return versioned


def record(ocid: str, releases: list[Json], release_urls: list[str] | None = None) -> Json:
    """An OCDS record: the releases (as linked URLs when given), compiled and versioned."""
    listed: list[Any] = (
        [{"url": url, "date": r["date"], "tag": r["tag"]} for url, r in zip(release_urls, releases, strict=True)]
        if release_urls is not None
        else releases
    )
    return {
        "ocid": ocid,
        "releases": listed,
        "compiledRelease": compiled_release(releases),
        "versionedRelease": versioned_release(releases),
    }
