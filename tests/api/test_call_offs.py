"""Call-offs over the API: raise, publish to every eligible setting, sealed offers with the deadline
boundary, marking, scoring, award, standstill and the placement (DESIGN.md story 4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.support import Api, problem, scalar
from tests.support.call_offs import (
    CALL_OFFS,
    Scene,
    assign_panel,
    call_off_body,
    insure,
    mark_all,
    member,
    offer_body,
    raise_and_publish,
    scene,
    settings,  # noqa: F401 - a fixture
)


async def test_story_4_from_placement_request_to_placement(api: Api) -> None:
    story = await a_call_off_is_published_for_two_members_of_three(api)
    await only_the_invited_members_know_of_it(api, story)
    await a_clarification_is_answered_to_everyone(api, story)
    await sealed_offers_come_in_until_the_last_second(api, story)
    await before_the_deadline_the_offers_stay_sealed(api, story)
    await after_the_deadline_the_offers_open(api, story)
    await two_evaluators_mark_and_the_offers_are_scored(api, story)
    await the_top_offer_is_awarded_and_the_child_placed(api, story)
    await a_move_outside_the_framework_is_refused(api, story)
    await the_placement_ends_unplanned(api, story)
    await the_figures_show_the_placement_and_its_end(api, story)


@dataclass
class Story4:
    """What the steps of story 4 share: the scene, two members near and far from the child's home, a third left out,
    the call-off and, as they come, the offers and the placement."""

    s: Scene
    near_id: int
    near: str
    near_setting: int
    far_id: int
    far: str
    far_setting: int
    outsider: str
    outsider_setting: int
    deadline: datetime
    call_off: dict[str, Any]
    call_off_id: int
    near_offer: int = 0
    far_offer: int = 0
    placement: dict[str, Any] = field(default_factory=dict)


async def a_call_off_is_published_for_two_members_of_three(api: Api) -> Story4:
    """Bolton's call-off for a girl of 12, published: two members near and far, a third graded below the minimum."""
    s = await scene(api)
    near_id, near, near_setting = await member(api, s, postcode="BL1 1AA")  # Bolton, in area
    far_id, far, far_setting = await member(api, s, postcode="M5 4WT")  # Salford, out of area
    _, outsider, outsider_setting = await member(api, s, ofsted_grade="requires_improvement")
    deadline = api.clock.now() + timedelta(days=10)

    call_off = await raise_and_publish(api, s, deadline)
    call_off_id = call_off["id"]
    assert call_off["status"] == "published" and call_off["child"]["home_district"] == "BL1"
    return Story4(
        s=s,
        near_id=near_id,
        near=near,
        near_setting=near_setting,
        far_id=far_id,
        far=far,
        far_setting=far_setting,
        outsider=outsider,
        outsider_setting=outsider_setting,
        deadline=deadline,
        call_off=call_off,
        call_off_id=call_off_id,
    )


async def only_the_invited_members_know_of_it(api: Api, story: Story4) -> None:
    """The invitation list is frozen; invited providers are told; to the left-out one it does not exist."""
    s, near, near_setting, far_setting, outsider, outsider_setting, call_off, call_off_id = (
        story.s,
        story.near,
        story.near_setting,
        story.far_setting,
        story.outsider,
        story.outsider_setting,
        story.call_off,
        story.call_off_id,
    )
    # The invitation list is frozen: two invited, one left out with its reason.
    listed = (await api.client.get(f"{CALL_OFFS}/{call_off_id}/invitations", headers=api.auth(s.commissioner))).json()
    invited = {i["setting_id"]: i for i in listed["items"] if i["invited"]}
    left_out = [i for i in listed["items"] if not i["invited"]]
    assert set(invited) == {near_setting, far_setting}
    assert [i["setting_id"] for i in left_out] == [outsider_setting] and left_out[0]["reasons"]
    assert invited[near_setting]["distance_miles"] < invited[far_setting]["distance_miles"]
    # Invited providers were told; to the left-out one the request does not exist (404, as for an
    # id never used: a 403 would say it exists).
    inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(near))).json()
    [invitation] = [n for n in inbox["items"] if n["kind"] == "call_off.invited"]
    assert invitation["subject"] == "A new placement request" and call_off["title"] not in str(invitation)
    missing = problem(await api.client.get(f"{CALL_OFFS}/999999", headers=api.auth(outsider)), 404, "not_found")
    hidden = problem(await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(outsider)), 404, "not_found")
    assert hidden["detail"] == missing["detail"].replace("999999", str(call_off_id))
    seen = await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(near))
    assert seen.status_code == 200 and "name" not in seen.json()["child"]


