"""The scene of the permission matrix (tests/api/test_permission_matrix.py): one of every kind of
record, built once through the API, and the callers who probe it.

Bolton leads a published residential DPS with two lots that Wigan joins; Leeds takes no part. One
provider ("the member") holds a place on LOT-1, applies to LOT-2 and wins a Wigan call-off; another
provider has no part in any of it. Every id the matrix puts in a path names a row of this scene."""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass, field
from typing import Any

import msgspec
from httpx import Response

from tests.support import PASSWORD, Api, admit_member, pdfs
from tests.support.contracts import load_templates

START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)  # a Monday, as tests/conftest.py's clock
ARRANGEMENTS = "/api/v1/arrangements"
CALL_OFFS = "/api/v1/call-offs"

# Who probes: anonymous, a provider with no part, and every role of a council outside the arrangement.
OUTSIDE_COUNCIL = ("out_officer", "out_evaluator", "out_commissioner", "out_legal")
OUTSIDERS = ("anonymous", "other_provider", *OUTSIDE_COUNCIL)

# scene key -> the table whose row it names (existence is proved in the database)
TABLES = {
    "authority": "authorities",
    "provider": "providers",
    "other_provider": "providers",
    "setting": "provider_settings",
    "user": "users",
    "document": "documents",
    "arrangement": "arrangements",
    "lot": "lots",
    "lot2": "lots",
    "question": "questions",
    "clarification": "clarifications",
    "price_band": "price_bands",
    "additional_service": "additional_services",
    "requirement": "compliance_requirements",
    "application": "applications",
    "membership": "memberships",
    "evidence": "compliance_evidence",
    "visit": "quality_visits",
    "action_item": "action_plan_items",
    "concern": "concerns",
    "rate_card": "rate_cards",
    "rate_card_line": "rate_card_lines",
    "uplift": "uplifts",
    "call_off": "call_offs",
    "call_off_clarification": "call_off_clarifications",
    "offer": "offers",
    "evaluator": "users",
    "placement": "placements",
    "contract": "contracts",
    "template_version": "contract_template_versions",
    "notification": "notifications",
    "notice": "transparency_notices",
}


@dataclass
class Scene:
    ids: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # path parameters that are not row ids
    tokens: dict[str, str | None] = field(default_factory=lambda: {"anonymous": None})

    def headers(self, caller: str) -> dict[str, str]:
        token = self.tokens[caller]
        return {} if token is None else {"Authorization": f"Bearer {token}"}


def created(response: Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json()) if response.content else {}


async def invite_provider_user(api: Api, provider_id: int) -> str:
    """A provider_user of `provider_id`, invited by the platform admin; returns their token."""
    email = f"user{provider_id}@provider.test"
    body = created(
        await api.client.post(
            "/api/v1/users",
            json={"email": email, "full_name": "Provider User", "role": "provider_user", "provider_id": provider_id},
            headers=api.auth(await api.admin()),
        )
    )
    created(
        await api.client.post(
            "/api/v1/auth/accept-invitation",
            json={"invitation_token": body["invitation_token"], "password": PASSWORD},
        ),
        200,
    )
    return await api.login(email)


