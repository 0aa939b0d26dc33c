"""Call-offs' guards: sealed offers, robustness of inputs, permissions."""

from __future__ import annotations

from datetime import date, timedelta

from dps.tenders.domain.offers import OfferContent
from tests.support import Api, problem
from tests.support.call_offs import (
    CALL_OFFS,
    Scene,
    call_off_body,
    mark_all,
    member,
    offer_body,
    raise_and_publish,
    scene,
    settings,
)

__all__ = ["settings"]  # the fixture: tokens outlive the weeks these tests move the clock over

PRICE_AND_PROXIMITY = {"quality_weight": "0", "price_weight": "70", "proximity_weight": "30"}


async def test_the_audit_digest_of_a_sealed_offer_does_not_give_away_its_fee(api: Api) -> None:
    """A call-off without quality questions leaves an offer's content predictable but for the fee
    (the invited setting, the child's start date, no answers): an unsalted digest in the audit
    trail let an officer find the fee before the deadline by trying every amount."""
    s = await scene(api)
    _, token, setting = await member(api, s, postcode="BL1 1AA")
    deadline = api.clock.now() + timedelta(days=10)
    call_off = await raise_and_publish(api, s, deadline, criteria=PRICE_AND_PROXIMITY)
    fee = 412_345
    offered = await api.client.post(
        f"{CALL_OFFS}/{call_off['id']}/offers",
        json={"setting_id": setting, "weekly_fee_pence": fee, "start_date": "2026-12-14"},
        headers=api.auth(token),
    )
    assert offered.status_code == 201, offered.text

    # Before the deadline the offer's events are sealed in the trail too: nothing to try guesses on.
    trail = await api.client.get("/api/v1/audit", params={"action": "offer.submitted"}, headers=api.auth(s.officer))
    assert trail.status_code == 200, trail.text
    assert trail.json()["items"] == []
    # From the deadline the event shows, and its digest is salted: it proves the content without
    # being a lookup table of fees.
    api.clock.set(deadline)
    officer = await api.renew(s.officer)
    trail = await api.client.get("/api/v1/audit", params={"action": "offer.submitted"}, headers=api.auth(officer))
    [event] = trail.json()["items"]
    recorded = event["after"]["content_sha256"]
    guesses = {
        OfferContent(setting, guess, (), date(2026, 12, 14), (), "").digest(): guess
        for guess in range(fee - 1000, fee + 1000)
    }
    assert recorded not in guesses
    assert str(fee) not in trail.text


async def test_a_proximity_band_that_is_not_a_number_is_refused_not_a_500(api: Api) -> None:
    s = await scene(api)
    body = call_off_body(s, api.clock.now() + timedelta(days=10))
    for field in ("zero_beyond_miles", "full_marks_within_miles"):
        for value in ("NaN", "sNaN", "Infinity", "-Infinity"):
            criteria = {**body["criteria"], field: value}
            response = await api.client.post(
                CALL_OFFS, json={**body, "criteria": criteria}, headers=api.auth(s.commissioner)
            )
            problem(response, 422, "invalid_proximity_band")


async def evaluated_call_off(api: Api) -> tuple[Scene, str, dict[str, tuple[str, int]]]:
    """A call-off with two offers (a: dearer and better, b: cheaper), marked and evaluated;
    returns (scene, its url, {name: (provider token, offer id)})."""
    s = await scene(api)
    members = {name: await member(api, s, postcode=postcode) for name, postcode in (("a", "BL1 1AA"), ("b", "M5 4WT"))}
    deadline = api.clock.now() + timedelta(days=10)
    url = f"{CALL_OFFS}/{(await raise_and_publish(api, s, deadline))['id']}"
    offers = {}
    for name, fee in (("a", 450_000), ("b", 400_000)):
        _, token, setting = members[name]
        sent = await api.client.post(f"{url}/offers", json=offer_body(setting, fee), headers=api.auth(token))
        assert sent.status_code == 201, sent.text
        offers[name] = (token, int(sent.json()["id"]))
    api.clock.set(deadline)
    call_off_id = int(url.rsplit("/", 1)[1])
    await mark_all(api, s, call_off_id, offers["a"][1], (5, 4))
    await mark_all(api, s, call_off_id, offers["b"][1], (3, 3))
    evaluated = await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))
    assert evaluated.status_code == 200, evaluated.text
    return s, url, offers


async def test_a_second_round_deadline_without_a_time_zone_is_refused_not_a_500(api: Api) -> None:
    s, url, _ = await evaluated_call_off(api)
    naive = await api.client.post(
        f"{url}/second-round", json={"size": 2, "deadline": "2026-12-31T12:00:00"}, headers=api.auth(s.commissioner)
    )
    problem(naive, 400, "validation_failed")


async def test_marking_is_refused_to_outsiders_before_anything_about_the_call_off_is_said(api: Api) -> None:
    """Another council's commissioner, or a provider, marking an offer of a call-off still open
    is told 404 (the outsider: as if the call-off did not exist) or 403 (the invited provider),
    never the call-off's state (409 `not_in_evaluation` said it was still open)."""
    s = await scene(api)
    _, token, setting = await member(api, s, postcode="BL1 1AA")
    url = f"{CALL_OFFS}/{(await raise_and_publish(api, s, api.clock.now() + timedelta(days=10)))['id']}"
    sent = await api.client.post(f"{url}/offers", json=offer_body(setting, 400_000), headers=api.auth(token))
    offer_id = sent.json()["id"]
    wigan = await api.authority("Wigan Council", "E08000010")
    _, stranger = await api.staff("commissioner", wigan)
    marks = {"marks": [{"question_id": 1, "score": 5, "rationale": "good"}]}
    for who, status, code in ((stranger, 404, "not_found"), (token, 403, "permission_denied")):
        problem(await api.client.post(f"{url}/offers/{offer_id}/marks", json=marks, headers=api.auth(who)),
                status, code)  # fmt: skip
        problem(await api.client.post(f"{url}/offers/{offer_id}/moderation", json=marks, headers=api.auth(who)),
                status, code)  # fmt: skip
