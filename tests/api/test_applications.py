"""Stories 2 and 3 of DESIGN.md: a provider applies to two lots, two evaluators mark independently
after declaring interests, the officer moderates, one lot is admitted and one rejected, the
membership starts, the provider is told, and the audit trail shows every step."""

from __future__ import annotations

from datetime import UTC

from tests.support import Api, problem
from tests.support.applications import APPS, complete_answers, scalar_rows, set_up
from tests.support.arrangements import add_lot, create
from tests.support.documents import PDF, upload
from tests.support.frameworks import waive_publishing_checks


async def test_provider_applies_evaluators_mark_officer_moderates_and_decides_per_lot(api: Api) -> None:
    world = await set_up(api)
    officer, commissioner = world["officer"], world["commissioner"]
    (e1_id, e1), (e2_id, e2), (e3_id, e3) = world["evaluators"]
    q = world["q"]
    provider_id, provider = await api.provider()
    _, other_provider = await api.provider()

    # --- story 2: the provider applies ---------------------------------------------------------
    opened = await api.client.post(
        APPS, json={"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"]}, headers=api.auth(provider)
    )
    assert opened.status_code == 201, opened.text
    app_id = opened.json()["id"]
    assert opened.json()["status"] == "draft"
    url = f"{APPS}/{app_id}"

    answers = [
        {"question_id": q["gateway"], "value": "Yes: policy reviewed March 2026"},
        {"question_id": q["care"], "value": "Trained staff, safer recruitment, missing-from-care protocol"},
    ]
    problem(
        await api.client.patch(url, json={"answers": answers}, headers=api.auth(provider)), 428, "precondition_required"
    )
    saved = await api.client.patch(url, json={"answers": answers}, headers={**api.auth(provider), "If-Match": '"1"'})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"2"'
    # A second tab saving from the old version is refused instead of overwriting.
    problem(
        await api.client.patch(url, json={"answers": answers}, headers={**api.auth(provider), "If-Match": '"1"'}),
        412,
        "stale_version",
    )
    problem(
        await api.client.patch(
            url,
            json={"answers": [{"question_id": world["info"], "value": "many"}]},
            headers={**api.auth(provider), "If-Match": '"2"'},
        ),
        422,
        "invalid_answer",
    )

    # Submitting with items missing lists every one of them.
    incomplete = problem(
        await api.client.post(f"{url}/submit", headers=api.auth(provider)), 422, "application_incomplete"
    )
    assert sorted(m["question_id"] for m in incomplete["missing"]) == sorted(
        [q["outcomes"], world["info"], world["evidence"]]
    )

    document = (await upload(api, provider, PDF, name="insurance.pdf")).json()  # type: ignore[attr-defined]
    complete = await api.client.patch(
        url,
        json={
            "answers": [
                {"question_id": q["outcomes"], "value": "Stable placements, school attendance up"},
                {"question_id": world["info"], "value": 42},
                {"question_id": world["evidence"], "value": "Certificate attached", "document_id": document["id"]},
            ]
        },
        headers={**api.auth(provider), "If-Match": '"2"'},
    )
    assert complete.status_code == 200, complete.text
    assert len(complete.json()["answers"]) == 5

    # To another provider it does not exist (a 403 would confirm it does); a member council's
    # commissioner knows of it but may not read it.
    problem(await api.client.get(url, headers=api.auth(other_provider)), 404, "not_found")
    problem(await api.client.get(url, headers=api.auth(commissioner)), 403, "permission_denied")
    problem(await api.client.get(APPS, headers=api.auth(commissioner)), 403, "permission_denied")

    submitted = await api.client.post(f"{url}/submit", headers=api.auth(provider))
    assert submitted.status_code == 200, submitted.text
    # Submitted Monday 23 November 2026: 10 working days later is Monday 7 December.
    assert submitted.json()["decision_due_on"] == "2026-12-07"
    assert submitted.json()["status"] == "submitted"
    problem(await api.client.post(f"{url}/submit", headers=api.auth(provider)), 409, "application_not_editable")
    # The award criteria are fixed from the first submission (issue 12): no silent weight change.
    problem(
        await api.client.patch(
            f"/api/v1/arrangements/{world['arrangement_id']}/questions/{q['care']}",
            json={"weight": "70"},
            headers=api.auth(officer),
        ),
        409,
        "conditions_locked",
    )

    listed = (await api.client.get(APPS, headers=api.auth(officer))).json()["items"]
    assert [(a["id"], a["working_days_left"], a["overdue"]) for a in listed] == [(app_id, 10, False)]

    # --- story 3: evaluation ------------------------------------------------------------------
    assigned = await api.client.post(
        f"{url}/evaluators", json={"evaluator_ids": [e1_id, e2_id, e3_id]}, headers=api.auth(officer)
    )
    assert assigned.status_code == 200, assigned.text
    assert [a["status"] for a in assigned.json()["items"]] == ["assigned"] * 3

    # Answers stay closed until the evaluator declares; a conflict removes them.
    before_declaring = await api.client.get(url, headers=api.auth(e1))
    assert before_declaring.status_code == 200
    assert before_declaring.json()["answers"] is None
    problem(
        await api.client.put(
            f"{url}/evaluations/marks",
            json={"marks": [{"question_id": q["care"], "score": 4, "rationale": "good"}]},
            headers=api.auth(e1),
        ),
        403,
        "declaration_required",
    )
    conflicted = await api.client.post(
        f"{url}/evaluations/declaration",
        json={"has_conflict": True, "note": "I was a director of this provider until 2025"},
        headers=api.auth(e3),
    )
    assert conflicted.json()["status"] == "conflicted"
    assert (await api.client.get(url, headers=api.auth(e3))).json()["answers"] is None
    for token in (e1, e2):
        declared = await api.client.post(
            f"{url}/evaluations/declaration", json={"has_conflict": False}, headers=api.auth(token)
        )
        assert declared.status_code == 200, declared.text
    assert len((await api.client.get(url, headers=api.auth(e1))).json()["answers"]) == 5

    async def mark(token: str, gateway: bool, care: int, outcomes: int) -> None:
        response = await api.client.put(
            f"{url}/evaluations/marks",
            json={
                "marks": [
                    {"question_id": q["gateway"], "passed": gateway, "rationale": "policy seen"},
                    {"question_id": q["care"], "score": care, "rationale": "clear safeguarding practice"},
                    {"question_id": q["outcomes"], "score": outcomes, "rationale": "outcomes evidenced"},
                ]
            },
            headers=api.auth(token),
        )
        assert response.status_code == 200, response.text

    await mark(e1, True, 4, 3)
    problem(
        await api.client.put(
            f"{url}/evaluations/marks",
            json={"marks": [{"question_id": q["care"], "score": 4, "rationale": " "}]},
            headers=api.auth(e1),
        ),
        422,
        "rationale_required",
    )
    submitted_1 = await api.client.post(f"{url}/evaluations/submit", headers=api.auth(e1))
    assert submitted_1.json()["status"] == "submitted"

    # e2 has not submitted: e1's marks are sealed from e2.
    await mark(e2, True, 2, 4)
    seen_by_e2 = (await api.client.get(f"{url}/evaluations", headers=api.auth(e2))).json()["items"]
    sealed = next(v for v in seen_by_e2 if v["assignment"]["evaluator_id"] == e1_id)
    assert sealed["sealed"] is True and sealed["marks"] == []
    # e2's marks are a draft: sealed from e1 (who submitted) and from the officer alike.
    for viewer in (e1, officer):
        seen = (await api.client.get(f"{url}/evaluations", headers=api.auth(viewer))).json()["items"]
        draft = next(v for v in seen if v["assignment"]["evaluator_id"] == e2_id)
        assert draft["sealed"] is True and draft["marks"] == []
    problem(await api.client.get(f"{url}/moderation", headers=api.auth(officer)), 422, "evaluations_outstanding")
    await api.client.post(f"{url}/evaluations/submit", headers=api.auth(e2))
    unsealed = next(
        v
        for v in (await api.client.get(f"{url}/evaluations", headers=api.auth(e2))).json()["items"]
        if v["assignment"]["evaluator_id"] == e1_id
    )
    assert unsealed["sealed"] is False and len(unsealed["marks"]) == 3

    # Moderation: care differs by 2 (4 vs 2), so it needs discussion.
    view = (await api.client.get(f"{url}/moderation", headers=api.auth(officer))).json()
    spreads = {s["question_id"]: s for s in view["spreads"]}
    assert spreads[q["care"]]["needs_discussion"] is True
    assert spreads[q["outcomes"]]["needs_discussion"] is False
    assert view["result"] is None
    moderated = await api.client.put(
        f"{url}/moderation",
        json={
            "marks": [
                {"question_id": q["gateway"], "passed": True, "rationale": "both saw the policy"},
                {"question_id": q["care"], "score": 3, "rationale": "agreed: good, partly evidenced"},
                {"question_id": q["outcomes"], "score": 4, "rationale": "agreed"},
            ]
        },
        headers=api.auth(officer),
    )
    assert moderated.status_code == 200, moderated.text
    # 100 * (3/5 * 60 + 4/5 * 40) / 100 = 68.00, above the 60.00 pass mark.
    assert moderated.json()["result"] == {"failed_gateways": [], "weighted_total": "68.00", "meets_threshold": True}
    # Each lot is decided on its own total (here every question applies to both lots).
    assert [(x["lot_id"], x["weighted_total"], x["meets_threshold"]) for x in moderated.json()["lots"]] == [
        (lot, "68.00", True) for lot in sorted(world["lots"])
    ]

    lot1, lot2 = world["lots"]
    decided = await api.client.post(
        f"{url}/decision",
        json={
            "lots": [
                {"lot_id": lot1, "decision": "admit", "reasons": "meets every requirement of the lot"},
                {"lot_id": lot2, "decision": "reject", "reasons": "no registered home serves ages 13-17"},
            ]
        },
        headers=api.auth(officer),
    )
    assert decided.status_code == 200, decided.text
    assert len(decided.json()["membership_ids"]) == 1

    memberships = (await api.client.get("/api/v1/memberships", headers=api.auth(provider))).json()["items"]
    assert [(m["lot_id"], m["status"], m["application_id"]) for m in memberships] == [(lot1, "active", app_id)]
    # The member council's commissioner sees the arrangement's members.
    seen = (await api.client.get("/api/v1/memberships", headers=api.auth(commissioner))).json()["items"]
    assert [m["provider_id"] for m in seen] == [provider_id]

    decision = (await api.client.get(f"{url}/decision", headers=api.auth(provider))).json()
    assert decision["weighted_total"] == "68.00"
    assert [x["weighted_total"] for x in decision["lots"]] == ["68.00", "68.00"]
    # Once decided, the provider sees each question's moderated mark and the moderator's reason.
    assert {x["question_id"]: (x["score"], x["rationale"]) for x in decision["questions"]}[q["care"]] == (
        3,
        "agreed: good, partly evidenced",
    )
    assert {d["lot_id"]: d["decision"] for d in decision["lots"]} == {lot1: "admit", lot2: "reject"}

    notices = await scalar_rows("SELECT subject, body FROM notifications WHERE kind = 'application.decided'")
    assert notices and "68.00" in notices[0]["body"] and "no registered home serves ages 13-17" in notices[0]["body"]

    trail = (
        await api.client.get(f"/api/v1/audit?entity_type=application&entity_id={app_id}", headers=api.auth(officer))
    ).json()
    assert [e["action"] for e in trail["items"]] == [
        "application.opened",
        "application.saved",
        "application.saved",
        "application.submitted",
        "application.evaluation_started",
        "evaluation.moderated",
        "application.decided",
    ]


