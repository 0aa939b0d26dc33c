"""A questionnaire reads in the order the officer built it: its sections in the order of their
first questions (not alphabetically), each section's questions by position, in the list of
questions and in the answers a submission still lacks."""

from __future__ import annotations

from typing import Any

from tests.support import Api, problem
from tests.support.applications import APPS, question
from tests.support.arrangements import add_lot, create
from tests.support.frameworks import waive_publishing_checks


async def _built(api: Api, officer: str, aid: int, *questions: tuple[str, int, str]) -> list[int]:
    """Add (section, position, text) questions in this order; their ids."""
    ids = []
    for section, position, text in questions:
        ids.append(
            (await question(api, officer, aid, section=section, position=position, text=text, kind="text"))["id"]
        )
    return ids


def _listed(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    return [(q["section"], q["text"]) for q in response.json()["items"]]


async def test_sections_keep_the_order_the_officer_built_them_in(api: Api) -> None:
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    aid = (await create(api, officer))["id"]
    lot = await add_lot(api, officer, aid, "LOT-1")
    # Safeguarding first, then Quality; a Safeguarding question added last, after the Quality ones.
    ids = await _built(
        api,
        officer,
        aid,
        ("Safeguarding", 1, "Your safeguarding policy"),
        ("Quality", 2, "How you plan each child's care"),
        ("Quality", 3, "Outcomes for children"),
        ("Safeguarding", 4, "Your missing-from-care protocol"),
    )

    listed = _listed(await api.client.get(f"/api/v1/arrangements/{aid}/questions", headers=api.auth(officer)))
    assert listed == [
        ("Safeguarding", "Your safeguarding policy"),
        ("Safeguarding", "Your missing-from-care protocol"),
        ("Quality", "How you plan each child's care"),
        ("Quality", "Outcomes for children"),
    ]

    # A provider that submits with nothing answered is told what is missing in that same order.
    await waive_publishing_checks(api, officer, aid)
    published = await api.client.post(f"/api/v1/arrangements/{aid}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    _, provider = await api.provider()
    opened = await api.client.post(
        APPS, json={"arrangement_id": aid, "lot_ids": [lot["id"]]}, headers=api.auth(provider)
    )
    assert opened.status_code == 201, opened.text
    incomplete = problem(
        await api.client.post(f"{APPS}/{opened.json()['id']}/submit", headers=api.auth(provider)),
        422,
        "application_incomplete",
    )
    assert [m["question_id"] for m in incomplete["missing"]] == [ids[0], ids[3], ids[1], ids[2]]


async def test_positions_counted_again_in_each_section_keep_each_section_together(api: Api) -> None:
    lead = await api.authority()
    _, officer = await api.staff("procurement_officer", lead)
    aid = (await create(api, officer))["id"]
    await _built(
        api,
        officer,
        aid,
        ("Safeguarding", 1, "Your safeguarding policy"),
        ("Safeguarding", 2, "Your missing-from-care protocol"),
        ("Quality", 1, "How you plan each child's care"),
        ("Quality", 2, "Outcomes for children"),
    )
    listed = _listed(await api.client.get(f"/api/v1/arrangements/{aid}/questions", headers=api.auth(officer)))
    assert [section for section, _ in listed] == ["Safeguarding", "Safeguarding", "Quality", "Quality"]
    assert listed[1] == ("Safeguarding", "Your missing-from-care protocol")
