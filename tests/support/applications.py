"""Applications built through the API: an arrangement with its questionnaire, a provider that applies,
the answers it gives."""

from __future__ import annotations

from typing import Any

from tests.support import Api
from tests.support.arrangements import add_lot, create
from tests.support.documents import PDF, upload
from tests.support.frameworks import waive_publishing_checks

APPS = "/api/v1/applications"


async def question(api: Api, token: str, arrangement_id: int, **body: Any) -> dict[str, Any]:
    response = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/questions", json={"section": "Quality", **body}, headers=api.auth(token)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def set_up(api: Api) -> dict[str, Any]:
    """An open DPS with two lots and a questionnaire; officers, evaluators, a provider."""
    lead = await api.authority()
    member = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", lead)
    e1_id, e1 = await api.staff("evaluator", lead)
    e2_id, e2 = await api.staff("evaluator", member)
    e3_id, e3 = await api.staff("evaluator", member)
    _, commissioner = await api.staff("commissioner", member)
    arrangement = await create(api, officer, member_authority_ids=[member])
    aid = arrangement["id"]
    lot1 = await add_lot(api, officer, aid, "LOT-1")
    lot2 = await add_lot(api, officer, aid, "LOT-2")
    gateway = await question(api, officer, aid, position=1, text="Do you hold a safeguarding policy?", kind="pass_fail")
    q_care = await question(
        api,
        officer,
        aid,
        position=2,
        text="Describe how you keep children safe",
        kind="scored",
        max_score=5,
        weight="60",
        descriptors=[{"score": 0, "meaning": "no evidence"}, {"score": 5, "meaning": "excellent"}],
    )
    q_outcomes = await question(
        api, officer, aid, position=3, text="Outcomes for children", kind="scored", max_score=5, weight="40"
    )
    info = await question(api, officer, aid, position=4, text="Number of staff", kind="number")
    evidence = await question(
        api,
        officer,
        aid,
        position=5,
        text="Attach your public liability insurance certificate",
        kind="evidence",
        evidence_type="insurance_certificate",
    )
    await waive_publishing_checks(api, officer, aid)
    published = await api.client.post(f"/api/v1/arrangements/{aid}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    return {
        "arrangement_id": aid,
        "lots": [lot1["id"], lot2["id"]],
        "officer": officer,
        "evaluators": [(e1_id, e1), (e2_id, e2), (e3_id, e3)],
        "commissioner": commissioner,
        "q": {"gateway": gateway["id"], "care": q_care["id"], "outcomes": q_outcomes["id"]},
        "info": info["id"],
        "evidence": evidence["id"],
    }


async def scalar_rows(sql: str) -> list[dict[str, Any]]:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    return list(await DB.run_querystring(QueryString(sql)))


async def complete_answers(api: Api, world: dict[str, Any], provider: str, url: str, version: int = 1) -> None:
    q = world["q"]
    document = (await upload(api, provider, PDF, name="insurance.pdf")).json()  # type: ignore[attr-defined]
    answers = [
        {"question_id": q["gateway"], "value": "yes"},
        {"question_id": q["care"], "value": "text"},
        {"question_id": q["outcomes"], "value": "text"},
        {"question_id": world["info"], "value": 3},
        {"question_id": world["evidence"], "value": "attached", "document_id": document["id"]},
    ]
    saved = await api.client.patch(
        url, json={"answers": answers}, headers={**api.auth(provider), "If-Match": f'"{version}"'}
    )
    assert saved.status_code == 200, saved.text
