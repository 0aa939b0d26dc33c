"""A consortium for placement tests, built through the API: Bolton leads a residential DPS that
Wigan and Salford join; two member providers with approved rate cards and one provider outside the
framework; a council places a child through a call-off (`place`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.support import Api, admit_member
from tests.support.frameworks import waive_publishing_checks

CALL_OFFS = "/api/v1/call-offs"
CARD_PRICE = 123_457  # the first member's weekly price for 8-12 / complex
SECOND_CARD_PRICE = 125_000  # the second member's
FLOOR, CEILING = 100_000, 130_000


@dataclass
class Council:
    id: int
    commissioner: str
    officer: str
    evaluators: list[str]


@dataclass
class Provider:
    id: int
    token: str
    setting_id: int


@dataclass
class Consortium:
    arrangement_id: int
    lot_id: int
    bolton: Council  # the lead
    wigan: Council
    salford: Council
    member: Provider  # a member with an approved card at CARD_PRICE
    second: Provider  # another member, SECOND_CARD_PRICE
    outsider: Provider  # no place on the lot, no card


async def _council(api: Api, name: str, code: str) -> Council:
    authority = await api.authority(name, code)
    _, commissioner = await api.staff("commissioner", authority)
    _, officer = await api.staff("procurement_officer", authority)
    evaluators = [(await api.staff("evaluator", authority))[1] for _ in range(2)]
    return Council(authority, commissioner, officer, evaluators)


async def _provider(api: Api, name: str, postcode: str) -> Provider:
    provider_id, token = await api.provider(name)
    setting = await api.setting(provider_id, token, postcode=postcode)
    return Provider(provider_id, token, int(setting["id"]))


async def residential_dps(api: Api, officer: str, member_authority_ids: list[int]) -> tuple[int, int]:
    """Bolton's officer sets up and publishes a residential DPS with one lot (children's homes 8-17)
    and a price band for 8-12 / complex from FLOOR to CEILING; returns (arrangement id, lot id)."""
    created = await api.client.post(
        "/api/v1/arrangements",
        json={"reference": "NW-RES-DPS", "title": "North West residential DPS", "service_type": "residential",
              "profile_code": "pcr2015_dps", "term_start": "2026-11-01", "term_end": "2029-02-23",
              "member_authority_ids": member_authority_ids},
        headers=api.auth(officer),
    )  # fmt: skip
    assert created.status_code == 201, created.text
    arrangement_id = created.json()["id"]
    lot = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/lots",
        json={"code": "LOT-1", "title": "Children's homes 8-17",
              "age_bands": [{"label": "8-12", "min_age": 8, "max_age": 12},
                            {"label": "13-17", "min_age": 13, "max_age": 17}],
              "need_levels": ["standard", "complex"]},
        headers=api.auth(officer),
    )  # fmt: skip
    assert lot.status_code == 201, lot.text
    lot_id = lot.json()["id"]
    await waive_publishing_checks(api, officer, arrangement_id)
    published = await api.client.post(f"/api/v1/arrangements/{arrangement_id}/publish", headers=api.auth(officer))
    assert published.status_code == 200, published.text
    band = await api.client.post(
        f"/api/v1/arrangements/{arrangement_id}/price-bands",
        json={"lot_id": lot_id, "age_band": "8-12", "need_level": "complex", "floor_pence": FLOOR,
              "ceiling_pence": CEILING, "effective_from": "2026-11-01"},
        headers=api.auth(officer),
    )  # fmt: skip
    assert band.status_code == 201, band.text
    return arrangement_id, lot_id


async def approved_card(api: Api, lot_id: int, provider: str, officer: str, price: int) -> None:
    """The provider proposes a rate card at `price` a week for 8-12 / complex; the officer approves it."""
    card = await api.client.post(
        "/api/v1/rate-cards",
        json={"lot_id": lot_id, "effective_from": "2026-11-01",
              "lines": [{"age_band": "8-12", "need_level": "complex", "weekly_price_pence": price}]},
        headers=api.auth(provider),
    )  # fmt: skip
    assert card.status_code == 201, card.text
    approved = await api.client.post(
        f"/api/v1/rate-cards/{card.json()['id']}/approve", json={}, headers={**api.auth(officer), "If-Match": '"1"'}
    )
    assert approved.status_code == 200, approved.text


async def consortium(api: Api) -> Consortium:
    bolton = await _council(api, "Bolton Council", "E08000001")
    wigan = await _council(api, "Wigan Council", "E08000010")
    salford = await _council(api, "Salford City Council", "E08000006")
    arrangement_id, lot_id = await residential_dps(api, bolton.officer, [wigan.id, salford.id])
    member = await _provider(api, "Northern Homes Ltd", "M5 4WT")
    second = await _provider(api, "Pennine Care Ltd", "M1 1AE")
    outsider = await _provider(api, "Spot Beds Ltd", "M1 1AE")
    c = Consortium(arrangement_id, lot_id, bolton, wigan, salford, member, second, outsider)
    for provider, price in ((member, CARD_PRICE), (second, SECOND_CARD_PRICE)):
        await admit_member(arrangement_id, lot_id, provider.id, date(2026, 11, 1))
        await approved_card(api, lot_id, provider.token, bolton.officer, price)
    return c


async def place(api: Api, c: Consortium, council: Council, *, fee: int = CARD_PRICE) -> dict[str, Any]:
    """`council` places a 12-year-old with complex needs through a call-off that the first member
    wins, starting 14 December 2026 (the clock moves 10 days on, to past the deadline); returns the
    placement."""
    return await place_child(
        api, c.arrangement_id, c.lot_id, council.commissioner, council.evaluators, c.member.setting_id, c.member.token,
        fee=fee,
    )  # fmt: skip


async def place_child(
    api: Api,
    arrangement_id: int,
    lot_id: int,
    commissioner: str,
    evaluators: list[str],
    setting_id: int,
    provider: str,
    *,
    fee: int,
    additional_services: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The commissioner raises a call-off for a 12-year-old with complex needs, starting 14 December
    2026; the provider offers `fee` a week from its setting; the clock moves 10 days on, past the
    deadline; the commissioner's two evaluators mark the offer, the commissioner evaluates and awards.
    Returns the placement."""
    deadline = api.clock.now() + timedelta(days=10)
    raised = await api.client.post(
        CALL_OFFS,
        json={
            "arrangement_id": arrangement_id,
            "lot_id": lot_id,
            "title": "Boy, 12, long term",
            "child": {"age": 12, "sex": "male", "needs": ["autism"], "need_level": "complex", "home_district": "WN1",
                      "education_needs": "EHCP", "risks": "none known", "placement_type": "long_term",
                      "start_date": "2026-12-14", "expected_duration_weeks": 52},
            "criteria": {"questions": [{"text": "How will you meet his needs?", "max_score": 5, "weight": "100"}],
                         "quality_weight": "60", "price_weight": "30", "proximity_weight": "10"},
            "deadline": deadline.isoformat(),
        },
        headers=api.auth(commissioner),
    )  # fmt: skip
    assert raised.status_code == 201, raised.text
    call_off_id = raised.json()["id"]
    published = await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(commissioner))
    assert published.status_code == 200, published.text
    offer = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/offers",
        json={"setting_id": setting_id, "weekly_fee_pence": fee, "additional_services": additional_services or [],
              "start_date": "2026-12-14", "answers": [{"question_id": 1, "text": "A keyworker trained in autism"}]},
        headers=api.auth(provider),
    )  # fmt: skip
    assert offer.status_code == 201, offer.text
    api.clock.set(deadline + timedelta(seconds=1))
    panel = [(await api.client.get("/api/v1/me", headers=api.auth(t))).json()["user_id"] for t in evaluators]
    assigned = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/evaluators", json={"evaluator_ids": panel}, headers=api.auth(commissioner)
    )
    assert assigned.status_code == 200, assigned.text
    for token in evaluators:
        marked = await api.client.post(
            f"{CALL_OFFS}/{call_off_id}/offers/{offer.json()['id']}/marks",
            json={"marks": [{"question_id": 1, "score": 4, "rationale": "clear plan"}]},
            headers=api.auth(token),
        )
        assert marked.status_code == 204, marked.text
    evaluated = await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluate", headers=api.auth(commissioner))
    assert evaluated.status_code == 200, evaluated.text
    awarded = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/award", json={"offer_id": offer.json()["id"]}, headers=api.auth(commissioner)
    )
    assert awarded.status_code == 200 and awarded.json()["status"] == "concluded", awarded.text
    listed = await api.client.get(
        "/api/v1/placements", params={"call_off_id": call_off_id}, headers=api.auth(commissioner)
    )
    assert listed.status_code == 200, listed.text
    [placement] = [p for p in listed.json()["items"] if p["call_off_id"] == call_off_id]
    return dict(placement)


def spend(weekly_and_days: list[tuple[int, int]]) -> int:
    """One placement's spend: each weekly fee for its days, one seventh a day, rounded once half up."""
    exact_sevenths = sum(fee * days for fee, days in weekly_and_days)
    return (2 * exact_sevenths + 7) // 14
