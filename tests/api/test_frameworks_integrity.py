"""Issue 12, frameworks: each lot decided on its own questions and pass mark; award criteria locked
once applications are submitted (new versions for later ones); decided results that never change;
pass/fail questionnaires; drafts sealed from everyone; overlapping age bands; pass/fail booleans."""

from __future__ import annotations

from typing import Any

from tests.support import Api, problem
from tests.support.arrangements import lot_body
from tests.support.frameworks import APPS, BASE, World, apply, arrangement, evaluate, marks, publish, question


async def _two_lot_scene(api: Api) -> World:
    """Lot A and lot B; one scored question for both, one scored question for lot B only."""
    world = await arrangement(api)
    await question(api, world, "gateway", kind="pass_fail")
    await question(api, world, "common", kind="scored", max_score=5, weight="50")
    await question(api, world, "b_only", kind="scored", max_score=5, weight="50", lot_ids=[world.lots["B"]])
    await publish(api, world)
    return world


ANSWERS = {"gateway": True, "common": "our approach", "b_only": "our approach for lot B"}


async def test_each_lot_is_decided_on_its_own_questions_and_the_provider_sees_the_total_per_lot(api: Api) -> None:
    world = await _two_lot_scene(api)
    _, provider = await api.provider()
    url = await apply(api, world, provider, ["A", "B"], ANSWERS)

    # common 4/5 = 80%; lot B's own question 1/5 = 20%.
    view = await evaluate(api, world, url, {"gateway": True, "common": 4, "b_only": 1})
    lots = {r["lot_id"]: r for r in view["lots"]}
    a, b = world.lots["A"], world.lots["B"]
    # Lot A counts only the question that applies to it: 80.00. Lot B: (80 + 20) / 2 = 50.00.
    assert (lots[a]["weighted_total"], lots[a]["meets_threshold"]) == ("80.00", True)
    assert (lots[b]["weighted_total"], lots[b]["meets_threshold"]) == ("50.00", False)
    assert lots[a]["threshold"] == lots[b]["threshold"] == "60.00"

    # Lot B is below its pass mark: admitting it is refused, naming it.
    refused = problem(
        await api.client.post(
            f"{url}/decision",
            json={
                "lots": [
                    {"lot_id": a, "decision": "admit", "reasons": "meets lot A"},
                    {"lot_id": b, "decision": "admit", "reasons": "meets lot B"},
                ]
            },
            headers=api.auth(world.officer),
        ),
        422,
        "below_threshold",
    )
    assert refused["lot_ids"] == [b]
    # Lot A is admitted on its own total (the mixed total, 50.00, would have refused it).
    decided = await api.client.post(
        f"{url}/decision",
        json={
            "lots": [
                {"lot_id": a, "decision": "admit", "reasons": "meets lot A"},
                {"lot_id": b, "decision": "reject", "reasons": "lot B's plan is thin"},
            ]
        },
        headers=api.auth(world.officer),
    )
    assert decided.status_code == 200, decided.text
    assert len(decided.json()["membership_ids"]) == 1

    # The provider's feedback: each lot's total and pass mark, each question's moderated mark and reason.
    decision = (await api.client.get(f"{url}/decision", headers=api.auth(provider))).json()
    assert decision["weighted_total"] is None  # the lots' totals differ
    assert [(x["lot_id"], x["decision"], x["weighted_total"], x["threshold"]) for x in decision["lots"]] == [
        (a, "admit", "80.00", "60.00"),
        (b, "reject", "50.00", "60.00"),
    ]
    feedback = {q["question_id"]: q for q in decision["questions"]}
    assert feedback[world.questions["b_only"]]["score"] == 1
    assert feedback[world.questions["b_only"]]["rationale"] == "agreed at moderation"
    assert feedback[world.questions["b_only"]]["lot_ids"] == [b]
    assert feedback[world.questions["gateway"]]["passed"] is True
    from tests.support.applications import scalar_rows

    notices = await scalar_rows("SELECT body FROM notifications WHERE kind = 'application.decided'")
    assert "weighted quality score 80.00 (pass mark 60.00)" in notices[0]["body"]
    assert "weighted quality score 50.00 (pass mark 60.00)" in notices[0]["body"]


