"""The council side of the browser tests' scene (loaded after `tests/support/portal/scene.py`'s): a
commissioner at Bolton, and Birch Homes with the public liability certificate its lot asks for and
two children's homes: Birch House (ages 8 to 17), which a request for a 12 year old invites, and
Birch Lodge (16 and 17 only), which it leaves out with its reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from dps.accounts.domain import Need
from dps.compliance.services import checks
from dps.contracts.services import contracts, generation
from dps.contracts.services import templates as contract_templates
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.demo.builders import apply, insure, mark_independently, upload_certificate
from dps.frameworks.domain.questionnaires import Answer as FrameworkAnswer
from dps.frameworks.domain.questionnaires import Question
from dps.frameworks.services import evaluations
from dps.tenders.domain.call_offs import PlacementType, Sex
from dps.tenders.domain.offers import AdditionalService, Answer, OfferContent
from dps.tenders.schemas import CallOffIn, ChildIn, CriteriaIn, NeedIn, QuestionIn
from dps.tenders.services import call_offs, offers, panel
from tests.support import pdfs
from tests.support.portal import builders as build

CERTIFICATE_PDF = pdfs.minimal("Certificate of insurance: public liability")  # a complete PDF: uploads are checked


async def load(system: Context, arrangement_id: int, lot_id: int, bolton_id: int, birch: Context) -> dict[str, int]:
    """Adds the council's people and Birch Homes's eligible setting; returns their ids."""
    commissioner = await build.staff(
        system, "commissioner@portal.test", "Chloe Commissioner", Role.COMMISSIONER, bolton_id
    )
    home_id = await build.home(
        birch, "Birch House", "SC700001", date(2026, 1, 20), 4, needs=[Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH, Need.AUTISM]
    )
    # A member's home the rules leave out of a request for a 12 year old: it takes 16 and 17 year olds.
    await build.home(
        birch,
        "Birch Lodge",
        "SC700002",
        date(2026, 2, 3),
        2,
        ages=(16, 17),
        needs=[Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
    )
    requirement = (await checks.list_requirements(birch, arrangement_id))[0]
    await insure(
        birch,
        requirement.id,
        issuer="Northern Mutual",
        starts_on=date(2026, 4, 1),
        expires_on=date(2030, 3, 31),
        cover_pence=10_000_000 * build.POUNDS,
        certificate=(CERTIFICATE_PDF, "birch-public-liability.pdf", None),
    )
    commissioner_id = commissioner.user.user_id
    ids = {"commissioner_user_id": commissioner_id, "birch_setting_id": home_id}
    ids["closed_call_off_id"] = await _closed_call_off(
        system, (arrangement_id, lot_id, bolton_id), commissioner_id, birch, home_id
    )
    return ids


async def _submitted(
    system: Context, questions: list[Question], lot_id: int, name: str, company: str, email: str
) -> int:
    """A provider registered with an application to `lot_id`, answered and submitted."""
    ctx = await build.provider(system, name, company, email, "3 Test Street, Manchester")
    safeguarding, quality, staff_question, insurance = questions[:4]
    certificate = await upload_certificate(ctx, CERTIFICATE_PDF, "public-liability.pdf", None)
    return await apply(
        ctx,
        safeguarding.arrangement_id,
        [lot_id],
        [
            FrameworkAnswer(safeguarding.id, "Yes: reviewed in May 2026 by the board", None),
            FrameworkAnswer(
                quality.id, "Key workers, a missing-from-care protocol and weekly reflective practice", None
            ),
            FrameworkAnswer(staff_question.id, 12, None),
            FrameworkAnswer(insurance.id, "Certificate attached", certificate.id),
        ],
    )


async def load_evaluation(
    system: Context, officer: Context, questions: list[Question], lot_id: int, bolton_id: int, wigan_id: int
) -> dict[str, int]:
    """Cedar Care's application to lot 1, marked by three evaluators from two councils who differ on
    the scored question (2, 4 and 5 out of 5): ready for the officer's moderation."""
    application_id = await _submitted(system, questions, lot_id, "Cedar Care Ltd", "30000003", "cedar@portal.test")
    safeguarding, quality = questions[:2]
    marking = [
        (
            await build.staff(system, f"marker{n}@portal.test", f"Marker {n}", Role.EVALUATOR, authority_id),
            [
                Mark(safeguarding.id, None, True, "Policy seen, reviewed in May 2026"),
                Mark(quality.id, score, None, f"Scored {score}: see the answer's examples"),
            ],
        )
        for n, (authority_id, score) in enumerate(((bolton_id, 2), (wigan_id, 4), (bolton_id, 5)), start=1)
    ]
    await mark_independently(officer, application_id, marking)
    # Dogwood Care's application waits for an evaluator who has not yet declared any conflict.
    dogwood = await _submitted(system, questions, lot_id, "Dogwood Care Ltd", "30000004", "dogwood@portal.test")
    fresh = await build.staff(system, "fresh@portal.test", "Fran Fresh", Role.EVALUATOR, wigan_id)
    await evaluations.assign_evaluators(officer, dogwood, [fresh.user.user_id])
    return {"cedar_application_id": application_id, "dogwood_application_id": dogwood}


