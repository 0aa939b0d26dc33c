"""Transparency through the API: OCDS releases of the stories (arrangement published, members
admitted and removed, a sealed call-off, its award, the placement, a fee variation, its end),
records, the bulk feed, and the officers' notices with their reminders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dps.core.settings import Settings
from dps.scheduler.engine import sweep
from dps.tenders.services.placements import vary_weekly_fee
from dps.transparency.domain.merge import compiled_release
from tests.support import Api, problem, settings_for
from tests.support.transparency import (
    FORBIDDEN_CHILD_KEYS,
    SCHEMA_DIR,
    Market,
    all_releases,
    assign_panel,
    call_off_body,
    keys_of,
    market,
    offer_body,
    provider_member,
    publish,
    release_errors,
    system_context,
)

CALL_OFFS = "/api/v1/call-offs"
RELEASES = "/api/v1/ocds/releases"
# Words of the child's profile and of the offers' content that must never reach a release.
SECRETS = ("SECRET-PLAN", "BL1", "gone missing", "Girl, 12", "EHCP", "autism", "1:1 education", "350.0")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The story moves the clock over months: tokens outlive it."""
    return settings_for(tmp_path, token_days=365)


def of(releases: list[dict[str, Any]], ocid_part: str) -> list[dict[str, Any]]:
    return [r for r in releases if ocid_part in r["ocid"]]


def no_secrets(releases: list[dict[str, Any]]) -> None:
    text = json.dumps(releases)
    assert [s for s in SECRETS if s in text] == []
    assert keys_of(releases) & FORBIDDEN_CHILD_KEYS == set()


async def award_story(api: Api, m: Market) -> dict[str, Any]:
    """Stories 1, 3, 4, 7 and 9 up to the placement's end; returns ids the tests look at."""
    near_id, near, near_setting, near_membership = await provider_member(api, m, "BL1 1AA")
    far_id, far, far_setting, far_membership = await provider_member(api, m, "M5 4WT")
    deadline = api.clock.now() + timedelta(days=10)
    created = await api.client.post(CALL_OFFS, json=call_off_body(m, deadline), headers=api.auth(m.commissioner))
    assert created.status_code == 201, created.text
    call_off_id = created.json()["id"]
    published = await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(m.commissioner))
    assert published.status_code == 200, published.text
    for token, setting, fee in ((near, near_setting, 450_000), (far, far_setting, 400_000)):
        offered = await api.client.post(
            f"{CALL_OFFS}/{call_off_id}/offers", json=offer_body(setting, fee), headers=api.auth(token)
        )
        assert offered.status_code == 201, offered.text
    return {
        "call_off_id": call_off_id,
        "deadline": deadline,
        "near": (near_id, near, near_setting, near_membership),
        "far": (far_id, far, far_setting, far_membership),
    }


async def the_offers_are_marked_and_the_top_one_awarded(api: Api, m: Market, call_off_id: int) -> dict[str, Any]:
    """After the deadline the panel marks every offer, the commissioner evaluates and awards the top-ranked one
    and the call-off is concluded; returns the awarded offer."""
    await assign_panel(api, m, call_off_id)
    for offer_id in [
        o["id"]
        for o in (await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers", headers=api.auth(m.commissioner))).json()[
            "items"
        ]
    ]:
        for token in m.evaluators:
            marked = await api.client.post(
                f"{CALL_OFFS}/{call_off_id}/offers/{offer_id}/marks",
                json={"marks": [{"question_id": 1, "score": 4, "rationale": "evidence in the answer"}]},
                headers=api.auth(token),
            )
            assert marked.status_code == 204, marked.text
    evaluated = await api.client.post(f"{CALL_OFFS}/{call_off_id}/evaluate", headers=api.auth(m.commissioner))
    assert evaluated.status_code == 200, evaluated.text
    ranked = (await api.client.get(f"{CALL_OFFS}/{call_off_id}/offers", headers=api.auth(m.commissioner))).json()
    top: dict[str, Any] = min(ranked["items"], key=lambda o: o["score"]["rank"])
    awarded = await api.client.post(
        f"{CALL_OFFS}/{call_off_id}/award", json={"offer_id": top["id"]}, headers=api.auth(m.commissioner)
    )
    assert awarded.status_code == 200 and awarded.json()["status"] == "concluded", awarded.text
    return top