async def build_scene(api: Api) -> Scene:
    """Every kind of record, once (see the module docstring)."""
    s = Scene()
    ids, tok = s.ids, s.tokens
    auth = api.auth
    await load_templates(api)
    tok["admin"] = await api.admin()
    bolton = await api.authority("Bolton Council", "E08000001")
    wigan = await api.authority("Wigan Council", "E08000010")
    leeds = await api.authority("Leeds City Council", "E08000035")
    ids["authority"] = bolton
    for prefix, authority in (("lead", bolton), ("member", wigan), ("out", leeds)):
        for short, role in (
            ("officer", "procurement_officer"),
            ("evaluator", "evaluator"),
            ("commissioner", "commissioner"),
            ("legal", "legal_officer"),
        ):
            user_id, tok[f"{prefix}_{short}"] = await api.staff(role, authority)
            ids[f"{prefix}_{short}_user"] = user_id
    officer, commissioner = auth(tok["lead_officer"]), auth(tok["member_commissioner"])

    # The arrangement: two lots, a question, a requirement, a price band, an additional service.
    arrangement = created(
        await api.client.post(
            ARRANGEMENTS,
            json={"reference": "NW-RES-DPS", "title": "North West residential DPS", "service_type": "residential",
                  "profile_code": "pcr2015_dps", "term_start": "2026-11-01", "term_end": "2029-02-23",
                  "member_authority_ids": [wigan]},
            headers=officer,
        )
    )  # fmt: skip
    aid = ids["arrangement"] = arrangement["id"]
    lots = []
    for code in ("LOT-1", "LOT-2"):
        lot = created(
            await api.client.post(
                f"{ARRANGEMENTS}/{aid}/lots",
                json={"code": code, "title": f"Children's homes 8-17 ({code})",
                      "age_bands": [{"label": "8-12", "min_age": 8, "max_age": 12}],
                      "need_levels": ["complex"]},
                headers=officer,
            )
        )  # fmt: skip
        lots.append(lot["id"])
    ids["lot"], ids["lot2"] = lots
    ids["question"] = created(
        await api.client.post(
            f"{ARRANGEMENTS}/{aid}/questions",
            json={"section": "Quality", "position": 1, "text": "How do you keep children safe?", "kind": "scored",
                  "max_score": 5, "weight": "100"},
            headers=officer,
        )
    )["id"]  # fmt: skip
    ids["requirement"] = created(
        await api.client.post(
            f"/api/v1/compliance/arrangements/{aid}/requirements",
            json={"kind": "insurance", "title": "Employer's liability GBP 10m",
                  "insurance_kind": "employers_liability", "min_cover_pence": 1_000_000_000},
            headers=officer,
        )
    )["id"]  # fmt: skip
    for lot_id in lots:  # every lot is priced before the arrangement opens
        band = created(
            await api.client.post(
                f"{ARRANGEMENTS}/{aid}/price-bands",
                json={"lot_id": lot_id, "age_band": "8-12", "need_level": "complex", "floor_pence": 100_000,
                      "ceiling_pence": 130_000, "effective_from": "2026-11-01"},
                headers=officer,
            )
        )  # fmt: skip
        ids.setdefault("price_band", band["id"])
    created(await api.client.post(f"{ARRANGEMENTS}/{aid}/publish", headers=officer), 200)
    ids["additional_service"] = created(
        await api.client.post(
            f"{ARRANGEMENTS}/{aid}/additional-services",
            json={"code": "1-1", "name": "1:1 support", "unit": "hour"},
            headers=officer,
        )
    )["id"]

    # The member provider (admin and user), its home, its place on LOT-1; the provider with no part.
    pid, tok["provider_admin"] = await api.provider("Northern Homes Ltd", postcode="M1 1AE")
    ids["provider"] = pid
    tok["provider_user"] = await invite_provider_user(api, pid)
    provider = auth(tok["provider_admin"])
    ids["setting"] = (await api.setting(pid, tok["provider_admin"], name="Ty'r Bryn House", postcode="M5 4WT"))["id"]
    ids["membership"] = await admit_member(aid, ids["lot"], pid, dt.date(2026, 11, 1))
    other_id, tok["other_provider"] = await api.provider("Unconnected Care Ltd", postcode="LS1 1UR")
    ids["other_provider"] = other_id
    ids["user"] = ids["lead_evaluator_user"]

    # Evidence: an uploaded certificate attached to the requirement.
    ids["document"] = created(
        await api.client.post(
            "/api/v1/documents",
            files={"file": ("certificate.pdf", pdfs.insurance_schedule(), "application/pdf")},
            data={"document_type": "insurance_certificate"},
            headers=provider,
        )
    )["id"]
    ids["evidence"] = created(
        await api.client.post(
            "/api/v1/compliance/evidence",
            json={"requirement_id": ids["requirement"], "document_id": ids["document"], "issuer": "Insurer plc",
                  "starts_on": "2026-04-01", "expires_on": "2027-03-31", "cover_pence": 1_000_000_000},
            headers=provider,
        )
    )["id"]  # fmt: skip

    # A clarification on the arrangement, an application to LOT-2 under evaluation.
    ids["clarification"] = created(
        await api.client.post(
            f"{ARRANGEMENTS}/{aid}/clarifications", json={"question": "Is LOT-2 open now?"}, headers=provider
        )
    )["id"]
    application = created(
        await api.client.post("/api/v1/applications", json={"arrangement_id": aid, "lot_ids": [ids["lot2"]]},
                              headers=provider)
    )  # fmt: skip
    app_url = f"/api/v1/applications/{application['id']}"
    ids["application"] = application["id"]
    created(
        await api.client.patch(
            app_url,
            json={"answers": [{"question_id": ids["question"], "value": "Safer recruitment, trained staff"}]},
            headers={**provider, "If-Match": '"1"'},
        ),
        200,
    )
    created(await api.client.post(f"{app_url}/submit", headers=provider), 200)
    created(
        await api.client.post(
            f"{app_url}/evaluators", json={"evaluator_ids": [ids["lead_evaluator_user"]]}, headers=officer
        ),
        200,
    )
    evaluator = auth(tok["lead_evaluator"])
    created(
        await api.client.post(f"{app_url}/evaluations/declaration", json={"has_conflict": False}, headers=evaluator),
        200,
    )
    created(
        await api.client.put(
            f"{app_url}/evaluations/marks",
            json={"marks": [{"question_id": ids["question"], "score": 4, "rationale": "clear"}]},
            headers=evaluator,
        ),
        200,
    )

    # A quality visit (Form B) with an action item; a concern Wigan issued.
    visit = created(
        await api.client.post(
            f"/api/v1/compliance/settings/{ids['setting']}/visits",
            json={"form": "B", "visited_on": "2026-11-10", "summary": "Verification visit",
                  "checklist": [{"item": "Fire risk assessment in date", "verified": False}],
                  "findings": [{"finding": "Renew the fire risk assessment", "owner": "Registered manager",
                                "due_on": "2026-12-10"}]},
            headers=officer,
        )
    )  # fmt: skip
    ids["visit"] = visit["id"]
    ids["action_item"] = visit["actions"][0]["id"]
    concern = created(
        await api.client.post(
            "/api/v1/concerns",
            json={"provider_id": pid, "setting_id": ids["setting"], "category": "safeguarding",
                  "arrangement_ids": [aid], "summary": "Staffing below the agreed ratio at night",
                  "actions_taken": "Provider asked for a staffing plan", "review_on": "2027-01-15",
                  "suspends_call_offs": False},
            headers=commissioner,
        )
    )  # fmt: skip
    ids["concern"] = concern["id"]
    created(await api.client.post(f"/api/v1/concerns/{concern['id']}/issue", headers=commissioner), 200)

    # A rate card (proposed, above the ceiling so its line needs an exception) and an uplift.
    card = created(
        await api.client.post(
            "/api/v1/rate-cards",
            json={"lot_id": ids["lot"], "effective_from": "2026-11-01",
                  "lines": [{"age_band": "8-12", "need_level": "complex", "weekly_price_pence": 140_000,
                             "exception_justification": "1:1 staffing at night"}]},
            headers=provider,
        )
    )  # fmt: skip
    ids["rate_card"] = card["id"]
    ids["rate_card_line"] = card["lines"][0]["id"]
    ids["uplift"] = created(
        await api.client.post(
            "/api/v1/uplifts",
            json={"arrangement_id": aid, "description": "April 2027 uplift", "effective_on": "2027-04-01",
                  "method": "flat", "flat_percentage": "3.8"},
            headers=officer,
        )
    )["id"]  # fmt: skip

    # Wigan's call-off: a clarification, the member's offer, marked, awarded; the placement.
    deadline = api.clock.now() + dt.timedelta(days=10)
    call_off = created(
        await api.client.post(
            CALL_OFFS,
            json={"arrangement_id": aid, "lot_id": ids["lot"], "title": "Placement request 1",
                  "child": {"age": 12, "sex": "male", "needs": ["autism"], "need_level": "complex",
                            "home_district": "WN1", "education_needs": "EHCP", "risks": "none known",
                            "placement_type": "long_term", "start_date": "2026-12-14",
                            "expected_duration_weeks": 52},
                  "criteria": {"questions": [{"text": "How will you meet his needs?", "max_score": 5,
                                              "weight": "100"}],
                               "quality_weight": "60", "price_weight": "30", "proximity_weight": "10"},
                  "deadline": deadline.isoformat()},
            headers=commissioner,
        )
    )  # fmt: skip
    cid = ids["call_off"] = call_off["id"]
    created(await api.client.post(f"{CALL_OFFS}/{cid}/publish", headers=commissioner), 200)
    ids["call_off_clarification"] = created(
        await api.client.post(
            f"{CALL_OFFS}/{cid}/clarifications", json={"question": "Is a school place arranged?"}, headers=provider
        )
    )["id"]
    offer = created(
        await api.client.post(
            f"{CALL_OFFS}/{cid}/offers",
            json={"setting_id": ids["setting"], "weekly_fee_pence": 125_000, "additional_services": [],
                  "start_date": "2026-12-14", "answers": [{"question_id": 1, "text": "A keyworker trained in autism"}]},
            headers=provider,
        )
    )  # fmt: skip
    ids["offer"] = offer["id"]
    api.clock.set(deadline + dt.timedelta(seconds=1))
    ids["evaluator"] = ids["member_evaluator_user"]
    created(
        await api.client.post(
            f"{CALL_OFFS}/{cid}/evaluators", json={"evaluator_ids": [ids["evaluator"]]}, headers=commissioner
        ),
        200,
    )
    created(
        await api.client.post(
            f"{CALL_OFFS}/{cid}/offers/{offer['id']}/marks",
            json={"marks": [{"question_id": 1, "score": 4, "rationale": "clear plan"}]},
            headers=auth(tok["member_evaluator"]),
        ),
        204,
    )
    created(await api.client.post(f"{CALL_OFFS}/{cid}/evaluate", headers=commissioner), 200)
    created(
        await api.client.post(f"{CALL_OFFS}/{cid}/award", json={"offer_id": offer["id"]}, headers=commissioner), 200
    )
    placements = created(await api.client.get("/api/v1/placements", headers=commissioner), 200)["items"]
    ids["placement"] = next(p["id"] for p in placements if p["call_off_id"] == cid)

    # The placement's IPA (Wigan's contract) and a template version.
    contract = created(
        await api.client.post(
            "/api/v1/contracts/placement-agreements", json={"placement_id": ids["placement"]}, headers=commissioner
        )
    )
    ids["contract"] = contract["id"]
    ids["template_version"] = contract["template_version_id"]

    # A notification addressed to the member provider.
    notifications = created(await api.client.get("/api/v1/notifications", headers=provider), 200)["items"]
    assert notifications, "the member provider has been told of something"
    ids["notification"] = notifications[0]["id"]

    # Transparency (when this build has it): the arrangement's first notice, its OCDS record.
    if await _scalar("SELECT to_regclass('transparency_notices') IS NOT NULL"):
        ids["notice"] = await _scalar("SELECT min(id) FROM transparency_notices")
        s.texts["ocid"] = str(await _scalar("SELECT min(ocid) FROM ocds_releases"))
    return s


