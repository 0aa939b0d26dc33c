"""The provider's work after admission, added to the browser tests' scene (tests/support/portal/scene.py).

- Birch Homes (a member of lot 1) has a children's home, current insurance evidence, an approved
  rate card and a refused one; the catalogue has one additional service.
- Alder Care holds a place on lot 2 with no insurance evidence (non-compliant), and Bolton has
  raised a concern about it.
- Bolton's commissioner has an open placement request that Birch is invited to (offers close in
  12 days), and an earlier one, run in the past on a clock of its own, that Birch won: its
  Individual Placement Agreement and its membership agreement are issued for Birch to sign (the
  PDF copies are still pending).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from dps.accounts.domain import Need
from dps.compliance.domain.concerns import ConcernCategory
from dps.compliance.schemas import ConcernIn
from dps.compliance.services import checks, concerns
from dps.contracts.services import contracts, generation, templates
from dps.contracts.services import placements as contract_placements
from dps.core.auth import Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.core.pagination import MAX_LIMIT
from dps.demo.builders import insure, rate_card
from dps.frameworks.services import memberships
from dps.pricing.domain.rate_cards import ServiceUnit
from dps.pricing.schemas import ServiceIn
from dps.pricing.services import prices, rate_cards
from dps.tenders.domain.call_offs import PlacementType, Sex
from dps.tenders.domain.offers import Answer, OfferContent
from dps.tenders.schemas import CallOffIn, ChildIn, CriteriaIn, QuestionIn
from dps.tenders.services import award, call_offs, offers, panel
from dps.tenders.services import placements as placement_services
from tests.support.portal import builders as build
from tests.support.portal.builders import PASSWORD

__all__ = ["PASSWORD", "request"]


def at(ctx: Context, when: datetime) -> Context:
    """`ctx` on a clock of its own, stopped at `when` (the awarded request happened in the past)."""
    return replace(ctx, clock=FixedClock(when))


def request(arrangement_id: int, lot_id: int, title: str, start: date, deadline: datetime, age: int = 12) -> CallOffIn:
    them, their = ("him", "his") if age == 12 else ("her", "her")
    return CallOffIn(
        arrangement_id=arrangement_id,
        lot_id=lot_id,
        title=title,
        child=ChildIn(
            age=age,
            sex=Sex.MALE if age == 12 else Sex.FEMALE,
            needs=[Need.AUTISM],
            need_level="standard",
            home_district="M1",
            education_needs="Has an EHCP; attends a special school",
            risks="Goes missing when anxious",
            placement_type=PlacementType.LONG_TERM,
            start_date=start,
            expected_duration_weeks=52,
        ),
        criteria=CriteriaIn(
            questions=[
                QuestionIn(
                    text=f"How will you help {them} settle in {their} first month?", max_score=5, weight=Decimal(100)
                )
            ],
            quality_weight=Decimal(60),
            price_weight=Decimal(30),
            proximity_weight=Decimal(10),
        ),
        deadline=deadline,
    )


async def load(
    system: Context, officer: Context, birch: Context, alder: Context, lot2_id: int, setting_id: int
) -> dict[str, int]:
    assert officer.principal is not None and birch.principal is not None and alder.principal is not None
    bolton = officer.principal.org_id or 0
    found = await memberships.list_memberships(
        birch, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
    )
    membership = found.items[0]
    arrangement_id, lot_id = membership.arrangement_id, membership.lot_id
    alder_membership = await build.admit_member(arrangement_id, lot2_id, alder.principal.org_id or 0, date(2026, 4, 1))

    # Birch's insurance in force since April (its home, Birch House, is the council scene's).
    [requirement] = await checks.list_requirements(officer, arrangement_id)
    await insure(
        birch,
        requirement.id,
        issuer="Northern Mutual Insurance plc",
        starts_on=date(2026, 4, 1),
        expires_on=date(2028, 3, 31),
        cover_pence=5_000_000 * build.POUNDS,
    )

    # Rate cards: one refused, one approved; an additional service in the catalogue.
    await prices.add_service(
        officer,
        arrangement_id,
        ServiceIn(
            code="ONE-TO-ONE", name="One-to-one support", unit=ServiceUnit.HOUR, description="A worker's hour"
        ).to_domain(),
    )
    refused = await rate_card(birch, lot_id, date(2026, 4, 1), [build.line("8-12", 4_100)])
    await rate_cards.reject_rate_card(
        officer, refused.id, refused.version, "The fee is below the floor with no explanation"
    )
    approved = await rate_card(
        birch,
        lot_id,
        date(2026, 4, 1),
        [build.line("8-12", 4_800), build.line("13-17", 5_000), build.line("13-17", 6_500, need_level="complex")],
        approved_by=officer,
        note="Within every band",
    )

    # Placement requests.
    commissioner = await build.staff(
        system, "requests-commissioner@portal.test", "Cara Commissioner", Role.COMMISSIONER, bolton
    )
    legal = await build.staff(system, "requests-legal@portal.test", "Lee Legal", Role.LEGAL_OFFICER, bolton)
    evaluators = [
        await build.staff(
            system, f"placement-evaluator{n}@portal.test", f"Placement Evaluator {n}", Role.EVALUATOR, bolton
        )
        for n in (1, 2)
    ]
    now = system.clock.now()
    soon = now.date() + timedelta(days=30)
    open_request = await call_offs.create_call_off(
        commissioner, request(arrangement_id, lot_id, "Boy, 12, long term", soon, now + timedelta(days=12)).to_domain()
    )
    await call_offs.publish_call_off(commissioner, open_request.id)

    # The one Birch won, forty days ago.
    then = now - timedelta(days=40)
    won = await call_offs.create_call_off(
        at(commissioner, then),
        request(arrangement_id, lot_id, "Boy, 12, moving from foster care", (now - timedelta(days=5)).date(),
                then + timedelta(days=11)).to_domain(),
    )  # fmt: skip
    await call_offs.publish_call_off(at(commissioner, then), won.id)
    question_id = won.criteria.questions[0].id
    offer, _ = await offers.submit_offer(
        at(birch, then + timedelta(days=1)),
        won.id,
        OfferContent(
            setting_id=setting_id,
            weekly_fee_pence=4_800 * build.POUNDS,
            additional_services=(),
            start_date=(now - timedelta(days=5)).date(),
            answers=(Answer(question_id, "A key worker who knows autism, and a visit before he moves"),),
            notes="",
        ),
    )
    after_deadline = at(commissioner, then + timedelta(days=12))
    await call_offs.close_call_off(after_deadline, won.id)
    await panel.assign_evaluators(after_deadline, won.id, [e.user.user_id for e in evaluators])
    for evaluator in evaluators:
        await offers.submit_marks(
            at(evaluator, then + timedelta(days=12)), won.id, offer.id, [Mark(question_id, 4, None, "a clear plan")]
        )
    await award.evaluate_call_off(after_deadline, won.id)
    await award.award_call_off(after_deadline, won.id, offer.id, None)
    placed = await placement_services.list_placements(
        commissioner, 1, 0, authority_id=None, provider_id=None, live=None, call_off_id=won.id
    )
    await templates.load_shipped_templates(system)
    ipa = await contract_placements.generate_placement_agreement_for(legal, placed.items[0].id)
    await contracts.issue_contract(legal, ipa.id)
    agreement = await generation.generate_membership_agreement(legal, membership.id)
    await contracts.issue_contract(legal, agreement.id)
    # Bolton's concern about Alder Care, issued (Alder is told).
    concern = await concerns.raise_concern(
        officer,
        ConcernIn(
            provider_id=alder.principal.org_id or 0,
            category=ConcernCategory.QUALITY,
            arrangement_ids=[arrangement_id],
            summary="Two children's reviews found no record of the key worker's weekly sessions.",
            actions_taken="Discussed with the registered manager on 20 November.",
            issue=True,
        ).to_domain(),
    )
    return {
        "alder_concern_id": concern.id,
        "birch_membership_id": membership.id,
        "alder_membership_id": alder_membership,
        "birch_refused_card_id": refused.id,
        "birch_approved_card_id": approved.id,
        "open_call_off_id": open_request.id,
        "won_call_off_id": won.id,
        "birch_ipa_id": ipa.id,
        "birch_membership_agreement_id": agreement.id,
        "commissioner_user_id": commissioner.user.user_id,
        "officer_user_id": officer.user.user_id,
        "legal_user_id": legal.user.user_id,
        "placement_evaluator1_id": evaluators[0].user.user_id,
        "placement_evaluator2_id": evaluators[1].user.user_id,
        "bolton_id": bolton,
    }
