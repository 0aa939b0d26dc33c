"""Demo data: a North West consortium of 6 councils (Bolton leads), each with a procurement officer,
an evaluator, a legal officer and a commissioner; 12 providers with settings in real postcodes;
and a live residential DPS with its members
(`dps.demo.market`). Loaded through the services, so it is audited like any other change.
Running it again changes nothing."""

from __future__ import annotations

from datetime import date

from dps.accounts import public as accounts
from dps.accounts.domain import Need, OfstedGrade, Region, SettingType
from dps.contracts import public as contracts
from dps.core.auth import OrgKind, Role
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict
from dps.demo.builders import acting, add_provider, add_setting, add_staff, provider_id
from dps.demo.market import Applicant, Person, seed_market

# (1-based index into PROVIDERS, lot code, decided?, weekly price in pounds for standard needs)
MARKET_APPLICANTS = [
    (2, "LOT-1", True, 4_900),  # Harbour House Care
    (3, "LOT-1", True, 5_100),  # Irwell Homes
    (6, "LOT-1", True, 4_700),  # Stockport Therapeutic Care
    (9, "LOT-1", True, 5_300),  # Ribble Valley Homes
    (4, "LOT-2", True, 1_950),  # Mersey Futures
    (8, "LOT-2", False, 2_100),  # Wigan Pier Supported Living: awaiting its decision
]

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo data only; README says so
ADMIN_EMAIL = "admin@demo.dps.test"

AUTHORITIES = [  # (name, ONS code); Bolton is the lead authority of Placements North West
    ("Bolton Council", "E08000001"),
    ("Manchester City Council", "E08000003"),
    ("Salford City Council", "E08000006"),
    ("Stockport Metropolitan Borough Council", "E08000007"),
    ("Trafford Council", "E08000009"),
    ("Wigan Council", "E08000010"),
]