async def test_every_story_release_validates_and_tells_what_happened_without_child_or_offer_data(api: Api) -> None:
    story = await a_draft_arrangement_publishes_no_release(api)
    await the_published_arrangement_is_released_as_a_dps_tender(api, story)
    await each_admitted_member_is_a_supplier_added_to_the_agreement(api, story)
    await before_the_deadline_the_call_off_says_nothing_of_the_offers(api, story)
    await after_the_deadline_the_count_of_offers_appears_and_only_that(api, story)
    await the_award_carries_the_weekly_fee_and_the_placement_is_the_contract(api, story)
    await a_fee_variation_is_an_amendment_of_the_contract(api, story)
    await the_placement_ends_and_the_contract_is_terminated(api, story)
    await a_member_removed_for_good_is_removed_from_the_agreement(api, story)
    await every_release_validates_and_none_holds_child_or_offer_data(api, story)
    await a_record_is_the_merge_of_its_releases(api, story)
    await the_bulk_feed_streams_the_same_releases(api, story)
    await the_releases_page_by_since_and_cursor(api, story)


@dataclass
class ReleaseStory:
    """What the steps of the releases' story share: the market and, as they come, the arrangement's first
    release, the call-off's ids (`award_story`), the placement, the terminated contract's release and the releases
    as they stand at the end."""

    m: Market
    first: dict[str, Any] = field(default_factory=dict)
    s: dict[str, Any] = field(default_factory=dict)
    placement: dict[str, Any] = field(default_factory=dict)
    terminated: dict[str, Any] = field(default_factory=dict)
    releases: list[dict[str, Any]] = field(default_factory=list)


async def a_draft_arrangement_publishes_no_release(api: Api) -> ReleaseStory:
    """A draft arrangement is not public yet: the feed is empty but already a valid OCDS package."""
    m = await market(api)
    empty = (await api.client.get(RELEASES)).json()
    assert empty["releases"] == [] and empty["version"] == "1.1"
    assert empty["extensions"] == json.loads((SCHEMA_DIR / "extensions.json").read_text())
    assert {"publisher", "license", "publicationPolicy", "publishedDate", "uri"} <= set(empty)
    return ReleaseStory(m=m)


async def the_published_arrangement_is_released_as_a_dps_tender(api: Api, story: ReleaseStory) -> None:
    """Published, the arrangement is a public tender release of a dynamic purchasing system (no token needed)."""
    m = story.m
    await publish(api, m)
    [first] = await all_releases(api.client)  # public: no token
    assert first["tag"] == ["tender"] and first["tender"]["techniques"]["hasDynamicPurchasingSystem"] is True
    assert first["ocid"].endswith(f"-arrangement-{m.arrangement_id}")
    story.first = first


async def each_admitted_member_is_a_supplier_added_to_the_agreement(api: Api, story: ReleaseStory) -> None:
    """Two members are admitted and offer on a call-off: two suppliers added, each in the release written with its
    membership."""
    s = await award_story(api, story.m)
    arrangement = of(await all_releases(api.client), "-arrangement-")
    added = [a["suppliersAdded"][0]["id"] for a in arrangement[-1]["contracts"][0]["amendments"]]
    assert added == [f"provider-{s['near'][0]}", f"provider-{s['far'][0]}"]
    assert [r["tag"] for r in arrangement[1:]] == [["awardUpdate", "contractAmendment"]] * 2
    story.s = s


async def before_the_deadline_the_call_off_says_nothing_of_the_offers(api: Api, story: ReleaseStory) -> None:
    """Sealed: a second before the deadline the call-off's releases say nothing of the offers."""
    api.clock.set(story.s["deadline"] - timedelta(seconds=1))
    sealed = of(await all_releases(api.client), "-call-off-")
    assert [r["tag"] for r in sealed] == [["tender"]]
    assert "bids" not in sealed[0] and "numberOfTenderers" not in sealed[0]["tender"]
    assert sealed[0]["relatedProcesses"][0]["identifier"] == story.first["ocid"]


async def after_the_deadline_the_count_of_offers_appears_and_only_that(api: Api, story: ReleaseStory) -> None:
    """After the deadline (the scheduler's sweep closes it; a read never does) the count of offers appears, and
    only that."""
    m, call_off_id = story.m, story.s["call_off_id"]
    api.clock.set(story.s["deadline"] + timedelta(seconds=1))
    await sweep(system_context(api))
    seen = await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(m.commissioner))
    assert seen.json()["status"] == "closed"
    closed = of(await all_releases(api.client), "-call-off-")[-1]
    assert closed["tag"] == ["tenderUpdate"] and closed["bids"]["statistics"][0]["value"] == 2


