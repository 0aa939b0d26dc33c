"""The council side of `bench/portal.py`'s data, loaded after the browser tests' scene:

- the officer's application queue at 1,000 applications: 1,000 providers, each with a submitted
  application to the scene's DPS (their decision dates spread so some are overdue), inserted in
  two set-based statements (the services would take minutes to hash and audit them one by one);
- the moderation screen at 30 questions x 3 evaluators: a DPS with 2 pass/fail and 28 scored
  questions, one application answered and submitted, and three evaluators from the lead council
  who have declared, marked every question and submitted, all through the services.

Run as `python bench/portal_council.py` with DATABASE_URL set (after `tests.support.portal.scene`); prints
the ids as JSON."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

from piccolo.querystring import QueryString

from dps.accounts.domain import Region
from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn
from dps.accounts.services import authorities, providers, users
from dps.app import document_store_for
from dps.core import db
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import SystemClock
from dps.core.context import Context
from dps.core.db import DB
from dps.core.evaluation import Mark
from dps.core.settings import Settings
from dps.frameworks.domain.arrangements import ServiceType
from dps.frameworks.domain.questionnaires import Answer, QuestionKind
from dps.frameworks.profiles import ProfileCode
from dps.frameworks.schemas import AgeBandIn, ArrangementIn, LotIn
from dps.frameworks.schemas_applications import DescriptorIn, QuestionIn
from dps.frameworks.services import applications, arrangements, evaluations, questionnaires

PASSWORD = "demo-password-2026"
QUEUE_SIZE = 1_000
SCORED, GATEWAYS, EVALUATORS = 28, 2, 3

_PROVIDERS_SQL = """
INSERT INTO providers (legal_name, company_number, address, postcode, contacts, version, created_at)
SELECT 'Bench Care ' || n || ' Ltd', 'B' || lpad(n::text, 7, '0'), '1 Bench Street, Bolton', 'BL1 1AA',
       '[]'::jsonb, 1, now()
FROM generate_series(1, {}) AS n
"""
# Submitted over the last 20 days, so a decision falls due anywhere from past (overdue) to 14 days on.
_APPLICATIONS_SQL = """
INSERT INTO applications (arrangement, provider, status, lot_ids, submitted_at, decision_due_on, version, created_at)
SELECT {}, p.id, 'submitted', ARRAY[{}]::bigint[], now() - ((p.id % 20) || ' days')::interval,
       current_date + ((p.id % 24) - 10), 1, now()
FROM providers p WHERE p.company_number LIKE 'B%'
"""


def _as(system: Context, user_id: int, email: str, role: Role, kind: OrgKind, org_id: int | None) -> Context:
    return replace(system, principal=Principal(user_id, email, role, kind, org_id))


async def _queue(arrangement_id: int, lot_id: int) -> None:
    await DB.run_querystring(QueryString(_PROVIDERS_SQL, QUEUE_SIZE))
    await DB.run_querystring(QueryString(_APPLICATIONS_SQL, arrangement_id, lot_id))


async def _moderation(system: Context) -> dict[str, int]:
    admin = _as(system, 0, "system@bench.test", Role.ADMIN, OrgKind.PLATFORM, None)
    council = await authorities.create_authority(admin, "Bench Council", "E08000003", Region.NORTH_WEST)
    officer_user = await users.create_user_with_password(
        system,
        "bench-officer@portal.test",
        "Bench Officer",
        Role.PROCUREMENT_OFFICER,
        PASSWORD,
        authority_id=council.id,
    )
    officer = _as(system, officer_user.id, officer_user.email, Role.PROCUREMENT_OFFICER, OrgKind.AUTHORITY, council.id)
    arrangement = await arrangements.create_arrangement(
        officer,
        ArrangementIn(
            reference="BENCH-FOS-DPS",
            title="Bench fostering DPS",
            service_type=ServiceType.FOSTERING,
            profile_code=ProfileCode.PCR2015_DPS,
            term_start=date(2026, 4, 1),
            term_end=date(2029, 2, 23),
        ).to_domain(),
    )
    lot = await arrangements.add_lot(
        officer,
        arrangement.id,
        LotIn(code="LOT-1", title="Fostering", age_bands=[AgeBandIn(label="0-17", min_age=0, max_age=17)]).to_domain(),
    )
    descriptors = [DescriptorIn(score=s, meaning=f"Mark {s}: what it means") for s in range(6)]
    questions = []
    for n in range(1, GATEWAYS + SCORED + 1):
        scored = n > GATEWAYS
        questions.append(
            await questionnaires.add_question(
                officer,
                arrangement.id,
                QuestionIn(
                    section="Quality" if scored else "Gateway",
                    position=n,
                    text=f"Question {n}: describe how you meet this part of the specification",
                    kind=QuestionKind.SCORED if scored else QuestionKind.PASS_FAIL,
                    max_score=5 if scored else 0,
                    weight=Decimal(1) if scored else Decimal(0),
                    descriptors=descriptors if scored else [],
                ).to_domain(),
            )
        )
    await arrangements.publish_arrangement(officer, arrangement.id)
    provider, admin_user = await providers.register_provider(
        system,
        RegisterProviderIn(
            provider=ProviderIn(
                legal_name="Bench Fostering Ltd",
                company_number="40000001",
                address="1 Bench Street, Bolton",
                postcode="M1 1AE",
                contacts=[ContactIn(name="Manager", email="bench-provider@portal.test")],
            ),
            admin_full_name="Bench Provider",
            admin_email="bench-provider@portal.test",
            admin_password=PASSWORD,
        ).to_domain(),
    )
    applicant = _as(system, admin_user.id, admin_user.email, Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider.id)
    application = await applications.open_application(applicant, arrangement.id, [lot.id])
    answers = [Answer(q.id, f"Our answer to question {q.position}, with examples. " * 8, None) for q in questions]
    await applications.save_application(applicant, application.id, application.version, None, answers)
    await applications.submit_application(applicant, application.id)
    panel = []
    for n in range(1, EVALUATORS + 1):
        email = f"bench-evaluator{n}@portal.test"
        user = await users.create_user_with_password(
            system, email, f"Bench Evaluator {n}", Role.EVALUATOR, PASSWORD, authority_id=council.id
        )
        panel.append(_as(system, user.id, email, Role.EVALUATOR, OrgKind.AUTHORITY, council.id))
    await evaluations.assign_evaluators(officer, application.id, [e.user.user_id for e in panel])
    for n, evaluator in enumerate(panel):
        await evaluations.declare_interests(evaluator, application.id, False, "")
        marks = [
            Mark(q.id, None, True, "Seen and current")
            if q.kind is QuestionKind.PASS_FAIL
            else Mark(q.id, (q.position + n) % 6, None, f"Evaluator {n + 1}'s reason for question {q.position}")
            for q in questions
        ]
        await evaluations.save_marks(evaluator, application.id, marks)
        await evaluations.submit_marks(evaluator, application.id)
    return {"moderation_application_id": application.id}


async def main() -> None:
    scene = json.loads(sys.stdin.read())
    settings = Settings.from_env()
    async with db.connected(settings, pool_size=2):
        system = Context(None, SystemClock(), settings, document_store_for(settings))
        await _queue(scene["arrangement_id"], scene["lot1_id"])
        print(json.dumps(await _moderation(system)))


if __name__ == "__main__":
    asyncio.run(main())
