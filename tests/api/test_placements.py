"""Placements over HTTP (issue 12): a fee is effective-dated history; a move goes through the
framework's checks or is recorded outside it on purpose; a placement is found by its child; the
consortium's lead sees every member council; a moved placement gets no "ends" reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from dps.core.context import Context
from dps.core.settings import Settings
from dps.scheduler.runner import run_once
from tests.support import Api, problem, settings_for
from tests.support.contracts import NO_LIBREOFFICE, load_templates
from tests.support.placements import CARD_PRICE, SECOND_CARD_PRICE, Consortium, consortium, place, spend

PLACEMENTS = "/api/v1/placements"
UPLIFTED = 128_148  # CARD_PRICE + 3.8%, half up (128,148.366)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The clock moves over months (an uplift in April): tokens outlive them."""
    return settings_for(tmp_path, token_days=365)


pytestmark = pytest.mark.usefixtures("no_libreoffice")


async def placement_report(api: Api, token: str, first: str, last: str, **params: Any) -> dict[str, Any]:
    response = await api.client.get(
        "/api/v1/reports/placements",
        params={"first_day": first, "last_day": last, **params},
        headers=api.auth(token),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def pricing_report(api: Api, c: Consortium, token: str, first: str, last: str) -> dict[str, Any]:
    response = await api.client.get(
        "/api/v1/reports/pricing",
        params={"arrangement_id": c.arrangement_id, "on": last, "spend_from": first, "spend_to": last},
        headers=api.auth(token),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def vary_for_april(api: Api, c: Consortium) -> None:
    """Bolton applies a 3.8% uplift from 1 April 2027 and issues the fee variations; the placing
    council issues each, the provider signs, the council countersigns (activates) it now."""
    await load_templates(api)
    defined = await api.client.post(
        "/api/v1/uplifts",
        json={"arrangement_id": c.arrangement_id, "description": "April 2027 uplift", "effective_on": "2027-04-01",
              "method": "flat", "flat_percentage": "3.8"},
        headers=api.auth(c.bolton.officer),
    )  # fmt: skip
    assert defined.status_code == 201, defined.text
    uplift_id = defined.json()["id"]
    applied = await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=api.auth(c.bolton.officer))
    assert applied.status_code == 200, applied.text
    issued = await api.client.post(
        "/api/v1/contracts/fee-variations", json={"uplift_id": uplift_id}, headers=api.auth(c.bolton.officer)
    )
    assert issued.status_code == 200, issued.text
    for variation in issued.json()["created"]:
        for step, token in (("issue", c.wigan.officer), ("sign", c.member.token), ("activate", c.wigan.officer)):
            body = {"document_sha256": variation["document_sha256"]} if step == "sign" else None
            done = await api.client.post(
                f"/api/v1/contracts/{variation['id']}/{step}", json=body, headers=api.auth(token)
            )
            assert done.status_code == 200, done.text


async def test_a_fee_variation_for_april_signed_in_december_leaves_december_alone(api: Api) -> None:
    c = await consortium(api)
    placement = await place(api, c, c.wigan)  # starts 14 December 2026
    assert api.clock.now().date() == date(2026, 12, 3)
    await vary_for_april(api, c)

    # In December the placement shows the fee in force today, and April's as scheduled.
    seen = (await api.client.get(f"{PLACEMENTS}/{placement['id']}", headers=api.auth(c.wigan.commissioner))).json()
    assert seen["weekly_fee_pence"] == CARD_PRICE and seen["fee_on"] == "2026-12-03"
    assert seen["scheduled_fees"] == [{"from_day": "2027-04-01", "weekly_fee_pence": UPLIFTED}]
    assert seen["fee_history"] == [
        {"from_day": "2026-12-14", "weekly_fee_pence": CARD_PRICE},
        {"from_day": "2027-04-01", "weekly_fee_pence": UPLIFTED},
    ]
    listed = await api.client.get(PLACEMENTS, params={"live": "true"}, headers=api.auth(c.wigan.commissioner))
    assert [p["weekly_fee_pence"] for p in listed.json()["items"]] == [CARD_PRICE]

    # December's spend is at December's fee (18 days from the 14th), in both reports, to the penny.
    december = spend([(CARD_PRICE, 18)])
    [wigan] = (await placement_report(api, c.wigan.commissioner, "2026-12-01", "2026-12-31"))["councils"]
    assert wigan["spend_pence"] == december == 317_461
    assert wigan["weekly_spend_live_pence"] == CARD_PRICE
    priced = await pricing_report(api, c, c.bolton.officer, "2026-12-01", "2026-12-31")
    assert [(s["authority_id"], s["spend_pence"]) for s in priced["spend"]] == [(c.wigan.id, december)]

    # Over the change each day costs the fee in force that day (7 days of March, 10 of April),
    # rounded once: both reports again agree.
    across = spend([(CARD_PRICE, 7), (UPLIFTED, 10)])
    [wigan] = (await placement_report(api, c.wigan.commissioner, "2027-03-25", "2027-04-10"))["councils"]
    priced = await pricing_report(api, c, c.bolton.officer, "2027-03-25", "2027-04-10")
    assert wigan["spend_pence"] == priced["spend"][0]["spend_pence"] == across
    assert wigan["weekly_spend_live_pence"] == UPLIFTED

    # From 1 April the varied fee is the one in force.
    api.clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    seen = (await api.client.get(f"{PLACEMENTS}/{placement['id']}", headers=api.auth(c.wigan.commissioner))).json()
    assert (seen["weekly_fee_pence"], seen["scheduled_fees"]) == (UPLIFTED, [])


async def test_an_ending_before_a_scheduled_fee_cuts_both_reports_alike(api: Api) -> None:
    c = await consortium(api)
    placement = await place(api, c, c.wigan)
    await vary_for_april(api, c)
    ended = await api.client.post(
        f"{PLACEMENTS}/{placement['id']}/end",
        json={"ended_on": "2027-03-20", "kind": "planned"},
        headers={**api.auth(c.wigan.commissioner), "If-Match": f'"{placement["version"] + 1}"'},
    )
    assert ended.status_code == 200, ended.text
    # The child left on 20 March: 19 days of March are charged, none of April's fee.
    [wigan] = (await placement_report(api, c.wigan.commissioner, "2027-03-01", "2027-04-30"))["councils"]
    priced = await pricing_report(api, c, c.bolton.officer, "2027-03-01", "2027-04-30")
    assert wigan["spend_pence"] == priced["spend"][0]["spend_pence"] == spend([(CARD_PRICE, 19)])


def move_body(setting_id: int, fee: int, **extra: Any) -> dict[str, Any]:
    return {
        "ended_on": "2026-12-20",
        "kind": "unplanned",
        "reason_code": "placement_breakdown",
        "setting_id": setting_id,
        "start_date": "2026-12-20",
        "weekly_fee_pence": fee,
        **extra,
    }


async def move(api: Api, c: Consortium, placement: dict[str, Any], body: dict[str, Any]) -> Any:
    return await api.client.post(
        f"{PLACEMENTS}/{placement['id']}/move",
        json=body,
        headers={**api.auth(c.wigan.commissioner), "If-Match": f'"{placement["version"]}"'},
    )


async def test_a_move_goes_through_the_framework_or_is_recorded_outside_it_on_purpose(api: Api) -> None:
    await load_templates(api)
    c = await consortium(api)
    placement = await place(api, c, c.wigan)

    # A setting of a provider with no place on the lot, at 100p a week: refused, with every reason.
    refused = problem(
        await move(api, c, placement, move_body(c.outsider.setting_id, 100)), 422, "move_outside_framework"
    )
    assert {r["code"] for r in refused["reasons"]} == {"not_a_member", "no_rate_card", "below_floor"}
    # A member's setting above its approved price: refused too (the offer's fee check).
    over = problem(
        await move(api, c, placement, move_body(c.second.setting_id, SECOND_CARD_PRICE + 1)),
        422,
        "move_outside_framework",
    )
    assert [r["code"] for r in over["reasons"]] == ["above_rate_card"]
    # Nothing changed: the placement is still live, at its version.
    still = (await api.client.get(f"{PLACEMENTS}/{placement['id']}", headers=api.auth(c.wigan.commissioner))).json()
    assert still["ended_on"] is None and still["version"] == placement["version"]

    # A member's eligible setting at its approved price: the move is a call-off under the framework.
    moved = await move(api, c, placement, move_body(c.second.setting_id, SECOND_CARD_PRICE))
    assert moved.status_code == 201, moved.text
    within = moved.json()
    assert within["off_framework"] is False and within["provider_id"] == c.second.id
    assert (within["child_reference"], within["lot_id"], within["age_band"], within["need_level"]) == (
        placement["child_reference"],
        c.lot_id,
        "8-12",
        "complex",
    )

    # Outside the framework only on purpose: off_framework without a reason is refused ...
    spot = move_body(c.outsider.setting_id, 150_000, ended_on="2027-01-10", start_date="2027-01-10")
    problem(await move(api, c, within, {**spot, "off_framework": True}), 422, "off_framework_reason_required")
    problem(await move(api, c, within, {**spot, "off_framework_reason": "x"}), 422, "off_framework_not_set")
    # ... with one it is recorded, flagged, with the reason.
    reason = "No member home can take him before Christmas; emergency spot purchase"
    recorded = await move(api, c, within, {**spot, "off_framework": True, "off_framework_reason": reason})
    assert recorded.status_code == 201, recorded.text
    outside = recorded.json()
    assert (outside["off_framework"], outside["off_framework_reason"]) == (True, reason)
    assert outside["child_reference"] == placement["child_reference"]

    # No Individual Placement Agreement under the DPS for it: refused by the route ...
    ipa = await api.client.post(
        "/api/v1/contracts/placement-agreements",
        json={"placement_id": outside["id"]},
        headers=api.auth(c.wigan.commissioner),
    )
    problem(ipa, 409, "off_framework_placement")
    # ... and skipped by the scheduler, which makes the IPAs of the placements within it.
    await run_once(Context(None, api.clock, api.app.state.settings, api.app.state.store, converter=NO_LIBREOFFICE))
    agreements = await api.client.get(
        "/api/v1/contracts", params={"kind": "placement_agreement"}, headers=api.auth(c.wigan.officer)
    )
    titles = [a["title"] for a in agreements.json()["items"]]
    assert len(titles) == 2 and all(placement["child_reference"] in t for t in titles)

    # The reports show it as such; pricing's analysis (fees agreed under the DPS) leaves it out.
    api.clock.set(datetime(2027, 1, 31, 9, 0, tzinfo=UTC))
    [wigan] = (await placement_report(api, c.wigan.commissioner, "2027-01-01", "2027-01-31"))["councils"]
    assert (wigan["live_at_end"], wigan["off_framework_live"]) == (1, 1)
    assert wigan["off_framework_spend_pence"] == spend([(150_000, 22)])
    assert wigan["spend_pence"] == spend([(150_000, 22)]) + spend([(SECOND_CARD_PRICE, 9)])
    priced = await pricing_report(api, c, c.bolton.officer, "2027-01-01", "2027-01-31")
    assert priced["spend"][0]["spend_pence"] == spend([(SECOND_CARD_PRICE, 9)])


async def test_a_placement_is_found_by_its_child_and_its_call_off_links_to_it(api: Api) -> None:
    c = await consortium(api)
    first = await place(api, c, c.wigan)
    other = await place(api, c, c.wigan)
    assert first["child_reference"] == f"CH-CO-{first['call_off_id']:06d}"
    assert (first["lot_id"], first["age_band"], first["need_level"]) == (c.lot_id, "8-12", "complex")
    moved = await move(api, c, first, move_body(c.second.setting_id, SECOND_CARD_PRICE, ended_on="2026-12-30",
                                                start_date="2026-12-30"))  # fmt: skip
    assert moved.status_code == 201, moved.text

    token = api.auth(c.wigan.commissioner)
    by_call_off = await api.client.get(PLACEMENTS, params={"call_off_id": first["call_off_id"]}, headers=token)
    assert [p["id"] for p in by_call_off.json()["items"]] == [first["id"], moved.json()["id"]]
    by_child = await api.client.get(PLACEMENTS, params={"child_reference": other["child_reference"]}, headers=token)
    assert [p["id"] for p in by_child.json()["items"]] == [other["id"]]

    call_off = await api.client.get(f"/api/v1/call-offs/{first['call_off_id']}", headers=token)
    assert call_off.json()["status"] == "concluded" and call_off.json()["placement_id"] == first["id"]
    # The provider placed sees the link too; Bolton (the lead, not the placing council) does not
    # see the placement, so it gets no link to it.
    seen = await api.client.get(f"/api/v1/call-offs/{first['call_off_id']}", headers=api.auth(c.member.token))
    assert seen.json()["placement_id"] == first["id"]


async def test_the_consortium_lead_sees_every_member_council_and_members_only_their_own(api: Api) -> None:
    c = await consortium(api)
    await place(api, c, c.wigan)
    await place(api, c, c.salford, fee=120_000)
    first, last = "2026-12-01", "2026-12-31"
    wigan_spend, salford_spend = spend([(CARD_PRICE, 18)]), spend([(120_000, 18)])

    # Bolton leads: every member council, and the whole consortium.
    lead = await placement_report(api, c.bolton.officer, first, last, arrangement_id=c.arrangement_id)
    by_council = {f["authority_id"]: f for f in lead["councils"]}
    assert set(by_council) == {c.bolton.id, c.wigan.id, c.salford.id}
    assert by_council[c.wigan.id]["spend_pence"] == wigan_spend
    assert by_council[c.salford.id]["spend_pence"] == salford_spend
    assert by_council[c.bolton.id]["live_at_end"] == 0
    assert lead["consortium"]["spend_pence"] == wigan_spend + salford_spend
    assert lead["consortium"]["live_at_end"] == 2 and lead["consortium"]["authority_id"] == 0
    one = await placement_report(
        api, c.bolton.officer, first, last, arrangement_id=c.arrangement_id, authority_id=c.salford.id
    )
    assert [f["authority_id"] for f in one["councils"]] == [c.salford.id] and one["consortium"] is None
    priced = await pricing_report(api, c, c.bolton.officer, first, last)
    assert [(s["authority_id"], s["spend_pence"]) for s in priced["spend"]] == [
        (c.wigan.id, wigan_spend),
        (c.salford.id, salford_spend),
    ]
    assert priced["spend_total"]["spend_pence"] == wigan_spend + salford_spend
    csv = await api.client.get(
        "/api/v1/reports/pricing",
        params={"arrangement_id": c.arrangement_id, "format": "csv", "section": "spend", "spend_from": first,
                "spend_to": last},
        headers=api.auth(c.bolton.officer),
    )  # fmt: skip
    assert csv.text.splitlines() == [
        "authority_id,authority_name,spend_from,spend_to,placements,spend_pence",
        f"{c.wigan.id},Wigan Council,{first},{last},1,{wigan_spend}",
        f"{c.salford.id},Salford City Council,{first},{last},1,{salford_spend}",
        f"0,consortium,{first},{last},2,{wigan_spend + salford_spend}",
    ]

    # A member council sees its own council only, in both reports.
    mine = await placement_report(api, c.wigan.commissioner, first, last, arrangement_id=c.arrangement_id)
    assert [f["authority_id"] for f in mine["councils"]] == [c.wigan.id] and mine["consortium"] is None
    problem(
        await api.client.get(
            "/api/v1/reports/placements",
            params={"first_day": first, "last_day": last, "arrangement_id": c.arrangement_id,
                    "authority_id": c.salford.id},
            headers=api.auth(c.wigan.commissioner),
        ),
        403,
        "not_the_lead_authority",
    )  # fmt: skip
    priced = await pricing_report(api, c, c.wigan.officer, first, last)
    assert [s["authority_id"] for s in priced["spend"]] == [c.wigan.id] and priced["spend_total"] is None
    # A provider sees neither.
    problem(
        await api.client.get(
            "/api/v1/reports/placements",
            params={"first_day": first, "last_day": last, "arrangement_id": c.arrangement_id},
            headers=api.auth(c.member.token),
        ),
        403,
        "permission_denied",
    )


async def ending_reminders(api: Api, token: str, placement_id: int) -> list[dict[str, Any]]:
    inbox = await api.client.get("/api/v1/notifications", headers=api.auth(token))
    assert inbox.status_code == 200, inbox.text
    return [
        n
        for n in inbox.json()["items"]
        if n["kind"] == "placement.ending" and n["link_path"] == f"{PLACEMENTS}/{placement_id}"
    ]


async def test_a_moved_placement_gets_no_ends_reminder_while_a_planned_end_does(api: Api) -> None:
    await load_templates(api)
    c = await consortium(api)
    moving = await place(api, c, c.wigan)
    ending = await place(api, c, c.wigan)
    # Both end on 20 January 2027: one because the child moves that day (arranged now), the
    # other as planned, with nothing arranged yet.
    day = {"ended_on": "2027-01-20", "start_date": "2027-01-20"}
    moved = await move(api, c, moving, move_body(c.second.setting_id, SECOND_CARD_PRICE, **day))
    assert moved.status_code == 201, moved.text
    planned = await api.client.post(
        f"{PLACEMENTS}/{ending['id']}/end",
        json={"ended_on": "2027-01-20", "kind": "planned"},
        headers={**api.auth(c.wigan.commissioner), "If-Match": f'"{ending["version"]}"'},
    )
    assert planned.status_code == 200, planned.text

    system = Context(None, api.clock, api.app.state.settings, api.app.state.store, converter=NO_LIBREOFFICE)
    for when in (datetime(2026, 12, 24, 9, 0, tzinfo=UTC), datetime(2027, 1, 14, 9, 0, tzinfo=UTC)):
        api.clock.set(when)  # 27 and 6 days before the end: the 28- and 7-day reminders are due
        await run_once(system)
    assert await ending_reminders(api, c.wigan.commissioner, moving["id"]) == []
    assert len(await ending_reminders(api, c.wigan.commissioner, ending["id"])) == 2
    # The council's deadlines view lists the planned ending, not the day the child moves on.
    listed = await api.client.get("/api/v1/deadlines", headers=api.auth(c.wigan.commissioner))
    assert listed.status_code == 200, listed.text
    ends = {d["entity_id"] for d in listed.json()["items"] if d["kind"] == "placement_end"}
    assert ending["id"] in ends and moving["id"] not in ends


async def test_a_planned_end_is_brought_forward_by_a_move_and_its_reminders_stop(api: Api) -> None:
    await load_templates(api)
    c = await consortium(api)
    placement = await place(api, c, c.wigan)
    planned = await api.client.post(
        f"{PLACEMENTS}/{placement['id']}/end",
        json={"ended_on": "2027-02-28", "kind": "planned"},
        headers={**api.auth(c.wigan.commissioner), "If-Match": f'"{placement["version"]}"'},
    )
    assert planned.status_code == 200, planned.text
    system = Context(None, api.clock, api.app.state.settings, api.app.state.store, converter=NO_LIBREOFFICE)
    api.clock.set(datetime(2027, 2, 1, 9, 0, tzinfo=UTC))  # 27 days before: the 28-day reminder
    await run_once(system)
    [reminder] = await ending_reminders(api, c.wigan.commissioner, placement["id"])
    assert "28 February 2027" in reminder["subject"]

    # The move the reminder asked for: the child moves on 10 February, before the planned end. A
    # later end than the one recorded would be an extension, not an ending.
    later = move_body(c.second.setting_id, SECOND_CARD_PRICE, ended_on="2027-03-01", start_date="2027-03-01")
    problem(await move(api, c, planned.json(), later), 409, "end_after_recorded_end")
    day = {"ended_on": "2027-02-10", "start_date": "2027-02-10"}
    moved = await move(api, c, planned.json(), move_body(c.second.setting_id, SECOND_CARD_PRICE, **day))
    assert moved.status_code == 201, moved.text
    ended = (await api.client.get(f"{PLACEMENTS}/{placement['id']}", headers=api.auth(c.wigan.commissioner))).json()
    assert (ended["ended_on"], ended["ending_kind"]) == ("2027-02-10", "unplanned")

    # No reminder about either end day of the moved placement follows.
    for when in (datetime(2027, 2, 4, 9, 0, tzinfo=UTC), datetime(2027, 2, 22, 9, 0, tzinfo=UTC)):
        api.clock.set(when)
        await run_once(system)
    assert await ending_reminders(api, c.wigan.commissioner, placement["id"]) == [reminder]
    # Once the day has passed, the end is history.
    after = move_body(c.member.setting_id, CARD_PRICE, ended_on="2027-02-09", start_date="2027-02-22")
    problem(await move(api, c, ended, after), 409, "placement_ended")