async def the_award_carries_the_weekly_fee_and_the_placement_is_the_contract(api: Api, story: ReleaseStory) -> None:
    """The offers are marked, evaluated and the top one awarded: the award carries the awarded weekly fee; the
    placement is the active contract."""
    m = story.m
    top = await the_offers_are_marked_and_the_top_one_awarded(api, m, story.s["call_off_id"])
    [placement] = (await api.client.get("/api/v1/placements?live=true", headers=api.auth(m.commissioner))).json()[
        "items"
    ]
    latest = of(await all_releases(api.client), "-call-off-")[-1]
    assert latest["awards"][0]["value"] == {"amount": top["weekly_fee_pence"] / 100, "currency": "GBP"}
    assert latest["contracts"][0]["status"] == "active"
    story.placement = placement


async def a_fee_variation_is_an_amendment_of_the_contract(api: Api, story: ReleaseStory) -> None:
    """Story 7: a fee variation from 1 April is an amendment of the contract, with the new weekly fee."""
    api.clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    await vary_weekly_fee(system_context(api), story.placement["id"], 415_200, date(2027, 4, 1))
    varied = of(await all_releases(api.client), "-call-off-")[-1]
    assert varied["tag"] == ["contractAmendment"] and varied["contracts"][0]["value"]["amount"] == 4152
    [amendment] = varied["contracts"][0]["amendments"]
    assert amendment["description"].endswith("to £4,152.00 from 2027-04-01")


async def the_placement_ends_and_the_contract_is_terminated(api: Api, story: ReleaseStory) -> None:
    """Story 9: the placement ends; the contract is terminated."""
    m, placement = story.m, story.placement
    ended = await api.client.post(
        f"/api/v1/placements/{placement['id']}/end",
        json={"ended_on": "2027-04-20", "kind": "planned"},
        headers={**api.auth(m.commissioner), "If-Match": f'"{placement["version"] + 1}"'},
    )
    assert ended.status_code == 200, ended.text
    terminated = of(await all_releases(api.client), "-call-off-")[-1]
    assert terminated["tag"] == ["contractTermination"] and terminated["contracts"][0]["status"] == "terminated"
    story.terminated = terminated


async def a_member_removed_for_good_is_removed_from_the_agreement(api: Api, story: ReleaseStory) -> None:
    """A member removed for good: the arrangement's agreement removes the supplier, by id and name."""
    m, s = story.m, story.s
    removed = await api.client.post(
        f"/api/v1/memberships/{s['far'][3]}/remove", json={"reason": "excluded supplier"}, headers=api.auth(m.officer)
    )
    assert removed.status_code == 200, removed.text
    last = of(await all_releases(api.client), "-arrangement-")[-1]
    assert last["contracts"][0]["amendments"][-1]["suppliersRemoved"] == [
        {
            "id": f"provider-{s['far'][0]}",
            "name": next(p["name"] for p in last["parties"] if p["id"] == f"provider-{s['far'][0]}"),
        }
    ]


async def every_release_validates_and_none_holds_child_or_offer_data(api: Api, story: ReleaseStory) -> None:
    """Every release validates (schema, formats, closed codelists); none holds child or offer data."""
    releases = await all_releases(api.client)
    assert [e for r in releases for e in release_errors(r)] == []
    no_secrets(releases)
    story.releases = releases


async def a_record_is_the_merge_of_its_releases(api: Api, story: ReleaseStory) -> None:
    """The call-off's record is the merge of its releases and validates; an unknown ocid is 404."""
    releases, ocid = story.releases, story.terminated["ocid"]
    record = await api.client.get(f"/api/v1/ocds/records/{ocid}")
    assert record.status_code == 200, record.text
    [rec] = record.json()["records"]
    assert rec["compiledRelease"] == compiled_release(of(releases, ocid))
    assert rec["releases"] == of(releases, ocid) and release_errors(rec["compiledRelease"]) == []
    problem(await api.client.get("/api/v1/ocds/records/ocds-nothing-1"), 404, "not_found")


async def the_bulk_feed_streams_the_same_releases(api: Api, story: ReleaseStory) -> None:
    """The bulk feed streams the same releases, one JSON object a line."""
    bulk = await api.client.get(f"{RELEASES}.jsonl")
    assert bulk.status_code == 200 and bulk.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in bulk.text.splitlines()] == story.releases


async def the_releases_page_by_since_and_cursor(api: Api, story: ReleaseStory) -> None:
    """Paging: a page of two links to the next by cursor; `since` keeps the releases from that date."""
    page = (await api.client.get(f"{RELEASES}?limit=2")).json()
    assert len(page["releases"]) == 2 and "cursor=" in page["links"]["next"]
    later = (await api.client.get(RELEASES, params={"since": "2027-04-01T00:00:00Z"})).json()["releases"]
    assert later == [r for r in story.releases if r["date"] >= "2027-04-01"] and later


