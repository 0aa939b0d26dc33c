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

import msgspec

from dps.accounts.domain import Need
from dps.core.auth import OrgKind, Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.demo.builders import add_bands, add_questions, apply, lot_in, pass_fail_question, scored_question
from dps.frameworks.domain.questionnaires import Answer
from dps.frameworks.schemas_applications import DescriptorIn
from dps.tenders.services import call_offs
from tests.support.portal import builders as build
from tests.support.portal.scene_provider import request

WALK_REQUEST = "Girl, 9, with autism, Tameside"
DESCRIPTORS = [
    (0, "No answer, or nothing relevant"),
    (1, "Poor: significant gaps"),
    (2, "Weak: some gaps in practice"),
    (3, "Satisfactory: meets the requirement"),
    (4, "Good: meets it with examples"),
    (5, "Excellent: meets it with evidence of outcomes"),
]
TERM_START = date(2026, 4, 1)


async def load(system: Context) -> dict[str, int]:
    admin = build.platform(system)
    tameside = await build.council(admin, "Tameside Council", "E08000008")
    bury = await build.council(admin, "Bury Council", "E08000002")
    officer = await build.staff(system, "walk-officer@portal.test", "Olu Officer", Role.PROCUREMENT_OFFICER, tameside)
    commissioner = await build.staff(
        system, "walk-commissioner@portal.test", "Cam Commissioner", Role.COMMISSIONER, tameside
    )
    legal = await build.staff(system, "walk-legal@portal.test", "Lou Legal", Role.LEGAL_OFFICER, tameside)
    for email, name, authority_id in (
        ("walk-evaluator-tameside@portal.test", "Tara Tameside", tameside),
        ("walk-evaluator-stockport@portal.test", "Stan Stockport", bury),
        ("walk-evaluator-conflict@portal.test", "Connie Conflict", bury),
    ):
        await build.staff(system, email, name, Role.EVALUATOR, authority_id)

    walk, (lot_a, lot_b) = await build.arrangement(
        officer,
        "TSC-RES-DPS-2026",
        "Tameside and Bury children's homes DPS",
        [bury],
        [
            lot_in("LOT-A", "Homes for children aged 8 to 17"),
            lot_in("LOT-B", "Solo homes for children with complex needs", [("8-17", 8, 17)], ["complex"]),
        ],
    )
    safeguarding, quality = await add_questions(
        officer,
        walk.id,
        [
            pass_fail_question("Safeguarding", "Do you hold a safeguarding policy reviewed in the last 12 months?"),
            msgspec.structs.replace(
                scored_question(2, "How do you help a child settle in their first month?", 100),
                descriptors=[DescriptorIn(score=s, meaning=m) for s, m in DESCRIPTORS],
            ),
        ],
    )
    bands = {("LOT-A", "standard"): (4_200, 5_600), ("LOT-B", "complex"): (6_000, 8_000)}
    await add_bands(officer, walk.id, (lot_a, lot_b), bands, TERM_START)
    await build.publish(officer, walk.id)

    # Story 3: Hazel Homes's application to both lots, submitted and waiting for its evaluators.
    hazel = await build.provider(
        system, "Hazel Homes Ltd", "30000021", "hazel@portal.test", "7 Test Street, Manchester"
    )
    application_id = await apply(
        hazel,
        walk.id,
        [lot_a.id, lot_b.id],
        [
            Answer(safeguarding.id, "Yes: reviewed by our board in June 2026", None),
            Answer(quality.id, "A key worker visits before the move; a settling-in plan reviewed weekly", None),
        ],
    )

    # Story 4: two members of lot A with a home each for the walk's request.
    for name, company, email, home_name, urn, postcode in (
        ("Juniper Care Ltd", "30000022", "juniper@portal.test", "Juniper House", "SC700021", "M1 1AE"),
        ("Kestrel Homes Ltd", "30000023", "kestrel@portal.test", "Kestrel View", "SC700022", "M5 4WT"),
    ):
        member = await build.provider(system, name, company, email, "7 Test Street, Manchester")
        await build.admit_member(walk.id, lot_a.id, build.provider_id(member), TERM_START)
        await build.home(member, home_name, urn, date(2026, 2, 10), 3, needs=[Need.AUTISM], postcode=postcode)
    assert commissioner.principal is not None and legal.principal is not None
    return {
        "walk_arrangement_id": walk.id,
        "walk_lot_a_id": lot_a.id,
        "walk_lot_b_id": lot_b.id,
        "walk_application_id": application_id,
        "walk_commissioner_user_id": commissioner.principal.user_id,
        "walk_authority_id": tameside,
    }


async def publish_request(system: Context, ids: dict[str, int], seconds: int) -> dict[str, object]:
    """Tameside's commissioner publishes the walk's request for a 9-year-old girl with autism to lot
    A, offers closing SECONDS from now (published ten days earlier on a clock of its own, as the
    minimum offer period asks; the form refuses a nearer deadline)."""
    commissioner = build.acting(
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
