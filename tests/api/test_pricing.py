"""Pricing over the API: bands, rate cards with exceptions, uplifts, and the analysis of fees."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from dps.core.context import Context
from dps.core.db import DB
from dps.pricing.services import check_offer_fee, record_agreed_fee
from tests.support import Api, problem
from tests.support.pricing import ARRANGEMENTS, add_band, band_body, setup


async def test_officer_sets_bands_members_read_them_and_overlaps_are_refused(api: Api) -> None:
    s = await setup(api)
    arrangement_id, lot_id = s["arrangement_id"], s["lot_id"]
    band = await add_band(api, s["officer"], arrangement_id, lot_id, effective_to="2027-03-31")
    assert (band["min_age"], band["max_age"], band["floor_pence"], band["ceiling_pence"]) == (13, 17, 300_000, 450_000)

    # The same band for a period that shares a day with the first: 409.
    overlap = await api.client.post(
        f"{ARRANGEMENTS}/{arrangement_id}/price-bands",
        json=band_body(lot_id, effective_from="2027-03-31"),
        headers=api.auth(s["officer"]),
    )
    assert problem(overlap, 409, "band_period_overlap")["conflicting_band_id"] == band["id"]
    # The day after it ends is fine; so is another need level.
    await add_band(api, s["officer"], arrangement_id, lot_id, effective_from="2027-04-01", floor_pence=310_000)
    await add_band(api, s["officer"], arrangement_id, lot_id, need_level="standard", ceiling_pence=350_000)
    problem(
        await api.client.post(
            f"{ARRANGEMENTS}/{arrangement_id}/price-bands",
            json=band_body(lot_id, age_band="0-4"),
            headers=api.auth(s["officer"]),
        ),
        422,
        "unknown_age_band",
    )
    problem(
        await api.client.post(
            f"{ARRANGEMENTS}/{arrangement_id}/price-bands",
            json=band_body(lot_id, floor_pence=500_000),
            headers=api.auth(s["officer"]),
        ),
        422,
        "floor_above_ceiling",
    )
    # A member council's commissioner and a member provider read them; they cannot set them.
    for token in (s["commissioner"], s["provider"]):
        listed = await api.client.get(
            f"{ARRANGEMENTS}/{arrangement_id}/price-bands", params={"on": "2026-06-01"}, headers=api.auth(token)
        )
        assert listed.status_code == 200, listed.text
        assert sorted((b["need_level"], b["ceiling_pence"]) for b in listed.json()["items"]) == [
            ("complex", 450_000),
            ("standard", 350_000),
        ]
        problem(
            await api.client.post(
                f"{ARRANGEMENTS}/{arrangement_id}/price-bands", json=band_body(lot_id), headers=api.auth(token)
            ),
            403,
            "permission_denied",
        )
    # The bands of a published arrangement are part of its published conditions: a prospective
    # applicant reads them too (issue 12).
    _, outsider = await api.provider("Not A Member Ltd")
    seen = await api.client.get(f"{ARRANGEMENTS}/{arrangement_id}/price-bands", headers=api.auth(outsider))
    assert seen.status_code == 200, seen.text
    assert len(seen.json()["items"]) == 3  # with their history

    # Corrections need the version read.
    url = f"{ARRANGEMENTS}/{arrangement_id}/price-bands/{band['id']}"
    problem(await api.client.patch(url, json={"ceiling_pence": 460_000}, headers=api.auth(s["officer"])), 428,
            "precondition_required")  # fmt: skip
    patched = await api.client.patch(
        url, json={"ceiling_pence": 460_000}, headers={**api.auth(s["officer"]), "If-Match": '"1"'}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["ceiling_pence"] == 460_000 and patched.headers["etag"] == '"2"'
    stale = await api.client.patch(
        url, json={"ceiling_pence": 470_000}, headers={**api.auth(s["officer"]), "If-Match": '"1"'}
    )
    problem(stale, 412, "stale_version")


async def test_a_rate_card_above_the_ceiling_is_approved_by_exception(api: Api) -> None:
    story = await a_lot_with_two_bands_and_a_priced_service(api)
    await a_member_proposes_a_card_a_penny_over_the_ceiling(api, story)
    await an_outsider_neither_prices_the_lot_nor_reads_the_card(api, story)
    await the_officer_approves_the_exception_then_the_card(api, story)
    await the_council_and_the_provider_see_the_card(api, story)
    await an_offer_at_the_cards_price_is_above_the_ceiling_by_agreement(api, story)


@dataclass
class CardStory:
    """What the steps of the rate card story share: the scene, its lot and service and, as they come, the card and its
    line above the ceiling."""

    s: dict[str, Any]
    arrangement_id: int
    lot_id: int
    service_id: int
    body: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)
    above: dict[str, Any] = field(default_factory=dict)
    url: str = ""


async def a_lot_with_two_bands_and_a_priced_service(api: Api) -> CardStory:
    """The officer sets two bands for 13-17 and an additional service on the lot."""
    s = await setup(api)
    arrangement_id, lot_id = s["arrangement_id"], s["lot_id"]
    await add_band(api, s["officer"], arrangement_id, lot_id)  # 13-17 complex: 300,000 - 450,000
    await add_band(api, s["officer"], arrangement_id, lot_id, need_level="standard", floor_pence=200_000,
                   ceiling_pence=300_000)  # fmt: skip
    service = await api.client.post(
        f"{ARRANGEMENTS}/{arrangement_id}/additional-services",
        json={"code": "1-1", "name": "1:1 support", "unit": "hour"},
        headers=api.auth(s["officer"]),
    )
    assert service.status_code == 201, service.text
    service_id = service.json()["id"]
    return CardStory(s=s, arrangement_id=arrangement_id, lot_id=lot_id, service_id=service_id)


async def a_member_proposes_a_card_a_penny_over_the_ceiling(api: Api, story: CardStory) -> None:
    """One penny over the ceiling needs a justification; one line is above the ceiling, one abnormally low."""
    s, lot_id, service_id = story.s, story.lot_id, story.service_id
    body: dict[str, Any] = {
        "lot_id": lot_id,
        "effective_from": "2026-06-01",
        "lines": [
            {"age_band": "13-17", "need_level": "complex", "weekly_price_pence": 450_001},
            {"age_band": "13-17", "need_level": "standard", "weekly_price_pence": 199_999},
        ],
        "services": [{"service_id": service_id, "unit_price_pence": 2_800}],
    }
    # One penny over the ceiling needs an exception request with a justification.
    refused = await api.client.post("/api/v1/rate-cards", json=body, headers=api.auth(s["provider"]))
    problem(refused, 422, "exception_justification_required")
    body["lines"][0]["exception_justification"] = "Two waking night staff for every placement"
    proposed = await api.client.post("/api/v1/rate-cards", json=body, headers=api.auth(s["provider"]))
    assert proposed.status_code == 201, proposed.text
    card = proposed.json()
    assert card["status"] == "submitted" and card["provider_id"] == s["provider_id"]
    above, low = card["lines"]
    assert (above["position"], above["exception_status"]) == ("above_ceiling", "requested")
    assert (low["position"], low["abnormally_low"]) == ("below_floor", True)
    assert card["services"] == [{"service_id": service_id, "unit": "hour", "unit_price_pence": 2_800}]
    story.body = body
    story.card = card
    story.above = above


async def an_outsider_neither_prices_the_lot_nor_reads_the_card(api: Api, story: CardStory) -> None:
    """A provider without a place on the lot cannot price it, nor read the card."""
    body, card = story.body, story.card
    # A provider without a place on the lot cannot price it.
    _, outsider = await api.provider("Elsewhere Care Ltd")
    problem(await api.client.post("/api/v1/rate-cards", json=body, headers=api.auth(outsider)), 422, "not_a_member")
    # Nor read its card: to it the card does not exist (issue 13 item 10).
    problem(await api.client.get(f"/api/v1/rate-cards/{card['id']}", headers=api.auth(outsider)), 404,
            "not_found")  # fmt: skip


async def the_officer_approves_the_exception_then_the_card(api: Api, story: CardStory) -> None:
    """Only the officer decides the exception; the card is approved at its version after the low-price review."""
    s, card, above = story.s, story.card, story.above
    officer = api.auth(s["officer"])
    url = f"/api/v1/rate-cards/{card['id']}"
    not_yet = await api.client.post(
        f"{url}/approve", json={"abnormally_low_review": "ok"}, headers={**officer, "If-Match": '"1"'}
    )
    problem(not_yet, 422, "exception_not_approved")
    # The provider cannot decide its own exception.
    problem(
        await api.client.post(
            f"{url}/lines/{above['id']}/exception-decision",
            json={"approve": True, "reason": "self-approved"},
            headers={**api.auth(s["provider"]), "If-Match": '"1"'},
        ),
        403,
        "permission_denied",
    )
    decided = await api.client.post(
        f"{url}/lines/{above['id']}/exception-decision",
        json={"approve": True, "reason": "Only provider in the region able to meet this need"},
        headers={**officer, "If-Match": '"1"'},
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["lines"][0]["exception_status"] == "approved"
    assert decided.headers["etag"] == '"2"'
    stale = await api.client.post(f"{url}/approve", json={}, headers={**officer, "If-Match": '"1"'})
    problem(stale, 412, "stale_version")
    no_review = await api.client.post(f"{url}/approve", json={}, headers={**officer, "If-Match": '"2"'})
    problem(no_review, 422, "abnormally_low_review_required")
    approved = await api.client.post(
        f"{url}/approve",
        json={"abnormally_low_review": "Explanation accepted: the provider owns the premises outright"},
        headers={**officer, "If-Match": '"2"'},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    again = await api.client.post(
        f"{url}/reject", json={"reason": "changed mind"}, headers={**officer, "If-Match": '"3"'}
    )
    problem(again, 409, "illegal_transition")
    story.url = url


async def the_council_and_the_provider_see_the_card(api: Api, story: CardStory) -> None:
    """The member council's commissioner sees it; the provider lists its own."""
    s, card, url = story.s, story.card, story.url
    # The member council's commissioner sees it; the provider lists its own.
    seen = await api.client.get(url, headers=api.auth(s["commissioner"]))
    assert seen.status_code == 200 and seen.headers["etag"] == '"3"'
    mine = await api.client.get("/api/v1/rate-cards", headers=api.auth(s["provider"]))
    assert [c["id"] for c in mine.json()["items"]] == [card["id"]]