async def a_clarification_is_answered_to_everyone(api: Api, story: Story4) -> None:
    """A provider's question is answered to every invited provider, without saying who asked."""
    s, near, far, call_off_id = story.s, story.near, story.far, story.call_off_id
    # A clarification is answered to everyone without saying who asked.
    asked = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/clarifications", json={"question": "Is a sibling visiting?"}, headers=api.auth(far)
    )
    assert asked.status_code == 201, asked.text
    answered = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/clarifications/{asked.json()['id']}/answer",
        json={"answer": "Monthly, supervised."},
        headers=api.auth(s.commissioner),
    )
    assert answered.status_code == 200, answered.text
    near_view = (await api.client.get(f"{CALL_OFFS}/{call_off_id}/clarifications", headers=api.auth(near))).json()
    assert [(c["answer"], c["mine"]) for c in near_view] == [("Monthly, supervised.", False)]


async def sealed_offers_come_in_until_the_last_second(api: Api, story: Story4) -> None:
    """The far home offers and revises; the near home offers a second before the deadline."""
    near, near_setting, far, far_setting, outsider, outsider_setting, deadline, call_off_id = (
        story.near,
        story.near_setting,
        story.far,
        story.far_setting,
        story.outsider,
        story.outsider_setting,
        story.deadline,
        story.call_off_id,
    )
    # Sealed offers: the near home is dearer; the far one offers first and then revises.
    first = await api.client.post(f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(far_setting, 420_000),
                                  headers=api.auth(far))  # fmt: skip
    assert first.status_code == 201, first.text
    revised = await api.client.patch(
        f"{CALL_OFFS}/{call_off_id}/offers/{first.json()['id']}",
        json=offer_body(far_setting, 400_000),
        headers={**api.auth(far), "If-Match": first.headers["etag"]},
    )
    assert revised.status_code == 200 and revised.json()["weekly_fee_pence"] == 400_000
    problem(
        await api.client.post(f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(outsider_setting, 1),
                              headers=api.auth(outsider)), 404, "not_found",
    )  # fmt: skip
    problem(
        await api.client.post(f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(far_setting, 390_000),
                              headers=api.auth(near)), 422, "setting_not_invited",
    )  # fmt: skip
    api.clock.set(deadline - timedelta(seconds=1))
    last_second = await api.client.post(f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(near_setting, 450_000),
                                        headers=api.auth(near))  # fmt: skip
    assert last_second.status_code == 201, last_second.text
    near_offer, far_offer = last_second.json()["id"], first.json()["id"]
    story.near_offer = near_offer
    story.far_offer = far_offer


async def before_the_deadline_the_offers_stay_sealed(api: Api, story: Story4) -> None:
    """The council sees counts only; providers cannot probe each other's offers; the audit shows no content."""
    s, far, call_off_id, near_offer = story.s, story.far, story.call_off_id, story.near_offer
    # Before the deadline the council sees counts only, and no offer content anywhere.
    listing = (await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers", headers=api.auth(s.commissioner))).json()
    assert listing == {"sealed": True, "submitted": 2, "withdrawn": 0, "items": []}
    for offer_id in (near_offer, 999999):  # the same answer for any id: no telling which are offers
        problem(await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers/{offer_id}", headers=api.auth(s.officer)),
                403, "offer_sealed")  # fmt: skip
    # Another provider's offer is 404, word for word as an id that does not exist: no counting by probing.
    probed = problem(await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers/{near_offer}", headers=api.auth(far)),
                     404, "not_found")  # fmt: skip
    unused = problem(await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers/999999", headers=api.auth(far)),
                     404, "not_found")  # fmt: skip
    assert probed["detail"] == unused["detail"].replace("999999", str(near_offer))
    trail = await api.client.get("/api/v1/audit?limit=100", headers=api.auth(await api.admin()))
    assert trail.status_code == 200, trail.text
    assert "SECRET-PLAN" not in trail.text and "450000" not in trail.text


async def after_the_deadline_the_offers_open(api: Api, story: Story4) -> None:
    """A late offer is refused by the server clock; the offers open and the call-off is closed."""
    s, near, near_setting, deadline, call_off_id, near_offer = (
        story.s,
        story.near,
        story.near_setting,
        story.deadline,
        story.call_off_id,
        story.near_offer,
    )
    # One second after the deadline: refused by the server clock, and the offers are open.
    api.clock.set(deadline + timedelta(seconds=1))
    problem(
        await api.client.post(f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(near_setting, 1),
                              headers=api.auth(near)), 409, "deadline_passed",
    )  # fmt: skip
    opened = await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers/{near_offer}", headers=api.auth(s.officer))
    assert opened.status_code == 200 and "SECRET-PLAN" in opened.text
    # Reading never closes it (issue 14): still published, shown past its deadline; the first mark closes it.
    read = (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(s.commissioner))).json()
    assert (read["status"], read["past_deadline"]) == ("published", True)