# (legal name, company number, setting type, setting postcode, ages, needs, grade)
PROVIDERS = [
    (
        "Brightpath Fostering Ltd",
        "10000001",
        SettingType.FOSTERING_AGENCY_BRANCH,
        "M1 1AE",
        (0, 17),
        [Need.SIBLING_GROUP],
        OfstedGrade.GOOD,
    ),
    (
        "Harbour House Care Ltd",
        "10000002",
        SettingType.CHILDRENS_HOME,
        "BL1 1RU",
        (11, 17),
        [Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        OfstedGrade.OUTSTANDING,
    ),
    (
        "Irwell Homes Ltd",
        "10000003",
        SettingType.CHILDRENS_HOME,
        "M5 4WT",
        (8, 17),
        [Need.AUTISM, Need.LEARNING_DISABILITY],
        OfstedGrade.GOOD,
    ),
    (
        "Mersey Futures Ltd",
        "10000004",
        SettingType.SUPPORTED_ACCOMMODATION,
        "L1 8JQ",
        (16, 17),
        [Need.UNACCOMPANIED_ASYLUM_SEEKING],
        OfstedGrade.SA_OUTCOME_1,
    ),
    (
        "Pennine Fostering Ltd",
        "10000005",
        SettingType.FOSTERING_AGENCY_BRANCH,
        "OL1 1HL",
        (0, 17),
        [Need.PARENT_AND_CHILD],
        OfstedGrade.GOOD,
    ),
    (
        "Stockport Therapeutic Care Ltd",
        "10000006",
        SettingType.CHILDRENS_HOME,
        "SK1 3XE",
        (10, 17),
        [Need.THERAPEUTIC, Need.SELF_HARM],
        OfstedGrade.REQUIRES_IMPROVEMENT,
    ),
    (
        "Trafford Bridge School Ltd",
        "10000007",
        SettingType.SCHOOL,
        "M32 0TH",
        (5, 19),
        [Need.AUTISM, Need.SPEECH_LANGUAGE_COMMUNICATION],
        OfstedGrade.GOOD,
    ),
    (
        "Wigan Pier Supported Living Ltd",
        "10000008",
        SettingType.SUPPORTED_ACCOMMODATION,
        "WN1 1YN",
        (16, 17),
        [Need.SUBSTANCE_MISUSE],
        OfstedGrade.SA_OUTCOME_2,
    ),
    (
        "Ribble Valley Homes Ltd",
        "10000009",
        SettingType.CHILDRENS_HOME,
        "PR1 2HE",
        (12, 17),
        [Need.CHILD_CRIMINAL_EXPLOITATION],
        OfstedGrade.GOOD,
    ),
    (
        "Blackburn Family Placements Ltd",
        "10000010",
        SettingType.FOSTERING_AGENCY_BRANCH,
        "BB2 1AH",
        (0, 17),
        [Need.COMPLEX_HEALTH],
        OfstedGrade.OUTSTANDING,
    ),
    (
        "Roch Valley Care Ltd",
        "10000011",
        SettingType.CHILDRENS_HOME,
        "OL16 1AB",
        (7, 14),
        [Need.ADHD],
        OfstedGrade.INADEQUATE,
    ),
    (
        "Dee Side Special School Ltd",
        "10000012",
        SettingType.SCHOOL,
        "CH1 2HJ",
        (7, 19),
        [Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        OfstedGrade.GOOD,
    ),
]

# Every council has the staff a real one has: a procurement officer, an evaluator, a legal officer
# and a commissioner (issue 12: Manchester placed a child but nobody there could issue its IPA).
# The first five keep the addresses the README and the tests have always used.
NAMED_STAFF = [  # (role, email, name, index into AUTHORITIES)
    (Role.PROCUREMENT_OFFICER, "officer@demo.dps.test", "Priya Officer", 0),
    (Role.EVALUATOR, "evaluator@demo.dps.test", "Evan Evaluator", 0),
    (Role.EVALUATOR, "evaluator2@demo.dps.test", "Esther Evaluator", 1),
    (Role.LEGAL_OFFICER, "legal@demo.dps.test", "Leah Legal", 0),
    (Role.COMMISSIONER, "commissioner@demo.dps.test", "Colin Commissioner", 1),
]
COUNCIL_ROLES = [  # (role, the local part of the email, job title)
    (Role.PROCUREMENT_OFFICER, "officer", "Procurement Officer"),
    (Role.EVALUATOR, "evaluator", "Evaluator"),
    (Role.LEGAL_OFFICER, "legal", "Legal Officer"),
    (Role.COMMISSIONER, "commissioner", "Commissioner"),
]


def _council_staff() -> list[tuple[Role, str, str, int]]:
    """The named staff, then whoever else each council needs, e.g. legal.manchester@demo.dps.test."""
    staff = list(NAMED_STAFF)
    for index, (name, _) in enumerate(AUTHORITIES):
        place = name.split()[0]
        for role, local, title in COUNCIL_ROLES:
            if not any(r is role and i == index for r, _, _, i in staff):
                staff.append((role, f"{local}.{place.lower()}@demo.dps.test", f"{place} {title}", index))
    return staff


STAFF = _council_staff()


def _credentials() -> list[str]:
    lines = ["demo users (password for all: " + DEMO_PASSWORD + ")"]
    lines.append(f"  admin                {ADMIN_EMAIL}")
    for role, email, _, index in STAFF:
        lines.append(f"  {role.value:<20} {email:<38} {AUTHORITIES[index][0]}")
    lines.append("  provider_admin       provider1@demo.dps.test ... provider12@demo.dps.test")
    lines.append("  provider_user        staff1@demo.dps.test")
    return lines


async def seed_demo(system: Context) -> list[str]:
    """Load the demo consortium unless it is already there, all or nothing; return lines to print."""
    async with DB.transaction():
        lines = await _seed(system)
    return lines


async def _seed(system: Context) -> list[str]:
    try:
        admin = await accounts.create_user_with_password(system, ADMIN_EMAIL, "Ada Admin", Role.ADMIN, DEMO_PASSWORD)
    except Conflict:
        return ["demo data is already loaded", *_credentials()]
    as_admin = acting(system, admin.id, admin.email, Role.ADMIN, OrgKind.PLATFORM, None)

    authority_ids = []
    for name, code in AUTHORITIES:
        authority = await accounts.create_authority(as_admin, name, code, Region.NORTH_WEST)
        authority_ids.append(authority.id)
    staff: dict[str, Person] = {}
    for role, email, name, index in STAFF:
        staff[email] = Person(await add_staff(system, email, name, role, authority_ids[index], DEMO_PASSWORD))
    provider_people: list[Person] = []

    for n, (legal_name, company, setting_type, postcode, ages, needs, grade) in enumerate(PROVIDERS, start=1):
        email = f"provider{n}@demo.dps.test"
        as_provider = await add_provider(
            system,
            legal_name,
            company,
            email,
            DEMO_PASSWORD,
            address=f"{n} Demo Street",
            postcode=postcode,
            contact_name=f"Registered Manager {n}",
            admin_name=f"Provider Admin {n}",
        )
        provider_people.append(Person(as_provider))
        await add_setting(
            as_provider,
            f"{legal_name.removesuffix(' Ltd')} - {postcode}",
            f"SC{700000 + n}",
            date(2025, 6, n),
            setting_type=setting_type,
            grade=grade,
            postcode=postcode,
            capacity=4 if setting_type is SettingType.CHILDRENS_HOME else 20,
            ages=ages,
            needs=needs,
        )
        if n == 1:
            await accounts.create_user_with_password(
                system,
                "staff1@demo.dps.test",
                "Sam Staff",
                Role.PROVIDER_USER,
                DEMO_PASSWORD,
                provider_id=provider_id(as_provider),
            )
    await contracts.load_shipped_templates(system)
    market = await seed_market(
        staff["officer@demo.dps.test"],
        [staff["evaluator@demo.dps.test"], staff["evaluator2@demo.dps.test"]],
        authority_ids[1:],
        [Applicant(provider_people[index - 1], lot, decide, price) for index, lot, decide, price in MARKET_APPLICANTS],
    )
    return [f"loaded {len(AUTHORITIES)} authorities and {len(PROVIDERS)} providers", market, *_credentials()]
