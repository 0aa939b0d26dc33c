"""The figures part of the browser tests' scene (story 9), a consortium of its own so that its
placements change nobody else's pages.

Stockport Council leads the Greater Manchester children's homes DPS (one lot, two age bands, one
need level); Oldham Council is a member. Holly Homes and Ivy Homes hold places on it with
approved rate cards (Holly's 13-17 price is £300 above the £5,600 ceiling, agreed by exception;
Ivy's sits on the ceiling). In the year April 2025 to March 2026:

| #  | council   | provider | band  | weekly | from       | ended      | how                           |
|----|-----------|----------|-------|--------|------------|------------|-------------------------------|
| p1 | Stockport | Holly    | 8-12  | £4,900 | 2025-05-01 | 2025-07-01 | unplanned, placement breakdown|
| p2 | Stockport | Ivy      | 8-12  | £4,550 | 2025-07-01 | 2025-10-01 | unplanned, child asked (p1's move) |
| p3 | Stockport | Holly    | 8-12  | £4,900 | 2025-10-01 | live       | (p2's move: a third placement) |
| p4 | Stockport | Ivy      | 13-17 | £4,550 | 2025-06-01 | 2026-01-15 | planned                        |
| p5 | Oldham  | Holly    | 8-12  | £5,250 | 2025-09-01 | live       | out of area, over 20 miles     |
| p6 | Oldham  | Ivy      | 13-17 | £5,040 | 2024-12-01 | 2025-11-01 | unplanned, safeguarding        |
| p7 | Oldham  | Ivy      | 13-17 | £5,600 | 2026-02-01 | live       | out of area                    |

Every weekly fee divides by 7, so a month's spend is a whole number of pounds: in March 2026,
Stockport £21,700 (p3) and Oldham £48,050 (p5 £23,250 + p7 £24,800).
figures-officer@portal.test is Stockport's procurement officer; figures-commissioner@portal.test
Oldham's commissioner."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from dps.accounts.domain import OfstedGrade, Region, SettingType
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn, SettingIn
from dps.accounts.services import authorities, providers, users
from dps.core.auth import OrgKind, Principal, Role
from dps.core.context import Context
from dps.frameworks import repository as frameworks
from dps.frameworks.domain.applications import Membership, MembershipStatus
from dps.frameworks.domain.arrangements import ServiceType
from dps.frameworks.profiles import ProfileCode
from dps.frameworks.schemas import AgeBandIn, ArrangementIn, LotIn
from dps.frameworks.services import arrangements
from dps.pricing.schemas import ApproveIn, BandIn, ExceptionDecisionIn, LineIn, RateCardIn
from dps.pricing.services import fees, prices, rate_cards
from dps.tenders import repository as tenders
from dps.tenders.domain.placements import EndingKind, Placement, UnplannedReason

PASSWORD = "demo-password-2026"
POUNDS = 100
FROM = date(2025, 4, 1)
FLOOR, CEILING = 4_200 * POUNDS, 5_600 * POUNDS


def _as(system: Context, user_id: int, email: str, role: Role, kind: OrgKind, org_id: int | None) -> Context:
    return replace(system, principal=Principal(user_id, email, role, kind, org_id))


async def _provider(system: Context, name: str, company: str, email: str, urn: str) -> tuple[Context, int, int]:
    provider, admin = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name=name,
                company_number=company,
                address="7 Test Street, Stockport",
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
            name=name.replace(" Ltd", " House"),
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn=urn,
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2025, 1, 20),
            postcode="M1 1AE",
            capacity=4,
            min_age=8,
            max_age=17,
            needs=[],
        ).to_domain(),
    )
    return ctx, provider.id, setting.id


async def load(system: Context) -> dict[str, int]:
    admin = _as(system, 0, "system@portal.test", Role.ADMIN, OrgKind.PLATFORM, None)
    stockport = await authorities.create_authority(admin, "Stockport Council", "E08000007", Region.NORTH_WEST)
    oldham = await authorities.create_authority(admin, "Oldham Council", "E08000004", Region.NORTH_WEST)
    officer_user = await users.create_user_with_password(
        system,
        "figures-officer@portal.test",
        "Sam Stockport",
        Role.PROCUREMENT_OFFICER,
        PASSWORD,
        authority_id=stockport.id,
    )
    await users.create_user_with_password(
        system,
        "figures-commissioner@portal.test",
        "Olive Oldham",
        Role.COMMISSIONER,
        PASSWORD,
        authority_id=oldham.id,
    )
    officer = _as(
        system, officer_user.id, officer_user.email, Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, stockport.id
    )
    arrangement = await arrangements.create_arrangement(
        officer,
        ArrangementIn(
            reference="GM-RES-DPS-2025",
            title="Greater Manchester children's homes DPS",
            service_type=ServiceType.RESIDENTIAL,
            profile_code=ProfileCode.PCR2015_DPS,
            member_authority_ids=[oldham.id],
            term_start=FROM,
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    lot = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(
            code="GM-1",
            title="Children's homes in Greater Manchester",
            age_bands=[
                AgeBandIn(label="8-12", min_age=8, max_age=12),
                AgeBandIn(label="13-17", min_age=13, max_age=17),
            ],
            need_levels=["standard"],
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
                floor_pence=FLOOR,
                ceiling_pence=CEILING,
                effective_from=FROM,
            ).to_domain(),
        )
    await arrangements.publish_arrangement(officer, arrangement.id)

    holly, holly_id, holly_home = await _provider(
        system, "Holly Homes Ltd", "60000001", "holly@portal.test", "SC900001"
    )
    ivy, ivy_id, ivy_home = await _provider(system, "Ivy Homes Ltd", "60000002", "ivy@portal.test", "SC900002")
    cards: dict[int, int] = {}
    for ctx, provider_id, (younger, older) in ((holly, holly_id, (4_900, 5_900)), (ivy, ivy_id, (4_550, 5_600))):
        await frameworks.insert_membership(
            Membership(
                id=0,
                arrangement_id=arrangement.id,
                lot_id=lot.id,
                provider_id=provider_id,
                application_id=None,
                status=MembershipStatus.ACTIVE,
                started_on=FROM,
                status_reason=None,
                version=1,
            )
        )
        card = await rate_cards.propose_rate_card(
            ctx,
            RateCardIn(
                lot_id=lot.id,
                effective_from=FROM,
                lines=[
                    LineIn(age_band="8-12", need_level="standard", weekly_price_pence=younger * POUNDS),
                    LineIn(
                        age_band="13-17",
                        need_level="standard",
                        weekly_price_pence=older * POUNDS,
                        exception_justification="Waking night staff for every child"
                        if older * POUNDS > CEILING
                        else None,
                    ),
                ],
            ).to_domain(),
        )
        for line in card.lines:
            if line.weekly_price_pence > CEILING:
                card = await rate_cards.decide_exception(
                    officer,
                    card.id,
                    line.id,
                    card.version,
                    ExceptionDecisionIn(approve=True, reason="Agreed staffing").to_domain(),
                )
        card = await rate_cards.approve_rate_card(officer, card.id, card.version, ApproveIn(note="Agreed").to_domain())
        cards[provider_id] = card.id

    homes = {holly_id: holly_home, ivy_id: ivy_home}
    s, t, h, i = stockport.id, oldham.id, holly_id, ivy_id
    u, r = EndingKind.UNPLANNED, UnplannedReason
    plan = [
        # council, provider, band, weekly pounds, start, (ended, kind, reason), out of area, over 20 miles, follows
        (s, h, "8-12", 4_900, date(2025, 5, 1), (date(2025, 7, 1), u, r.PLACEMENT_BREAKDOWN), False, False, None),
        (s, i, "8-12", 4_550, date(2025, 7, 1), (date(2025, 10, 1), u, r.CHILD_REQUEST), False, False, 0),
        (s, h, "8-12", 4_900, date(2025, 10, 1), None, False, False, 1),
        (s, i, "13-17", 4_550, date(2025, 6, 1), (date(2026, 1, 15), EndingKind.PLANNED, None), False, False, None),
        (t, h, "8-12", 5_250, date(2025, 9, 1), None, True, True, None),
        (t, i, "13-17", 5_040, date(2024, 12, 1), (date(2025, 11, 1), u, r.SAFEGUARDING), False, False, None),
        (t, i, "13-17", 5_600, date(2026, 2, 1), None, True, False, None),
    ]  # fmt: skip
    made: list[Placement] = []
    now = system.clock.now()
    for n, (council, provider_id, band, weekly, start, ending, out_of_area, far, follows) in enumerate(plan, start=1):
        placement = await tenders.insert_placement(
            Placement(
                id=0,
                call_off_id=None,
                previous_placement_id=made[follows].id if follows is not None else None,
                authority_id=council,
                provider_id=provider_id,
                setting_id=homes[provider_id],
                home_district="SK1" if council == stockport.id else "OL1",
                start_date=start,
                weekly_fee_pence=weekly * POUNDS,
                distance_miles=Decimal("24.5") if far else Decimal("3.0"),
                out_of_area=out_of_area,
                over_20_miles=far,
                ended_on=None,
                ending_kind=None,
                ending_reason=None,
                ending_note=None,
                version=1,
                child_reference=f"GM-CHILD-{n:04d}",
                lot_id=lot.id,
                age_band=band,
                need_level="standard",
            ),
            now,
        )
        await fees.record_agreed_fee(
            system,
            authority_id=council,
            provider_id=provider_id,
            lot_id=lot.id,
            age_band=band,
            need_level="standard",
            weekly_fee_pence=weekly * POUNDS,
            start_on=start,
            end_on=ending[0] - timedelta(days=1) if ending else None,
            source="placement",
            source_id=placement.id,
            rate_card_id=cards[provider_id],
        )
        if ending is not None:
            ended = placement.end(ending[0], ending[1], ending[2], None)
            await tenders.save_placement_ending(placement, ended)
        made.append(placement)
    return {
        "figures_arrangement_id": arrangement.id,
        "stockport_id": stockport.id,
        "oldham_id": oldham.id,
    }
