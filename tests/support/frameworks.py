"""Scenes for frameworks tests: an arrangement with lots and a questionnaire, a provider's
submitted application, and its evaluation by two evaluators and the officer, all through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support import Api

BASE = "/api/v1/arrangements"
APPS = "/api/v1/applications"


@dataclass
class World:
    arrangement_id: int
    officer: str
    lots: dict[str, int]  # code -> id
    evaluators: list[tuple[int, str]]  # (user id, token)
    questions: dict[str, int] = field(default_factory=dict)  # name -> id
    member_authority_id: int = 0


async def arrangement(api: Api, *, profile_code: str = "pcr2015_dps", lots: tuple[str, ...] = ("A", "B")) -> World:
    """A draft arrangement of the lead council (Bolton) with a member (Wigan), two evaluators (one
    in each council) and the given lots."""
    from tests.support.arrangements import arrangement_body, lot_body  # here: that module imports this one

    lead = await api.authority()
    member = await api.authority("Wigan Council", "E08000010")
    _, officer = await api.staff("procurement_officer", lead)
    evaluators = [await api.staff("evaluator", lead), await api.staff("evaluator", member)]
    response = await api.client.post(
        BASE,
        json=arrangement_body(profile_code=profile_code, member_authority_ids=[member]),
        headers=api.auth(officer),
    )
    assert response.status_code == 201, response.text
    aid = response.json()["id"]
    ids = {}
    for code in lots:
        made = await api.client.post(f"{BASE}/{aid}/lots", json=lot_body(code), headers=api.auth(officer))
        assert made.status_code == 201, made.text
        ids[code] = made.json()["id"]
    return World(aid, officer, ids, evaluators, member_authority_id=member)


async def question(api: Api, world: World, name: str, **body: Any) -> int:
    body.setdefault("section", "Quality")
    body.setdefault("position", len(world.questions) + 1)
    body.setdefault("text", f"Question {name}")
    response = await api.client.post(
        f"{BASE}/{world.arrangement_id}/questions", json=body, headers=api.auth(world.officer)
    )
    assert response.status_code == 201, response.text
    world.questions[name] = int(response.json()["id"])
    return world.questions[name]


async def publish(api: Api, world: World) -> None:
    """Publish, the checks this scene does not set up (price bands, requirements) waived."""
    await waive_publishing_checks(api, world.officer, world.arrangement_id)
    response = await api.client.post(f"{BASE}/{world.arrangement_id}/publish", headers=api.auth(world.officer))
    assert response.status_code == 200, response.text


async def apply(api: Api, world: World, token: str, lots: list[str], answers: dict[str, Any]) -> str:
    """Open, answer and submit an application; returns its URL."""
    opened = await api.client.post(
        APPS,
        json={"arrangement_id": world.arrangement_id, "lot_ids": [world.lots[c] for c in lots]},
        headers=api.auth(token),
    )
    assert opened.status_code == 201, opened.text
    url = f"{APPS}/{opened.json()['id']}"
    saved = await api.client.patch(
        url,
        json={"answers": [{"question_id": world.questions[k], "value": v} for k, v in answers.items()]},
        headers={**api.auth(token), "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.text
    submitted = await api.client.post(f"{url}/submit", headers=api.auth(token))
    assert submitted.status_code == 200, submitted.text
    return url


def marks(world: World, given: dict[str, int | bool], rationale: str = "as evidenced") -> list[dict[str, Any]]:
    """Marks by question name: an int is a score, a bool a pass/fail."""
    return [
        {
            "question_id": world.questions[k],
            **({"passed": v} if isinstance(v, bool) else {"score": v}),
            "rationale": rationale,
        }
        for k, v in given.items()
    ]


async def evaluate(api: Api, world: World, url: str, given: dict[str, int | bool]) -> dict[str, Any]:
    """Both evaluators declare, mark alike and submit; the officer moderates the same marks.
    Returns the moderation view."""
    assigned = await api.client.post(
        f"{url}/evaluators", json={"evaluator_ids": [e for e, _ in world.evaluators]}, headers=api.auth(world.officer)
    )
    assert assigned.status_code == 200, assigned.text
    for _, token in world.evaluators:
        declared = await api.client.post(
            f"{url}/evaluations/declaration", json={"has_conflict": False}, headers=api.auth(token)
        )
        assert declared.status_code == 200, declared.text
        saved = await api.client.put(
            f"{url}/evaluations/marks", json={"marks": marks(world, given)}, headers=api.auth(token)
        )
        assert saved.status_code == 200, saved.text
        done = await api.client.post(f"{url}/evaluations/submit", headers=api.auth(token))
        assert done.status_code == 200, done.text
    moderated = await api.client.put(
        f"{url}/moderation",
        json={"marks": marks(world, given, "agreed at moderation")},
        headers=api.auth(world.officer),
    )
    assert moderated.status_code == 200, moderated.text
    return dict(moderated.json())


async def waive_publishing_checks(api: Api, token: str, arrangement_id: int) -> None:
    """Waive the publishing checks (price bands, questionnaire, compliance requirements) with a
    reason, for tests whose arrangements need none of them to be published."""
    for check in ("price_bands", "questionnaire", "compliance_requirements"):
        response = await api.client.post(
            f"{BASE}/{arrangement_id}/waivers",
            json={"check": check, "reason": "not needed for this test"},
            headers=api.auth(token),
        )
        assert response.status_code == 200, response.text
