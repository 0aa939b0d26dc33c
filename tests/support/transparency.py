"""Offline OCDS validation (jsonschema Draft 4 with a format checker, plus the closed codelists)
against the schema copied into dps/transparency/schema, and helpers of the transparency tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
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
    from tests.support import active_membership

    async with DB.transaction():
        membership = await repository.insert_membership(
            active_membership(arrangement_id, lot_id, provider_id, started_on)
        )
        await audit.record(ctx, "membership.started", "membership", membership.id, after=membership)
    return membership.id


def system_context(api: Any) -> Any:
    """The app's own system Context (with transparency's listener), for service calls in tests."""
    from dps.core.context import Context

    state = api.app.state
    return Context(None, api.clock, state.settings, state.store, state.changes, converter=state.get("converter"))


# --- a scene: the story tests' set-up (tests/api/test_call_offs.py), through the public API -----


@dataclass
class Market:
    arrangement_id: int
    lot_id: int
    authority_id: int
    officer: str
    commissioner: str
    evaluators: list[str]
    evaluator_ids: list[int]


async def assign_panel(api: Any, m: Market, call_off_id: int) -> None:
    """The commissioner puts the market's evaluators on the call-off's evaluation panel."""
    response = await api.client.post(
        f"/api/v1/call-offs/{call_off_id}/evaluators",
        json={"evaluator_ids": m.evaluator_ids},
        headers=api.auth(m.commissioner),
    )
    assert response.status_code in (200, 201, 204), response.text


async def market(api: Any, profile: str = "pcr2015_dps", **arrangement: Any) -> Market:
    """A published arrangement led by Bolton (Wigan a member council) with one lot, an officer, a
    commissioner and two evaluators."""
    bolton = await api.authority()
    wigan = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", bolton)
    _, commissioner = await api.staff("commissioner", bolton)
    staff = [await api.staff("evaluator", bolton) for _ in range(2)]
    evaluators = [token for _, token in staff]
    body = {
        "reference": "NW-RES-DPS",
        "title": "North West residential DPS",
        "service_type": "residential",
        "profile_code": profile,
        "member_authority_ids": [wigan],
        "term_start": "2026-11-01",
        "term_end": "2029-02-23" if profile == "pcr2015_dps" else "2029-10-31",
        **arrangement,
    }
    created = await api.client.post("/api/v1/arrangements", json=body, headers=api.auth(officer))
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={"code": "LOT-1", "title": "Children's homes 8-17",
              "age_bands": [{"label": "8-12", "min_age": 8, "max_age": 12}], "need_levels": ["standard", "complex"]},
        headers=api.auth(officer),
    )  # fmt: skip
    assert lot.status_code == 201, lot.text
    return Market(
        arrangement_id, lot.json()["id"], bolton, officer, commissioner, evaluators, [uid for uid, _ in staff]
    )


async def publish(api: Any, m: Market) -> None:
    from tests.support.frameworks import waive_publishing_checks

    await waive_publishing_checks(api, m.officer, m.arrangement_id)
    published = await api.client.post(f"/api/v1/arrangements/{m.arrangement_id}/publish", headers=api.auth(m.officer))
    assert published.status_code == 200, published.text


async def provider_member(api: Any, m: Market, postcode: str) -> tuple[int, str, int, int]:
    """A provider with one setting, admitted to the lot; (provider id, token, setting id, membership id)."""
    provider_id, token = await api.provider()
    setting = await api.setting(provider_id, token, postcode=postcode)
    membership_id = await admit_member_audited(
        system_context(api), m.arrangement_id, m.lot_id, provider_id, date(2026, 11, 20)
    )
    return provider_id, token, int(setting["id"]), membership_id


CHILD = {
    "age": 12,
    "sex": "female",
    "needs": ["autism"],
    "need_level": "complex",
    "home_district": "BL1",
    "education_needs": "EHCP; needs a school place within 30 minutes",
    "risks": "has gone missing twice",
    "placement_type": "long_term",
    "start_date": "2026-12-14",
    "expected_duration_weeks": 52,
}


def call_off_body(m: Market, deadline: datetime) -> dict[str, Any]:
    return {
        "arrangement_id": m.arrangement_id,
        "lot_id": m.lot_id,
        "title": "Girl, 12, long term",
        "child": CHILD,
        "criteria": {
            "min_grade": "good",
            "questions": [{"text": "How will you meet her autism needs?", "max_score": 5, "weight": "100"}],
            "quality_weight": "50",
            "price_weight": "30",
            "proximity_weight": "20",
        },
        "deadline": deadline.isoformat(),
    }


def offer_body(setting_id: int, fee: int) -> dict[str, Any]:
    return {
        "setting_id": setting_id,
        "weekly_fee_pence": fee,
        "additional_services": [{"description": "1:1 education support", "weekly_fee_pence": 35_000}],
        "start_date": "2026-12-14",
        "answers": [{"question_id": 1, "text": f"SECRET-PLAN-{setting_id}: staff trained in autism"}],
    }


# --- every story test's releases validate (tests/api/conftest.py applies this after each test) ---

# The story tests of DESIGN.md's stories 1-9: set-up and admission (1-3), the call-off to the
# placement and its end (4, 9), expiry and concerns (5, 6), the uplift's fee variations (7),
# renewal and refresh (8), moves (9), and the transparency tests themselves.
STORY_MODULES = frozenset(
    {
        "test_frameworks_setup",
        "test_applications",
        "test_memberships",
        "test_call_offs",
        "test_compliance_stories",
        "test_compliance_renewal",
        "test_contracts_placements",
        "test_pricing",
        "test_deadlines",
        "test_placements",
        "test_transparency",
        "test_transparency_moves",
        "test_transparency_fees",
    }
)


async def releases_written(client: Any) -> list[dict[str, Any]]:
    """Every release in the database, through the public bulk feed."""
    response = await client.get("/api/v1/ocds/releases.jsonl")
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


async def assert_releases_valid(client: Any) -> int:
    """Every release written validates (schema, formats, closed codelists) and holds no child key;
    the record of each process is the merge of its releases. Returns how many were checked."""
    from dps.transparency.domain.merge import compiled_release

    releases = await releases_written(client)
    assert [e for r in releases for e in release_errors(r)] == []
    assert keys_of(releases) & FORBIDDEN_CHILD_KEYS == set()
    for ocid in sorted({r["ocid"] for r in releases}):
        record = await client.get(f"/api/v1/ocds/records/{ocid}")
        assert record.status_code == 200, record.text
        [rec] = record.json()["records"]
        assert rec["compiledRelease"] == compiled_release([r for r in releases if r["ocid"] == ocid])
        assert release_errors(rec["compiledRelease"]) == []
    return len(releases)
