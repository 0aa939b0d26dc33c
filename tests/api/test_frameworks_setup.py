"""Issue 12, what a new user hit setting up and running an arrangement: setup mistakes deleted in
draft and withdrawn once open; publishing checks; evaluators across member councils; the
procurement profiles; published price bands; the messages people missed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import Api, problem
from tests.support.frameworks import APPS, BASE, World, apply, arrangement, question, waive_publishing_checks


def band(lot_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "lot_id": lot_id,
        "age_band": "8-12",
        "need_level": "standard",
        "floor_pence": 420_000,
        "ceiling_pence": 560_000,
        "effective_from": "2027-01-04",
        **overrides,
    }


async def _post(api: Api, token: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return await api.client.post(path, json=body or {}, headers=api.auth(token))


async def test_setup_mistakes_are_deleted_in_draft_and_withdrawn_once_open(api: Api) -> None:
    world = await arrangement(api, lots=("A", "B", "C"))
    aid, officer = world.arrangement_id, world.officer
    auth = api.auth(officer)
    a, b, c = world.lots["A"], world.lots["B"], world.lots["C"]

    # In draft: a lot, a question, a price band and a service are deleted outright.
    assert (await api.client.delete(f"{BASE}/{aid}/lots/{c}", headers=auth)).status_code == 204
    lots = (await api.client.get(f"{BASE}/{aid}/lots", headers=auth)).json()["items"]
    assert [x["code"] for x in lots] == ["A", "B"]
    wrong = await question(api, world, "wrong", kind="text")
    removed = await api.client.delete(f"{BASE}/{aid}/questions/{wrong}", headers=auth)
    assert removed.json() == {"id": wrong, "outcome": "deleted"}
    assert (await api.client.get(f"{BASE}/{aid}/questions", headers=auth)).json()["items"] == []
    mistaken = (
        await _post(api, officer, f"{BASE}/{aid}/price-bands", band(a, floor_pence=4_200, ceiling_pence=5_600))
    ).json()
    assert (await api.client.delete(f"{BASE}/{aid}/price-bands/{mistaken['id']}", headers=auth)).status_code == 204
    service = (
        await _post(api, officer, f"{BASE}/{aid}/additional-services", {"code": "1-1", "name": "1:1", "unit": "hour"})
    ).json()
    assert (
        await api.client.delete(f"{BASE}/{aid}/additional-services/{service['id']}", headers=auth)
    ).status_code == 204
    assert (await api.client.get(f"{BASE}/{aid}/additional-services", headers=auth)).json()["items"] == []
    # A lot a question names is in use.
    await question(api, world, "b_only", kind="pass_fail", lot_ids=[b])
    problem(await api.client.delete(f"{BASE}/{aid}/lots/{b}", headers=auth), 409, "lot_in_use")

    # Publishing lists what is missing: lot B has no price band, no compliance requirements.
    await _post(api, officer, f"{BASE}/{aid}/price-bands", band(a))
    gaps = problem(await _post(api, officer, f"{BASE}/{aid}/publish"), 422, "not_ready_to_publish")["gaps"]
    assert [(g["check"], g.get("lot_ids")) for g in gaps] == [
        ("price_bands", [b]),
        ("compliance_requirements", None),
    ]
    await _post(api, officer, f"{BASE}/{aid}/price-bands", band(b))
    requirement = await _post(
        api, officer, f"/api/v1/compliance/arrangements/{aid}/requirements", {"kind": "dbs_policy", "title": "DBS"}
    )
    assert requirement.status_code == 201, requirement.text
    assert (await _post(api, officer, f"{BASE}/{aid}/publish")).status_code == 200

    # Once open, deleting is refused: the things are withdrawn, kept and audited.
    problem(await api.client.delete(f"{BASE}/{aid}/lots/{b}", headers=auth), 409, "arrangement_published")
    bands = (await api.client.get(f"{BASE}/{aid}/price-bands", headers=auth)).json()["items"]
    b_band = next(x for x in bands if x["lot_id"] == b)
    problem(
        await api.client.delete(f"{BASE}/{aid}/price-bands/{b_band['id']}", headers=auth), 409, "arrangement_published"
    )
    withdrawn = await _post(api, officer, f"{BASE}/{aid}/lots/{b}/withdraw", {"reason": "no demand for lot B"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_reason"] == "no demand for lot B"
    assert (
        await _post(api, officer, f"{BASE}/{aid}/price-bands/{b_band['id']}/withdraw", {"reason": "lot B withdrawn"})
    ).status_code == 204
    listed = (await api.client.get(f"{BASE}/{aid}/price-bands", headers=auth)).json()["items"]
    assert [x["lot_id"] for x in listed] == [a]
    # The withdrawn lot is still listed, but no longer offered to applicants.
    lots = (await api.client.get(f"{BASE}/{aid}/lots", headers=auth)).json()["items"]
    assert [(x["code"], x["withdrawn_at"] is not None) for x in lots] == [("A", False), ("B", True)]
    _, provider = await api.provider()
    problem(
        await api.client.post(APPS, json={"arrangement_id": aid, "lot_ids": [b]}, headers=api.auth(provider)),
        422,
        "unknown_lots",
    )
    # Nor does a member council call a placement off under it.
    _, commissioner = await api.staff("commissioner", world.member_authority_id)
    refused = await api.client.post(
        "/api/v1/call-offs",
        json={
            "arrangement_id": aid,
            "lot_id": b,
            "title": "Placement request",
            "child": {"age": 10, "sex": "male", "needs": [], "need_level": "standard", "home_district": "BL1",
                      "placement_type": "long_term", "start_date": "2027-03-01"},
            "criteria": {"questions": [], "quality_weight": "0", "price_weight": "100", "proximity_weight": "0"},
            "deadline": "2027-02-15T12:00:00+00:00",
        },
        headers=api.auth(commissioner),
    )  # fmt: skip
    assert problem(refused, 422, "lot_withdrawn")["detail"].endswith("no demand for lot B")
    trail = (await api.client.get(f"/api/v1/audit?entity_type=lot&entity_id={b}", headers=auth)).json()["items"]
    assert [e["action"] for e in trail][-1] == "lot.withdrawn"
    deleted = (await api.client.get(f"/api/v1/audit?entity_type=lot&entity_id={c}", headers=auth)).json()["items"]
    assert [e["action"] for e in deleted] == ["lot.created", "lot.deleted"]


async def test_officers_list_the_evaluators_of_every_member_council(api: Api) -> None:
    world = await arrangement(api, lots=("A",))
    (lead_evaluator, _), (member_evaluator, _) = world.evaluators
    _, member_officer = await api.staff("procurement_officer", world.member_authority_id)
    _, member_commissioner = await api.staff("commissioner", world.member_authority_id)
    outsider = await api.authority("Leeds City Council", "E08000035")
    await api.staff("evaluator", outsider)
    for token in (world.officer, member_officer):
        found = await api.client.get(f"{BASE}/{world.arrangement_id}/evaluators", headers=api.auth(token))
        assert found.status_code == 200, found.text
        people = {(x["user_id"], x["role"], x["authority_id"]) for x in found.json()["items"]}
        assert (lead_evaluator, "evaluator", world.member_authority_id) not in people
        assert (member_evaluator, "evaluator", world.member_authority_id) in people
        assert {x["authority_id"] for x in found.json()["items"]} == {
            world.member_authority_id,
            next(iter({x["authority_id"] for x in found.json()["items"]} - {world.member_authority_id})),
        }
        assert lead_evaluator in {x["user_id"] for x in found.json()["items"]}
    problem(
        await api.client.get(f"{BASE}/{world.arrangement_id}/evaluators", headers=api.auth(member_commissioner)),
        403,
        "permission_denied",
    )


async def test_the_procurement_profiles_are_listed_with_their_numbers_and_citations(api: Api) -> None:
    _, provider = await api.provider()
    profiles = (await api.client.get("/api/v1/profiles", headers=api.auth(provider))).json()["items"]
    by_code = {p["code"]: p for p in profiles}
    assert set(by_code) == {
        "pcr2015_dps",
        "light_touch",
        "pa2023_dynamic_market",
        "pa2023_open_framework",
        "pa2023_framework",
    }
    dps = by_code["pcr2015_dps"]
    assert (dps["decision_period"], dps["decision_extension_to"], dps["min_offer_period_days"]) == (10, 15, 10)
    assert dps["fixed_end_date"] == "2029-02-23"
    assert "34" in dps["citations"]["decision_period"]
    framework = by_code["pa2023_framework"]
    assert framework["max_term_years"] == 4 and framework["citations"]["max_term_years"]


async def test_prospective_applicants_see_a_published_arrangements_price_bands(api: Api) -> None:
    world = await arrangement(api, lots=("A",))
    aid = world.arrangement_id
    await _post(api, world.officer, f"{BASE}/{aid}/price-bands", band(world.lots["A"]))
    _, prospective = await api.provider()
    await waive_publishing_checks(api, world.officer, aid)
    # A draft's prices are the lead council's work in progress.
    problem(await api.client.get(f"{BASE}/{aid}/price-bands", headers=api.auth(prospective)), 403, "permission_denied")
    assert (await _post(api, world.officer, f"{BASE}/{aid}/publish")).status_code == 200
    seen = await api.client.get(f"{BASE}/{aid}/price-bands", headers=api.auth(prospective))
    assert seen.status_code == 200, seen.text
    assert [(x["age_band"], x["floor_pence"], x["ceiling_pence"]) for x in seen.json()["items"]] == [
        ("8-12", 420_000, 560_000)
    ]
    # Read-only: a provider cannot add one.
    problem(
        await _post(api, prospective, f"{BASE}/{aid}/price-bands", band(world.lots["A"], need_level="complex")),
        403,
        "permission_denied",
    )


async def _messages(kind: str) -> list[dict[str, Any]]:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    sql = "SELECT user_id, key, link_path, body FROM notifications WHERE kind = {} ORDER BY id"
    return list(await DB.run_querystring(QueryString(sql, kind)))


async def _provider_users(provider_id: int) -> list[dict[str, Any]]:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    return list(
        await DB.run_querystring(QueryString("SELECT id AS user_id FROM users WHERE provider = {}", provider_id))
    )


async def test_evaluators_officers_and_providers_are_told_what_concerns_them(api: Api) -> None:
    world: World = await arrangement(api, lots=("A",))
    await question(api, world, "care", kind="scored", max_score=5, weight="100")
    await waive_publishing_checks(api, world.officer, world.arrangement_id)
    assert (await _post(api, world.officer, f"{BASE}/{world.arrangement_id}/publish")).status_code == 200
    provider_id, provider = await api.provider()
    url = await apply(api, world, provider, ["A"], {"care": "our approach"})
    app_id = int(url.rsplit("/", 1)[1])

    received = await _messages("application.received")
    assert received and all(m["link_path"] == url for m in received)
    assert received[0]["key"] == f"application:{app_id}:received"

    (e1_id, _), (e2_id, e2) = world.evaluators
    await _post(api, world.officer, f"{url}/evaluators", {"evaluator_ids": [e1_id, e2_id]})
    assigned = await _messages("evaluator.assigned")
    assert sorted(m["user_id"] for m in assigned) == sorted([e1_id, e2_id])
    assert {m["link_path"] for m in assigned} == {url}

    await _post(api, e2, f"{url}/evaluations/declaration", {"has_conflict": True, "note": "I audited them in 2025"})
    conflicts = await _messages("evaluator.conflict_declared")
    assert len(conflicts) == 1 and "I audited them in 2025" in conflicts[0]["body"]
    assert conflicts[0]["link_path"] == f"{url}/evaluations"
    assert conflicts[0]["user_id"] not in {e1_id, e2_id}

    # The decision falls overdue: the provider is told too, once.
    from dps.core.context import Context
    from dps.scheduler.engine import sweep

    # Submitted Monday 23 November 2026: due Monday 7 December; overdue from the 8th.
    api.clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    for _ in range(2):
        await sweep(Context(None, api.clock, api.app.state.settings, api.app.state.store))
    overdue = await _messages("application.decision_overdue_provider")
    users = {r["user_id"] for r in await _provider_users(provider_id)}
    assert len(overdue) == len(users) and {m["user_id"] for m in overdue} == users
    assert overdue[0]["link_path"] == url


async def test_the_provider_is_told_when_its_rate_card_is_approved_or_refused(api: Api) -> None:
    from datetime import date

    from tests.support import admit_member

    world = await arrangement(api, lots=("A",))
    aid, lot = world.arrangement_id, world.lots["A"]
    for level in ("standard", "complex"):
        await _post(
            api, world.officer, f"{BASE}/{aid}/price-bands", band(lot, need_level=level, effective_from="2026-06-01")
        )
    await waive_publishing_checks(api, world.officer, aid)
    await _post(api, world.officer, f"{BASE}/{aid}/publish")
    provider_id, provider = await api.provider()
    await admit_member(aid, lot, provider_id, date(2026, 11, 1))
    cards = []
    for start in ("2026-12-01", "2027-01-01"):
        body = {
            "lot_id": lot,
            "effective_from": start,
            "lines": [{"age_band": "8-12", "need_level": "standard", "weekly_price_pence": 500_000}],
        }
        proposed = await _post(api, provider, "/api/v1/rate-cards", body)
        assert proposed.status_code == 201, proposed.text
        cards.append(proposed.json()["id"])
    officer = api.auth(world.officer)
    approved = await api.client.post(
        f"/api/v1/rate-cards/{cards[0]}/approve", json={}, headers={**officer, "If-Match": '"1"'}
    )
    assert approved.status_code == 200, approved.text
    refused = await api.client.post(
        f"/api/v1/rate-cards/{cards[1]}/reject",
        json={"reason": "prices not explained"},
        headers={**officer, "If-Match": '"1"'},
    )
    assert refused.status_code == 200, refused.text
    told_ok = await _messages("rate_card.approved")
    told_no = await _messages("rate_card.rejected")
    assert [(m["key"], m["link_path"]) for m in told_ok] == [
        (f"rate_card:{cards[0]}:approved", f"/api/v1/rate-cards/{cards[0]}")
    ]
    assert told_no[0]["key"] == f"rate_card:{cards[1]}:refused" and "prices not explained" in told_no[0]["body"]


async def test_members_and_officers_are_reminded_before_a_reopening_window_opens(api: Api) -> None:
    from datetime import date

    from dps.core.context import Context
    from dps.scheduler.engine import sweep
    from tests.support import admit_member, links_to_no_route
    from tests.support.arrangements import arrangement_body, lot_body

    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    made = await _post(
        api,
        officer,
        BASE,
        arrangement_body(
            profile_code="light_touch",
            decision_period_days=20,
            window_reminder_days=10,
            windows=[{"opens_at": "2027-03-01T09:00:00Z", "closes_at": "2027-03-15T17:00:00Z"}],
        ),
    )
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    assert made.json()["window_reminder_days"] == 10
    lot = (await _post(api, officer, f"{BASE}/{aid}/lots", lot_body("A"))).json()["id"]
    await waive_publishing_checks(api, officer, aid)
    await _post(api, officer, f"{BASE}/{aid}/publish")
    provider_id, _ = await api.provider()
    await admit_member(aid, lot, provider_id, date(2026, 11, 1))

    async def run_at(at: datetime) -> list[dict[str, Any]]:
        api.clock.set(at)
        await sweep(Context(None, api.clock, api.app.state.settings, api.app.state.store))
        return await _messages("arrangement.window_reminder")

    # Ten days before 1 March 09:00 is 19 February 09:00: not a minute earlier.
    assert await run_at(datetime(2027, 2, 19, 8, 59, tzinfo=UTC)) == []
    reminded = await run_at(datetime(2027, 2, 19, 9, 0, tzinfo=UTC))
    assert len(reminded) == 2  # the officer and the member provider's admin
    assert reminded[0]["key"] == f"arrangement:{aid}:window:2027-03-01T09:00:00+00:00:reminder-10d"
    assert "1 March 2027" in reminded[0]["body"]
    assert await run_at(datetime(2027, 2, 20, 9, 0, tzinfo=UTC)) == reminded  # sent once
    assert await links_to_no_route(api.app) == []