async def two_evaluators_mark_and_the_offers_are_scored(api: Api, story: Story4) -> None:
    """The panel marks every offer; the offers are scored on quality, weekly total price and proximity."""
    s, call_off_id, near_offer, far_offer = story.s, story.call_off_id, story.near_offer, story.far_offer
    # Two evaluators on the panel mark independently; they agree closely, so no moderation is
    # needed. The evaluation closes only once both have marked every offer.
    await mark_all(api, s, call_off_id, near_offer, (5, 4))
    problem(await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluate", headers=api.auth(s.commissioner)),
            409, "evaluation_incomplete")  # fmt: skip
    await mark_all(api, s, call_off_id, far_offer, (3, 3))
    evaluated = await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluate", headers=api.auth(s.commissioner))
    assert evaluated.status_code == 200 and evaluated.json()["status"] == "evaluated", evaluated.text
    scored = (await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers", headers=api.auth(s.commissioner))).json()
    by_id = {o["id"]: o["score"] for o in scored["items"]}
    # Price is scored on the weekly total, the fee plus the additional services (35,000 each), and
    # both show: near 450,000 + 35,000 = 485,000; far 400,000 + 35,000 = 435,000.
    totals = {o["id"]: (o["weekly_fee_pence"], o["additional_services_pence"], o["weekly_total_pence"])
              for o in scored["items"]}  # fmt: skip
    assert totals == {near_offer: (450_000, 35_000, 485_000), far_offer: (400_000, 35_000, 435_000)}
    # Near: quality (60% x 1 + 40% x 0.8) = 92% of 50 = 46; price 30 x 435000/485000 = 26.91; close to home.
    assert by_id[near_offer]["quality_score"] == "46.00" and by_id[near_offer]["price_score"] == "26.91"
    assert by_id[far_offer]["price_score"] == "30.00" and by_id[far_offer]["quality_score"] == "30.00"
    assert by_id[near_offer]["rank"] == 1 and by_id[far_offer]["rank"] == 2


async def the_top_offer_is_awarded_and_the_child_placed(api: Api, story: Story4) -> None:
    """The award needs a reason for the second; the top offer wins, the loser is told, the placement is live."""
    s, near_id, near, near_setting, far_id, far, call_off_id, near_offer, far_offer = (
        story.s,
        story.near_id,
        story.near,
        story.near_setting,
        story.far_id,
        story.far,
        story.call_off_id,
        story.near_offer,
        story.far_offer,
    )
    # Awarding the second needs a reason; the top offer is awarded; DPS call-offs have no standstill.
    problem(await api.client.post(f"{CALL_OFFS}/{call_off_id}/award", json={"offer_id": far_offer},
                                  headers=api.auth(s.commissioner)), 422, "award_reason_required")  # fmt: skip
    awarded = await api.client.post(f"{CALL_OFFS}/{call_off_id}/award", json={"offer_id": near_offer},
                                    headers=api.auth(s.commissioner))  # fmt: skip
    assert awarded.status_code == 200, awarded.text
    assert awarded.json()["status"] == "concluded" and awarded.json()["standstill_ends_at"] is None
    loser_inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(far))).json()["items"]
    summary = next(n for n in loser_inbox if n["kind"] == "call_off.awarded")
    # Concluded: the provider that did not win no longer sees the child's profile; the winner does.
    assert (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(far))).json()["child"] is None
    assert (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(near))).json()["child"]["age"] == 12
    assert "rank 2" in summary["body"] and "The awarded offer" in summary["body"]
    assert "weekly total 485000 pence (fee 450000 + additional services 35000)" in summary["body"]

    placements = (await api.client.get("/api/v1/placements?live=true", headers=api.auth(s.commissioner))).json()
    [placement] = placements["items"]
    assert placement["provider_id"] == near_id and placement["setting_id"] == near_setting
    assert placement["weekly_fee_pence"] == 450_000 and placement["out_of_area"] is False
    assert placement["over_20_miles"] is False and float(placement["distance_miles"]) < 5
    assert far_id != near_id
    # Pricing's analysis counts the placement in the lot's band for a 12-year-old with complex needs.
    assert await band_use(api, s, "2026-12-15") == [("8-12", "complex", 1)]
    story.placement = placement