async def test_officers_see_their_councils_notices_drafted_with_what_is_missing_and_file_them(api: Api) -> None:
    story = await the_officer_sees_the_dps_contract_notice_drafted_with_what_is_missing(api)
    await after_the_award_the_contract_award_notice_falls_due_within_30_days(api, story)
    await the_scheduler_reminds_the_officers_a_week_before_it_falls_due_once(api, story)
    await the_officer_files_it_once_and_the_reminders_stop(api, story)
    await other_councils_and_providers_neither_see_nor_file_the_notices(api, story)


@dataclass
class NoticeStory:
    """What the steps of the notices' story share: the market, the call-off's ids (`award_story`) and, as they
    come, the F03 notice, the award and due days, and the filing request."""

    m: Market
    s: dict[str, Any]
    f03: dict[str, Any] = field(default_factory=dict)
    award_day: date | None = None
    due_day: date | None = None
    url: str = ""
    body: dict[str, str] = field(default_factory=dict)


async def the_officer_sees_the_dps_contract_notice_drafted_with_what_is_missing(api: Api) -> NoticeStory:
    """Once the DPS is published and offered on, Bolton's officer sees its F02 contract notice as a draft that says
    what is missing."""
    m = await market(api)
    await publish(api, m)
    s = await award_story(api, m)
    notices = await api.client.get("/api/v1/notices", headers=api.auth(m.officer))
    assert notices.status_code == 200, notices.text
    [f02] = notices.json()["items"]
    assert (f02["notice_type"], f02["title"], f02["status"]) == ("F02", "Contract notice (setting up a DPS)", "draft")
    assert f02["draft"]["title"] == "North West residential DPS" and f02["draft"]["cpv"] == "85311000"
    assert "estimated total value" in f02["missing"] and f02["ready"] is False
    return NoticeStory(m=m, s=s)


async def after_the_award_the_contract_award_notice_falls_due_within_30_days(api: Api, story: NoticeStory) -> None:
    """After the award the call-off's F03 is due within 30 days (PCR 2015 reg 50), drafted with the bids received
    and the awarded value."""
    m, s = story.m, story.s
    api.clock.set(s["deadline"] + timedelta(seconds=1))
    await api.client.get(f"{CALL_OFFS}/{s['call_off_id']}", headers=api.auth(m.commissioner))
    top = await the_offers_are_marked_and_the_top_one_awarded(api, m, s["call_off_id"])
    items = (await api.client.get("/api/v1/notices", headers=api.auth(m.officer))).json()["items"]
    f03 = next(n for n in items if n["notice_type"] == "F03")
    award_day = api.clock.now().date()
    assert f03["due_on"] == (award_day + timedelta(days=30)).isoformat()
    assert f03["draft"]["bids_received"] == 2 and f03["draft"]["award_value"] == top["weekly_fee_pence"] / 100
    story.f03, story.award_day, story.due_day = f03, award_day, award_day + timedelta(days=30)


async def the_scheduler_reminds_the_officers_a_week_before_it_falls_due_once(api: Api, story: NoticeStory) -> None:
    """A week before the F03 falls due the scheduler reminds Bolton's officers, once however often it sweeps."""
    m, award_day, due_day = story.m, story.award_day, story.due_day
    assert award_day is not None and due_day is not None
    api.clock.set(
        datetime.combine(award_day + timedelta(days=23), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    )
    await sweep(system_context(api))
    await sweep(system_context(api))
    inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(m.officer))).json()["items"]
    subjects = [n["subject"] for n in inbox if n["kind"] == "notice.due"]
    assert subjects.count(f"F03 Contract award notice due {due_day.day} {due_day:%B %Y}") == 1


async def the_officer_files_it_once_and_the_reminders_stop(api: Api, story: NoticeStory) -> None:
    """Filed: the officer records the platform's notice id and date; twice is 409; no reminder once filed."""
    m, due_day = story.m, story.due_day
    assert due_day is not None
    url = f"/api/v1/notices/{story.f03['id']}/publish"
    body = {"platform_notice_id": "012345-2027", "published_on": api.clock.now().date().isoformat()}
    filed = await api.client.post(url, json=body, headers=api.auth(m.officer))
    assert filed.status_code == 200, filed.text
    assert (filed.json()["status"], filed.json()["platform_notice_id"]) == ("published", "012345-2027")
    problem(await api.client.post(url, json=body, headers=api.auth(m.officer)), 409, "notice_already_published")
    api.clock.set(api.clock.now() + timedelta(days=7))
    await sweep(system_context(api))
    inbox = (await api.client.get("/api/v1/notifications", headers=api.auth(m.officer))).json()["items"]
    assert [n["subject"] for n in inbox if n["kind"] == "notice.due" and n["subject"].startswith("F03")] == [
        f"F03 Contract award notice due {due_day.day} {due_day:%B %Y}"
    ]
    story.url, story.body = url, body


