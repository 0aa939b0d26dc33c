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
from decimal import Decimal

from dps.accounts.domain import DocumentType
from dps.accounts.public import upload_document
from dps.compliance import public as compliance
from dps.compliance.domain.requirements import InsuranceKind, RequirementKind
from dps.compliance.public import EvidenceIn, RequirementIn
from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import LotDecision, LotDecisionKind
from dps.frameworks.domain.arrangements import ServiceType
from dps.frameworks.domain.questionnaires import Answer, QuestionKind
from dps.frameworks.public import AgeBandIn, ArrangementIn, LotIn, ProfileCode, QuestionIn
from dps.pricing import public as pricing
from dps.pricing.public import ApproveIn, BandIn, LineIn, RateCardIn

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
POUNDS = 100  # pence


@dataclass(frozen=True, slots=True)
class Person:
    """A demo user as the services see them."""

    ctx: Context

    @classmethod
    def of(cls, system: Context, user_id: int, email: str, role: Role, org_kind: OrgKind, org_id: int) -> Person:
        return cls(replace(system, principal=Principal(user_id, email, role, org_kind, org_id)))


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
    arrangement = await frameworks.create_arrangement(
        officer.ctx,
        ArrangementIn(
            reference="PNW-RES-DPS-2026",
            title="Placements North West children's residential DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=member_authority_ids,
            term_start=date(2026, 4, 1),
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    aid = arrangement.id
    lots = {
        "LOT-1": await frameworks.add_lot(
            officer.ctx,
            aid,
            LotIn(
                code="LOT-1",
                title="Children's homes, ages 8 to 17",
                age_bands=[
                    AgeBandIn(label="8-12", min_age=8, max_age=12),
                    AgeBandIn(label="13-17", min_age=13, max_age=17),
                ],
                need_levels=["standard", "complex"],
            ).to_domain(),
        ),
        "LOT-2": await frameworks.add_lot(
            officer.ctx,
            aid,
            LotIn(
                code="LOT-2",
                title="Supported accommodation, ages 16 and 17",
                age_bands=[AgeBandIn(label="16-17", min_age=16, max_age=17)],
                need_levels=["standard"],
            ).to_domain(),
        ),
    }
    questions = [
        await frameworks.add_question(officer.ctx, aid, q.to_domain())
        for q in (
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
                weight=Decimal(60),
            ),
            QuestionIn(
                section="Quality",
                position=3,
                text="Which outcomes for children do you measure, and what do they show?",
                kind=QuestionKind.SCORED,
                max_score=5,
                weight=Decimal(40),
            ),
            QuestionIn(
                section="Insurance",
                position=4,
                text="Attach your public liability insurance certificate",
                kind=QuestionKind.EVIDENCE,
                evidence_type=DocumentType.INSURANCE_CERTIFICATE,
            ),
        )
    ]
    public_liability = await compliance.add_requirement(
        officer.ctx,
        aid,
        RequirementIn(
            kind=RequirementKind.INSURANCE,
            title="Public liability insurance of at least GBP 5m",
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
            min_cover_pence=5_000_000 * POUNDS,
        ).to_domain(),
    )
    await compliance.add_requirement(
        officer.ctx,
        aid,
        RequirementIn(kind=RequirementKind.OFSTED, title="Ofsted registration, not Inadequate").to_domain(),
    )
    for lot in lots.values():
        for band in lot.age_bands:
            for level in lot.need_levels:
                floor, ceiling = (4_200, 5_600) if level == "standard" else (5_400, 7_200)
                if lot.code == "LOT-2":
                    floor, ceiling = (1_400, 2_600)
                await pricing.add_band(
                    officer.ctx,
                    aid,
                    BandIn(
                        lot_id=lot.id,
                        age_band=band.label,
                        need_level=level,
                        floor_pence=floor * POUNDS,
                        ceiling_pence=ceiling * POUNDS,
                        effective_from=date(2026, 4, 1),
                    ).to_domain(),
                )
    await pricing.publish_arrangement(officer.ctx, aid)

    for applicant in applicants:
        ctx = applicant.provider.ctx
        lot = lots[applicant.lot_code]
        certificate = await upload_document(
            ctx,
            CERTIFICATE_PDF,
            "public-liability.pdf",
            DocumentType.INSURANCE_CERTIFICATE,
            today + timedelta(days=300),
        )
        await compliance.attach_evidence(
            ctx,
            EvidenceIn(
                requirement_id=public_liability.id,
                document_id=certificate.id,
                issuer="Northern Mutual Insurance",
                starts_on=today - timedelta(days=65),
                expires_on=today + timedelta(days=300),
                cover_pence=10_000_000 * POUNDS,
                insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
            ).to_domain(),
        )
        application = await frameworks.open_application(ctx, aid, [lot.id])
        answers = [
            Answer(questions[0].id, "Yes: reviewed by the board in March 2026", None),
            Answer(questions[1].id, "Safer recruitment, trained staff, a missing-from-care protocol", None),
            Answer(questions[2].id, "School attendance, placement stability and children's own views", None),
            Answer(questions[3].id, "Certificate attached", certificate.id),
        ]
        await frameworks.save_application(ctx, application.id, application.version, None, answers)
        await frameworks.submit_application(ctx, application.id)
        if not applicant.decide:
            continue
        await frameworks.assign_evaluators(officer.ctx, application.id, [e.ctx.user.user_id for e in evaluators])
        marks = [
            Mark(questions[0].id, None, True, "policy seen, dated March 2026"),
            Mark(questions[1].id, 4, None, "clear safeguarding practice with examples"),
            Mark(questions[2].id, 3, None, "outcomes measured; trends partly evidenced"),
        ]
        for evaluator in evaluators:
            await frameworks.declare_interests(evaluator.ctx, application.id, False, "")
            await frameworks.save_marks(evaluator.ctx, application.id, marks)
            await frameworks.submit_marks(evaluator.ctx, application.id)
        await frameworks.moderate(
            officer.ctx, application.id, [replace(m, rationale="both evaluators agree: " + m.rationale) for m in marks]
        )
        await frameworks.decide(
            officer.ctx,
            application.id,
            [LotDecision(lot.id, LotDecisionKind.ADMIT, "meets every requirement; quality score 72.00")],
        )
        card = await pricing.propose_rate_card(
            ctx,
            RateCardIn(
                lot_id=lot.id,
                effective_from=date(2026, 4, 1),
                lines=[
                    LineIn(age_band=band.label, need_level=level, weekly_price_pence=price * POUNDS)
                    for band in lot.age_bands
                    for level in lot.need_levels
                    for price in [applicant.weekly_price_pounds + (1_200 if level == "complex" else 0)]
                ],
            ).to_domain(),
        )
        await pricing.approve_rate_card(
            officer.ctx, card.id, card.version, ApproveIn(note="within the bands").to_domain()
        )
    return f"published {arrangement.reference} with {len(lots)} lots; {len(applicants)} providers applied"
