"""The Ofsted and quality visits part of the browser tests' scene, apart from the rest so that a
failing judgement and its suspension change nobody else's pages.

Rochdale Council leads its own children's homes DPS (one lot) with an Ofsted requirement that
suspends on the worst grade; Hazel Care has a place on it with one home, Hazel House, graded Good.
Rochdale's procurement officer signs in as quality@portal.test, Hazel's administrator as
rowan@portal.test."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dps.accounts.domain import OfstedGrade, Region, SettingType
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn, SettingIn
from dps.accounts.services import authorities, providers, users
from dps.compliance.domain.requirements import RequirementKind
from dps.compliance.schemas import RequirementIn
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

PASSWORD = "demo-password-2026"
TERM_START = date(2026, 4, 1)


def _as(system: Context, user_id: int, email: str, role: Role, kind: OrgKind, org_id: int | None) -> Context:
    return replace(system, principal=Principal(user_id, email, role, kind, org_id))


async def load(system: Context) -> dict[str, int]:
    admin = _as(system, 0, "system@portal.test", Role.ADMIN, OrgKind.PLATFORM, None)
    rochdale = await authorities.create_authority(admin, "Rochdale Council", "E08000005", Region.NORTH_WEST)
    officer_user = await users.create_user_with_password(
        system, "quality@portal.test", "Quinn Officer", Role.PROCUREMENT_OFFICER, PASSWORD, authority_id=rochdale.id
    )
    officer = _as(system, officer_user.id, officer_user.email, Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, rochdale.id)
    arrangement = await arrangements.create_arrangement(
        officer,
        ArrangementIn(
            reference="TRA-RES-DPS-2026",
            title="Rochdale children's homes DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=[],
            term_start=TERM_START,
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    lot = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="TRA-1",
            title="Children's homes in Rochdale",
            age_bands=[AgeBandIn(label="8-17", min_age=8, max_age=17)],
            need_levels=["standard"],
        ).to_domain(),
    )
    await questionnaires.add_question(
        officer,
        arrangement.id,
        QuestionIn(
            section="Quality",
            position=1,
            text="Do you hold a current Ofsted registration?",
            kind=QuestionKind.PASS_FAIL,
        ).to_domain(),
    )
    await checks.add_requirement(
        officer,
        arrangement.id,
        RequirementIn(
            kind=RequirementKind.OFSTED, title="Ofsted: not Inadequate", suspend_on_failing_grade=True
        ).to_domain(),
    )
    await arrangements.publish_arrangement(officer, arrangement.id)

    provider, hazel_admin = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name="Hazel Care Ltd",
                company_number="70000001",
                address="7 Test Street, Rochdale",
                postcode="M1 1AE",
                contacts=[ContactIn(name="Registered Manager", email="rowan@portal.test")],
            ),
            admin_full_name="Hazel Care Administrator",
            admin_email="rowan@portal.test",
            admin_password=PASSWORD,
        ).to_domain(),
    )
    hazel = _as(system, hazel_admin.id, "rowan@portal.test", Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider.id)
    home = await providers.create_setting(
        hazel,
        provider.id,
        SettingIn(
            name="Hazel House",
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn="SC910001",
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2026, 2, 10),
            postcode="M1 1AE",
            capacity=4,
            min_age=8,
            max_age=17,
            needs=[],
        ).to_domain(),
    )
    membership = await frameworks.insert_membership(
        Membership(
            id=0,
            arrangement_id=arrangement.id,
            lot_id=lot.id,
            provider_id=provider.id,
            application_id=None,
            status=MembershipStatus.ACTIVE,
            started_on=TERM_START,
            status_reason=None,
            version=1,
        )
    )
    return {
        "hazel_provider_id": provider.id,
        "hazel_setting_id": home.id,
        "hazel_membership_id": membership.id,
    }