async def other_councils_and_providers_neither_see_nor_file_the_notices(api: Api, story: NoticeStory) -> None:
    """Another council's officer sees none of Bolton's notices and cannot file them; providers cannot read them;
    nor can anyone signed out."""
    url, body = story.url, story.body
    other = await api.authority("Oldham Council", "E08000004")
    _, stranger = await api.staff("procurement_officer", other)
    assert (await api.client.get("/api/v1/notices", headers=api.auth(stranger))).json()["items"] == []
    problem(await api.client.post(url, json=body, headers=api.auth(stranger)), 404, "not_found")
    problem(await api.client.get("/api/v1/notices", headers=api.auth(story.s["near"][1])), 403, "permission_denied")
    problem(await api.client.get("/api/v1/notices"), 401, "unauthenticated")


async def test_a_dynamic_market_publishes_its_establishment_notices_and_a_valid_release(api: Api) -> None:
    m = await market(api, "pa2023_dynamic_market")
    await publish(api, m)
    items = (await api.client.get("/api/v1/notices", headers=api.auth(m.officer))).json()["items"]
    assert [(n["notice_type"], n["law"]) for n in items] == [("UK13", "PA 2023 s.39(2)"), ("UK14", "PA 2023 s.39(3)")]
    assert all(
        "contracting authority's unique identifier (PPON) on the Central Digital Platform" in n["missing"]
        for n in items
    )
    [release] = await all_releases(api.client)
    assert release["tender"]["techniques"]["dynamicPurchasingSystem"]["status"] == "active"
    assert "Dynamic market (Procurement Act 2023" in release["tender"]["procurementMethodDetails"]
    assert release_errors(release) == []


async def test_the_openapi_describes_the_ocds_and_notice_routes(api: Api) -> None:
    schema = (await api.client.get("/schema/openapi.json")).json()
    ops = {op["operationId"]: op for path in schema["paths"].values() for op in path.values() if isinstance(op, dict)}
    for name in ("ListOcdsReleases", "StreamOcdsReleases", "GetOcdsRecord", "ListNotices", "PublishNotice"):
        assert ops[name].get("description"), name
    assert ops["ListOcdsReleases"]["tags"] == ["Open contracting (OCDS)"] and "since" in str(ops["ListOcdsReleases"])


async def test_an_open_framework_publishes_a_tender_notice_and_its_reopening_windows(api: Api) -> None:
    windows = [
        {"opens_at": "2026-11-24T09:00:00Z", "closes_at": "2026-12-08T17:00:00Z"},
        {"opens_at": "2027-11-24T09:00:00Z", "closes_at": "2027-12-08T17:00:00Z"},
    ]
    m = await market(api, "pa2023_open_framework", windows=windows)
    await publish(api, m)
    [release] = await all_releases(api.client)
    assert release_errors(release) == []
    agreement = release["tender"]["techniques"]["frameworkAgreement"]
    assert (
        agreement["isOpenFrameworkScheme"] is True and agreement["openFrameworkSchemeEndDate"] == "2029-10-31T00:00:00Z"
    )
    assert [w["dueDate"] for w in release["tender"]["milestones"]] == ["2026-12-08T17:00:00Z", "2027-12-08T17:00:00Z"]
    items = (await api.client.get("/api/v1/notices", headers=api.auth(m.officer))).json()["items"]
    assert [(n["notice_type"], n["title"]) for n in items] == [("UK4", "Tender notice")]
    assert items[0]["draft"]["tender_period_end"] == "2026-12-08T17:00:00Z"
    assert "deadline for tenders" not in items[0]["missing"]


async def test_two_changes_to_one_process_at_once_write_one_release_each_and_lose_nothing(api: Api) -> None:
    import asyncio

    from tests.support.transparency import admit_member_audited

    m = await market(api)
    await publish(api, m)
    providers = [(await api.provider())[0] for _ in range(2)]
    await asyncio.gather(
        *(
            admit_member_audited(system_context(api), m.arrangement_id, m.lot_id, p, date(2026, 11, 20))
            for p in providers
        )
    )
    releases = of(await all_releases(api.client), "-arrangement-")
    assert [r["id"].rsplit("-", 1)[1] for r in releases] == ["1", "2", "3"]
    added = {a["suppliersAdded"][0]["id"] for a in releases[-1]["contracts"][0]["amendments"]}
    assert added == {f"provider-{p}" for p in providers}
