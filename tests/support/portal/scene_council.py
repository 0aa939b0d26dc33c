"""The council side of the browser tests' scene (loaded after `tests/support/portal/scene.py`'s): a
commissioner at Bolton, and Birch Homes with the public liability certificate its lot asks for and
two children's homes: Birch House (ages 8 to 17), which a request for a 12 year old invites, and
Birch Lodge (16 and 17 only), which it leaves out with its reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from dps.accounts.domain import DocumentType, Need, OfstedGrade, SettingType
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn, SettingIn
from dps.accounts.services import providers, users
from dps.accounts.services.documents import upload_document
from dps.compliance.domain.requirements import InsuranceKind
from dps.compliance.schemas import EvidenceIn
from dps.compliance.services import checks
from dps.contracts.services import contracts, generation
from dps.contracts.services import templates as contract_templates
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.frameworks.domain.questionnaires import Answer as FrameworkAnswer
from dps.frameworks.domain.questionnaires import Question
from dps.frameworks.services import applications, evaluations
from dps.tenders.domain.call_offs import PlacementType, Sex
from dps.tenders.domain.offers import AdditionalService, Answer, OfferContent
from dps.tenders.schemas import CallOffIn, ChildIn, CriteriaIn, NeedIn, QuestionIn
from dps.tenders.services import call_offs, offers, panel
from tests.support import pdfs

PASSWORD = "demo-password-2026"
POUNDS = 100
CERTIFICATE_PDF = pdfs.minimal("Certificate of insurance: public liability")  # a complete PDF: uploads are checked


async def load(system: Context, arrangement_id: int, lot_id: int, bolton_id: int, birch: Context) -> dict[str, int]:
    """Adds the council's people and Birch Homes's eligible setting; returns their ids."""
    commissioner = await users.create_user_with_password(
        system, "commissioner@portal.test", "Chloe Commissioner", Role.COMMISSIONER, PASSWORD, authority_id=bolton_id
    )
    assert birch.principal is not None
    provider_id = birch.principal.org_id or 0
    home = await providers.create_setting(
        birch,
        provider_id,
        SettingIn(
            name="Birch House",
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn="SC700001",
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2026, 1, 20),
            postcode="M1 1AE",
            capacity=4,
            min_age=8,
            max_age=17,
            needs=[Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH, Need.AUTISM],
        ).to_domain(),
    )
    # A member's home the rules leave out of a request for a 12 year old: it takes 16 and 17 year olds.
    await providers.create_setting(
        birch,
        provider_id,
        SettingIn(
            name="Birch Lodge",
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn="SC700002",
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2026, 2, 3),
            postcode="M1 1AE",
            capacity=2,
            min_age=16,
            max_age=17,
            needs=[Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        ).to_domain(),
    )
    certificate = await upload_document(
        birch, CERTIFICATE_PDF, "birch-public-liability.pdf", DocumentType.INSURANCE_CERTIFICATE, None
    )
    requirement = (await checks.list_requirements(birch, arrangement_id))[0]
    await checks.attach_evidence(
        birch,
        EvidenceIn(
            requirement_id=requirement.id,
            document_id=certificate.id,
            issuer="Northern Mutual",
            starts_on=date(2026, 4, 1),
            expires_on=date(2030, 3, 31),
            cover_pence=10_000_000 * POUNDS,
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
        ).to_domain(),
    )
    ids = {"commissioner_user_id": commissioner.id, "birch_setting_id": home.id}
    ids["closed_call_off_id"] = await _closed_call_off(
        system, (arrangement_id, lot_id, bolton_id), commissioner.id, birch, home.id
    )
    return ids


async def _submitted(
    system: Context, questions: list[Question], lot_id: int, name: str, company: str, email: str
) -> int:
    """A provider registered with an application to `lot_id`, answered and submitted."""
    provider, admin = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name=name,
                company_number=company,
                address="3 Test Street, Manchester",
                postcode="M1 1AE",
                contacts=[ContactIn(name="Registered Manager", email=email)],
            ),
            admin_full_name=f"{name} Administrator",
            admin_email=email,
            admin_password=PASSWORD,
        ).to_domain(),
    )
    ctx = replace(
        system, principal=Principal(admin.id, admin.email, Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider.id)
    )
    safeguarding, quality, staff, insurance = questions[:4]
    certificate = await upload_document(
        ctx, CERTIFICATE_PDF, "public-liability.pdf", DocumentType.INSURANCE_CERTIFICATE, None
    )
    application = await applications.open_application(ctx, safeguarding.arrangement_id, [lot_id])
    answers = [
        FrameworkAnswer(safeguarding.id, "Yes: reviewed in May 2026 by the board", None),
        FrameworkAnswer(quality.id, "Key workers, a missing-from-care protocol and weekly reflective practice", None),
        FrameworkAnswer(staff.id, 12, None),
        FrameworkAnswer(insurance.id, "Certificate attached", certificate.id),
    ]
    await applications.save_application(ctx, application.id, application.version, None, answers)
    await applications.submit_application(ctx, application.id)
    return application.id


async def load_evaluation(
    system: Context, officer: Context, questions: list[Question], lot_id: int, bolton_id: int, wigan_id: int
) -> dict[str, int]:
    """Cedar Care's application to lot 1, marked by three evaluators from two councils who differ on
    the scored question (2, 4 and 5 out of 5): ready for the officer's moderation."""
    application_id = await _submitted(system, questions, lot_id, "Cedar Care Ltd", "30000003", "cedar@portal.test")
    safeguarding, quality = questions[:2]
    markers = []
    for n, (authority_id, score) in enumerate(((bolton_id, 2), (wigan_id, 4), (bolton_id, 5)), start=1):
        email = f"marker{n}@portal.test"
        user = await users.create_user_with_password(
            system, email, f"Marker {n}", Role.EVALUATOR, PASSWORD, authority_id=authority_id
        )
        markers.append(
            (
                replace(system, principal=Principal(user.id, email, Role.EVALUATOR, OrgKind.AUTHORITY, authority_id)),
                score,
            )
        )
    await evaluations.assign_evaluators(officer, application_id, [m.user.user_id for m, _ in markers])
    for marker, score in markers:
        await evaluations.declare_interests(marker, application_id, False, "")
        await evaluations.save_marks(
            marker,
            application_id,
            [
                Mark(safeguarding.id, None, True, "Policy seen, reviewed in May 2026"),
                Mark(quality.id, score, None, f"Scored {score}: see the answer's examples"),
            ],
        )
        await evaluations.submit_marks(marker, application_id)
    # Dogwood Care's application waits for an evaluator who has not yet declared any conflict.
    dogwood = await _submitted(system, questions, lot_id, "Dogwood Care Ltd", "30000004", "dogwood@portal.test")
    fresh = await users.create_user_with_password(
        system, "fresh@portal.test", "Fran Fresh", Role.EVALUATOR, PASSWORD, authority_id=wigan_id
    )
    await evaluations.assign_evaluators(officer, dogwood, [fresh.id])
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
    evaluator_user = await users.create_user_with_password(
        system, "panel@portal.test", "Pat Panel", Role.EVALUATOR, PASSWORD, authority_id=bolton_id
    )
    evaluator = Principal(evaluator_user.id, evaluator_user.email, Role.EVALUATOR, OrgKind.AUTHORITY, bolton_id)
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
    await panel.assign_evaluators(past, call_off.id, [evaluator_user.id])
    await call_offs.publish_call_off(past, call_off.id)
    offer, _ = await offers.submit_offer(
        _at(system, birch.principal, offered),
        call_off.id,
        OfferContent(
            setting_id=setting_id,
            weekly_fee_pence=5_200 * POUNDS,
            additional_services=(AdditionalService("Weekly therapy session", 150 * POUNDS),),
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
    user = await users.create_user_with_password(
        system, "legal@portal.test", "Lee Legal", Role.LEGAL_OFFICER, PASSWORD, authority_id=bolton_id
    )
    legal = replace(system, principal=Principal(user.id, user.email, Role.LEGAL_OFFICER, OrgKind.AUTHORITY, bolton_id))
    await contract_templates.load_shipped_templates(legal)
    agreement = await contracts.get_contract(legal, birch_ipa_id)
    await contracts.sign_contract(birch, agreement.id, agreement.document.sha256)
    letter = await generation.generate_decision_letter(legal, birch_application_id)
    return {"signed_contract_id": agreement.id, "draft_contract_id": letter.id}