async def test_a_lot_may_have_its_own_pass_mark(api: Api) -> None:
    world = await arrangement(api)
    await question(api, world, "common", kind="scored", max_score=5, weight="50")
    await question(api, world, "b_only", kind="scored", max_score=5, weight="50", lot_ids=[world.lots["B"]])
    patched = await api.client.patch(
        f"{BASE}/{world.arrangement_id}/lots/{world.lots['B']}",
        json={"quality_threshold": "50.00"},
        headers=api.auth(world.officer),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["quality_threshold"] == "50.00"
    await publish(api, world)
    _, provider = await api.provider()
    url = await apply(api, world, provider, ["B"], {"common": "x", "b_only": "y"})
    view = await evaluate(api, world, url, {"common": 4, "b_only": 1})
    assert [(r["weighted_total"], r["threshold"], r["meets_threshold"]) for r in view["lots"]] == [
        ("50.00", "50.00", True)
    ]
    # The lot's pass mark is fixed for its applications too once one is submitted.
    problem(
        await api.client.patch(
            f"{BASE}/{world.arrangement_id}/lots/{world.lots['B']}",
            json={"quality_threshold": "70.00"},
            headers=api.auth(world.officer),
        ),
        409,
        "conditions_locked",
    )


async def test_award_criteria_lock_at_the_first_submission_and_change_only_in_a_new_version(api: Api) -> None:
    world = await arrangement(api, lots=("A",))
    await question(api, world, "care", kind="scored", max_score=5, weight="60")
    await question(api, world, "outcomes", kind="scored", max_score=5, weight="40")
    await publish(api, world)
    aid, officer = world.arrangement_id, world.officer
    q_url = f"{BASE}/{aid}/questions/{world.questions['care']}"

    # Before any submission the questionnaire may still be corrected.
    assert (await api.client.patch(q_url, json={"weight": "60"}, headers=api.auth(officer))).status_code == 200
    problem(
        await api.client.post(
            f"{BASE}/{aid}/questionnaire-versions", json={"reason": "nothing to version"}, headers=api.auth(officer)
        ),
        409,
        "questionnaire_not_locked",
    )

    first_id, first = await api.provider()
    first_url = await apply(api, world, first, ["A"], {"care": "x", "outcomes": "y"})
    # Once an application is submitted, questions, weights and pass marks are fixed.
    problem(await api.client.patch(q_url, json={"weight": "70"}, headers=api.auth(officer)), 409, "conditions_locked")
    problem(
        await api.client.post(
            f"{BASE}/{aid}/questions",
            json={"section": "Quality", "position": 9, "text": "New", "kind": "pass_fail"},
            headers=api.auth(officer),
        ),
        409,
        "conditions_locked",
    )
    problem(await api.client.delete(q_url, headers=api.auth(officer)), 409, "conditions_locked")
    etag = (await api.client.get(f"{BASE}/{aid}", headers=api.auth(officer))).headers["etag"]
    problem(
        await api.client.patch(
            f"{BASE}/{aid}", json={"quality_threshold": "70.00"}, headers={**api.auth(officer), "If-Match": etag}
        ),
        409,
        "conditions_locked",
    )

    # The first application is decided under version 1: 3/5 * 60 + 4/5 * 40 = 68.00.
    view = await evaluate(api, world, first_url, {"care": 3, "outcomes": 4})
    assert view["lots"][0]["weighted_total"] == "68.00"
    decided = await api.client.post(
        f"{first_url}/decision",
        json={"lots": [{"lot_id": world.lots["A"], "decision": "admit", "reasons": "68.00 over 60.00"}]},
        headers=api.auth(officer),
    )
    assert decided.status_code == 200, decided.text

    # A new version, with its reason, announced to the members.
    versioned = await api.client.post(
        f"{BASE}/{aid}/questionnaire-versions",
        json={"reason": "outcomes weigh more from 2027"},
        headers=api.auth(officer),
    )
    assert versioned.status_code == 201, versioned.text
    assert versioned.json()["questionnaire_version"] == 2
    from tests.support.applications import scalar_rows

    announced = await scalar_rows(
        "SELECT n.body, u.provider FROM notifications n JOIN users u ON u.id = n.user_id "
        "WHERE n.kind = 'questionnaire.versioned'"
    )
    assert [r["provider"] for r in announced] == [first_id]
    assert "outcomes weigh more from 2027" in announced[0]["body"]

    # The weight changes in version 2 only: the question is replaced, version 1 keeps the old one.
    changed = await api.client.patch(q_url, json={"weight": "40"}, headers=api.auth(officer))
    assert changed.status_code == 200, changed.text
    replaced = changed.json()
    assert replaced["id"] != world.questions["care"] and replaced["from_version"] == 2
    current = (await api.client.get(f"{BASE}/{aid}/questions", headers=api.auth(officer))).json()["items"]
    assert sorted((q["text"], q["weight"]) for q in current) == [
        ("Question care", "40.00"),
        ("Question outcomes", "40.00"),
    ]
    old = (await api.client.get(f"{BASE}/{aid}/questions?version=1", headers=api.auth(officer))).json()["items"]
    assert sorted(q["weight"] for q in old) == ["40.00", "60.00"]

    # The decided application's result never changes.
    moderation = (await api.client.get(f"{first_url}/moderation", headers=api.auth(officer))).json()
    assert moderation["lots"][0]["weighted_total"] == "68.00"
    assert moderation["result"]["weighted_total"] == "68.00"
    decision = (await api.client.get(f"{first_url}/decision", headers=api.auth(first))).json()
    assert decision["weighted_total"] == "68.00"

    # A later application is made and decided under version 2: 3/5 * 40 + 4/5 * 40 = 70.00.
    world.questions["care"] = replaced["id"]
    _, second = await api.provider()
    second_url = await apply(api, world, second, ["A"], {"care": "x", "outcomes": "y"})
    later = await evaluate(api, world, second_url, {"care": 3, "outcomes": 4})
    assert later["lots"][0]["weighted_total"] == "70.00"

    trail = (
        await api.client.get(f"/api/v1/audit?entity_type=arrangement&entity_id={aid}", headers=api.auth(officer))
    ).json()["items"]
    assert "questionnaire.versioned" in [e["action"] for e in trail]


async def test_a_pass_fail_dynamic_market_admits_on_its_gateways(api: Api) -> None:
    """PA 2023 dynamic market with a pass/fail questionnaire (story 2-3): the default 60.00 pass
    mark does not apply, since there is no score to reach; passing every gateway admits."""
    world = await arrangement(api, profile_code="pa2023_dynamic_market", lots=("A",))
    await question(api, world, "registered", kind="pass_fail", text="Are your settings Ofsted registered?")
    await question(api, world, "insured", kind="pass_fail", text="Do you hold 10m public liability cover?")
    await publish(api, world)
    _, provider = await api.provider()
    _, failing = await api.provider()
    url = await apply(api, world, provider, ["A"], {"registered": True, "insured": True})
    view = await evaluate(api, world, url, {"registered": True, "insured": True})
    assert view["lots"][0] | {"lot_id": 0} == {
        "lot_id": 0,
        "threshold": "60.00",
        "threshold_applies": False,
        "failed_gateways": [],
        "weighted_total": "0.00",
        "meets_threshold": True,
    }
    decided = await api.client.post(
        f"{url}/decision",
        json={"lots": [{"lot_id": world.lots["A"], "decision": "admit", "reasons": "every condition met"}]},
        headers=api.auth(world.officer),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["lots"][0]["threshold_applies"] is False

    # A failed gateway still refuses admission.
    failing_url = await apply(api, world, failing, ["A"], {"registered": True, "insured": False})
    failed = await evaluate(api, world, failing_url, {"registered": True, "insured": False})
    assert failed["lots"][0]["meets_threshold"] is False
    assert failed["lots"][0]["failed_gateways"] == [world.questions["insured"]]
    # The dynamic market's conditions stay frozen once open (Procurement Act 2023).
    problem(
        await api.client.post(
            f"{BASE}/{world.arrangement_id}/questionnaire-versions",
            json={"reason": "change"},
            headers=api.auth(world.officer),
        ),
        409,
        "conditions_locked",
    )


async def test_publishing_refuses_a_pass_mark_a_lot_can_never_reach(api: Api) -> None:
    world = await arrangement(api)
    await question(api, world, "gateway", kind="pass_fail")
    await question(api, world, "b_only", kind="scored", max_score=5, weight="50", lot_ids=[world.lots["B"]])
    refused = problem(
        await api.client.post(f"{BASE}/{world.arrangement_id}/publish", headers=api.auth(world.officer)),
        422,
        "threshold_unreachable",
    )
    assert refused["lot_ids"] == [world.lots["A"]]
    # Lot A admits on its gateway alone once its pass mark is 0.
    await api.client.patch(
        f"{BASE}/{world.arrangement_id}/lots/{world.lots['A']}",
        json={"quality_threshold": "0"},
        headers=api.auth(world.officer),
    )
    await publish(api, world)


async def test_nobody_sees_another_evaluators_draft_marks(api: Api) -> None:
    world = await arrangement(api, lots=("A",))
    await question(api, world, "care", kind="scored", max_score=5, weight="100")
    await publish(api, world)
    _, provider = await api.provider()
    url = await apply(api, world, provider, ["A"], {"care": "x"})
    (e1_id, e1), (e2_id, e2) = world.evaluators
    await api.client.post(f"{url}/evaluators", json={"evaluator_ids": [e1_id, e2_id]}, headers=api.auth(world.officer))
    for token in (e1, e2):
        await api.client.post(f"{url}/evaluations/declaration", json={"has_conflict": False}, headers=api.auth(token))
    given = {"marks": marks(world, {"care": 4})}
    await api.client.put(f"{url}/evaluations/marks", json=given, headers=api.auth(e1))
    assert (await api.client.post(f"{url}/evaluations/submit", headers=api.auth(e1))).status_code == 200
    await api.client.put(f"{url}/evaluations/marks", json={"marks": marks(world, {"care": 1})}, headers=api.auth(e2))

    async def seen(token: str) -> dict[int, Any]:
        items = (await api.client.get(f"{url}/evaluations", headers=api.auth(token))).json()["items"]
        return {v["assignment"]["evaluator_id"]: (v["sealed"], [m["score"] for m in v["marks"]]) for v in items}

    # e1 submitted, but e2's marks are a draft: sealed from e1 and from the moderator.
    assert (await seen(e1))[e2_id] == (True, [])
    assert (await seen(world.officer))[e2_id] == (True, [])
    # The moderator sees e1's submitted marks; e2 sees its own draft but not e1's.
    assert (await seen(world.officer))[e1_id] == (False, [4])
    assert await seen(e2) == {e1_id: (True, []), e2_id: (False, [1])}
    await api.client.post(f"{url}/evaluations/submit", headers=api.auth(e2))
    assert await seen(e1) == {e1_id: (False, [4]), e2_id: (False, [1])}
    assert await seen(world.officer) == {e1_id: (False, [4]), e2_id: (False, [1])}


async def test_overlapping_age_bands_in_a_lot_are_refused_naming_both(api: Api) -> None:
    world = await arrangement(api, lots=("A",))
    bands = [{"label": "8-13", "min_age": 8, "max_age": 13}, {"label": "13-17", "min_age": 13, "max_age": 17}]
    refused = problem(
        await api.client.post(
            f"{BASE}/{world.arrangement_id}/lots", json=lot_body("C", age_bands=bands), headers=api.auth(world.officer)
        ),
        422,
        "age_bands_overlap",
    )
    assert refused["age_bands"] == ["8-13", "13-17"]
    assert "8-13" in refused["detail"] and "13-17" in refused["detail"]
    problem(
        await api.client.patch(
            f"{BASE}/{world.arrangement_id}/lots/{world.lots['A']}",
            json={"age_bands": bands},
            headers=api.auth(world.officer),
        ),
        422,
        "age_bands_overlap",
    )
    touching = [{"label": "8-12", "min_age": 8, "max_age": 12}, {"label": "13-17", "min_age": 13, "max_age": 17}]
    made = await api.client.post(
        f"{BASE}/{world.arrangement_id}/lots", json=lot_body("D", age_bands=touching), headers=api.auth(world.officer)
    )
    assert made.status_code == 201, made.text


async def test_pass_fail_answers_take_json_booleans_and_a_wrong_shape_names_the_expected_one(api: Api) -> None:
    world = await arrangement(api, lots=("A",))
    await question(api, world, "policy", kind="pass_fail")
    await question(api, world, "staff", kind="number")
    await publish(api, world)
    _, provider = await api.provider()
    opened = await api.client.post(
        APPS, json={"arrangement_id": world.arrangement_id, "lot_ids": [world.lots["A"]]}, headers=api.auth(provider)
    )
    url = f"{APPS}/{opened.json()['id']}"
    saved = await api.client.patch(
        url,
        json={"answers": [{"question_id": world.questions["policy"], "value": True}]},
        headers={**api.auth(provider), "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["answers"] == [{"question_id": world.questions["policy"], "value": True, "document_id": None}]
    wrong = problem(
        await api.client.patch(
            url,
            json={"answers": [{"question_id": world.questions["staff"], "value": "forty"}]},
            headers={**api.auth(provider), "If-Match": '"2"'},
        ),
        422,
        "invalid_answer",
    )
    assert wrong["expected"] == "a JSON number" and wrong["kind"] == "number"
    schema = (await api.client.get("/schema/openapi.json")).json()
    components = schema["components"]["schemas"]
    answer_schema = next(v for k, v in components.items() if k.endswith("AnswerIn"))["properties"]["value"]
    assert "pass_fail" in answer_schema["description"] and "true or false" in answer_schema["description"]