async def a_move_outside_the_framework_is_refused(api: Api, story: Story4) -> None:
    """A move to a provider with no place on the lot is refused with its reasons."""
    s, placement = story.s, story.placement
    # A move to a setting of a provider with no place on the lot, at 100p a week, is refused with
    # the reasons (the offer's eligibility and fee checks); the placement is untouched.
    stranger_id, stranger = await api.provider()
    stranger_setting = (await api.setting(stranger_id, stranger, postcode="BL1 1AA"))["id"]
    move = {"ended_on": "2026-12-20", "kind": "planned", "setting_id": stranger_setting,
            "start_date": "2026-12-20", "weekly_fee_pence": 100}  # fmt: skip
    refused = await api.client.post(f"/api/v1/placements/{placement['id']}/move", json=move,
                                    headers={**api.auth(s.commissioner), "If-Match": '"1"'})  # fmt: skip
    assert "not_a_member" in [r["code"] for r in problem(refused, 422, "move_outside_framework")["reasons"]]


async def the_placement_ends_unplanned(api: Api, story: Story4) -> None:
    """The placement ends unplanned with its reason code and leaves the live list."""
    s, near, placement = story.s, story.near, story.placement
    # The placement ends unplanned: the reason code is required, and it leaves the live list.
    end_url = f"/api/v1/placements/{placement['id']}/end"
    headers = {**api.auth(s.commissioner), "If-Match": '"1"'}
    problem(await api.client.post(end_url, json={"ended_on": "2026-12-20", "kind": "unplanned"}, headers=headers),
            422, "ending_reason_required")  # fmt: skip
    problem(await api.client.post(end_url, json={"ended_on": "2026-12-20", "kind": "planned"},
                                  headers={**api.auth(near), "If-Match": '"1"'}),
            403, "permission_denied")  # fmt: skip
    ended = await api.client.post(
        end_url,
        json={"ended_on": "2026-12-20", "kind": "unplanned", "reason_code": "placement_breakdown", "note": "n"},
        headers=headers,
    )
    assert ended.status_code == 200 and ended.headers["etag"] == '"2"', ended.text
    api.clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=UTC))
    live_response = await api.client.get("/api/v1/placements?live=true", headers=api.auth(s.commissioner))
    assert live_response.status_code == 200, live_response.text
    live = live_response.json()["items"]
    past = (await api.client.get("/api/v1/placements?live=false", headers=api.auth(near))).json()["items"]
    assert live == [] and [(p["id"], p["ending_reason"]) for p in past] == [(placement["id"], "placement_breakdown")]
    # The fee counted up to the child's last day there (the day before the day they left) and no
    # longer, as the placement report counts it.
    assert await band_use(api, s, "2026-12-19") == [("8-12", "complex", 1)]
    assert await band_use(api, s, "2026-12-20") == []


async def the_figures_show_the_placement_and_its_end(api: Api, story: Story4) -> None:
    """Story 9: the council's and the consortium's placement figures for 2026."""
    s, near, placement = story.s, story.near, story.placement
    # Story 9: the council's placement figures for 2026 show the placement and its unplanned end;
    # spend runs from the start date up to the day the child left, pro rata by day.
    year = {"first_day": "2026-01-01", "last_day": "2026-12-31"}
    report = await api.client.get("/api/v1/reports/placements", params=year, headers=api.auth(s.commissioner))
    assert report.status_code == 200, report.text
    [figures] = report.json()["councils"]
    days = (date(2026, 12, 20) - date.fromisoformat(placement["start_date"])).days
    assert (figures["started"], figures["ended"], figures["unplanned_endings"], figures["live_at_end"]) == (1, 1, 1, 0)
    assert figures["spend_pence"] == (450_000 * days * 2 + 7) // 14  # half up to the penny
    # The arrangement's lead sees the consortium: its member councils and their total.
    lead = await api.client.get("/api/v1/reports/placements", params={**year, "arrangement_id": s.arrangement_id},
                                headers=api.auth(s.officer))  # fmt: skip
    assert lead.json()["councils"] == [figures] and lead.json()["consortium"]["spend_pence"] == figures["spend_pence"]
    problem(await api.client.get("/api/v1/reports/placements", params=year, headers=api.auth(near)), 403,
            "permission_denied")  # fmt: skip


async def band_use(api: Api, s: Scene, on: str) -> list[tuple[str, str, int]]:
    """The pricing analysis's band utilisation of the arrangement on a day, as the officer sees it."""
    report = await api.client.get(
        "/api/v1/reports/pricing", params={"arrangement_id": s.arrangement_id, "on": on}, headers=api.auth(s.officer)
    )
    assert report.status_code == 200, report.text
    return [(u["band"]["age_band"], u["band"]["need_level"], u["placements"]) for u in report.json()["utilisation"]]


