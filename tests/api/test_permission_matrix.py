"""The permission matrix (issue 13, "Done means"; item 10): every /api/v1 route with a parameter in
its path, called by those who may not use it - anonymous, a provider with no part, each role of a
council outside the arrangement, and the lower roles of the owning organisation - is refused with
problem+json and a stable code, reveals no more than the caller may know (404 where the caller may
not know the record exists; 403 only where the record is visible to it, or where the refusal is by
role alone and a missing id gets the same answer), and changes nothing.

Every route needs its entry in RULES: a route added without one fails test_every_route_has_a_rule.
The scene (tests/support/matrix.py) is built once for the module."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from dps.app import create_app
from dps.core.clock import FixedClock
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from tests.support import Api, scalar
from tests.support.contracts import NO_LIBREOFFICE
from tests.support.matrix import (
    OUTSIDE_COUNCIL,
    START,
    TABLES,
    Scene,
    build_scene,
    example_body,
    fingerprint,
    row_exists,
    row_version,
    truncate_everything,
)

MISSING = 987_654
REFUSALS = {"unauthenticated", "permission_denied", "not_found"}
TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "contracts" / "placement_residential.docx"
ARRANGEMENT_WRITE = ("lead_evaluator", "lead_commissioner", "lead_legal")  # the lead council, below officer
CALL_OFF_STAFF = ("member_evaluator", "member_legal", "member_officer")  # Wigan, below its commissioner
COUNCIL = OUTSIDE_COUNCIL
EVERYONE = ("other_provider", *OUTSIDE_COUNCIL)
NON_OFFICERS = ("other_provider", "out_evaluator", "out_commissioner", "out_legal")

# Which scene record fills each path parameter (a rule may say otherwise).
PARAMS = {
    "authority_id": "authority", "provider_id": "provider", "setting_id": "setting", "user_id": "user",
    "document_id": "document", "arrangement_id": "arrangement", "lot_id": "lot", "question_id": "question",
    "clarification_id": "clarification", "band_id": "price_band", "requirement_id": "requirement",
    "application_id": "application", "membership_id": "membership", "evidence_id": "evidence",
    "action_id": "action_item", "concern_id": "concern", "card_id": "rate_card", "line_id": "rate_card_line",
    "uplift_id": "uplift", "call_off_id": "call_off", "offer_id": "offer", "evaluator_id": "evaluator",
    "placement_id": "placement", "contract_id": "contract", "version_id": "template_version",
    "notification_id": "notification", "service_id": "additional_service", "notice_id": "notice",
}  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """Who may call a route, and how everyone else is refused.

    allowed: callers who may (a GET is called as the first of them: its 2xx proves the ids are real);
    lower: roles of the owning organisation that the route refuses (403: they see the record);
    hidden: users of the owning organisation to whom the record is not visible (404);
    sees: outside callers to whom the record is visible (403 rather than 404);
    by_role: outside callers refused for their role whatever the id (403, or 404; a missing id must get
      the same answer);
    every other outside caller gets 404, anonymous 401. hole: a known failure (xfail strict)."""

    allowed: tuple[str, ...]
    lower: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    sees: tuple[str, ...] = ()
    by_role: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    files: bool = False
    if_match: str | None = None  # the scene record whose version goes in If-Match (default: the target)
    codes: dict[str, str] = field(default_factory=dict)  # caller -> stable code other than the usual
    hole: str | None = None

    def outsiders(self) -> list[str]:
        return [c for c in ("anonymous", *EVERYONE) if c not in self.allowed]

    def expected(self, caller: str) -> tuple[int, str]:
        if caller == "anonymous":
            return 401, "unauthenticated"
        status = 403 if caller in (*self.lower, *self.sees, *self.by_role) else 404
        return status, self.codes.get(caller, "permission_denied" if status == 403 else "not_found")


PROVIDER = ("provider_admin", "provider_user")
LEAD = ("lead_officer", "lead_evaluator", "lead_commissioner", "lead_legal")
MEMBER = ("member_commissioner", "member_evaluator", "member_legal", "member_officer")
COUNCILS_IN = (*LEAD, *MEMBER)
NO_ARRANGEMENT = "no_arrangement_with_provider"

NOTICE = Rule(  # the lead council files its notices
    ("lead_officer", "lead_commissioner", "lead_legal"),
    lower=("lead_evaluator",),
    by_role=("other_provider", "out_evaluator"),
)

A = "/arrangements/{arrangement_id:int}"
LEAD_ONLY = Rule(("lead_officer",), lower=ARRANGEMENT_WRITE, sees=EVERYONE)
ARRANGEMENT_READ = Rule((*LEAD, *PROVIDER, "other_provider"), sees=COUNCIL)
CALL_OFF_WRITE = Rule(("member_commissioner",), lower=CALL_OFF_STAFF)
OFFER_WRITE = Rule(PROVIDER, by_role=COUNCIL)
ISSUER = Rule(  # the issuing council's commissioner and officer
    ("member_commissioner", "member_officer"),
    lower=("member_evaluator", "member_legal"),
    codes=dict.fromkeys(("member_evaluator", "member_legal"), "not_issuing_authority"),
)
CONTRACT_READ = Rule(("member_commissioner", "member_legal", "provider_admin"), lower=("member_evaluator",))
# An evaluator's own assignment: the lead's other staff see the application but hold no assignment.
EVALUATOR_OWN = Rule(("lead_evaluator",), hidden=("lead_officer", "lead_commissioner", "lead_legal"))
CONTRACT_WRITE = Rule(("member_legal",), lower=("member_evaluator",))

RULES: dict[tuple[str, str], Rule] = {
    # accounts: authorities are public to anyone signed in; providers and their settings to every
    # council (the regional database) and, as a public register, known to other providers.
    ("GET", "/authorities/{authority_id:int}"): Rule(("lead_officer", *EVERYONE)),
    ("GET", "/providers/{provider_id:int}"): Rule((*PROVIDER, *COUNCIL), sees=("other_provider",)),
    ("PATCH", "/providers/{provider_id:int}"): Rule(
        ("provider_admin",), lower=("provider_user",), sees=EVERYONE, body={"trading_name": "Northern Homes"}
    ),
    ("GET", "/providers/{provider_id:int}/settings"): Rule((*PROVIDER, *COUNCIL), sees=("other_provider",)),
    ("POST", "/providers/{provider_id:int}/settings"): Rule(PROVIDER, sees=EVERYONE),
    ("GET", "/providers/{provider_id:int}/settings/{setting_id:int}"): Rule(
        (*PROVIDER, *COUNCIL), sees=("other_provider",)
    ),
    ("PATCH", "/providers/{provider_id:int}/settings/{setting_id:int}"): Rule(
        PROVIDER, sees=EVERYONE, body={"capacity": 5}
    ),
    ("GET", "/users/{user_id:int}"): Rule(("lead_officer", "admin")),
    ("POST", "/users/{user_id:int}/disable"): Rule(("admin",), lower=("lead_officer",)),
    ("GET", "/documents/{document_id:int}"): Rule((*PROVIDER, *COUNCILS_IN)),
    ("GET", "/documents/{document_id:int}/content"): Rule((*PROVIDER, *COUNCILS_IN)),
    # frameworks: a published arrangement and what hangs off it are visible; its lead's officer acts.
    ("GET", A): ARRANGEMENT_READ,
    ("PATCH", A): Rule(("lead_officer",), lower=ARRANGEMENT_WRITE, sees=EVERYONE, body={"title": "NW DPS"}),
    ("POST", f"{A}/publish"): LEAD_ONLY,
    ("POST", f"{A}/close"): LEAD_ONLY,
    ("POST", f"{A}/suspend"): LEAD_ONLY,
    ("POST", f"{A}/resume"): LEAD_ONLY,
    ("GET", f"{A}/lots"): ARRANGEMENT_READ,
    ("POST", f"{A}/lots"): LEAD_ONLY,
    ("PATCH", f"{A}/lots/{{lot_id:int}}"): LEAD_ONLY,
    ("GET", f"{A}/questions"): ARRANGEMENT_READ,
    ("POST", f"{A}/questions"): LEAD_ONLY,
    ("PATCH", f"{A}/questions/{{question_id:int}}"): LEAD_ONLY,
    ("GET", f"{A}/clarifications"): Rule(  # any provider reads the published answers
        ("lead_officer", *PROVIDER, "other_provider"), lower=ARRANGEMENT_WRITE, sees=COUNCIL
    ),
    ("POST", f"{A}/clarifications"): Rule((*PROVIDER, "other_provider"), by_role=COUNCIL),
    ("POST", "/clarifications/{clarification_id:int}/answer"): Rule(("lead_officer",), lower=ARRANGEMENT_WRITE),
    ("GET", "/applications/{application_id:int}"): Rule(
        ("provider_admin", "lead_officer", "lead_evaluator"), lower=("lead_commissioner",)
    ),
    ("PATCH", "/applications/{application_id:int}"): Rule(PROVIDER, by_role=COUNCIL),
    ("POST", "/applications/{application_id:int}/submit"): Rule(PROVIDER, by_role=COUNCIL),
    ("POST", "/applications/{application_id:int}/withdraw"): Rule(PROVIDER, by_role=COUNCIL),
    ("POST", "/applications/{application_id:int}/extend-decision"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("POST", "/applications/{application_id:int}/evaluators"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("POST", "/applications/{application_id:int}/evaluations/declaration"): EVALUATOR_OWN,
    ("PUT", "/applications/{application_id:int}/evaluations/marks"): EVALUATOR_OWN,
    ("POST", "/applications/{application_id:int}/evaluations/submit"): EVALUATOR_OWN,
    ("GET", "/applications/{application_id:int}/evaluations"): Rule(
        ("lead_officer", "lead_evaluator"), lower=("lead_commissioner", "lead_legal")
    ),
    ("GET", "/applications/{application_id:int}/moderation"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("PUT", "/applications/{application_id:int}/moderation"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("GET", "/applications/{application_id:int}/decision"): Rule(
        ("lead_officer", "provider_admin"), lower=ARRANGEMENT_WRITE
    ),
    ("POST", "/applications/{application_id:int}/decision"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("GET", "/memberships/{membership_id:int}"): Rule((*PROVIDER, *COUNCILS_IN)),
    ("POST", "/memberships/{membership_id:int}/suspend"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("POST", "/memberships/{membership_id:int}/reinstate"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("POST", "/memberships/{membership_id:int}/remove"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, by_role=NON_OFFICERS
    ),
    ("DELETE", f"{A}/additional-services/{{service_id:int}}"): LEAD_ONLY,
    ("POST", f"{A}/additional-services/{{service_id:int}}/withdraw"): LEAD_ONLY,
    ("DELETE", f"{A}/lots/{{lot_id:int}}"): LEAD_ONLY,
    ("POST", f"{A}/lots/{{lot_id:int}}/withdraw"): LEAD_ONLY,
    ("DELETE", f"{A}/price-bands/{{band_id:int}}"): LEAD_ONLY,
    ("POST", f"{A}/price-bands/{{band_id:int}}/withdraw"): LEAD_ONLY,
    ("DELETE", f"{A}/questions/{{question_id:int}}"): LEAD_ONLY,
    ("POST", f"{A}/questionnaire-versions"): LEAD_ONLY,
    ("POST", f"{A}/waivers"): LEAD_ONLY,
    ("GET", f"{A}/evaluators"): Rule(("lead_officer",), lower=ARRANGEMENT_WRITE, sees=EVERYONE),
    ("GET", "/contract-templates/approval-policies/{authority_id:int}"): Rule(
        ("lead_legal", "lead_officer"), sees=EVERYONE
    ),
    ("PUT", "/contract-templates/approval-policies/{authority_id:int}"): Rule(
        ("lead_legal",), lower=("lead_evaluator", "lead_commissioner"), sees=EVERYONE
    ),
    ("GET", "/notices/{notice_id:int}"): NOTICE,
    ("POST", "/notices/{notice_id:int}/publish"): NOTICE,
    ("GET", "/ocds/records/{ocid:str}"): Rule(("anonymous", *EVERYONE)),  # published open data
    # pricing
    ("GET", f"{A}/price-bands"): ARRANGEMENT_READ,
    ("POST", f"{A}/price-bands"): LEAD_ONLY,
    ("PATCH", f"{A}/price-bands/{{band_id:int}}"): LEAD_ONLY,
    ("GET", f"{A}/additional-services"): ARRANGEMENT_READ,
    ("POST", f"{A}/additional-services"): LEAD_ONLY,
    ("GET", "/rate-cards/{card_id:int}"): Rule((*PROVIDER, *COUNCILS_IN)),
    ("POST", "/rate-cards/{card_id:int}/approve"): Rule(("lead_officer",), lower=ARRANGEMENT_WRITE),
    ("POST", "/rate-cards/{card_id:int}/reject"): Rule(("lead_officer",), lower=ARRANGEMENT_WRITE),
    ("POST", "/rate-cards/{card_id:int}/lines/{line_id:int}/exception-decision"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, if_match="rate_card"
    ),
    ("GET", "/uplifts/{uplift_id:int}"): Rule((*COUNCILS_IN, "other_provider"), sees=COUNCIL),
    ("GET", "/uplifts/{uplift_id:int}/preview"): LEAD_ONLY,
    ("POST", "/uplifts/{uplift_id:int}/apply"): LEAD_ONLY,
    # compliance
    ("GET", f"/compliance{A}/requirements"): ARRANGEMENT_READ,
    ("POST", f"/compliance{A}/requirements"): Rule(
        ("lead_officer",), lower=ARRANGEMENT_WRITE, sees=EVERYONE, body={"kind": "ofsted", "title": "Ofsted"}
    ),
    ("DELETE", f"/compliance{A}/requirements/{{requirement_id:int}}"): LEAD_ONLY,
    ("GET", f"/compliance{A}/memberships"): Rule(COUNCILS_IN, sees=EVERYONE),
    ("POST", f"/compliance{A}/overrides"): LEAD_ONLY,
    ("GET", "/compliance/memberships/{membership_id:int}"): Rule((*PROVIDER, *COUNCILS_IN)),
    ("GET", "/compliance/evidence/{evidence_id:int}"): Rule((*PROVIDER, *COUNCILS_IN)),
    ("GET", "/compliance/lots/{lot_id:int}/eligibility"): Rule(COUNCILS_IN, sees=EVERYONE),
    ("GET", "/compliance/settings/{setting_id:int}/visits"): Rule(
        (*PROVIDER, *COUNCILS_IN), sees=EVERYONE, codes=dict.fromkeys(COUNCIL, NO_ARRANGEMENT)
    ),
    ("POST", "/compliance/settings/{setting_id:int}/visits"): Rule(
        ("lead_officer", "member_officer"),
        sees=EVERYONE,
        codes=dict.fromkeys(COUNCIL[:3], NO_ARRANGEMENT),
        body={
            "form": "B",
            "visited_on": "2026-11-20",
            "summary": "Second visit",
            "checklist": [{"item": "Fire risk assessment in date", "verified": True}],
        },
    ),
    ("POST", "/compliance/settings/{setting_id:int}/ofsted-judgements"): Rule(
        ("lead_officer", "member_officer"),
        lower=("lead_commissioner",),
        sees=EVERYONE,
        body={"grade": "inadequate", "inspection_date": "2026-11-12"},
        codes={"out_officer": NO_ARRANGEMENT},
    ),
    ("POST", "/compliance/action-items/{action_id:int}/status"): Rule(
        ("lead_officer", "provider_admin"), body={"status": "done"}
    ),
    ("GET", "/concerns/{concern_id:int}"): Rule((*PROVIDER, *COUNCILS_IN)),
    ("POST", "/concerns/{concern_id:int}/issue"): ISSUER,
    ("POST", "/concerns/{concern_id:int}/rescind"): ISSUER,
    ("POST", "/concerns/{concern_id:int}/respond"): Rule(PROVIDER),
    # tenders: a call-off is known only to its council, its arrangement's lead and invited providers.
    ("GET", "/call-offs/{call_off_id:int}"): Rule(("member_commissioner", *PROVIDER)),
    ("PATCH", "/call-offs/{call_off_id:int}"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/publish"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/close"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/cancel"): CALL_OFF_WRITE,
    ("GET", "/call-offs/{call_off_id:int}/invitations"): Rule(("member_commissioner",)),
    ("GET", "/call-offs/{call_off_id:int}/clarifications"): Rule(("member_commissioner", *PROVIDER)),
    ("POST", "/call-offs/{call_off_id:int}/clarifications"): Rule(PROVIDER, lower=CALL_OFF_STAFF),
    ("POST", "/call-offs/{call_off_id:int}/clarifications/{clarification_id:int}/answer"): Rule(
        ("member_commissioner",), lower=CALL_OFF_STAFF, params={"clarification_id": "call_off_clarification"}
    ),
    ("GET", "/call-offs/{call_off_id:int}/offers"): Rule(("member_commissioner", *PROVIDER)),
    ("POST", "/call-offs/{call_off_id:int}/offers"): OFFER_WRITE,
    ("GET", "/call-offs/{call_off_id:int}/offers/{offer_id:int}"): Rule(("member_commissioner", *PROVIDER)),
    ("PATCH", "/call-offs/{call_off_id:int}/offers/{offer_id:int}"): OFFER_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/offers/{offer_id:int}/revised-fee"): OFFER_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/offers/{offer_id:int}/withdraw"): OFFER_WRITE,
    ("GET", "/call-offs/{call_off_id:int}/offers/{offer_id:int}/marks"): Rule(("member_commissioner",)),
    ("POST", "/call-offs/{call_off_id:int}/offers/{offer_id:int}/marks"): Rule(
        ("member_evaluator",), lower=("member_legal", "member_officer")
    ),
    ("POST", "/call-offs/{call_off_id:int}/offers/{offer_id:int}/moderation"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/evaluate"): CALL_OFF_WRITE,
    ("GET", "/call-offs/{call_off_id:int}/evaluators"): Rule(("member_commissioner",)),
    ("POST", "/call-offs/{call_off_id:int}/evaluators"): Rule(("member_commissioner",), lower=("member_evaluator",)),
    ("POST", "/call-offs/{call_off_id:int}/evaluators/{evaluator_id:int}/release"): Rule(
        ("member_commissioner",), lower=("member_evaluator",)
    ),
    ("POST", "/call-offs/{call_off_id:int}/reopen-evaluation"): Rule(
        ("member_commissioner",), lower=("member_evaluator",)
    ),
    ("POST", "/call-offs/{call_off_id:int}/second-round"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/award"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/conclude"): CALL_OFF_WRITE,
    ("POST", "/call-offs/{call_off_id:int}/no-award"): CALL_OFF_WRITE,
    ("GET", "/placements/{placement_id:int}"): Rule(("member_commissioner", *PROVIDER)),
    ("POST", "/placements/{placement_id:int}/end"): Rule(
        ("member_commissioner",), lower=CALL_OFF_STAFF, by_role=("other_provider",)
    ),
    ("POST", "/placements/{placement_id:int}/move"): Rule(
        ("member_commissioner",), lower=CALL_OFF_STAFF, by_role=("other_provider",)
    ),
    # core
    ("POST", "/notifications/{notification_id:int}/read"): Rule(("provider_admin",), hidden=("provider_user",)),
    # contracts: the shipped national templates are read by every council and approved or retired
    # only by their owner (the platform); a contract is its council's and its provider's.
    ("POST", "/contract-templates/{kind:str}/versions"): Rule(
        ("lead_legal", "out_legal"),
        lower=ARRANGEMENT_WRITE[:2],
        by_role=("other_provider", *COUNCIL[:3]),
        params={"kind": "placement_residential"},
        files=True,
    ),
    ("GET", "/contract-templates/versions/{version_id:int}"): Rule(COUNCILS_IN + COUNCIL, by_role=("other_provider",)),
    ("GET", "/contract-templates/versions/{version_id:int}/content"): Rule(
        COUNCILS_IN + COUNCIL, by_role=("other_provider",)
    ),
    ("POST", "/contract-templates/versions/{version_id:int}/approve"): Rule(
        ("admin",), lower=("lead_legal",), sees=COUNCIL, by_role=("other_provider",)
    ),
    ("POST", "/contract-templates/versions/{version_id:int}/retire"): Rule(
        ("admin",), lower=("lead_legal",), sees=COUNCIL, by_role=("other_provider",)
    ),
    ("GET", "/contracts/{contract_id:int}"): CONTRACT_READ,
    ("GET", "/contracts/{contract_id:int}/document"): CONTRACT_READ,
    ("GET", "/contracts/{contract_id:int}/pdf"): CONTRACT_READ,
    ("POST", "/contracts/{contract_id:int}/issue"): CONTRACT_WRITE,
    ("POST", "/contracts/{contract_id:int}/sign"): Rule(
        ("provider_admin",), hidden=("provider_user",), body={"document_sha256": "0" * 64}
    ),
    ("POST", "/contracts/{contract_id:int}/signed-copy"): Rule(("provider_admin",), hidden=("provider_user",)),
    ("POST", "/contracts/{contract_id:int}/activate"): CONTRACT_WRITE,
    ("POST", "/contracts/{contract_id:int}/end"): CONTRACT_WRITE,
    ("POST", "/contracts/{contract_id:int}/terminate"): CONTRACT_WRITE,
}


def api_routes(app: Any) -> dict[tuple[str, str], Any]:
    """(method, path below /api/v1) -> handler, for every route with a parameter in its path."""
    found = {}
    for route in app.routes:
        if route.path.startswith("/api/v1/") and "{" in route.path:
            for handler in route.route_handlers:
                for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                    found[(method, route.path.removeprefix("/api/v1"))] = handler
    return found


@pytest_asyncio.fixture(scope="module")
async def world(database: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Api, Scene]]:
    """The scene, built once; tokens live a year because the clock passes a call-off's deadline."""
    await truncate_everything()
    tmp = tmp_path_factory.mktemp("matrix")
    settings = Settings.from_env(
        {
            "DPS_VAR_DIR": str(tmp / "var"),
            "DPS_DOCUMENTS_URL": str(tmp / "documents"),
            "DPS_SCHEDULER": "off",
            "DPS_TOKEN_TTL_HOURS": str(24 * 365),
        }
    )
    clock = FixedClock(START)
    store = LocalDocumentStore(tmp / "documents")
    app = create_app(settings, clock=clock, store=store, converter=NO_LIBREOFFICE, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        api = Api(client, clock, app)
        yield api, await build_scene(api)


def test_every_route_has_a_rule() -> None:
    """A route with an id and no entry in RULES fails: a new route cannot come without its rule."""
    routes = set(api_routes(create_app(Settings.from_env({"DPS_SCHEDULER": "off"}), manage_database=False)))
    assert sorted(routes - set(RULES)) == [], "routes without a rule in RULES"


async def test_every_id_in_the_scene_is_a_real_record(world: tuple[Api, Scene]) -> None:
    _, scene = world
    named = [key for key in TABLES if key in scene.ids]  # transparency's records only where it is built
    assert [key for key in named if not await row_exists(TABLES[key], scene.ids[key])] == []


def _cases() -> list[Any]:
    cases = []
    for (method, path), rule in RULES.items():
        marks = [pytest.mark.xfail(strict=True, reason=rule.hole)] if rule.hole else []
        cases.append(pytest.param(method, path, id=f"{method} {path}", marks=marks))
    return cases


@pytest.mark.parametrize(("method", "path"), _cases())
async def test_route_refuses_whoever_may_not_use_it(world: tuple[Api, Scene], method: str, path: str) -> None:
    api, scene = world
    rule = RULES[(method, path)]
    handler = api_routes(api.app).get((method, path))
    if handler is None:  # a rule for a route the app no longer has is stale: fix or delete it
        pytest.fail(f"RULES names {method} /api/v1{path}, a route the app does not have (a stale rule)")
    names = re.findall(r"\{(\w+)", path)
    keys = {name: rule.params.get(name, PARAMS.get(name, "")) for name in names}

    def url(missing: bool = False) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            key = keys[name]
            if name in scene.texts:
                return scene.texts[name]
            if key not in scene.ids:
                return key  # a literal (e.g. a template kind)
            return str(MISSING) if missing else str(scene.ids[key])

        return "/api/v1" + re.sub(r"\{(\w+)(?::\w+)?\}", fill, path)

    records = [k for k in keys.values() if k in TABLES]
    for key in records:  # a refusal must never come from a missing record
        assert await row_exists(TABLES[key], scene.ids[key]), key

    request: dict[str, Any] = {}
    data = handler.parsed_fn_signature.parameters.get("data")
    if rule.files:
        request["files"] = {"file": ("template.docx", TEMPLATE.read_bytes(), "application/octet-stream")}
    elif data is not None:
        request["json"] = example_body(data.annotation, rule.body)
    version_of = rule.if_match or (records[-1] if records else None)
    if method in ("PATCH", "PUT", "POST", "DELETE") and version_of:
        version = await row_version(TABLES[version_of], scene.ids[version_of])
        if version is not None:
            request["headers"] = {"If-Match": f'"{version}"'}

    if method == "GET":  # whoever may read it is let through (at most told the record's state)
        reader = rule.allowed[0]
        allowed = await api.client.get(url(), headers=scene.headers(reader))
        assert allowed.status_code < 300 or _code(allowed) not in REFUSALS, (reader, allowed.text)

    before = await fingerprint([(TABLES[k], scene.ids[k]) for k in records])
    audit_before = await scalar("SELECT count(*) FROM audit_events")
    wrong = []
    callers = [*rule.outsiders(), *rule.lower, *rule.hidden]
    for caller in callers:
        headers = {**request.get("headers", {}), **scene.headers(caller)}
        response = await api.client.request(method, url(), **{**request, "headers": headers})
        status, code = rule.expected(caller)
        got = (response.status_code, _code(response))
        # Refused by role alone, a 404 is as good as the 403: what matters is that a missing id gets
        # the same answer, so the answer tells nothing about the record.
        fine = {(status, code), (404, "not_found")} if caller in rule.by_role else {(status, code)}
        if got not in fine:
            wrong.append(f"{caller}: expected {status} {code}, got {got[0]} {got[1]}")
        if caller in rule.by_role:
            missing = await api.client.request(method, url(missing=True), **{**request, "headers": headers})
            if (missing.status_code, _code(missing)) != got:
                wrong.append(f"{caller}: {got} for the record but {missing.status_code} for a missing id")
    assert not wrong, "\n".join(wrong)
    assert await fingerprint([(TABLES[k], scene.ids[k]) for k in records]) == before
    assert await scalar("SELECT count(*) FROM audit_events") == audit_before


def _code(response: httpx.Response) -> str:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"not problem+json: {response.headers.get('content-type')}"
    return str(response.json().get("code"))
