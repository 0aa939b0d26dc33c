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

from datetime import date, timedelta
from decimal import Decimal

from dps.accounts.services import users
from dps.core.auth import OrgKind, Role
from dps.core.context import Context
from dps.demo.builders import (
    add_bands,
    add_public_liability,
    add_questions,
    insure,
    lot_in,
    pass_fail_question,
    rate_card,
)
from tests.support import pdfs
from tests.support.portal import builders as build

BANDS_FROM = date(2026, 4, 1)
PLACED_ON = date(2026, 6, 1)


async def _member(
    system: Context, name: str, company: str, email: str, home_name: str, urn: str
) -> tuple[Context, int]:
    member = await build.provider(system, name, company, email, "5 Test Street, Salford")
    return member, await build.home(member, home_name, urn, date(2026, 1, 20), 3)


async def load(system: Context) -> dict[str, int]:
    admin_user = await users.create_user_with_password(
        system, "admin@portal.test", "Ada Admin", Role.ADMIN, build.PASSWORD
    )
    admin = build.acting(system, admin_user.id, admin_user.email, Role.ADMIN, OrgKind.PLATFORM, None)
    salford = await build.council(admin, "Salford City Council", "E08000006")
    officer = await build.staff(system, "oversight@portal.test", "Omar Officer", Role.PROCUREMENT_OFFICER, salford)
    salford_dps, (lot,) = await build.arrangement(
        officer,
        "SAL-RES-DPS-2026",
        "Salford children's homes DPS",
        [],
        [lot_in("SAL-1", "Children's homes in Salford")],
    )
    await add_questions(
        officer, salford_dps.id, [pass_fail_question("Safeguarding", "Do you hold a current safeguarding policy?")]
    )
    requirement = await add_public_liability(officer, salford_dps.id, "Public liability insurance of at least £5m")
    await add_bands(officer, salford_dps.id, [lot], {("SAL-1", "standard"): (4_000, 5_000)}, BANDS_FROM)
    await build.publish(officer, salford_dps.id)

    elm, elm_home = await _member(system, "Elm Care Ltd", "50000001", "elm@portal.test", "Elm House", "SC800001")
    fir, fir_home = await _member(system, "Fir Care Ltd", "50000002", "fir@portal.test", "Fir House", "SC800002")
    ids: dict[str, int] = {}
    for name, ctx in (("elm", elm), ("fir", fir)):
        ids[f"{name}_membership_id"] = await build.admit_member(
            salford_dps.id, lot.id, build.provider_id(ctx), BANDS_FROM
        )
        ids[f"{name}_provider_id"] = build.provider_id(ctx)
    # Elm's certificate runs out in 20 days: compliant, but expiring.
    await insure(
        elm,
        requirement.id,
        issuer="Northern Mutual",
        starts_on=BANDS_FROM,
        expires_on=system.clock.now().date() + timedelta(days=20),
        cover_pence=10_000_000 * build.POUNDS,
        certificate=(pdfs.minimal("Certificate of insurance"), "elm-pl.pdf", None),
    )
    # Elm's card waits for approval: one price above the ceiling, one below the floor.
    await rate_card(
        elm,
        lot.id,
        BANDS_FROM,
        [build.line("8-12", 5_400, why="Two to one staffing at night for every child"), build.line("13-17", 3_800)],
    )
    # Fir's card is approved, and a child has been placed with Fir at its price since June.
    fir_card = await rate_card(
        fir,
        lot.id,
        BANDS_FROM,
        [build.line("8-12", 4_500), build.line("13-17", 4_600)],
        approved_by=officer,
        note="Within the bands",
    )
    # Fir then asks for more from January: a card the officer refuses.
    await rate_card(fir, lot.id, date(2027, 1, 1), [build.line("8-12", 4_950)])
    placement = await build.placed(
        system,
        authority_id=salford,
        provider_id=ids["fir_provider_id"],
        setting_id=fir_home,
        lot_id=lot.id,
        age_band="13-17",
        start=PLACED_ON,
        weekly_pounds=4_600,
        home_district="M6",
        miles=Decimal("2.5"),
        child_reference="SAL-CHILD-0001",
        rate_card_id=fir_card.id,
    )
    return {
        **ids,
        "salford_id": salford,
        "salford_arrangement_id": salford_dps.id,
        "salford_lot_id": lot.id,
        "elm_home_id": elm_home,
        "fir_home_id": fir_home,
        "fir_placement_id": placement.id,
    }