async def test_a_full_postcode_is_refused_and_never_stored(api: Api) -> None:
    s = await scene(api)
    deadline = api.clock.now() + timedelta(days=10)
    body = call_off_body(s, deadline)
    body["child"]["home_district"] = "BL1 1AA"
    problem(
        await api.client.post(CALL_OFFS, json=body, headers=api.auth(s.commissioner)), 422, "full_postcode_not_allowed"
    )
    body["child"]["home_district"] = "BL1"
    body["child"]["name"] = "Jane"
    problem(await api.client.post(CALL_OFFS, json=body, headers=api.auth(s.commissioner)), 400, "validation_failed")


async def test_only_a_commissioner_of_a_member_council_raises_a_request(api: Api) -> None:
    s = await scene(api)
    other = await api.authority("Wigan Council", "E08000010")
    _, stranger = await api.staff("commissioner", other)
    body = call_off_body(s, api.clock.now() + timedelta(days=10))
    problem(await api.client.post(CALL_OFFS, json=body, headers=api.auth(stranger)), 403, "not_a_member_authority")
    problem(await api.client.post(CALL_OFFS, json=body, headers=api.auth(s.officer)), 403, "permission_denied")


async def test_the_deadline_needs_the_minimum_period_unless_urgent_with_a_reason(api: Api) -> None:
    s = await scene(api)
    await member(api, s)
    short = api.clock.now() + timedelta(days=2)
    created = await api.client.post(CALL_OFFS, json=call_off_body(s, short), headers=api.auth(s.commissioner))
    call_off_id = created.json()["id"]
    problem(await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(s.commissioner)),
            422, "offer_period_too_short")  # fmt: skip
    stale = await api.client.patch(f"{CALL_OFFS}/{call_off_id}", json={"urgent_reason": "x"},
                                   headers={**api.auth(s.commissioner), "If-Match": '"7"'})  # fmt: skip
    problem(stale, 412, "stale_version")
    urgent = await api.client.patch(
        f"{CALL_OFFS}/{call_off_id}",
        json={"urgent_reason": "current home closes on Friday; all members agreed 2 days"},
        headers={**api.auth(s.commissioner), "If-Match": created.headers["etag"]},
    )
    assert urgent.status_code == 200, urgent.text
    published = await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(s.commissioner))
    assert published.status_code == 200, published.text
    # Illegal moves are 409.
    problem(await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(s.commissioner)),
            409, "illegal_transition")  # fmt: skip
    problem(await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluate", headers=api.auth(s.commissioner)),
            409, "not_in_evaluation")  # fmt: skip
    problem(await api.client.post(f"{CALL_OFFS}/{call_off_id}/close", headers=api.auth(s.commissioner)),
            409, "deadline_not_reached")  # fmt: skip


async def test_offers_at_the_deadline_boundary(api: Api) -> None:
    s = await scene(api)
    _, token, setting_id = await member(api, s)
    deadline = api.clock.now() + timedelta(days=10)
    call_off_id = (await raise_and_publish(api, s, deadline))["id"]
    url = f"{CALL_OFFS}/{call_off_id}/offers"
    api.clock.set(deadline - timedelta(seconds=1))
    accepted = await api.client.post(url, json=offer_body(setting_id, 400_000), headers=api.auth(token))
    assert accepted.status_code == 201, accepted.text
    # Exactly AT the deadline an offer is refused (and offers are open from that instant).
    api.clock.set(deadline)
    problem(
        await api.client.post(f"{url}/{accepted.json()['id']}/withdraw", headers=api.auth(token)),
        409,
        "deadline_passed",
    )
    api.clock.set(deadline + timedelta(seconds=1))
    problem(
        await api.client.patch(f"{url}/{accepted.json()['id']}", json=offer_body(setting_id, 1),
                               headers={**api.auth(token), "If-Match": '"1"'}), 409, "deadline_passed",
    )  # fmt: skip
    mine = (await api.client.get(url, headers=api.auth(token))).json()
    assert [o["weekly_fee_pence"] for o in mine["items"]] == [400_000]