async def test_admission_below_the_threshold_is_refused(api: Api) -> None:
    world = await set_up(api)
    officer = world["officer"]
    q = world["q"]
    _, provider = await api.provider()
    app_id = (
        await api.client.post(
            APPS,
            json={"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"][:1]},
            headers=api.auth(provider),
        )
    ).json()["id"]
    url = f"{APPS}/{app_id}"
    document = (await upload(api, provider, PDF, name="insurance.pdf")).json()  # type: ignore[attr-defined]
    answers = [
        {"question_id": q["gateway"], "value": "yes"},
        {"question_id": q["care"], "value": "text"},
        {"question_id": q["outcomes"], "value": "text"},
        {"question_id": world["info"], "value": 3},
        {"question_id": world["evidence"], "value": "attached", "document_id": document["id"]},
    ]
    await api.client.patch(url, json={"answers": answers}, headers={**api.auth(provider), "If-Match": '"1"'})
    assert (await api.client.post(f"{url}/submit", headers=api.auth(provider))).status_code == 200
    (e1_id, e1), (e2_id, e2), _ = world["evaluators"]
    await api.client.post(f"{url}/evaluators", json={"evaluator_ids": [e1_id, e2_id]}, headers=api.auth(officer))
    marks = [
        {"question_id": q["gateway"], "passed": True, "rationale": "seen"},
        {"question_id": q["care"], "score": 3, "rationale": "adequate"},
        {"question_id": q["outcomes"], "score": 2, "rationale": "thin"},
    ]
    for token in (e1, e2):
        await api.client.post(f"{url}/evaluations/declaration", json={"has_conflict": False}, headers=api.auth(token))
        await api.client.put(f"{url}/evaluations/marks", json={"marks": marks}, headers=api.auth(token))
        assert (await api.client.post(f"{url}/evaluations/submit", headers=api.auth(token))).status_code == 200
    # 100 * (3/5 * 60 + 2/5 * 40) / 100 = 52.00: under the 60.00 pass mark.
    moderated = await api.client.put(f"{url}/moderation", json={"marks": marks}, headers=api.auth(officer))
    assert moderated.json()["result"]["weighted_total"] == "52.00"
    assert moderated.json()["result"]["meets_threshold"] is False
    problem(
        await api.client.post(
            f"{url}/decision",
            json={"lots": [{"lot_id": world["lots"][0], "decision": "admit", "reasons": "we like them"}]},
            headers=api.auth(officer),
        ),
        422,
        "below_threshold",
    )
    rejected = await api.client.post(
        f"{url}/decision",
        json={
            "lots": [{"lot_id": world["lots"][0], "decision": "reject", "reasons": "quality score 52.00 under 60.00"}]
        },
        headers=api.auth(officer),
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["membership_ids"] == []


async def test_clarification_answer_published_to_all_without_the_asker(api: Api) -> None:
    world = await set_up(api)
    officer = world["officer"]
    asker_id, asker = await api.provider()
    _, other = await api.provider()
    aid = world["arrangement_id"]
    asked = await api.client.post(
        f"/api/v1/arrangements/{aid}/clarifications",
        json={"question": "Acme Care here: does our Bolton home need a separate application?"},
        headers=api.auth(asker),
    )
    assert asked.status_code == 201, asked.text
    cid = asked.json()["id"]
    assert (await api.client.get(f"/api/v1/arrangements/{aid}/clarifications", headers=api.auth(other))).json()[
        "items"
    ] == []
    problem(
        await api.client.post(f"/api/v1/clarifications/{cid}/answer", json={"answer": "no"}, headers=api.auth(asker)),
        403,
        "permission_denied",
    )
    problem(
        await api.client.post(
            f"/api/v1/clarifications/{cid}/answer", json={"answer": "No.", "publish": True}, headers=api.auth(officer)
        ),
        422,
        "published_question_required",
    )
    answered = await api.client.post(
        f"/api/v1/clarifications/{cid}/answer",
        json={
            "answer": "No: one application covers every setting of a provider.",
            "publish": True,
            "published_question": "Does each home need a separate application?",
        },
        headers=api.auth(officer),
    )
    assert answered.status_code == 200, answered.text
    seen_by_other = (
        await api.client.get(f"/api/v1/arrangements/{aid}/clarifications", headers=api.auth(other))
    ).json()["items"]
    assert seen_by_other == [
        {
            "id": cid,
            "arrangement_id": aid,
            "provider_id": None,
            "question": "Does each home need a separate application?",
            "asked_at": seen_by_other[0]["asked_at"],
            "answer": "No: one application covers every setting of a provider.",
            "answered_at": seen_by_other[0]["answered_at"],
            "published": True,
        }
    ]
    seen_by_asker = (
        await api.client.get(f"/api/v1/arrangements/{aid}/clarifications", headers=api.auth(asker))
    ).json()["items"]
    assert seen_by_asker[0]["provider_id"] == asker_id
    assert seen_by_asker[0]["question"].startswith("Acme Care here")


async def test_decision_extended_once_to_fifteen_working_days_and_withdrawal_frees_a_new_application(api: Api) -> None:
    world = await set_up(api)
    officer = world["officer"]
    _, provider = await api.provider()
    body = {"arrangement_id": world["arrangement_id"], "lot_ids": world["lots"]}
    app_id = (await api.client.post(APPS, json=body, headers=api.auth(provider))).json()["id"]
    url = f"{APPS}/{app_id}"
    problem(await api.client.post(APPS, json=body, headers=api.auth(provider)), 409, "application_exists")
    await complete_answers(api, world, provider, url)
    await api.client.post(f"{url}/submit", headers=api.auth(provider))

    problem(
        await api.client.post(f"{url}/extend-decision", json={"reason": "x"}, headers=api.auth(provider)),
        403,
        "permission_denied",
    )
    extended = await api.client.post(
        f"{url}/extend-decision",
        json={"reason": "financial checks need the provider's audited accounts"},
        headers=api.auth(officer),
    )
    assert extended.status_code == 200, extended.text
    # 15 working days from Monday 23 November 2026 is Monday 14 December.
    assert extended.json()["decision_due_on"] == "2026-12-14"
    assert extended.json()["extension_reason"] == "financial checks need the provider's audited accounts"
    problem(
        await api.client.post(f"{url}/extend-decision", json={"reason": "again"}, headers=api.auth(officer)),
        409,
        "already_extended",
    )

    # Past the due date the officer's list flags it overdue.
    from datetime import datetime

    api.clock.set(datetime(2026, 12, 15, 9, 0, tzinfo=UTC))
    officer, provider = await api.renew(officer), await api.renew(provider)
    listed = (await api.client.get(APPS, headers=api.auth(officer))).json()["items"]
    assert [(a["working_days_left"], a["overdue"]) for a in listed] == [(-1, True)]

    withdrawn = await api.client.post(f"{url}/withdraw", headers=api.auth(provider))
    assert withdrawn.json()["status"] == "withdrawn"
    problem(await api.client.post(f"{url}/withdraw", headers=api.auth(provider)), 409, "illegal_transition")
    again = await api.client.post(APPS, json=body, headers=api.auth(provider))
    assert again.status_code == 201, again.text


async def test_light_touch_takes_applications_until_the_last_second_of_its_window(api: Api) -> None:
    from datetime import datetime

    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    arrangement = await create(
        api,
        officer,
        profile_code="light_touch",
        decision_period_days=20,
        windows=[{"opens_at": "2026-11-23T09:00:00Z", "closes_at": "2026-11-30T17:00:00Z"}],
    )
    aid = arrangement["id"]
    lot = await add_lot(api, officer, aid, "LOT-1")
    await waive_publishing_checks(api, officer, aid)
    await api.client.post(f"/api/v1/arrangements/{aid}/publish", headers=api.auth(officer))
    _, on_time = await api.provider()
    _, late = await api.provider()
    ids = []
    for token in (on_time, late):
        opened = await api.client.post(
            APPS, json={"arrangement_id": aid, "lot_ids": [lot["id"]]}, headers=api.auth(token)
        )
        ids.append(opened.json()["id"])

    api.clock.set(datetime(2026, 11, 30, 17, 0, 1, tzinfo=UTC))
    on_time, late = await api.renew(on_time), await api.renew(late)
    problem(await api.client.post(f"{APPS}/{ids[1]}/submit", headers=api.auth(late)), 409, "outside_window")
    api.clock.set(datetime(2026, 11, 30, 17, 0, 0, tzinfo=UTC))
    accepted = await api.client.post(f"{APPS}/{ids[0]}/submit", headers=api.auth(on_time))
    assert accepted.status_code == 200, accepted.text
    # 20 working days from Monday 30 November 2026, skipping Friday 25 December (Christmas Day)
    # and Monday 28 December (Boxing Day, substitute for Saturday 26th): Wednesday 30 December.
    assert accepted.json()["decision_due_on"] == "2026-12-30"
