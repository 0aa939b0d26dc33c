"""Offline OCDS validation (jsonschema Draft 4 with a format checker, plus the closed codelists)
against the schema copied into dps/transparency/schema, and helpers of the transparency tests."""

from __future__ import annotations

import csv
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

import dps.transparency

SCHEMA_DIR = Path(dps.transparency.__file__).resolve().parent / "schema"
FORBIDDEN_CHILD_KEYS = {"child", "home_district", "district", "age", "sex", "needs", "child_reference", "profile"}


@cache
def package_schema() -> dict[str, Any]:
    return dict(json.loads((SCHEMA_DIR / "release-package-schema-with-extensions.json").read_text()))


@cache
def _package_validator() -> Draft4Validator:
    return Draft4Validator(package_schema(), format_checker=Draft4Validator.FORMAT_CHECKER)


@cache
def _release_validator() -> Draft4Validator:
    schema = package_schema()
    return Draft4Validator(
        {"$ref": "#/definitions/Release", "definitions": schema["definitions"]},
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )


@cache
def codelist(name: str) -> frozenset[str]:
    with (SCHEMA_DIR / "codelists" / name).open(newline="") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = package_schema()["definitions"][name]
    return node


def _codelist_errors(value: Any, schema: dict[str, Any], path: str) -> list[str]:
    """Values of closed-codelist fields that are not codes of their codelist."""
    schema = _resolve(schema)
    errors: list[str] = []
    if "codelist" in schema and schema.get("openCodelist") is False and value is not None:
        codes = codelist(schema["codelist"])
        for v in value if isinstance(value, list) else [value]:
            if v is not None and v not in codes:
                errors.append(f"{path}: {v!r} is not in the closed codelist {schema['codelist']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key, sub in value.items():
            if key in props:
                errors += _codelist_errors(sub, props[key], f"{path}/{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            errors += _codelist_errors(item, schema["items"], f"{path}/{i}")
    return errors


def release_errors(release: dict[str, Any]) -> list[str]:
    """Every schema, format and closed-codelist error of one release (empty: valid)."""
    errors = [
        f"{release.get('id')}: /{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _release_validator().iter_errors(release)
    ]
    release_schema = package_schema()["definitions"]["Release"]
    return errors + [f"{release.get('id')}: {e}" for e in _codelist_errors(release, release_schema, "")]


def package_errors(package: dict[str, Any]) -> list[str]:
    """Errors of a whole release package (its metadata and every release)."""
    errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _package_validator().iter_errors(package)]
    for release in package.get("releases", []):
        errors += release_errors(release)
    return errors


def keys_of(node: Any) -> set[str]:
    """Every object key anywhere in a JSON value."""
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in keys_of(v)}
    if isinstance(node, list):
        return {k for v in node for k in keys_of(v)}
    return set()


async def all_releases(client: Any) -> list[dict[str, Any]]:
    """Every release the public API lists, following the cursor."""
    out: list[dict[str, Any]] = []
    url: str | None = "/api/v1/ocds/releases?limit=100"
    while url:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        assert package_errors(body) == []
        out += body["releases"]
        url = body.get("links", {}).get("next")
    return out


async def admit_member_audited(ctx: Any, arrangement_id: int, lot_id: int, provider_id: int, started_on: date) -> int:
    """Start an ACTIVE membership the way the decision service does (insert + `membership.started`
    audit event in one transaction), so transparency hears of it; returns the membership id."""
    from dps.core import audit
    from dps.core.db import DB
    from dps.frameworks import repository
    from dps.frameworks.domain.applications import Membership, MembershipStatus

    async with DB.transaction():
        membership = await repository.insert_membership(
            Membership(
                id=0,
                arrangement_id=arrangement_id,
                lot_id=lot_id,
                provider_id=provider_id,
                application_id=None,
                status=MembershipStatus.ACTIVE,
                started_on=started_on,
                status_reason=None,
                version=1,
            )
        )
        await audit.record(ctx, "membership.started", "membership", membership.id, after=membership)
    return membership.id


def system_context(api: Any) -> Any:
    """The app's own system Context (with transparency's listener), for service calls in tests."""
    from dps.core.context import Context

    state = api.app.state
    return Context(None, api.clock, state.settings, state.store, state.changes)