async def test_a_provider_withdraws_and_resubmits_before_the_deadline(api: Api) -> None:
    s = await scene(api)
    _, token, setting_id = await member(api, s)
    deadline = api.clock.now() + timedelta(days=10)
    call_off_id = (await raise_and_publish(api, s, deadline))["id"]
    url = f"{CALL_OFFS}/{call_off_id}/offers"
    offer = (await api.client.post(url, json=offer_body(setting_id, 400_000), headers=api.auth(token))).json()
    problem(await api.client.post(url, json=offer_body(setting_id, 1), headers=api.auth(token)), 409, "offer_exists")
    withdrawn = await api.client.post(f"{url}/{offer['id']}/withdraw", headers=api.auth(token))
    assert withdrawn.json()["status"] == "withdrawn"
    counts = (await api.client.get(url, headers=api.auth(s.commissioner))).json()
    assert (counts["submitted"], counts["withdrawn"], counts["items"]) == (0, 1, [])
    again = await api.client.post(url, json=offer_body(setting_id, 410_000), headers=api.auth(token))
    assert again.status_code == 201 and again.json()["id"] == offer["id"] and again.json()["status"] == "submitted"


async def test_disagreeing_evaluators_need_moderation_and_a_standstill_delays_the_placement(api: Api) -> None:
    s = await scene(api, profile="pa2023_dynamic_market")
    _, a, a_setting = await member(api, s, postcode="BL1 1AA")
    _, b, b_setting = await member(api, s)
    deadline = api.clock.now() + timedelta(days=3)
    call_off_id = (await raise_and_publish(api, s, deadline))["id"]
    url = f"{CALL_OFFS}/{call_off_id}"
    a_offer = (await api.client.post(f"{url}/offers", json=offer_body(a_setting, 400_000), headers=api.auth(a))).json()
    b_offer = (await api.client.post(f"{url}/offers", json=offer_body(b_setting, 380_000), headers=api.auth(b))).json()
    api.clock.set(deadline)
    await assign_panel(api, s, call_off_id)
    # Evaluators disagree on question 1 of offer A (1 vs 5).
    for token, score in zip(s.evaluators, (1, 5), strict=True):
        marked = await api.client.post(
            f"{url}/offers/{a_offer['id']}/marks",
            json={"marks": [{"question_id": 1, "score": score, "rationale": "r"},
                            {"question_id": 2, "score": 3, "rationale": "r"}]},
            headers=api.auth(token),
        )  # fmt: skip
        assert marked.status_code == 204, marked.text
    await mark_all(api, s, call_off_id, b_offer["id"], (2, 2))
    problem(await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner)), 409, "moderation_required")
    moderated = await api.client.post(
        f"{url}/offers/{a_offer['id']}/moderation",
        json={"marks": [{"question_id": 1, "score": 4, "rationale": "agreed at the panel: strong plan"}]},
        headers=api.auth(s.commissioner),
    )
    assert moderated.status_code == 204, moderated.text
    assert (await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))).status_code == 200
    awarded = await api.client.post(f"{url}/award", json={"offer_id": a_offer["id"]}, headers=api.auth(s.commissioner))
    assert awarded.status_code == 200, awarded.text
    body = awarded.json()
    assert body["status"] == "awarded" and body["standstill_ends_at"] is not None
    standstill_end = datetime.fromisoformat(body["standstill_ends_at"])
    # 8 UK working days beginning with the award day (PA 2023 s.51).
    assert (standstill_end - api.clock.now()).days >= 10
    problem(await api.client.post(f"{url}/conclude", headers=api.auth(s.commissioner)), 409, "standstill_running")
    assert (await api.client.get("/api/v1/placements", headers=api.auth(s.commissioner))).json()["items"] == []
    api.clock.set(standstill_end)
    concluded = await api.client.post(f"{url}/conclude", headers=api.auth(s.commissioner))
    assert concluded.status_code == 200 and concluded.json()["status"] == "concluded"
    [placement] = (await api.client.get("/api/v1/placements", headers=api.auth(a))).json()["items"]
    assert placement["setting_id"] == a_setting and placement["start_date"] == "2026-12-14"
    assert (await api.client.get("/api/v1/placements", headers=api.auth(b))).json()["items"] == []


