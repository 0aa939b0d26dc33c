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

from dps.app import document_store_for
from dps.core import db, migrations
from dps.core.auth import Role
from dps.core.clock import clock_for
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.core.settings import Settings
from dps.demo.builders import (
    add_bands,
    add_public_liability,
    add_questions,
    apply,
    mark_independently,
    moderate_and_decide,
    upload_certificate,
)
from dps.demo.market import (
    BANDS,
    CHILDRENS_HOMES_LOT,
    INSURANCE_QUESTION,
    SAFEGUARDING_QUESTION,
    SUPPORTED_LOT,
    TERM_START,
    settled_question,
)
from dps.frameworks.domain.applications import LotDecision, LotDecisionKind
from dps.frameworks.domain.questionnaires import Answer, Question, QuestionKind
from dps.frameworks.schemas_applications import QuestionIn
from tests.support.pdfs import insurance_schedule
from tests.support.portal import builders as build
from tests.support.portal import (
    scene_council,
    scene_figures,
    scene_oversight,
    scene_provider,
    scene_visits,
    scene_walks,
)
from tests.support.portal.builders import PASSWORD

__all__ = ["PASSWORD"]


async def load(system: Context) -> dict[str, int]:
    admin = build.platform(system)
    bolton = await build.council(admin, "Bolton Council", "E08000001")
    wigan = await build.council(admin, "Wigan Council", "E08000010")
    officer = await build.staff(system, "officer@portal.test", "Priya Officer", Role.PROCUREMENT_OFFICER, bolton)
    pnw, (lot1, lot2) = await build.arrangement(
        officer,
        "PNW-RES-DPS-2026",
        "Placements North West children's residential DPS",
        [wigan],
        [CHILDRENS_HOMES_LOT, SUPPORTED_LOT],
    )
    questions = await add_questions(
        officer,
        pnw.id,
        [
            SAFEGUARDING_QUESTION,
            settled_question(100),
            QuestionIn(
                section="Quality",
                position=3,
                text="How many of your care staff hold a Level 3 Diploma?",
                kind=QuestionKind.NUMBER,
            ),
            INSURANCE_QUESTION,
            QuestionIn(
                section="Supported accommodation",
                position=5,
                text="Do you accept placements at less than 24 hours' notice?",
                kind=QuestionKind.CHOICE,
                choices=["Yes", "No"],
                lot_ids=[lot2.id],
            ),
        ],
    )
    await add_public_liability(officer, pnw.id, "Public liability insurance of at least £5m")
    await add_bands(officer, pnw.id, (lot1, lot2), BANDS, TERM_START)
    await build.publish(officer, pnw.id)

    alder = await build.provider(system, "Alder Care Ltd", "30000001", "alder@portal.test", "1 Test Street, Manchester")
    birch = await build.provider(
        system, "Birch Homes Ltd", "30000002", "birch@portal.test", "1 Test Street, Manchester"
    )
    birch_application = await _admitted(system, officer, birch, questions, lot1.id, bolton, wigan)
    assert alder.principal is not None and birch.principal is not None
    council_ids = await scene_council.load(system, pnw.id, lot1.id, bolton, birch)
    council_ids.update(await scene_council.load_evaluation(system, officer, questions, lot1.id, bolton, wigan))
    provider_work = await scene_provider.load(system, officer, birch, alder, lot2.id, council_ids["birch_setting_id"])
    council_ids.update(
        await scene_council.load_contracts(system, bolton, birch, birch_application, provider_work["birch_ipa_id"])
    )
    council_ids.update(await scene_oversight.load(system))
    council_ids.update(await scene_visits.load(system))
    council_ids.update(await scene_figures.load(system))
    council_ids.update(await scene_walks.load(system))
    return {
        **council_ids,
        **provider_work,
        "arrangement_id": pnw.id,
        "lot1_id": lot1.id,
        "lot2_id": lot2.id,
        "alder_provider_id": alder.principal.org_id or 0,
        "birch_application_id": birch_application,
    }


async def _admitted(
    system: Context,
    officer: Context,
    applicant: Context,
    questions: list[Question],
    lot_id: int,
    *authority_ids: int,
) -> int:
    """An application answered, submitted, marked by two evaluators, moderated and admitted."""
    safeguarding, quality, staff_question, insurance = questions[:4]
    certificate = await upload_certificate(applicant, insurance_schedule(), "public-liability.pdf", None)
    application_id = await apply(
        applicant,
        safeguarding.arrangement_id,
        [lot_id],
        [
            Answer(safeguarding.id, "Yes: reviewed in March 2026", None),
            Answer(quality.id, "Safer recruitment and a missing-from-care protocol", None),
            Answer(staff_question.id, 9, None),
            Answer(insurance.id, "Certificate attached", certificate.id),
        ],
    )
    evaluators = [
        await build.staff(system, f"evaluator{n}@portal.test", f"Evaluator {n}", Role.EVALUATOR, authority_id)
        for n, authority_id in enumerate(authority_ids, start=1)
    ]
    marks = [
        Mark(safeguarding.id, None, True, "policy seen, dated March 2026"),
        Mark(quality.id, 4, None, "clear safeguarding practice with examples"),
    ]
    await mark_independently(officer, application_id, [(e, marks) for e in evaluators])
    await moderate_and_decide(
        officer,
        application_id,
        marks,
        [LotDecision(lot_id, LotDecisionKind.ADMIT, "Meets every requirement; quality score 80 out of 100")],
    )
    return application_id


async def main() -> None:
    settings = Settings.from_env()
    async with db.connected(settings, pool_size=2):
        await migrations.upgrade()
        system = Context(None, clock_for(settings), settings, document_store_for(settings))
        print(json.dumps(await load(system)))


if __name__ == "__main__":
    asyncio.run(main())
