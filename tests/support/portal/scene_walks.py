"""What must exist before the walks of stories 3 and 4 begin (tests/portal/test_story3_walk.py and
test_story4_walk.py), kept apart from the rest of the browser tests' scene so the walks change
nobody else's pages.

Tameside Council leads a children's homes DPS (two lots, a pass/fail question and a scored one with
its descriptors, price bands) that Bury Council joins. Each council has evaluators; Tameside
has a procurement officer, a commissioner and a legal officer.
- Story 3: Hazel Homes has applied to both lots and submitted; nobody evaluates it yet.
- Story 4: Juniper Care and Kestrel Homes are members of lot A, each with a home for a 9-year-old
  with autism (Juniper House in Manchester, Kestrel View in Salford); the commissioner's request
  itself is published during the walk (`publish_request`, run through tests/support/portal/council_acts.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dps.accounts.domain import Need, OfstedGrade, Region, SettingType
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn, SettingIn
from dps.accounts.services import authorities, providers, users
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.frameworks.domain.arrangements import ServiceType
from dps.frameworks.domain.questionnaires import Answer, QuestionKind
from dps.frameworks.profiles import ProfileCode
from dps.frameworks.schemas import AgeBandIn, ArrangementIn, LotIn
from dps.frameworks.schemas_applications import DescriptorIn, QuestionIn
from dps.frameworks.services import applications, arrangements, questionnaires
from dps.pricing.schemas import BandIn
from dps.pricing.services import prices
from dps.tenders.services import call_offs
from tests.support import admit_member
from tests.support.portal.scene_provider import request

PASSWORD = "demo-password-2026"
POUNDS = 100
WALK_REQUEST = "Girl, 9, with autism, Tameside"
DESCRIPTORS = [
    (0, "No answer, or nothing relevant"),
    (1, "Poor: significant gaps"),
    (2, "Weak: some gaps in practice"),
    (3, "Satisfactory: meets the requirement"),
    (4, "Good: meets it with examples"),
    (5, "Excellent: meets it with evidence of outcomes"),
]


def _as(system: Context, user_id: int, email: str, role: Role, kind: OrgKind, org_id: int | None) -> Context:
    return replace(system, principal=Principal(user_id, email, role, kind, org_id))


async def _staff(system: Context, email: str, name: str, role: Role, authority_id: int) -> Context:
    user = await users.create_user_with_password(system, email, name, role, PASSWORD, authority_id=authority_id)
    return _as(system, user.id, email, role, OrgKind.AUTHORITY, authority_id)


async def _provider(system: Context, name: str, company: str, email: str) -> Context:
    provider, admin = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name=name,
                company_number=company,
                address="7 Test Street, Manchester",
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
    tameside = await authorities.create_authority(admin, "Tameside Council", "E08000008", Region.NORTH_WEST)
    stockport = await authorities.create_authority(admin, "Bury Council", "E08000002", Region.NORTH_WEST)
    officer = await _staff(system, "walk-officer@portal.test", "Olu Officer", Role.PROCUREMENT_OFFICER, tameside.id)
    commissioner = await _staff(
        system, "walk-commissioner@portal.test", "Cam Commissioner", Role.COMMISSIONER, tameside.id
    )
    legal = await _staff(system, "walk-legal@portal.test", "Lou Legal", Role.LEGAL_OFFICER, tameside.id)
    for email, name, authority_id in (
        ("walk-evaluator-tameside@portal.test", "Tara Tameside", tameside.id),
        ("walk-evaluator-stockport@portal.test", "Stan Stockport", stockport.id),
        ("walk-evaluator-conflict@portal.test", "Connie Conflict", stockport.id),
    ):
        await _staff(system, email, name, Role.EVALUATOR, authority_id)

    arrangement = await arrangements.create_arrangement(
        officer,
        ArrangementIn(
            reference="TSC-RES-DPS-2026",
            title="Tameside and Bury children's homes DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=[stockport.id],
            term_start=date(2026, 4, 1),
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    lot_a = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="LOT-A",
            title="Homes for children aged 8 to 17",
            age_bands=[
                AgeBandIn(label="8-12", min_age=8, max_age=12),
                AgeBandIn(label="13-17", min_age=13, max_age=17),
            ],
            need_levels=["standard"],
        ).to_domain(),
    )
    lot_b = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="LOT-B",
            title="Solo homes for children with complex needs",
            age_bands=[AgeBandIn(label="8-17", min_age=8, max_age=17)],
            need_levels=["complex"],
        ).to_domain(),
    )
    safeguarding = await questionnaires.add_question(
        officer,
        arrangement.id,
        QuestionIn(
            section="Safeguarding",
            position=1,
            text="Do you hold a safeguarding policy reviewed in the last 12 months?",
            kind=QuestionKind.PASS_FAIL,
        ).to_domain(),
    )
    quality = await questionnaires.add_question(
        officer,
        arrangement.id,
        QuestionIn(
            section="Quality",
            position=2,
            text="How do you help a child settle in their first month?",
            kind=QuestionKind.SCORED,
            max_score=5,
            weight=Decimal(100),
            descriptors=[DescriptorIn(score=s, meaning=m) for s, m in DESCRIPTORS],
        ).to_domain(),
    )
    for lot, level, floor, ceiling in ((lot_a, "standard", 4_200, 5_600), (lot_b, "complex", 6_000, 8_000)):
        for band in lot.age_bands:
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

    # Story 3: Hazel Homes's application to both lots, submitted and waiting for its evaluators.
    hazel = await _provider(system, "Hazel Homes Ltd", "30000021", "hazel@portal.test")
    application = await applications.open_application(hazel, arrangement.id, [lot_a.id, lot_b.id])
    await applications.save_application(
        hazel,
        application.id,
        application.version,
        None,
        [
            Answer(safeguarding.id, "Yes: reviewed by our board in June 2026", None),
            Answer(quality.id, "A key worker visits before the move; a settling-in plan reviewed weekly", None),
        ],
    )
    await applications.submit_application(hazel, application.id)

    # Story 4: two members of lot A with a home each for the walk's request.
    members = {}
    for name, company, email, home, urn, postcode in (
        ("Juniper Care Ltd", "30000022", "juniper@portal.test", "Juniper House", "SC700021", "M1 1AE"),
        ("Kestrel Homes Ltd", "30000023", "kestrel@portal.test", "Kestrel View", "SC700022", "M5 4WT"),
    ):
        member = await _provider(system, name, company, email)
        provider_id = member.principal.org_id if member.principal else None
        assert provider_id is not None
        await admit_member(arrangement.id, lot_a.id, provider_id, date(2026, 4, 1))
        await providers.create_setting(
            member,
            provider_id,
            SettingIn(
                name=home,
                setting_type=SettingType.CHILDRENS_HOME,
                ofsted_urn=urn,
                ofsted_grade=OfstedGrade.GOOD,
                last_inspection_date=date(2026, 2, 10),
                postcode=postcode,
                capacity=3,
                min_age=8,
                max_age=17,
                needs=[Need.AUTISM],
            ).to_domain(),
        )
        members[email] = provider_id
    assert commissioner.principal is not None and legal.principal is not None
    return {
        "walk_arrangement_id": arrangement.id,
        "walk_lot_a_id": lot_a.id,
        "walk_lot_b_id": lot_b.id,
        "walk_application_id": application.id,
        "walk_commissioner_user_id": commissioner.principal.user_id,
        "walk_authority_id": tameside.id,
    }


async def publish_request(system: Context, ids: dict[str, int], seconds: int) -> dict[str, object]:
    """Tameside's commissioner publishes the walk's request for a 9-year-old girl with autism to lot
    A, offers closing SECONDS from now (published ten days earlier on a clock of its own, as the
    minimum offer period asks; the form refuses a nearer deadline)."""
    commissioner = _as(
        system,
        ids["walk_commissioner_user_id"],
        "walk-commissioner@portal.test",
        Role.COMMISSIONER,
        OrgKind.AUTHORITY,
        ids["walk_authority_id"],
    )
    deadline = system.clock.now() + timedelta(seconds=seconds)
    published_at = replace(commissioner, clock=FixedClock(deadline - timedelta(days=10, minutes=1)))
    start = deadline.date() + timedelta(days=14)
    created = await call_offs.create_call_off(
        published_at,
        request(ids["walk_arrangement_id"], ids["walk_lot_a_id"], WALK_REQUEST, start, deadline, age=9).to_domain(),
    )
    await call_offs.publish_call_off(published_at, created.id)
    return {"call_off_id": created.id, "deadline": deadline.isoformat()}