async def test_story_4_leaves_out_a_provider_under_a_concern_and_one_with_expired_insurance(api: Api) -> None:
    s = await scene(api, insurance=True)
    good_id, good, good_setting = await member(api, s)
    concerned_id, concerned, concerned_setting = await member(api, s)
    lapsed_id, lapsed, lapsed_setting = await member(api, s)
    for token in (good, concerned):
        await insure(api, s, token, "2027-11-30")
    await insure(api, s, lapsed, "2026-11-25")
    raised = await api.client.post(
        "/api/v1/concerns",
        json={
            "provider_id": concerned_id,
            "setting_id": concerned_setting,
            "category": "safeguarding",
            "arrangement_ids": [s.arrangement_id],
            "summary": "Allegation against a member of staff; LADO referral made",
            "actions_taken": "No new placements while the LADO enquiry runs",
            "review_on": "2027-01-15",
            "suspends_call_offs": True,
        },
        headers=api.auth(s.commissioner),
    )
    assert raised.status_code == 201, raised.text
    issued = await api.client.post(f"/api/v1/concerns/{raised.json()['id']}/issue", headers=api.auth(s.commissioner))
    assert issued.status_code == 200, issued.text

    # The certificate lapses on 26 November; the request is published the day after.
    api.clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    call_off = await raise_and_publish(api, s, api.clock.now() + timedelta(days=10))
    rows = (await api.client.get(f"{CALL_OFFS}/{call_off['id']}/invitations", headers=api.auth(s.commissioner))).json()
    by_setting = {r["setting_id"]: r for r in rows["items"]}
    assert by_setting[good_setting]["invited"] is True and by_setting[good_setting]["reasons"] == []
    concern_row, lapsed_row = by_setting[concerned_setting], by_setting[lapsed_setting]
    assert concern_row["invited"] is False and lapsed_row["invited"] is False
    assert any("concern" in r["code"] for r in concern_row["reasons"]), concern_row
    assert any(r["code"].startswith("compliance") for r in lapsed_row["reasons"]), lapsed_row
    assert {concern_row["provider_id"], lapsed_row["provider_id"]} == {concerned_id, lapsed_id}

    # The left-out providers cannot see or answer the request; the invited one can.
    for token in (concerned, lapsed):
        problem(await api.client.get(f"{CALL_OFFS}/{call_off['id']}", headers=api.auth(token)), 404, "not_found")
    mine = (await api.client.get(CALL_OFFS, headers=api.auth(good))).json()["items"]
    assert [c["id"] for c in mine] == [call_off["id"]] and good_id != concerned_id
    # Publication is in the audit trail with the counts of the frozen list.
    trail = await api.client.get(
        "/api/v1/audit", params={"entity_type": "call_off", "action": "call_off.published"},
        headers=api.auth(await api.admin()),
    )  # fmt: skip
    [event] = trail.json()["items"]
    assert (event["after"]["invited_settings"], event["after"]["left_out_settings"]) == (1, 2)