async def an_offer_at_the_cards_price_is_above_the_ceiling_by_agreement(api: Api, story: CardStory) -> None:
    """The call-off's fee check: at the card's price, above the ceiling by agreement."""
    s, lot_id, card = story.s, story.lot_id, story.card
    # The call-off engineer's check: an offer at the card's price is above the ceiling by agreement.
    check = await check_offer_fee(
        lot_id=lot_id, provider_id=s["provider_id"], age=14, need_level="complex", weekly_fee_pence=450_001,
        on=date(2026, 7, 1),
    )  # fmt: skip
    assert check.above_ceiling and check.exception_approved and not check.above_rate_card
    assert (check.rate_card_id, check.ceiling_pence) == (card["id"], 450_000)
    dearer = await check_offer_fee(
        lot_id=lot_id, provider_id=s["provider_id"], age=14, need_level="complex", weekly_fee_pence=450_002,
        on=date(2026, 7, 1),
    )  # fmt: skip
    assert dearer.above_rate_card
    before_card = await check_offer_fee(
        lot_id=lot_id,
        provider_id=s["provider_id"],
        age=9,
        need_level="complex",
        weekly_fee_pence=1,
        on=date(2026, 5, 1),
    )
    assert before_card.no_band and before_card.no_rate_card


async def test_uplift_preview_then_apply_once(api: Api) -> None:
    s = await setup(api)
    arrangement_id, lot_id = s["arrangement_id"], s["lot_id"]
    band = await add_band(api, s["officer"], arrangement_id, lot_id, floor_pence=100_000, ceiling_pence=123_457)
    proposed = await api.client.post(
        "/api/v1/rate-cards",
        json={
            "lot_id": lot_id,
            "effective_from": "2026-04-01",
            "lines": [{"age_band": "13-17", "need_level": "complex", "weekly_price_pence": 123_457}],
        },
        headers=api.auth(s["provider"]),
    )
    card_id = proposed.json()["id"]
    officer = api.auth(s["officer"])
    approved = await api.client.post(
        f"/api/v1/rate-cards/{card_id}/approve", json={}, headers={**officer, "If-Match": '"1"'}
    )
    assert approved.status_code == 200, approved.text

    defined = await api.client.post(
        "/api/v1/uplifts",
        json={"arrangement_id": arrangement_id, "description": "April 2027 uplift", "effective_on": "2027-04-01",
              "method": "flat", "flat_percentage": "3.8"},
        headers=officer,
    )  # fmt: skip
    assert defined.status_code == 201, defined.text
    uplift_id = defined.json()["id"]
    problem(
        await api.client.post(
            "/api/v1/uplifts",
            json={"arrangement_id": arrangement_id, "description": "blend", "effective_on": "2027-04-01",
                  "method": "weighted_index", "components": [{"index": "CPI", "weight": "40", "rate": "3.4"},
                                                              {"index": "NLW", "weight": "50", "rate": "6.7"}]},
            headers=officer,
        ),
        422,
        "weights_not_100",
    )  # fmt: skip

    preview = await api.client.get(f"/api/v1/uplifts/{uplift_id}/preview", headers=officer)
    assert preview.status_code == 200, preview.text
    effect = preview.json()
    assert effect["applied"] is False and Decimal(effect["percentage"]) == Decimal("3.8")
    [band_change] = effect["bands"]
    assert (band_change["band_id"], band_change["ceiling_before_pence"], band_change["ceiling_after_pence"]) == (
        band["id"], 123_457, 128_148,
    )  # fmt: skip
    assert band_change["floor_after_pence"] == 103_800
    [card_change] = effect["rate_cards"]
    assert card_change["rate_card_id"] == card_id and card_change["new_rate_card_id"] is None
    assert card_change["lines"][0]["before_pence"] == 123_457 and card_change["lines"][0]["after_pence"] == 128_148
    # A dry run writes nothing.
    bands_now = await api.client.get(f"{ARRANGEMENTS}/{arrangement_id}/price-bands", headers=officer)
    assert len(bands_now.json()["items"]) == 1

    # A provider cannot apply it.
    problem(await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=api.auth(s["provider"])), 403,
            "permission_denied")  # fmt: skip
    applied = await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=officer)
    assert applied.status_code == 200, applied.text
    result = applied.json()
    assert result["applied"] is True and result["uplift"]["status"] == "applied"
    new_card_id = result["rate_cards"][0]["new_rate_card_id"]
    assert new_card_id is not None and new_card_id != card_id

    # History kept: the old band and card end on 31 March; the new ones start on 1 April.
    history = (await api.client.get(f"{ARRANGEMENTS}/{arrangement_id}/price-bands", headers=officer)).json()["items"]
    assert [(b["effective_from"], b["effective_to"], b["ceiling_pence"]) for b in history] == [
        ("2026-04-01", "2027-03-31", 123_457),
        ("2027-04-01", None, 128_148),
    ]
    old = (await api.client.get(f"/api/v1/rate-cards/{card_id}", headers=officer)).json()
    new = (await api.client.get(f"/api/v1/rate-cards/{new_card_id}", headers=officer)).json()
    assert old["effective_to"] == "2027-03-31"
    assert (new["effective_from"], new["status"], new["previous_id"], new["uplift_id"]) == (
        "2027-04-01", "approved", card_id, uplift_id,
    )  # fmt: skip
    assert new["lines"][0]["weekly_price_pence"] == 128_148

    # Applied once only.
    problem(await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=officer), 409, "uplift_already_applied")
    audit = await api.client.get(
        "/api/v1/audit",
        params={"entity_type": "uplift", "entity_id": str(uplift_id)},
        headers=api.auth(await api.admin()),
    )
    assert [e["action"] for e in audit.json()["items"]].count("uplift.applied") == 1


