"""The browser tests' scene builders: the demo's steps (dps/demo/builders.py) with what every scene
shares filled in (the password, a test address in M1 1AE, a Good children's home), so that each
scene module says only what is its own: its councils, people, names, codes and dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from dps.accounts.domain import Need, Region
from dps.accounts.services import authorities
from dps.core.auth import OrgKind, Role
from dps.core.context import Context
from dps.demo import builders
from dps.demo.builders import POUNDS, acting, provider_id
from dps.frameworks.domain.arrangements import Arrangement, Lot
from dps.frameworks.schemas import LotIn
from dps.frameworks.services import arrangements
from dps.pricing.schemas import LineIn
from dps.pricing.services import fees
from dps.tenders import repository as tenders
from dps.tenders.domain.placements import Placement
from tests.support import admit_member

__all__ = ["POUNDS", "acting", "admit_member", "provider_id"]

PASSWORD = "demo-password-2026"
POSTCODE = "M1 1AE"  # every scene's providers and homes are in Manchester's centre


def platform(system: Context) -> Context:
    """The platform acting as an administrator with no account (the scenes' councils are made so)."""
    return acting(system, 0, "system@portal.test", Role.ADMIN, OrgKind.PLATFORM, None)


async def council(admin: Context, name: str, ons_code: str) -> int:
    """A North West council; returns its id."""
    return (await authorities.create_authority(admin, name, ons_code, Region.NORTH_WEST)).id


async def staff(system: Context, email: str, name: str, role: Role, authority_id: int) -> Context:
    """A member of a council's staff, signed in."""
    return await builders.add_staff(system, email, name, role, authority_id, PASSWORD)


async def provider(
    system: Context, name: str, company: str, email: str, address: str, admin_name: str | None = None
) -> Context:
    """A registered provider at `address`, M1 1AE; its administrator (`email`) signed in."""
    return await builders.add_provider(
        system,
        name,
        company,
        email,
        PASSWORD,
        address=address,
        postcode=POSTCODE,
        contact_name="Registered Manager",
        admin_name=admin_name or f"{name} Administrator",
    )


async def home(
    member: Context,
    name: str,
    urn: str,
    inspected: date,
    capacity: int,
    *,
    ages: tuple[int, int] = (8, 17),
    needs: Sequence[Need] = (),
    postcode: str = POSTCODE,
) -> int:
    """A children's home graded Good; returns its id."""
    setting = await builders.add_setting(
        member, name, urn, inspected, postcode=postcode, capacity=capacity, ages=ages, needs=needs
    )
    return setting.id


async def arrangement(
    officer: Context,
    reference: str,
    title: str,
    member_authority_ids: Sequence[int],
    lots: Sequence[LotIn],
    term_start: date = date(2026, 4, 1),
) -> tuple[Arrangement, list[Lot]]:
    """The officer's council's DPS with its lots, still a draft (`publish` opens it)."""
    return await builders.draft_arrangement(
        officer,
        reference=reference,
        title=title,
        member_authority_ids=member_authority_ids,
        lots=lots,
        term_start=term_start,
    )


async def publish(officer: Context, arrangement_id: int) -> None:
    """Open the draft (the arrangement's own step: the scenes leave out what pricing's checks want)."""
    await arrangements.publish_arrangement(officer, arrangement_id)


def line(age_band: str, pounds: int, *, need_level: str = "standard", why: str | None = None) -> LineIn:
    """A rate card's weekly price for a band, with the justification of a price above the ceiling."""
    return LineIn(
        age_band=age_band, need_level=need_level, weekly_price_pence=pounds * POUNDS, exception_justification=why
    )


async def placed(
    system: Context,
    *,
    authority_id: int,
    provider_id: int,
    setting_id: int,
    lot_id: int,
    age_band: str,
    start: date,
    weekly_pounds: int,
    home_district: str,
    miles: Decimal,
    child_reference: str,
    rate_card_id: int,
    out_of_area: bool = False,
    over_20_miles: bool = False,
    previous_placement_id: int | None = None,
    end_on: date | None = None,
) -> Placement:
    """A live placement of standard needs recorded as made (no request behind it), and the council's
    agreed fee from its start (to `end_on`), priced on the provider's rate card."""
    placement = await tenders.insert_placement(
        Placement(
            id=0,
            call_off_id=None,
            previous_placement_id=previous_placement_id,
            authority_id=authority_id,
            provider_id=provider_id,
            setting_id=setting_id,
            home_district=home_district,
            start_date=start,
            weekly_fee_pence=weekly_pounds * POUNDS,
            distance_miles=miles,
            out_of_area=out_of_area,
            over_20_miles=over_20_miles,
            ended_on=None,
            ending_kind=None,
            ending_reason=None,
            ending_note=None,
            version=1,
            child_reference=child_reference,
            lot_id=lot_id,
            age_band=age_band,
            need_level="standard",
        ),
        system.clock.now(),
    )
    await fees.record_agreed_fee(
        system,
        authority_id=authority_id,
        provider_id=provider_id,
        lot_id=lot_id,
        age_band=age_band,
        need_level="standard",
        weekly_fee_pence=weekly_pounds * POUNDS,
        start_on=start,
        end_on=end_on,
        source="placement",
        source_id=placement.id,
        rate_card_id=rate_card_id,
    )
    return placement
