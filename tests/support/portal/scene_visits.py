"""The Ofsted and quality visits part of the browser tests' scene, apart from the rest so that a
failing judgement and its suspension change nobody else's pages.

Rochdale Council leads its own children's homes DPS (one lot) with an Ofsted requirement that
suspends on the worst grade; Hazel Care has a place on it with one home, Hazel House, graded Good.
Rochdale's procurement officer signs in as quality@portal.test, Hazel's administrator as
rowan@portal.test."""

from __future__ import annotations

from datetime import date

from dps.compliance.domain.requirements import RequirementKind
from dps.compliance.schemas import RequirementIn
from dps.compliance.services import checks
from dps.core.auth import Role
from dps.core.context import Context
from dps.demo.builders import add_questions, lot_in, pass_fail_question
from tests.support.portal import builders as build

TERM_START = date(2026, 4, 1)


async def load(system: Context) -> dict[str, int]:
    rochdale = await build.council(build.platform(system), "Rochdale Council", "E08000005")
    officer = await build.staff(system, "quality@portal.test", "Quinn Officer", Role.PROCUREMENT_OFFICER, rochdale)
    rochdale_dps, (lot,) = await build.arrangement(
        officer,
        "TRA-RES-DPS-2026",
        "Rochdale children's homes DPS",
        [],
        [lot_in("TRA-1", "Children's homes in Rochdale", [("8-17", 8, 17)])],
        term_start=TERM_START,
    )
    await add_questions(
        officer, rochdale_dps.id, [pass_fail_question("Quality", "Do you hold a current Ofsted registration?")]
    )
    await checks.add_requirement(
        officer,
        rochdale_dps.id,
        RequirementIn(
            kind=RequirementKind.OFSTED, title="Ofsted: not Inadequate", suspend_on_failing_grade=True
        ).to_domain(),
    )
    await build.publish(officer, rochdale_dps.id)

    hazel = await build.provider(
        system,
        "Hazel Care Ltd",
        "70000001",
        "rowan@portal.test",
        "7 Test Street, Rochdale",
        admin_name="Hazel Care Administrator",
    )
    hazel_home = await build.home(hazel, "Hazel House", "SC910001", date(2026, 2, 10), 4)
    membership_id = await build.admit_member(rochdale_dps.id, lot.id, build.provider_id(hazel), TERM_START)
    return {
        "hazel_provider_id": build.provider_id(hazel),
        "hazel_setting_id": hazel_home,
        "hazel_membership_id": membership_id,
    }