async def test_analysis_shows_one_providers_spread_across_two_authorities(api: Api) -> None:
    s = await setup(api)
    arrangement_id, lot_id, provider_id = s["arrangement_id"], s["lot_id"], s["provider_id"]
    await add_band(api, s["officer"], arrangement_id, lot_id)
    ctx = Context(None, api.clock, api.app.state.settings, api.app.state.store)
    async with DB.transaction():
        for authority, fee in ((s["lead"], 380_000), (s["lead"], 400_000), (s["member"], 460_000)):
            await record_agreed_fee(
                ctx, authority_id=authority, provider_id=provider_id, lot_id=lot_id, age_band="13-17",
                need_level="complex", weekly_fee_pence=fee, start_on=date(2026, 5, 1),
            )  # fmt: skip
        # An ended placement does not count.
        await record_agreed_fee(
            ctx, authority_id=s["member"], provider_id=provider_id, lot_id=lot_id, age_band="13-17",
            need_level="complex", weekly_fee_pence=900_000, start_on=date(2026, 4, 1), end_on=date(2026, 4, 30),
        )  # fmt: skip

    params = {"arrangement_id": arrangement_id, "on": "2026-06-01"}
    report = await api.client.get("/api/v1/reports/pricing", params=params, headers=api.auth(s["officer"]))
    assert report.status_code == 200, report.text
    [spread] = report.json()["spreads"]
    assert spread["provider_name"] == "Northern Homes Ltd"
    assert (spread["placements"], spread["authorities"]) == (3, 2)
    assert (spread["min_pence"], spread["median_pence"], spread["max_pence"], spread["spread_pence"]) == (
        380_000, 400_000, 460_000, 80_000,
    )  # fmt: skip
    assert spread["spread_percent"] == "21.05"
    [use] = report.json()["utilisation"]
    assert (use["placements"], use["share_percent"]) == (3, "100.00")

    as_csv = await api.client.get(
        "/api/v1/reports/pricing", params=params, headers={**api.auth(s["officer"]), "Accept": "text/csv"}
    )
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [(r["provider_name"], r["min_pence"], r["max_pence"], r["authorities"]) for r in rows] == [
        ("Northern Homes Ltd", "380000", "460000", "2")
    ]
    by_format = await api.client.get(
        "/api/v1/reports/pricing", params={**params, "format": "csv"}, headers=api.auth(s["officer"])
    )
    assert by_format.text == as_csv.text

    # For officers only: a commissioner and a provider are refused.
    for token in (s["commissioner"], s["provider"]):
        problem(await api.client.get("/api/v1/reports/pricing", params=params, headers=api.auth(token)), 403,
                "permission_denied")  # fmt: skip
