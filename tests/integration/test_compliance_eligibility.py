"""eligibility_for_lot and the evidence rule the scheduler calls, on the real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dps.accounts import repository as accounts
from dps.accounts.domain import AgeRange, Need, OfstedGrade, Provider, Region, Setting, SettingType, UserStatus
from dps.compliance import repository
from dps.compliance.domain.concerns import Concern, ConcernCategory, ConcernStatus
from dps.compliance.domain.requirements import Evidence, InsuranceKind, Outcome, Override, Requirement, RequirementKind
from dps.compliance.eligibility import eligibility_for_lot
from dps.compliance.services.checks import on_evidence_expired
from dps.core.auth import Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.db import DB
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from dps.frameworks import repository as frameworks
from dps.frameworks.domain.arrangements import AgeBand, Arrangement, ArrangementStatus, Lot, ServiceType
from tests.support import admit_member, scalar

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def _provider(n: int) -> int:
    provider = await accounts.insert_provider(
        Provider(
            id=0,
            legal_name=f"Provider {n} Ltd",
            trading_name=None,
            company_number=f"{30000000 + n}",
            charity_number=None,
            address=f"{n} High Street",
            postcode="M1 1AE",
            contacts=(),
            version=1,
            created_at=AT,
        )
    )
    return provider.id


async def _setting(provider_id: int, urn: str, **changes: object) -> int:
    values: dict[str, object] = {
        "id": 0,
        "provider_id": provider_id,
        "name": f"Home {urn}",
        "setting_type": SettingType.CHILDRENS_HOME,
        "ofsted_urn": urn,
        "ofsted_grade": OfstedGrade.GOOD,
        "last_inspection_date": date(2026, 3, 10),
        "postcode": "M5 4WT",
        "local_authority_code": "E08000006",
        "easting": 381000.0,
        "northing": 397000.0,
        "capacity": 4,
        "ages": AgeRange(8, 17),
        "needs": frozenset({Need.AUTISM}),
        "version": 1,
        **changes,
    }
    return (await accounts.insert_setting(Setting(**values), AT)).id  # type: ignore[arg-type]


async def _world() -> dict[str, int]:
    authority = await accounts.insert_authority("Bolton Council", "E08000001", Region.NORTH_WEST, AT)
    arrangement = await frameworks.insert_arrangement(
        Arrangement(
            id=0,
            reference="NW-RES",
            title="NW residential",
            service_type=ServiceType.RESIDENTIAL,
            profile_code="pcr2015_dps",
            lead_authority_id=authority.id,
            member_authority_ids=frozenset(),
            term_start=date(2026, 1, 5),
            term_end=date(2029, 2, 23),
            status=ArrangementStatus.OPEN,
            quality_threshold=Decimal("60.00"),
            min_evaluators=2,
            decision_period_days=None,
            windows=(),
            extensions=(),
            version=1,
        ),
        AT,
    )
    lot = await frameworks.insert_lot(
        Lot(0, arrangement.id, "L1", "Homes", "", (AgeBand("8-17", 8, 17),), ("standard",), ())
    )
    insurance = await repository.insert_requirement(
        Requirement(
            id=0,
            arrangement_id=arrangement.id,
            kind=RequirementKind.INSURANCE,
            title="EL GBP 10m",
            mandatory=True,
            insurance_kind=InsuranceKind.EMPLOYERS_LIABILITY,
            min_cover_pence=10_000_000_00,
        ),
        AT,
    )
    await repository.insert_requirement(
        Requirement(id=0, arrangement_id=arrangement.id, kind=RequirementKind.OFSTED, title="Ofsted", mandatory=True),
        AT,
    )
    return {"authority": authority.id, "arrangement": arrangement.id, "lot": lot.id, "insurance": insurance.id}


async def _evidence(requirement_id: int, provider_id: int, expires_on: date, cover: int = 10_000_000_00) -> int:
    e = await repository.insert_evidence(
        Evidence(
            id=0,
            requirement_id=requirement_id,
            provider_id=provider_id,
            document_id=None,
            issuer="Zurich",
            starts_on=date(2026, 4, 1),
            expires_on=expires_on,
            cover_pence=cover,
            insurance_kind=InsuranceKind.EMPLOYERS_LIABILITY,
            status="current",
            submitted_at=AT,
        ),
        None,
    )
    return e.id


async def test_every_setting_of_every_member_with_every_reason(clean_database: str) -> None:
    w = await _world()
    good, short, concerned, outsider = [await _provider(n) for n in range(1, 5)]
    good_home = await _setting(good, "SC100001")
    good_school = await _setting(good, "100002", setting_type=SettingType.SCHOOL)
    weak_home = await _setting(good, "SC100003", ofsted_grade=OfstedGrade.INADEQUATE)
    short_home = await _setting(short, "SC100004")
    concerned_home = await _setting(concerned, "SC100005")
    await _setting(outsider, "SC100006")  # not a member: not listed
    for provider_id in (good, short, concerned):
        await admit_member(w["arrangement"], w["lot"], provider_id, date(2026, 2, 1))
    await _evidence(w["insurance"], good, date(2027, 3, 31))
    await _evidence(w["insurance"], short, date(2027, 3, 31), cover=10_000_000_00 - 1)
    await _evidence(w["insurance"], concerned, date(2027, 3, 31))
    live = await repository.insert_concern(
        Concern(0, w["authority"], concerned, None, ConcernCategory.SAFEGUARDING, frozenset({w["arrangement"]}),
                "LADO referral", "", None, True, ConcernStatus.ISSUED, None, AT, None, None, None, None, 1),
        AT,
    )  # fmt: skip

    verdicts = {v.setting_id: v for v in await eligibility_for_lot(w["lot"], AT, child_age=9, needs=["autism"])}

    assert set(verdicts) == {good_home, good_school, weak_home, short_home, concerned_home}
    assert verdicts[good_home].eligible and verdicts[good_home].reasons == ()
    assert [r.code for r in verdicts[good_school].reasons] == ["setting_type"]
    assert [r.code for r in verdicts[weak_home].reasons] == ["grade_gateway"]
    assert [r.code for r in verdicts[short_home].reasons] == ["compliance_fail"]
    assert "GBP 9,999,999.99 is below the minimum" in verdicts[short_home].reasons[0].detail
    assert [r.code for r in verdicts[concerned_home].reasons] == ["live_concern"]
    assert verdicts[concerned_home].membership_id is not None

    # A 5-year-old with ADHD fits none of them, and every setting says why.
    young = await eligibility_for_lot(w["lot"], AT, child_age=5, needs=["adhd"], setting_types=["childrens_home"])
    assert all({"age", "needs"} <= {r.code for r in v.reasons} for v in young)

    # The same lot a year later: the certificates have lapsed.
    later = await eligibility_for_lot(w["lot"], AT + timedelta(days=365))
    assert [r.code for r in next(v for v in later if v.setting_id == good_home).reasons] == ["compliance_expired"]
    assert live.id > 0


async def test_expiry_suspends_only_on_a_mandatory_requirement(clean_database: str, settings: Settings) -> None:
    w = await _world()
    provider = await _provider(1)
    await _setting(provider, "SC200001")
    membership_id = await admit_member(w["arrangement"], w["lot"], provider, date(2026, 2, 1))
    await accounts.insert_user(
        email="manager@provider.test", full_name="Manager", role=Role.PROVIDER_ADMIN, status=UserStatus.ACTIVE,
        authority_id=None, provider_id=provider, password_hash=None, invitation_hash=None,
        invitation_expires_at=None, at=AT,
    )  # fmt: skip
    optional = await repository.insert_requirement(
        Requirement(
            id=0,
            arrangement_id=w["arrangement"],
            kind=RequirementKind.INSURANCE,
            title="Public liability (optional)",
            mandatory=False,
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
            min_cover_pence=5_000_000_00,
        ),
        AT,
    )
    insured = await _evidence(w["insurance"], provider, date(2027, 3, 31))
    optional_evidence = await _evidence(optional.id, provider, date(2027, 1, 31))
    clock = FixedClock(datetime(2027, 2, 1, 6, 0, tzinfo=UTC))
    ctx = Context(None, clock, settings, LocalDocumentStore(settings.var_dir / "documents"))

    # An optional requirement lapsing is recorded but suspends nothing.
    await on_evidence_expired(ctx, optional_evidence)
    assert (await repository.get_evidence(optional_evidence)).status == "expired"
    assert (await frameworks.get_membership(membership_id)).status.value == "active"

    # The mandatory certificate: nothing before it lapses, then one suspension however often called.
    clock.set(datetime(2027, 3, 31, 23, 59, tzinfo=UTC))
    await on_evidence_expired(ctx, insured)
    assert (await frameworks.get_membership(membership_id)).status.value == "active"
    clock.set(datetime(2027, 4, 1, 0, 1, tzinfo=UTC))
    await on_evidence_expired(ctx, insured)
    await on_evidence_expired(ctx, insured)
    membership = await frameworks.get_membership(membership_id)
    assert membership.status.value == "suspended"
    assert membership.status_reason == "compliance: 'EL GBP 10m' expired on 2027-03-31"
    assert (await repository.get_evidence(insured)).status == "expired"
    assert await scalar("SELECT count(*) FROM compliance_suspensions WHERE lifted_at IS NULL") == 1
    assert await scalar("SELECT count(*) FROM notifications WHERE kind = 'evidence.expired'") == 1
    assert await scalar("SELECT count(*) FROM audit_events WHERE action = 'membership.suspended'") == 1


async def test_an_override_that_passes_the_check_keeps_the_membership(clean_database: str, settings: Settings) -> None:
    w = await _world()
    provider = await _provider(1)
    membership_id = await admit_member(w["arrangement"], w["lot"], provider, date(2026, 2, 1))
    insured = await _evidence(w["insurance"], provider, date(2027, 3, 31))
    await repository.insert_override(
        Override(w["insurance"], provider, None, Outcome.PASS, "renewal confirmed by the broker", None, AT)
    )
    clock = FixedClock(datetime(2027, 4, 1, 6, 0, tzinfo=UTC))
    async with DB.transaction():
        await on_evidence_expired(Context(None, clock, settings, LocalDocumentStore(settings.var_dir)), insured)
    assert (await repository.get_evidence(insured)).status == "expired"
    assert (await frameworks.get_membership(membership_id)).status.value == "active"
