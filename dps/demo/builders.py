"""The steps a consortium's data is built from, one service call (or one short sequence) each,
parameterised by names, codes and emails: the demo (`dps.demo`, `dps.demo.market`) builds Placements
North West with them, and the browser tests' scenes (tests/support/portal/) build their own councils
and providers with the same steps. Every step runs through the packages' faces, so it is audited as
in production."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from dps.accounts import public as accounts
from dps.accounts.domain import Document, DocumentType, Need, OfstedGrade, Setting, SettingType
from dps.accounts.public import ContactIn, ProviderIn, RegisterProviderIn, SettingIn
from dps.compliance import public as compliance
from dps.compliance.domain.requirements import InsuranceKind, Requirement, RequirementKind
from dps.compliance.public import EvidenceIn, RequirementIn
from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import LotDecision
from dps.frameworks.domain.arrangements import Arrangement, Lot, ServiceType
from dps.frameworks.domain.questionnaires import Answer, Question, QuestionKind
from dps.frameworks.public import AgeBandIn, ArrangementIn, LotIn, ProfileCode, QuestionIn
from dps.pricing import public as pricing
from dps.pricing.domain.rate_cards import RateCard
from dps.pricing.public import ApproveIn, BandIn, LineIn, RateCardIn

POUNDS = 100  # pence
# PCR 2015 reg 34 DPSs: every one set up under the old rules ends on 23 Feb 2029.
PCR2015_DPS_END = date(2029, 2, 23)
CHILDHOOD = (("8-12", 8, 12), ("13-17", 13, 17))  # the age bands most children's homes lots use


def acting(system: Context, user_id: int, email: str, role: Role, org_kind: OrgKind, org_id: int | None) -> Context:
    """`system` acting as that user."""
    return replace(system, principal=Principal(user_id, email, role, org_kind, org_id))


async def add_staff(system: Context, email: str, name: str, role: Role, authority_id: int, password: str) -> Context:
    """A council's member of staff, signed in as themselves."""
    user = await accounts.create_user_with_password(system, email, name, role, password, authority_id=authority_id)
    return acting(system, user.id, email, role, OrgKind.AUTHORITY, authority_id)


async def add_provider(
    system: Context,
    legal_name: str,
    company_number: str,
    email: str,
    password: str,
    *,
    address: str,
    postcode: str,
    contact_name: str,
    admin_name: str,
) -> Context:
    """A registered provider whose administrator (EMAIL, also its contact) is signed in."""
    provider, admin = await accounts.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name=legal_name,
                company_number=company_number,
                address=address,
                postcode=postcode,
                contacts=[ContactIn(name=contact_name, email=email)],
            ),
            admin_full_name=admin_name,
            admin_email=email,
            admin_password=password,
        ).to_domain(),
    )
    return acting(system, admin.id, email, Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider.id)


def provider_id(provider: Context) -> int:
    """The organisation the signed-in provider's administrator acts for."""
    assert provider.principal is not None and provider.principal.org_id is not None
    return provider.principal.org_id


async def add_setting(
    provider: Context,
    name: str,
    urn: str,
    inspected: date,
    *,
    postcode: str,
    capacity: int,
    ages: tuple[int, int],
    needs: Sequence[Need],
    setting_type: SettingType = SettingType.CHILDRENS_HOME,
    grade: OfstedGrade = OfstedGrade.GOOD,
) -> Setting:
    """One of the provider's registered settings (a home, an agency branch, a school), its Ofsted
    registration (URN), its latest grade and when it was inspected."""
    return await accounts.create_setting(
        provider,
        provider_id(provider),
        SettingIn(
            name=name,
            setting_type=setting_type,
            ofsted_urn=urn,
            ofsted_grade=grade,
            last_inspection_date=inspected,
            postcode=postcode,
            capacity=capacity,
            min_age=ages[0],
            max_age=ages[1],
            needs=list(needs),
        ).to_domain(),
    )


def lot_in(
    code: str,
    title: str,
    age_bands: Iterable[tuple[str, int, int]] = CHILDHOOD,
    need_levels: Sequence[str] = ("standard",),
) -> LotIn:
    """A lot's definition: its age bands as (label, youngest, oldest) and its need levels."""
    return LotIn(
        code=code,
        title=title,
        age_bands=[AgeBandIn(label=label, min_age=low, max_age=high) for label, low, high in age_bands],
        need_levels=list(need_levels),
    )


async def draft_arrangement(
    officer: Context,
    *,
    reference: str,
    title: str,
    member_authority_ids: Sequence[int],
    lots: Sequence[LotIn],
    term_start: date,
) -> tuple[Arrangement, list[Lot]]:
    """The officer's council's residential PCR 2015 DPS, still a draft, with its lots in order."""
    arrangement = await frameworks.create_arrangement(
        officer,
        ArrangementIn(
            reference=reference,
            title=title,
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=list(member_authority_ids),
            term_start=term_start,
            term_end=PCR2015_DPS_END,
        ).to_domain(),
    )
    return arrangement, [await frameworks.add_lot(officer, arrangement.id, lot.to_domain()) for lot in lots]