CLOSED_TITLE = "Children's home for a 14 year old boy, Bolton"


def _at(system: Context, principal: Principal | None, at: datetime) -> Context:
    return replace(system, principal=principal, clock=FixedClock(at))


async def _closed_call_off(
    system: Context, ids: tuple[int, int, int], commissioner_id: int, birch: Context, setting_id: int
) -> int:
    """A placement request published 15 days ago whose offers closed yesterday: Birch House offered
    and the panel's evaluator has marked it, so the commissioner can score, award and place."""
    arrangement_id, lot_id, bolton_id = ids
    now = system.clock.now()
    published, offered, deadline = now - timedelta(days=15), now - timedelta(days=5), now - timedelta(days=1)
    commissioner = Principal(
        commissioner_id, "commissioner@portal.test", Role.COMMISSIONER, OrgKind.AUTHORITY, bolton_id
    )
    evaluator = (await build.staff(system, "panel@portal.test", "Pat Panel", Role.EVALUATOR, bolton_id)).principal
    assert evaluator is not None
    past = _at(system, commissioner, published)
    start = (now + timedelta(days=7)).date()
    call_off = await call_offs.create_call_off(
        past,
        CallOffIn(
            arrangement_id=arrangement_id,
            lot_id=lot_id,
            title=CLOSED_TITLE,
            child=ChildIn(
                age=14,
                sex=Sex.MALE,
                needs=[NeedIn(need=Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH)],
                need_level="standard",
                home_district="M1",
                placement_type=PlacementType.LONG_TERM,
                start_date=start,
            ),
            criteria=CriteriaIn(
                questions=[QuestionIn(text="How would you help him settle at school?")],
                quality_weight=Decimal(40),
                price_weight=Decimal(40),
                proximity_weight=Decimal(20),
            ),
            deadline=deadline,
        ).to_domain(),
    )
    await panel.assign_evaluators(past, call_off.id, [evaluator.user_id])
    await call_offs.publish_call_off(past, call_off.id)
    offer, _ = await offers.submit_offer(
        _at(system, birch.principal, offered),
        call_off.id,
        OfferContent(
            setting_id=setting_id,
            weekly_fee_pence=5_200 * build.POUNDS,
            additional_services=(AdditionalService("Weekly therapy session", 150 * build.POUNDS),),
            start_date=start,
            answers=(Answer(1, "A key worker he meets before he moves, and a plan agreed with his school"),),
            notes="",
        ),
    )
    await offers.submit_marks(
        _at(system, evaluator, now),
        call_off.id,
        offer.id,
        [Mark(1, 4, None, "A clear plan with the school and a named key worker")],
    )
    return call_off.id


async def load_contracts(
    system: Context, bolton_id: int, birch: Context, birch_application_id: int, birch_ipa_id: int
) -> dict[str, int]:
    """A legal officer at Bolton; the shipped contract templates; Birch Homes's issued placement
    agreement (from the provider's scene) signed by Birch, waiting for the council's countersignature;
    and the decision letter on its application still a draft (to issue). Birch's membership
    agreement stays unsigned for the provider's own signing test."""
    legal = await build.staff(system, "legal@portal.test", "Lee Legal", Role.LEGAL_OFFICER, bolton_id)
    await contract_templates.load_shipped_templates(legal)
    agreement = await contracts.get_contract(legal, birch_ipa_id)
    await contracts.sign_contract(birch, agreement.id, agreement.document.sha256)
    letter = await generation.generate_decision_letter(legal, birch_application_id)
    return {"signed_contract_id": agreement.id, "draft_contract_id": letter.id}