# --- bodies ---------------------------------------------------------------------------------------
# A refused caller must be refused for who they are, not for the shape of what they sent: every
# write gets a body its Struct accepts. Generated from the handler's `data` type (smallest valid
# value of each required field); a rule may override fields the generator cannot guess.


def example_body(data_type: Any, overrides: dict[str, Any] | None = None) -> Any:
    """The smallest JSON value `data_type` (a msgspec Struct) accepts, with `overrides` applied."""
    value = _value(msgspec.inspect.type_info(data_type), None)
    if overrides and isinstance(value, dict):
        value.update(overrides)
    return value


def _value(t: msgspec.inspect.Type, examples: list[Any] | None) -> Any:
    inspect = msgspec.inspect
    if isinstance(t, inspect.Metadata):
        extra = t.extra_json_schema or {}
        return _value(t.type, extra.get("examples") or examples)
    if examples:
        return examples[0]
    if isinstance(t, inspect.StructType):
        return {f.encode_name: _value(f.type, None) for f in t.fields if f.required}
    if isinstance(t, inspect.UnionType):
        if any(isinstance(x, inspect.NoneType) for x in t.types):
            return None
        return _value(t.types[0], None)
    if isinstance(t, inspect.StrType):
        return "x" * max(t.min_length or 1, 1)
    if isinstance(t, inspect.BoolType):
        return False
    if isinstance(t, inspect.IntType):
        low = t.ge if t.ge is not None else (t.gt + 1 if t.gt is not None else 1)
        return max(low, 1) if t.le is None or t.le >= 1 else low
    if isinstance(t, inspect.FloatType | inspect.DecimalType):
        return "1"
    if isinstance(t, inspect.EnumType):
        member: enum.Enum = next(iter(t.cls))  # type: ignore[call-overload]
        return member.value
    if isinstance(t, inspect.LiteralType):
        return t.values[0]
    if isinstance(t, inspect.ListType | inspect.SetType | inspect.FrozenSetType | inspect.VarTupleType):
        return [_value(t.item_type, None) for _ in range(t.min_length or 0)]
    if isinstance(t, inspect.DateType):
        return "2027-01-04"
    if isinstance(t, inspect.DateTimeType):
        return "2027-01-04T09:00:00Z"
    if isinstance(t, inspect.DictType):
        return {}
    if isinstance(t, inspect.AnyType):
        return "x"
    raise TypeError(f"no example for {t!r}: give the rule a body")