def pass_fail_question(section: str, text: str, position: int = 1) -> QuestionIn:
    """A question answered yes or no (a gateway: a fail excludes the applicant)."""
    return QuestionIn(section=section, position=position, text=text, kind=QuestionKind.PASS_FAIL)


def scored_question(position: int, text: str, weight: int, section: str = "Quality") -> QuestionIn:
    """A question scored 0 to 5, worth `weight` of the quality score."""
    return QuestionIn(
        section=section, position=position, text=text, kind=QuestionKind.SCORED, max_score=5, weight=Decimal(weight)
    )


async def add_questions(officer: Context, arrangement_id: int, questions: Iterable[QuestionIn]) -> list[Question]:
    """The questionnaire, in the order given."""
    return [await frameworks.add_question(officer, arrangement_id, q.to_domain()) for q in questions]


async def add_public_liability(officer: Context, arrangement_id: int, title: str) -> Requirement:
    """The requirement of public liability insurance of at least GBP 5m (the statutory minimum)."""
    return await compliance.add_requirement(
        officer,
        arrangement_id,
        RequirementIn(
            kind=RequirementKind.INSURANCE,
            title=title,
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
            min_cover_pence=5_000_000 * POUNDS,
        ).to_domain(),
    )


async def add_bands(
    officer: Context,
    arrangement_id: int,
    lots: Iterable[Lot],
    pounds: Mapping[tuple[str, str], tuple[int, int]],
    effective_from: date,
) -> None:
    """A price band for every lot x age band x need level: (floor, ceiling) in pounds a week,
    keyed by (lot code, need level)."""
    for lot in lots:
        for band in lot.age_bands:
            for level in lot.need_levels:
                floor, ceiling = pounds[(lot.code, level)]
                await pricing.add_band(
                    officer,
                    arrangement_id,
                    BandIn(
                        lot_id=lot.id,
                        age_band=band.label,
                        need_level=level,
                        floor_pence=floor * POUNDS,
                        ceiling_pence=ceiling * POUNDS,
                        effective_from=effective_from,
                    ).to_domain(),
                )


async def upload_certificate(provider: Context, pdf: bytes, filename: str, expires: date | None) -> Document:
    """An insurance certificate, uploaded (and checked) as the provider's document."""
    return await accounts.upload_document(provider, pdf, filename, DocumentType.INSURANCE_CERTIFICATE, expires)


async def insure(
    provider: Context,
    requirement_id: int,
    *,
    issuer: str,
    starts_on: date,
    expires_on: date,
    cover_pence: int,
    certificate: tuple[bytes, str, date | None] | None = None,
) -> Document | None:
    """Public liability evidence for the requirement; with `certificate` (PDF, file name, expiry)
    the certificate is uploaded first and attached, and returned."""
    document = None
    if certificate is not None:
        document = await upload_certificate(provider, *certificate)
    await compliance.attach_evidence(
        provider,
        EvidenceIn(
            requirement_id=requirement_id,
            document_id=document.id if document is not None else None,
            issuer=issuer,
            starts_on=starts_on,
            expires_on=expires_on,
            cover_pence=cover_pence,
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
        ).to_domain(),
    )
    return document


async def apply(provider: Context, arrangement_id: int, lot_ids: Sequence[int], answers: list[Answer]) -> int:
    """An application to the lots, answered and submitted; returns its id."""
    application = await frameworks.open_application(provider, arrangement_id, lot_ids)
    await frameworks.save_application(provider, application.id, application.version, None, answers)
    await frameworks.submit_application(provider, application.id)
    return application.id


async def mark_independently(
    officer: Context, application_id: int, marking: Sequence[tuple[Context, Sequence[Mark]]]
) -> None:
    """The officer assigns the evaluators; each declares no conflict, marks and submits."""
    await frameworks.assign_evaluators(officer, application_id, [e.user.user_id for e, _ in marking])
    for evaluator, marks in marking:
        await frameworks.declare_interests(evaluator, application_id, False, "")
        await frameworks.save_marks(evaluator, application_id, list(marks))
        await frameworks.submit_marks(evaluator, application_id)


async def moderate_and_decide(
    officer: Context, application_id: int, moderated: Sequence[Mark], decisions: Sequence[LotDecision]
) -> None:
    """The officer's moderated marks, then the decision per lot."""
    await frameworks.moderate(officer, application_id, list(moderated))
    await frameworks.decide(officer, application_id, list(decisions))


async def rate_card(
    provider: Context,
    lot_id: int,
    effective_from: date,
    lines: Sequence[LineIn],
    *,
    approved_by: Context | None = None,
    note: str = "",
) -> RateCard:
    """The provider's proposed rate card; approved by `approved_by` with `note` when given."""
    card = await pricing.propose_rate_card(
        provider, RateCardIn(lot_id=lot_id, effective_from=effective_from, lines=list(lines)).to_domain()
    )
    if approved_by is None:
        return card
    return await pricing.approve_rate_card(approved_by, card.id, card.version, ApproveIn(note=note).to_domain())
