"""The browser tests' scene, loaded through the services into the portal's throwaway database
(lean on purpose: the full demo takes half a minute on a busy machine).

A North West consortium (Bolton leads, Wigan joins) with an open residential DPS of two lots, a
questionnaire (a pass/fail, a scored, a number, an evidence question, and a choice question for
lot 2 only), a compliance requirement and price bands; two providers, each with an administrator;
Birch Homes's application has been through evaluation and admitted to lot 1 (its decision page,
and another provider's URL for the 404 test).

Run as `python -m tests.support.portal.scene` with DATABASE_URL set; prints the ids as JSON."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

from dps.accounts.domain import DocumentType, Region
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn
from dps.accounts.services import authorities, providers, users
from dps.accounts.services.documents import upload_document
from dps.app import document_store_for
from dps.compliance.domain.requirements import InsuranceKind, RequirementKind
from dps.compliance.schemas import RequirementIn
from dps.compliance.services import checks
from dps.core import db, migrations
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import clock_for
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.core.settings import Settings
from dps.frameworks.domain.applications import LotDecision, LotDecisionKind
from dps.frameworks.domain.arrangements import ServiceType
from dps.frameworks.domain.questionnaires import Answer, Question, QuestionKind
from dps.frameworks.profiles import ProfileCode
from dps.frameworks.schemas import AgeBandIn, ArrangementIn, LotIn
from dps.frameworks.schemas_applications import QuestionIn
from dps.frameworks.services import applications, arrangements, evaluations, questionnaires
from dps.pricing.schemas import BandIn
from dps.pricing.services import prices
from tests.support.pdfs import insurance_schedule
from tests.support.portal import (
    scene_council,
    scene_figures,
    scene_oversight,
    scene_provider,
    scene_visits,
    scene_walks,
)

PASSWORD = "demo-password-2026"
POUNDS = 100


def _as(system: Context, user_id: int, email: str, role: Role, kind: OrgKind, org_id: int | None) -> Context:
    return replace(system, principal=Principal(user_id, email, role, kind, org_id))


async def _provider(system: Context, name: str, company: str, email: str) -> Context:
    provider, admin = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name=name,
                company_number=company,
                address="1 Test Street, Manchester",
                postcode="M1 1AE",
                contacts=[ContactIn(name="Registered Manager", email=email)],
            ),
            admin_full_name=f"{name} Administrator",
            admin_email=email,
            admin_password=PASSWORD,
        ).to_domain(),
    )
    return _as(system, admin.id, email, Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider.id)


async def load(system: Context) -> dict[str, int]:
    admin = _as(system, 0, "system@portal.test", Role.ADMIN, OrgKind.PLATFORM, None)
    bolton = await authorities.create_authority(admin, "Bolton Council", "E08000001", Region.NORTH_WEST)
    wigan = await authorities.create_authority(admin, "Wigan Council", "E08000010", Region.NORTH_WEST)
    officer_user = await users.create_user_with_password(
        system, "officer@portal.test", "Priya Officer", Role.PROCUREMENT_OFFICER, PASSWORD, authority_id=bolton.id
    )
    officer = _as(system, officer_user.id, officer_user.email, Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, bolton.id)
    arrangement = await arrangements.create_arrangement(
        officer,
        ArrangementIn(
            reference="PNW-RES-DPS-2026",
            title="Placements North West children's residential DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=[wigan.id],
            term_start=date(2026, 4, 1),
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    lot1 = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="LOT-1",
            title="Children's homes, ages 8 to 17",
            age_bands=[
                AgeBandIn(label="8-12", min_age=8, max_age=12),
                AgeBandIn(label="13-17", min_age=13, max_age=17),
            ],
            need_levels=["standard", "complex"],
        ).to_domain(),
    )
    lot2 = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="LOT-2",
            title="Supported accommodation, ages 16 and 17",
            age_bands=[AgeBandIn(label="16-17", min_age=16, max_age=17)],
            need_levels=["standard"],
        ).to_domain(),
    )
    questions = []
    for question in (
        QuestionIn(
            section="Safeguarding",
            position=1,
            text="Do you hold a current safeguarding policy reviewed in the last 12 months?",
            kind=QuestionKind.PASS_FAIL,
        ),
        QuestionIn(
            section="Quality",
            position=2,
            text="How do you keep children safe and settled?",
            kind=QuestionKind.SCORED,
            max_score=5,
            weight=Decimal(100),
        ),
        QuestionIn(
            section="Quality",
            position=3,
            text="How many of your care staff hold a Level 3 Diploma?",
            kind=QuestionKind.NUMBER,
        ),
        QuestionIn(
            section="Insurance",
            position=4,
            text="Attach your public liability insurance certificate",
            kind=QuestionKind.EVIDENCE,
            evidence_type=DocumentType.INSURANCE_CERTIFICATE,
        ),
        QuestionIn(
            section="Supported accommodation",
            position=5,
            text="Do you accept placements at less than 24 hours' notice?",
            kind=QuestionKind.CHOICE,
            choices=["Yes", "No"],
            lot_ids=[lot2.id],
        ),
    ):
        questions.append(await questionnaires.add_question(officer, arrangement.id, question.to_domain()))
    await checks.add_requirement(
        officer,
        arrangement.id,
        RequirementIn(
            kind=RequirementKind.INSURANCE,
            title="Public liability insurance of at least £5m",
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
            min_cover_pence=5_000_000 * POUNDS,
        ).to_domain(),
    )
    for lot in (lot1, lot2):
        for band in lot.age_bands:
            for level in lot.need_levels:
                floor, ceiling = (4_200, 5_600) if level == "standard" else (5_400, 7_200)
                if lot is lot2:
                    floor, ceiling = (1_400, 2_600)
                await prices.add_band(
                    officer,
                    arrangement.id,
                    BandIn(
                        lot_id=lot.id,
                        age_band=band.label,
                        need_level=level,
                        floor_pence=floor * POUNDS,
                        ceiling_pence=ceiling * POUNDS,
                        effective_from=date(2026, 4, 1),
                    ).to_domain(),
                )
    await arrangements.publish_arrangement(officer, arrangement.id)

    alder = await _provider(system, "Alder Care Ltd", "30000001", "alder@portal.test")
    birch = await _provider(system, "Birch Homes Ltd", "30000002", "birch@portal.test")
    birch_application = await _admitted(system, officer, birch, questions, lot1.id, bolton.id, wigan.id)
    assert alder.principal is not None and birch.principal is not None
    council = await scene_council.load(system, arrangement.id, lot1.id, bolton.id, birch)
    council.update(await scene_council.load_evaluation(system, officer, questions, lot1.id, bolton.id, wigan.id))
    provider_work = await scene_provider.load(system, officer, birch, alder, lot2.id, council["birch_setting_id"])
    council.update(
        await scene_council.load_contracts(system, bolton.id, birch, birch_application, provider_work["birch_ipa_id"])
    )
    council.update(await scene_oversight.load(system))
    council.update(await scene_visits.load(system))
    council.update(await scene_figures.load(system))
    council.update(await scene_walks.load(system))
    return {
        **council,
        **provider_work,
        "arrangement_id": arrangement.id,
        "lot1_id": lot1.id,
        "lot2_id": lot2.id,
        "alder_provider_id": alder.principal.org_id or 0,
        "birch_application_id": birch_application,
    }


async def _admitted(
    system: Context,
    officer: Context,
    provider: Context,
    questions: list[Question],
    lot_id: int,
    *authority_ids: int,
) -> int:
    """An application answered, submitted, marked by two evaluators, moderated and admitted."""
    safeguarding, quality, staff, insurance = questions[:4]
    certificate = await upload_document(
        provider, insurance_schedule(), "public-liability.pdf", DocumentType.INSURANCE_CERTIFICATE, None
    )
    application = await applications.open_application(provider, questions[0].arrangement_id, [lot_id])
    answers = [
        Answer(safeguarding.id, "Yes: reviewed in March 2026", None),
        Answer(quality.id, "Safer recruitment and a missing-from-care protocol", None),
        Answer(staff.id, 9, None),
        Answer(insurance.id, "Certificate attached", certificate.id),
    ]
    await applications.save_application(provider, application.id, application.version, None, answers)
    await applications.submit_application(provider, application.id)
    evaluators = []
    for n, authority_id in enumerate(authority_ids, start=1):
        email = f"evaluator{n}@portal.test"
        user = await users.create_user_with_password(
            system, email, f"Evaluator {n}", Role.EVALUATOR, PASSWORD, authority_id=authority_id
        )
        evaluators.append(_as(system, user.id, email, Role.EVALUATOR, OrgKind.AUTHORITY, authority_id))
    await evaluations.assign_evaluators(officer, application.id, [e.user.user_id for e in evaluators])
    marks = [
        Mark(safeguarding.id, None, True, "policy seen, dated March 2026"),
        Mark(quality.id, 4, None, "clear safeguarding practice with examples"),
    ]
    for evaluator in evaluators:
        await evaluations.declare_interests(evaluator, application.id, False, "")
        await evaluations.save_marks(evaluator, application.id, marks)
        await evaluations.submit_marks(evaluator, application.id)
    await evaluations.moderate(officer, application.id, marks)
    await evaluations.decide(
        officer,
        application.id,
        [LotDecision(lot_id, LotDecisionKind.ADMIT, "Meets every requirement; quality score 80 out of 100")],
    )
    return application.id


async def main() -> None:
    settings = Settings.from_env()
    async with db.connected(settings, pool_size=2):
        await migrations.upgrade()
        system = Context(None, clock_for(settings), settings, document_store_for(settings))
        print(json.dumps(await load(system)))


if __name__ == "__main__":
    asyncio.run(main())
