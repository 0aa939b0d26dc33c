"""What the councils do while a browser test waits, run against the portal's database as the
scene is: `python -m tests.support.portal.council_acts ACT '<scene ids as JSON>' [ARGS]` prints JSON.

- request SECONDS: Bolton's commissioner publishes a placement request for a 9-year-old girl with
  autism whose deadline falls SECONDS from now (published ten days earlier on a clock of its own,
  as the minimum offer period asks).
- admit EMAIL: the submitted application of EMAIL's organisation is marked by two evaluators,
  moderated and admitted to lot 1 (the rest of its lots refused).
- approve-cards EMAIL: Bolton's officer approves that organisation's submitted rate cards.
- walk-request SECONDS: the same for the story 4 walk, at Tameside (`scene_walks.publish_request`).
- award CALL_OFF_ID: after the deadline (on a clock of its own), the request is closed, every
  offer marked and evaluated, the top one awarded, and its Individual Placement Agreement
  generated and issued; prints the agreement's id.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from datetime import timedelta

from dps.accounts import repository as accounts
from dps.accounts.services import users
from dps.app import document_store_for
from dps.contracts.services import contracts
from dps.contracts.services import placements as contract_placements
from dps.core import db
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock, clock_for
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.core.pagination import MAX_LIMIT
from dps.core.settings import Settings
from dps.frameworks.domain.applications import ApplicationStatus, LotDecision, LotDecisionKind
from dps.frameworks.domain.questionnaires import QuestionKind
from dps.frameworks.services import applications, evaluations, questionnaires
from dps.pricing.domain.rate_cards import RateCardStatus
from dps.pricing.schemas import ApproveIn
from dps.pricing.services import rate_cards
from dps.tenders.services import award, call_offs, offers, panel
from dps.tenders.services import placements as placement_services
from tests.support.portal import scene_walks
from tests.support.portal.scene_provider import PASSWORD, request

Ids = dict[str, int]


def _as(system: Context, user_id: int, role: Role, authority_id: int) -> Context:
    return replace(
        system, principal=Principal(user_id, f"user{user_id}@portal.test", role, OrgKind.AUTHORITY, authority_id)
    )


async def _provider_id(email: str) -> int:
    found = await accounts.find_user_for_login(email)
    assert found is not None and found[0].provider_id is not None, email
    return found[0].provider_id


async def publish_request(system: Context, ids: Ids, seconds: int) -> dict[str, object]:
    commissioner = _as(system, ids["commissioner_user_id"], Role.COMMISSIONER, ids["bolton_id"])
    deadline = system.clock.now() + timedelta(seconds=seconds)
    published_at = replace(commissioner, clock=FixedClock(deadline - timedelta(days=10, minutes=1)))
    start = deadline.date() + timedelta(days=14)
    created = await call_offs.create_call_off(
        published_at,
        request(ids["arrangement_id"], ids["lot1_id"], "Girl, 9, short term", start, deadline, age=9).to_domain(),
    )
    await call_offs.publish_call_off(published_at, created.id)
    return {"call_off_id": created.id, "deadline": deadline.isoformat()}


async def admit(system: Context, ids: Ids, email: str) -> dict[str, object]:
    officer = _as(system, ids["officer_user_id"], Role.PROCUREMENT_OFFICER, ids["bolton_id"])
    provider_id = await _provider_id(email)
    found = await applications.list_applications(
        officer, MAX_LIMIT, 0, arrangement_id=ids["arrangement_id"], status=ApplicationStatus.SUBMITTED
    )
    [view] = [v for v in found.items if v.application.provider_id == provider_id]
    application = view.application
    questions = await questionnaires.list_questions(officer, ids["arrangement_id"])
    marks = [
        Mark(q.id, None, True, "policy seen") if q.kind is QuestionKind.PASS_FAIL else Mark(q.id, 4, None, "clear")
        for q in questions
        if q.kind in (QuestionKind.PASS_FAIL, QuestionKind.SCORED)
    ]
    evaluators = []
    for n in (1, 2):
        evaluator = await users.create_user_with_password(
            system, f"journey-evaluator{n}-{application.id}@portal.test", f"Evaluator {n}", Role.EVALUATOR, PASSWORD,
            authority_id=ids["bolton_id"],
        )  # fmt: skip
        evaluators.append(_as(system, evaluator.id, Role.EVALUATOR, ids["bolton_id"]))
    await evaluations.assign_evaluators(officer, application.id, [e.user.user_id for e in evaluators])
    for evaluator in evaluators:
        await evaluations.declare_interests(evaluator, application.id, False, "")
        await evaluations.save_marks(evaluator, application.id, marks)
        await evaluations.submit_marks(evaluator, application.id)
    await evaluations.moderate(officer, application.id, marks)
    decisions = [
        LotDecision(lot_id, LotDecisionKind.ADMIT, "Meets every requirement")
        if lot_id == ids["lot1_id"]
        else LotDecision(lot_id, LotDecisionKind.REJECT, "No supported accommodation registered yet")
        for lot_id in sorted(application.lot_ids)
    ]
    await evaluations.decide(officer, application.id, decisions)
    return {"application_id": application.id}


async def approve_cards(system: Context, ids: Ids, email: str) -> dict[str, object]:
    officer = _as(system, ids["officer_user_id"], Role.PROCUREMENT_OFFICER, ids["bolton_id"])
    provider_id = await _provider_id(email)
    cards = await rate_cards.list_rate_cards(
        officer,
        MAX_LIMIT,
        0,
        arrangement_id=None,
        lot_id=None,
        provider_id=provider_id,
        status=RateCardStatus.SUBMITTED,
    )
    for card in cards.items:
        await rate_cards.approve_rate_card(
            officer, card.id, card.version, ApproveIn(note="Within every band").to_domain()
        )
    return {"approved": [c.id for c in cards.items]}


async def award_request(system: Context, ids: Ids, call_off_id: int) -> dict[str, object]:
    commissioner = _as(system, ids["commissioner_user_id"], Role.COMMISSIONER, ids["bolton_id"])
    call_off = await call_offs.get_call_off(commissioner, call_off_id)
    later = call_off.deadline + timedelta(seconds=1)
    after = replace(commissioner, clock=FixedClock(later))
    await call_offs.close_call_off(after, call_off_id)
    panel_ids = [ids["placement_evaluator1_id"], ids["placement_evaluator2_id"]]
    await panel.assign_evaluators(after, call_off_id, panel_ids)
    listing = await offers.list_offers(after, call_off_id)
    for evaluator_id in panel_ids:
        evaluator = replace(_as(system, evaluator_id, Role.EVALUATOR, ids["bolton_id"]), clock=FixedClock(later))
        for view in listing.items:
            marks = [Mark(q.id, 4, None, "a clear plan") for q in call_off.criteria.questions]
            await offers.submit_marks(evaluator, call_off_id, view.offer.id, marks)
    evaluated = await award.evaluate_call_off(after, call_off_id)
    listing = await offers.list_offers(after, call_off_id)
    top = next(v.offer.id for v in listing.items if v.score is not None and v.score.rank == 1)
    await award.award_call_off(after, call_off_id, top, None)
    placed = await placement_services.list_placements(
        commissioner, 1, 0, authority_id=None, provider_id=None, live=None, call_off_id=evaluated.id
    )
    legal = _as(system, ids["legal_user_id"], Role.LEGAL_OFFICER, ids["bolton_id"])
    ipa = await contract_placements.generate_placement_agreement_for(legal, placed.items[0].id)
    await contracts.issue_contract(legal, ipa.id)
    return {"contract_id": ipa.id, "reference": ipa.reference}


async def main(act: str, ids: Ids, *args: str) -> None:
    settings = Settings.from_env()
    async with db.connected(settings, pool_size=2):
        system = Context(None, clock_for(settings), settings, document_store_for(settings))
        if act == "request":
            done = await publish_request(system, ids, int(args[0]))
        elif act == "walk-request":
            done = await scene_walks.publish_request(system, ids, int(args[0]))
        elif act == "admit":
            done = await admit(system, ids, args[0])
        elif act == "approve-cards":
            done = await approve_cards(system, ids, args[0])
        elif act == "award":
            done = await award_request(system, ids, int(args[0]))
        else:
            raise SystemExit(f"unknown act {act!r}")
        print(json.dumps(done))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2]), *sys.argv[3:]))
