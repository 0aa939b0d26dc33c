"""The oversight part of the browser tests' scene (stories 6 and 7, and administration), kept apart
from the rest so its concerns, overrides, approvals and uplifts change nobody else's pages.

Salford Council leads its own children's homes DPS (one lot, two age bands, a public liability
requirement) with two members: Elm Care, compliant but with a certificate expiring in 20 days,
with a rate card awaiting approval (a price above the ceiling with its justification, and one
below the floor); and Fir Care, which never sent its certificate (not compliant), with an
approved rate card, a later card awaiting approval, and a child placed with it since June 2026
at the approved card's price.
A platform administrator signs in as admin@portal.test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dps.accounts.domain import DocumentType, OfstedGrade, Region, SettingType
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn, SettingIn
from dps.accounts.services import authorities, providers, users
from dps.accounts.services.documents import upload_document
from dps.compliance.domain.requirements import InsuranceKind, RequirementKind
from dps.compliance.schemas import EvidenceIn, RequirementIn
from dps.compliance.services import checks
from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.frameworks import repository as frameworks
from dps.frameworks.domain.applications import Membership, MembershipStatus
from dps.frameworks.domain.arrangements import ServiceType
from dps.frameworks.domain.questionnaires import QuestionKind
from dps.frameworks.profiles import ProfileCode
from dps.frameworks.schemas import AgeBandIn, ArrangementIn, LotIn
from dps.frameworks.schemas_applications import QuestionIn
from dps.frameworks.services import arrangements, questionnaires
from dps.pricing.schemas import ApproveIn, BandIn, LineIn, RateCardIn
from dps.pricing.services import fees, prices, rate_cards
from dps.tenders import repository as tenders
from dps.tenders.domain.placements import Placement
from tests.support import pdfs

PASSWORD = "demo-password-2026"
POUNDS = 100
BANDS_FROM = date(2026, 4, 1)
PLACED_ON = date(2026, 6, 1)


def _as(system: Context, user_id: int, email: str, role: Role, kind: OrgKind, org_id: int | None) -> Context:
    return replace(system, principal=Principal(user_id, email, role, kind, org_id))


async def _member(system: Context, name: str, company: str, email: str, home: str, urn: str) -> tuple[Context, int]:
    provider, admin = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name=name,
                company_number=company,
                address="5 Test Street, Salford",
                postcode="M1 1AE",
                contacts=[ContactIn(name="Registered Manager", email=email)],
            ),
            admin_full_name=f"{name} Administrator",
            admin_email=email,
            admin_password=PASSWORD,
        ).to_domain(),
    )
    ctx = _as(system, admin.id, email, Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider.id)
    setting = await providers.create_setting(
        ctx,
        provider.id,
        SettingIn(
            name=home,
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn=urn,
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2026, 1, 20),
            postcode="M1 1AE",
            capacity=3,
            min_age=8,
            max_age=17,
            needs=[],
        ).to_domain(),
    )
    return ctx, setting.id


async def load(system: Context) -> dict[str, int]:
    admin_user = await users.create_user_with_password(system, "admin@portal.test", "Ada Admin", Role.ADMIN, PASSWORD)
    admin = _as(system, admin_user.id, admin_user.email, Role.ADMIN, OrgKind.PLATFORM, None)
    salford = await authorities.create_authority(admin, "Salford City Council", "E08000006", Region.NORTH_WEST)
    officer_user = await users.create_user_with_password(
        system, "oversight@portal.test", "Omar Officer", Role.PROCUREMENT_OFFICER, PASSWORD, authority_id=salford.id
    )
    officer = _as(system, officer_user.id, officer_user.email, Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, salford.id)
    arrangement = await arrangements.create_arrangement(
        officer,
        ArrangementIn(
            reference="SAL-RES-DPS-2026",
            title="Salford children's homes DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=[],
            term_start=BANDS_FROM,
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    lot = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="SAL-1",
            title="Children's homes in Salford",
            age_bands=[
                AgeBandIn(label="8-12", min_age=8, max_age=12),
                AgeBandIn(label="13-17", min_age=13, max_age=17),
            ],
            need_levels=["standard"],
        ).to_domain(),
    )
    await questionnaires.add_question(
        officer,
        arrangement.id,
        QuestionIn(
            section="Safeguarding",
            position=1,
            text="Do you hold a current safeguarding policy?",
            kind=QuestionKind.PASS_FAIL,
        ).to_domain(),
    )
    requirement = await checks.add_requirement(
        officer,
        arrangement.id,
        RequirementIn(
            kind=RequirementKind.INSURANCE,
            title="Public liability insurance of at least £5m",
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
            min_cover_pence=5_000_000 * POUNDS,
        ).to_domain(),
    )
    for band in ("8-12", "13-17"):
        await prices.add_band(
            officer,
            arrangement.id,
            BandIn(
                lot_id=lot.id,
                age_band=band,
                need_level="standard",
                floor_pence=4_000 * POUNDS,
                ceiling_pence=5_000 * POUNDS,
                effective_from=BANDS_FROM,
            ).to_domain(),
        )
    await arrangements.publish_arrangement(officer, arrangement.id)

    elm, elm_home = await _member(system, "Elm Care Ltd", "50000001", "elm@portal.test", "Elm House", "SC800001")
    fir, fir_home = await _member(system, "Fir Care Ltd", "50000002", "fir@portal.test", "Fir House", "SC800002")
    ids: dict[str, int] = {}
    for name, ctx in (("elm", elm), ("fir", fir)):
        assert ctx.principal is not None and ctx.principal.org_id is not None
        membership = await frameworks.insert_membership(
            Membership(
                id=0,
                arrangement_id=arrangement.id,
                lot_id=lot.id,
                provider_id=ctx.principal.org_id,
                application_id=None,
                status=MembershipStatus.ACTIVE,
                started_on=BANDS_FROM,
                status_reason=None,
                version=1,
            )
        )
        ids[f"{name}_membership_id"] = membership.id
        ids[f"{name}_provider_id"] = ctx.principal.org_id
    # Elm's certificate runs out in 20 days: compliant, but expiring.
    certificate = await upload_document(
        elm, pdfs.minimal("Certificate of insurance"), "elm-pl.pdf", DocumentType.INSURANCE_CERTIFICATE, None
    )
    await checks.attach_evidence(
        elm,
        EvidenceIn(
            requirement_id=requirement.id,
            document_id=certificate.id,
            issuer="Northern Mutual",
            starts_on=BANDS_FROM,
            expires_on=system.clock.now().date() + timedelta(days=20),
            cover_pence=10_000_000 * POUNDS,
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
        ).to_domain(),
    )
    # Elm's card waits for approval: one price above the ceiling, one below the floor.
    await rate_cards.propose_rate_card(
        elm,
        RateCardIn(
            lot_id=lot.id,
            effective_from=BANDS_FROM,
            lines=[
                LineIn(
                    age_band="8-12",
                    need_level="standard",
                    weekly_price_pence=5_400 * POUNDS,
                    exception_justification="Two to one staffing at night for every child",
                ),
                LineIn(age_band="13-17", need_level="standard", weekly_price_pence=3_800 * POUNDS),
            ],
        ).to_domain(),
    )
    # Fir's card is approved, and a child has been placed with Fir at its price since June.
    fir_card = await rate_cards.propose_rate_card(
        fir,
        RateCardIn(
            lot_id=lot.id,
            effective_from=BANDS_FROM,
            lines=[
                LineIn(age_band="8-12", need_level="standard", weekly_price_pence=4_500 * POUNDS),
                LineIn(age_band="13-17", need_level="standard", weekly_price_pence=4_600 * POUNDS),
            ],
        ).to_domain(),
    )
    await rate_cards.approve_rate_card(
        officer, fir_card.id, fir_card.version, ApproveIn(note="Within the bands").to_domain()
    )
    # Fir then asks for more from January: a card the officer refuses.
    await rate_cards.propose_rate_card(
        fir,
        RateCardIn(
            lot_id=lot.id,
            effective_from=date(2027, 1, 1),
            lines=[LineIn(age_band="8-12", need_level="standard", weekly_price_pence=4_950 * POUNDS)],
        ).to_domain(),
    )
    now = system.clock.now()
    placement = await tenders.insert_placement(
        Placement(
            id=0,
            call_off_id=None,
            previous_placement_id=None,
            authority_id=salford.id,
            provider_id=ids["fir_provider_id"],
            setting_id=fir_home,
            home_district="M6",
            start_date=PLACED_ON,
            weekly_fee_pence=4_600 * POUNDS,
            distance_miles=Decimal("2.5"),
            out_of_area=False,
            over_20_miles=False,
            ended_on=None,
            ending_kind=None,
            ending_reason=None,
            ending_note=None,
            version=1,
            child_reference="SAL-CHILD-0001",
            lot_id=lot.id,
            age_band="13-17",
            need_level="standard",
        ),
        now,
    )
    await fees.record_agreed_fee(
        system,
        authority_id=salford.id,
        provider_id=ids["fir_provider_id"],
        lot_id=lot.id,
        age_band="13-17",
        need_level="standard",
        weekly_fee_pence=4_600 * POUNDS,
        start_on=PLACED_ON,
        source="placement",
        source_id=placement.id,
        rate_card_id=fir_card.id,
    )
    return {
        **ids,
        "salford_id": salford.id,
        "salford_arrangement_id": arrangement.id,
        "salford_lot_id": lot.id,
        "elm_home_id": elm_home,
        "fir_home_id": fir_home,
        "fir_placement_id": placement.id,
    }
