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

from datetime import date, timedelta
from decimal import Decimal

from dps.core.auth import Role
from dps.core.context import Context
from dps.demo.builders import add_bands, lot_in, rate_card
from dps.pricing.schemas import ApproveIn, ExceptionDecisionIn
from dps.pricing.services import rate_cards
from dps.tenders import repository as tenders
from dps.tenders.domain.placements import EndingKind, Placement, UnplannedReason
from tests.support.portal import builders as build

FROM = date(2025, 4, 1)
FLOOR, CEILING = 4_200, 5_600  # pounds a week


async def _provider(system: Context, name: str, company: str, email: str, urn: str) -> tuple[Context, int, int]:
    member = await build.provider(system, name, company, email, "7 Test Street, Stockport")
    setting_id = await build.home(member, name.replace(" Ltd", " House"), urn, date(2025, 1, 20), 4)
    return member, build.provider_id(member), setting_id


async def load(system: Context) -> dict[str, int]:
    admin = build.platform(system)
    stockport = await build.council(admin, "Stockport Council", "E08000007")
    oldham = await build.council(admin, "Oldham Council", "E08000004")
    officer = await build.staff(
        system, "figures-officer@portal.test", "Sam Stockport", Role.PROCUREMENT_OFFICER, stockport
    )
    await build.staff(system, "figures-commissioner@portal.test", "Olive Oldham", Role.COMMISSIONER, oldham)
    gm, (lot,) = await build.arrangement(
        officer,
        "GM-RES-DPS-2025",
        "Greater Manchester children's homes DPS",
        [oldham],
        [lot_in("GM-1", "Children's homes in Greater Manchester")],
        term_start=FROM,
    )
    await add_bands(officer, gm.id, [lot], {("GM-1", "standard"): (FLOOR, CEILING)}, FROM)
    await build.publish(officer, gm.id)

    holly, holly_id, holly_home = await _provider(
        system, "Holly Homes Ltd", "60000001", "holly@portal.test", "SC900001"
    )
    ivy, ivy_id, ivy_home = await _provider(system, "Ivy Homes Ltd", "60000002", "ivy@portal.test", "SC900002")
    cards: dict[int, int] = {}
    for ctx, member_id, (younger, older) in ((holly, holly_id, (4_900, 5_900)), (ivy, ivy_id, (4_550, 5_600))):
        await build.admit_member(gm.id, lot.id, member_id, FROM)
        card = await rate_card(
            ctx,
            lot.id,
            FROM,
            [
                build.line("8-12", younger),
                build.line("13-17", older, why="Waking night staff for every child" if older > CEILING else None),
            ],
        )
        for card_line in card.lines:
            if card_line.weekly_price_pence > CEILING * build.POUNDS:
                card = await rate_cards.decide_exception(
                    officer,
                    card.id,
                    card_line.id,
                    card.version,
                    ExceptionDecisionIn(approve=True, reason="Agreed staffing").to_domain(),
                )
        card = await rate_cards.approve_rate_card(officer, card.id, card.version, ApproveIn(note="Agreed").to_domain())
        cards[member_id] = card.id

    homes = {holly_id: holly_home, ivy_id: ivy_home}
    s, t, h, i = stockport, oldham, holly_id, ivy_id
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
    for n, (council_id, member_id, band, weekly, start, ending, out_of_area, far, follows) in enumerate(plan, start=1):
        placement = await build.placed(
            system,
            authority_id=council_id,
            provider_id=member_id,
            setting_id=homes[member_id],
            lot_id=lot.id,
            age_band=band,
            start=start,
            weekly_pounds=weekly,
            home_district="SK1" if council_id == stockport else "OL1",
            miles=Decimal("24.5") if far else Decimal("3.0"),
            child_reference=f"GM-CHILD-{n:04d}",
            rate_card_id=cards[member_id],
            out_of_area=out_of_area,
            over_20_miles=far,
            previous_placement_id=made[follows].id if follows is not None else None,
            end_on=ending[0] - timedelta(days=1) if ending else None,
        )
        if ending is not None:
            ended = placement.end(ending[0], ending[1], ending[2], None)
            await tenders.save_placement_ending(placement, ended)
        made.append(placement)
    return {
        "figures_arrangement_id": gm.id,
        "stockport_id": stockport,
        "oldham_id": oldham,
    }