async def test_a_price_only_second_round_among_the_top_two_reranks_by_the_revised_fees(api: Api) -> None:
    s = await scene(api)
    _, a, a_setting = await member(api, s, postcode="BL1 1AA")
    _, b, b_setting = await member(api, s)
    _, c, c_setting = await member(api, s)
    deadline = api.clock.now() + timedelta(days=10)
    url = f"{CALL_OFFS}/{(await raise_and_publish(api, s, deadline))['id']}"
    ids = {}
    for name, token, setting, fee in (("a", a, a_setting, 450_000), ("b", b, b_setting, 400_000),
                                      ("c", c, c_setting, 420_000)):  # fmt: skip
        sent = await api.client.post(f"{url}/offers", json=offer_body(setting, fee), headers=api.auth(token))
        ids[name] = sent.json()["id"]
    api.clock.set(deadline)
    call_off_id = int(url.rsplit("/", 1)[1])
    for name, marks in (("a", (5, 4)), ("b", (3, 3)), ("c", (2, 2))):
        await mark_all(api, s, call_off_id, ids[name], marks)
    assert (await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))).status_code == 200

    round_end = api.clock.now() + timedelta(days=2)
    started = await api.client.post(
        f"{url}/second-round", json={"size": 2, "deadline": round_end.isoformat()}, headers=api.auth(s.commissioner)
    )
    assert started.status_code == 200 and started.json()["second_round_size"] == 2, started.text
    inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(b))).json()["items"]
    assert any(n["kind"] == "call_off.second_round" for n in inbox)

    def revise(token: str, offer: str, fee: int) -> Any:
        return api.client.post(f"{url}/offers/{ids[offer]}/revised-fee", json={"weekly_fee_pence": fee},
                               headers=api.auth(token))  # fmt: skip

    problem(await revise(c, "c", 100_000), 403, "not_in_second_round")  # ranked third
    problem(await revise(b, "b", 400_001), 422, "revised_fee_not_lower")
    problem(await revise(a, "b", 100_000), 404, "not_found")  # another's offer: as if it did not exist
    council_view = (await api.client.get(f"{url}/offers", headers=api.auth(s.commissioner))).json()
    b_before = await api.client.get(f"{url}/offers/{ids['b']}", headers=api.auth(s.commissioner))
    lowered = await revise(b, "b", 100_000)
    assert lowered.status_code == 200 and lowered.json()["revised_fee_pence"] == 100_000, lowered.text
    # The revised fee is sealed from the council until the round closes, and so is WHO revised:
    # the council's view (versions, timestamps, ETags included) is exactly as before the revision.
    assert (await api.client.get(f"{url}/offers", headers=api.auth(s.commissioner))).json() == council_view
    b_after = await api.client.get(f"{url}/offers/{ids['b']}", headers=api.auth(s.commissioner))
    assert b_after.json() == b_before.json() and b_after.headers["etag"] == b_before.headers["etag"]
    seen = b_after.json()
    assert seen["revised_fee_pence"] is None and seen["weekly_fee_pence"] == 400_000
    problem(await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner)), 409, "deadline_not_reached")
    problem(await api.client.post(f"{url}/award", json={"offer_id": ids["a"]}, headers=api.auth(s.commissioner)),
            409, "second_round_not_scored")  # fmt: skip

    api.clock.set(round_end)
    problem(await revise(a, "a", 300_000), 409, "deadline_passed")
    rescored = await api.client.post(f"{url}/evaluate", headers=api.auth(s.commissioner))
    assert rescored.status_code == 200 and rescored.json()["second_round_scored_at"] is not None, rescored.text
    listing = (await api.client.get(f"{url}/offers", headers=api.auth(s.commissioner))).json()["items"]
    by_id = {o["id"]: o for o in listing}
    assert by_id[ids["b"]]["revised_fee_pence"] == 100_000
    # Same formula, revised fees: B is now the cheapest (30 of 30) at 100,000 + 35,000 of services;
    # A's price falls to 30 x 135,000 / 485,000.
    assert by_id[ids["b"]]["weekly_total_pence"] == 135_000
    assert by_id[ids["b"]]["score"]["price_score"] == "30.00" and by_id[ids["a"]]["score"]["price_score"] == "8.35"
    assert [by_id[ids[n]]["score"]["rank"] for n in "bac"] == [1, 2, 3]
    awarded = await api.client.post(f"{url}/award", json={"offer_id": ids["b"]}, headers=api.auth(s.commissioner))
    assert awarded.status_code == 200 and awarded.json()["status"] == "concluded", awarded.text
    [placement] = (await api.client.get("/api/v1/placements", headers=api.auth(b))).json()["items"]
    assert placement["weekly_fee_pence"] == 100_000


async def test_a_read_after_the_deadline_changes_nothing_and_the_sweep_closes_it(api: Api) -> None:
    """GET never changes state (issue 14): after the deadline a read shows the request past its
    deadline, with its offers open to the council, while the stored status stays published; the
    scheduler's sweep then closes it."""
    from dps.core.context import Context
    from dps.scheduler.engine import sweep

    s = await scene(api)
    _, near, near_setting = await member(api, s, postcode="BL1 1AA")
    deadline = api.clock.now() + timedelta(days=10)
    call_off_id = (await raise_and_publish(api, s, deadline))["id"]
    offered = await api.client.post(f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(near_setting, 420_000),
                                    headers=api.auth(near))  # fmt: skip
    assert offered.status_code == 201, offered.text
    stored = f"SELECT status FROM call_offs WHERE id = {int(call_off_id)}"  # noqa: S608

    api.clock.set(deadline - timedelta(seconds=1))
    before = (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(s.commissioner))).json()
    assert (before["status"], before["past_deadline"]) == ("published", False)

    api.clock.set(deadline)
    one = await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(s.commissioner))
    assert one.status_code == 200, one.text
    assert (one.json()["status"], one.json()["past_deadline"], one.json()["closed_at"]) == ("published", True, None)
    listed = (await api.client.get(CALL_OFFS, headers=api.auth(s.commissioner))).json()["items"]
    assert [(c["status"], c["past_deadline"]) for c in listed if c["id"] == call_off_id] == [("published", True)]
    offers = (await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers", headers=api.auth(s.commissioner))).json()
    assert (offers["sealed"], offers["submitted"]) == (False, 1)
    provider_view = (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(near))).json()
    assert provider_view["past_deadline"] is True
    again = await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(s.commissioner))
    assert again.headers["etag"] == one.headers["etag"]  # the same version: nothing was written
    assert await scalar(stored) == "published"

    await sweep(Context(None, api.clock, api.app.state.settings, api.app.state.store))
    assert await scalar(stored) == "closed"
    closed = (await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(s.commissioner))).json()
    assert (closed["status"], closed["past_deadline"]) == ("closed", True)
    assert datetime.fromisoformat(closed["closed_at"]) == deadline