async def truncate_everything() -> None:
    """Empty every table (as tests/conftest.py's clean_database does, once for a whole module)."""
    from piccolo.querystring import QueryString

    from dps.core import db

    rows = await db.DB.run_querystring(
        QueryString("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'")
    )
    names = ", ".join(f'"{r["tablename"]}"' for r in rows)
    guarded = [r["tablename"] for r in rows if r["tablename"] in db.AUDIT_TABLES]
    async with db.DB.transaction():
        for table in guarded:
            await db.DB.run_querystring(QueryString(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate"))
        await db.DB.run_querystring(QueryString(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for table in guarded:
            await db.DB.run_querystring(QueryString(f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate"))


# --- the database, read directly (table names come from TABLES and pg_tables, never from input) ---


async def _scalar(sql: str, *args: object) -> Any:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    rows = await DB.run_querystring(QueryString(sql, *args))
    return next(iter(rows[0].values())) if rows else None


async def row_exists(table: str, row_id: int) -> bool:
    return bool(await _scalar(f"SELECT count(*) FROM {table} WHERE id = {{}}", row_id))  # noqa: S608


async def row_version(table: str, row_id: int) -> str | None:
    """The row's `version` (for If-Match), or None when its table has none."""
    return await _scalar(f"SELECT to_jsonb(t) ->> 'version' FROM {table} t WHERE id = {{}}", row_id)  # noqa: S608


_tables: list[str] = []


async def fingerprint(rows: list[tuple[str, int]]) -> tuple[Any, ...]:
    """The row count of every table, the audit trail's length and the named rows, as JSON: equal
    before and after means nothing was written (sign-in tokens aside: every request touches them)."""
    if not _tables:
        names = await _scalar(
            "SELECT json_agg(tablename ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT IN ('migration', 'auth_tokens')"
        )
        _tables.extend(json.loads(str(names)))
    counts = await _scalar(
        "SELECT json_agg(n)::text FROM ("  # noqa: S608
        + " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in _tables)  # noqa: S608
        + ") c"
    )
    named = [
        await _scalar(f"SELECT row_to_json(t)::text FROM {table} t WHERE id = {{}}", row_id)  # noqa: S608
        for table, row_id in rows
    ]
    return counts, named
