"""The demo consortium's market: Placements North West's children's residential DPS, run through
the real services so every step is audited exactly as in production.

- Bolton's procurement officer sets up the DPS (two lots, a questionnaire, compliance
  requirements, price bands) and publishes it;
- five providers upload their public liability certificates and apply; four children's homes are
  admitted to lot 1 and one supported-accommodation provider to lot 2 after two evaluators mark
  independently and the officer moderates; each admitted provider has an approved rate card;
- Wigan Pier Supported Living's application is submitted and waits for its decision (its clock
  shows in the officer's list).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from dps.accounts.domain import DocumentType
from dps.compliance import public as compliance
from dps.compliance.domain.requirements import RequirementKind
from dps.compliance.public import RequirementIn
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.demo.builders import (
    POUNDS,
    add_bands,
    add_public_liability,
    add_questions,
    apply,
    draft_arrangement,
    insure,
    lot_in,
    mark_independently,
    moderate_and_decide,
    pass_fail_question,
    rate_card,
    scored_question,
)
from dps.frameworks.domain.applications import LotDecision, LotDecisionKind
from dps.frameworks.domain.questionnaires import Answer, QuestionKind
from dps.frameworks.public import QuestionIn
from dps.pricing import public as pricing
from dps.pricing.public import LineIn

# A valid one-page PDF (uploads are checked); the values are entered as evidence.
CERTIFICATE_PDF = (
    b"%PDF-1.4\n"
    b"%dps1\n"
    b"1 0 obj\n"
    b"<< /Type /Catalog /Pages 2 0 R >>\n"
    b"endobj\n"
    b"2 0 obj\n"
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
    b"endobj\n"
    b"3 0 obj\n"
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\n"
    b"endobj\n"
    b"4 0 obj\n"
    b"<< /Length 55  >>\n"
    b"stream\n"
    b"BT /F1 12 Tf 72 720 Td (Certificate of insurance) Tj ET\n"
    b"endstream\n"
    b"endobj\n"
    b"5 0 obj\n"
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
    b"endobj\n"
    b"xref\n"
    b"0 6\n"
    b"0000000000 65535 f \n"
    b"0000000015 00000 n \n"
    b"0000000064 00000 n \n"
    b"0000000121 00000 n \n"
    b"0000000247 00000 n \n"
    b"0000000353 00000 n \n"
    b"trailer\n"
    b"<< /Size 6 /Root 1 0 R >>\n"
    b"startxref\n"
    b"423\n"
    b"%%EOF\n"
)
TERM_START = date(2026, 4, 1)
# Placements North West's two lots and their bands (floor, ceiling) in pounds a week.
CHILDRENS_HOMES_LOT = lot_in("LOT-1", "Children's homes, ages 8 to 17", need_levels=("standard", "complex"))
SUPPORTED_LOT = lot_in("LOT-2", "Supported accommodation, ages 16 and 17", [("16-17", 16, 17)])
BANDS = {
    ("LOT-1", "standard"): (4_200, 5_600),
    ("LOT-1", "complex"): (5_400, 7_200),
    ("LOT-2", "standard"): (1_400, 2_600),
}
SAFEGUARDING_QUESTION = pass_fail_question(
    "Safeguarding", "Do you hold a current safeguarding policy reviewed in the last 12 months?"
)
INSURANCE_QUESTION = QuestionIn(
    section="Insurance",
    position=4,
    text="Attach your public liability insurance certificate",
    kind=QuestionKind.EVIDENCE,
    evidence_type=DocumentType.INSURANCE_CERTIFICATE,
)


def settled_question(weight: int) -> QuestionIn:
    """The scored quality question, worth `weight` of the quality score."""
    return scored_question(2, "How do you keep children safe and settled?", weight)


@dataclass(frozen=True, slots=True)
class Person:
    """A demo user as the services see them."""

    ctx: Context


@dataclass(frozen=True, slots=True)
class Applicant:
    provider: Person
    lot_code: str
    decide: bool  # False: left submitted, awaiting the officer's decision
    weekly_price_pounds: int


async def seed_market(
    officer: Person, evaluators: list[Person], member_authority_ids: list[int], applicants: list[Applicant]
) -> str:
    """Set up and publish the DPS, then run each applicant through to its decision."""
    today = officer.ctx.clock.now().date()
    arrangement, (homes, supported) = await draft_arrangement(
        officer.ctx,
        reference="PNW-RES-DPS-2026",
        title="Placements North West children's residential DPS",
        member_authority_ids=member_authority_ids,
        lots=[CHILDRENS_HOMES_LOT, SUPPORTED_LOT],
        term_start=TERM_START,
    )
    aid = arrangement.id
    lots = {"LOT-1": homes, "LOT-2": supported}
    questions = await add_questions(
        officer.ctx,
        aid,
        [
            SAFEGUARDING_QUESTION,
            settled_question(60),
            scored_question(3, "Which outcomes for children do you measure, and what do they show?", 40),
            INSURANCE_QUESTION,
        ],
    )
    public_liability = await add_public_liability(officer.ctx, aid, "Public liability insurance of at least GBP 5m")
    await compliance.add_requirement(
        officer.ctx,
        aid,
        RequirementIn(kind=RequirementKind.OFSTED, title="Ofsted registration, not Inadequate").to_domain(),
    )
    await add_bands(officer.ctx, aid, lots.values(), BANDS, TERM_START)
    await pricing.publish_arrangement(officer.ctx, aid)

    for applicant in applicants:
        ctx = applicant.provider.ctx
        lot = lots[applicant.lot_code]
        certificate = await insure(
            ctx,
            public_liability.id,
            issuer="Northern Mutual Insurance",
            starts_on=today - timedelta(days=65),
            expires_on=today + timedelta(days=300),
            cover_pence=10_000_000 * POUNDS,
            certificate=(CERTIFICATE_PDF, "public-liability.pdf", today + timedelta(days=300)),
        )
        assert certificate is not None
        answers = [
            Answer(questions[0].id, "Yes: reviewed by the board in March 2026", None),
            Answer(questions[1].id, "Safer recruitment, trained staff, a missing-from-care protocol", None),
            Answer(questions[2].id, "School attendance, placement stability and children's own views", None),
            Answer(questions[3].id, "Certificate attached", certificate.id),
        ]
        application_id = await apply(ctx, aid, [lot.id], answers)
        if not applicant.decide:
            continue
        marks = [
            Mark(questions[0].id, None, True, "policy seen, dated March 2026"),
            Mark(questions[1].id, 4, None, "clear safeguarding practice with examples"),
            Mark(questions[2].id, 3, None, "outcomes measured; trends partly evidenced"),
        ]
        await mark_independently(officer.ctx, application_id, [(e.ctx, marks) for e in evaluators])
        await moderate_and_decide(
            officer.ctx,
            application_id,
            [replace(m, rationale="both evaluators agree: " + m.rationale) for m in marks],
            [LotDecision(lot.id, LotDecisionKind.ADMIT, "meets every requirement; quality score 72.00")],
        )
        await rate_card(
            ctx,
            lot.id,
            TERM_START,
            [
                LineIn(age_band=band.label, need_level=level, weekly_price_pence=price * POUNDS)
                for band in lot.age_bands
                for level in lot.need_levels
                for price in [applicant.weekly_price_pounds + (1_200 if level == "complex" else 0)]
            ],
            approved_by=officer.ctx,
            note="within the bands",
        )
    return f"published {arrangement.reference} with {len(lots)} lots; {len(applicants)} providers applied"
