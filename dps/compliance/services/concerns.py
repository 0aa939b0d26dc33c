"""Concerns under the information sharing protocol (story 6), and Ofsted judgements that raise them."""

from __future__ import annotations

from dataclasses import dataclass

from dps.accounts import public as accounts
from dps.accounts.domain import check_inspection_not_future
from dps.compliance import access, repository
from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.concerns import Concern, ConcernCategory, ConcernStatus, check_concern_setting
from dps.compliance.domain.requirements import FAILING_GRADES, RequirementKind
from dps.compliance.domain.submissions import ConcernReport, OfstedJudgement
from dps.compliance.services.checks import OFSTED_JUDGEMENT, councils_of, reinstate_if_compliant, suspend_memberships
from dps.core import audit, deadlines
from dps.core.auth import OFFICERS, OrgKind, Role
from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import NotFound, PermissionDenied, RuleViolation
from dps.core.notifications import Recipient, notify
from dps.core.pagination import Page
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.domain.arrangements import Arrangement

CONCERN_READERS = OFFICERS | {Role.COMMISSIONER}


async def _arrangements(ids: frozenset[int] | list[int]) -> list[Arrangement]:
    found = []
    for arrangement_id in sorted(set(ids)):
        try:
            found.append(await frameworks.get_arrangement_row(arrangement_id))
        except NotFound as error:
            raise RuleViolation(
                f"arrangement {arrangement_id} does not exist", code=ComplianceCode.UNKNOWN_ARRANGEMENT
            ) from error
    return found


def _member_authorities(arrangements: list[Arrangement]) -> frozenset[int]:
    ids: set[int] = set()
    for a in arrangements:
        ids |= {a.lead_authority_id, *a.member_authority_ids}
    return frozenset(ids)


async def _notify_issued(ctx: Context, concern: Concern, arrangements: list[Arrangement]) -> None:
    """Every member council's commissioners and officers, and the provider (ISP)."""
    recipients: list[Recipient] = []
    for authority_id in sorted(_member_authorities(arrangements)):
        recipients += await accounts.recipients_of_authority(authority_id, CONCERN_READERS)
    recipients += await accounts.recipients_of_provider(concern.provider_id)
    await notify(
        recipients,
        kind="concern.issued",
        key=f"concern:{concern.id}:issued",
        subject=f"Concern issued: {concern.category.value.replace('_', ' ')}",
        body=concern.summary,
        link_path=f"/api/v1/concerns/{concern.id}",
        at=ctx.clock.now(),
    )


async def raise_concern(ctx: Context, data: ConcernReport) -> Concern:
    """A member council records a concern about a provider (or one setting), as a draft or issued."""
    arrangements = await _arrangements(list(data.arrangement_ids))
    authority_id = access.require_raise_concern(ctx.user, arrangements)
    await accounts.get_provider_row(data.provider_id)
    if data.setting_id is not None:
        setting = await accounts.get_setting_row(data.setting_id)
        check_concern_setting(setting.provider_id, data.provider_id)
    now = ctx.clock.now()
    draft = Concern(
        id=0,
        issuing_authority_id=authority_id,
        provider_id=data.provider_id,
        setting_id=data.setting_id,
        category=data.category,
        arrangement_ids=frozenset(data.arrangement_ids),
        summary=data.summary,
        actions_taken=data.actions_taken,
        review_on=data.review_on,
        suspends_call_offs=data.suspends_call_offs,
        status=ConcernStatus.DRAFT,
        response=None,
        issued_at=None,
        responded_at=None,
        rescinded_at=None,
        rescind_reason=None,
        created_by=ctx.user.user_id,
        version=1,
    )
    async with DB.transaction():
        concern = await repository.insert_concern(draft, now)
        await audit.record(ctx, "concern.created", "concern", concern.id, after=concern)
        if data.issue:
            concern = await _issue(ctx, concern, arrangements)
    return concern


async def _issue(ctx: Context, before: Concern, arrangements: list[Arrangement]) -> Concern:
    after = before.issue(ctx.clock.now())
    await repository.update_concern(before, after)
    await audit.record(ctx, "concern.issued", "concern", before.id, before=before, after=after)
    await deadlines.track(EntityType.CONCERN, after.id, ctx.clock.now())  # the scheduler reminds of its review date
    await _notify_issued(ctx, after, arrangements)
    return after


async def issue_concern(ctx: Context, concern_id: int) -> Concern:
    """Share a draft with every member council of the affected arrangements and the provider."""
    async with DB.transaction():
        before = await repository.get_concern(concern_id, for_update=True)
        await _require_visible(ctx, before)
        access.require_issuer(ctx.user, before)
        after = await _issue(ctx, before, await _arrangements(before.arrangement_ids))
    return after


async def _require_visible(ctx: Context, concern: Concern) -> None:
    """404 for anyone who may not see the concern, exactly as for an id that does not exist:
    nobody learns of concerns they may not see, whether reading or trying to act on one (ISP)."""
    members = _member_authorities(await _arrangements(concern.arrangement_ids))
    if not access.may_read_concern(ctx.user, concern, members):
        raise NotFound(f"concern {concern.id} does not exist", entity="concern")


async def get_concern(ctx: Context, concern_id: int) -> Concern:
    """A concern, as the caller may read it."""
    concern = await repository.get_concern(concern_id)
    await _require_visible(ctx, concern)
    return concern


async def list_concerns(
    ctx: Context, limit: int, after_id: int, provider_id: int | None, status: ConcernStatus | None
) -> Page[Concern]:
    """Concerns the caller may see: a provider its own (issued onwards); council staff those their
    council issued or that affect arrangements it takes part in; admins all."""
    p = ctx.user
    if p.is_admin:
        return await repository.list_concerns(
            limit, after_id, provider_id=provider_id, visible_to_authority=None, status=status
        )
    if p.org_kind is OrgKind.PROVIDER and p.org_id is not None:
        if provider_id is not None and provider_id != p.org_id:
            raise PermissionDenied("you may only see concerns about your own organisation")
        if status is ConcernStatus.DRAFT:
            return Page(items=[], next_after_id=None)
        page = await repository.list_concerns(
            limit, after_id, provider_id=p.org_id, visible_to_authority=None, status=status
        )
        # Drafts are the issuing council's work in progress.
        return Page(
            items=[c for c in page.items if c.status is not ConcernStatus.DRAFT], next_after_id=page.next_after_id
        )
    if p.org_kind is OrgKind.AUTHORITY and p.org_id is not None:
        return await repository.list_concerns(
            limit, after_id, provider_id=provider_id, visible_to_authority=p.org_id, status=status
        )
    raise PermissionDenied("you may not list concerns")


async def respond_to_concern(ctx: Context, concern_id: int, response: str) -> Concern:
    """The provider answers a concern about itself."""
    async with DB.transaction():
        before = await repository.get_concern(concern_id, for_update=True)
        if before.status is ConcernStatus.DRAFT:
            raise NotFound(f"concern {concern_id} does not exist", entity="concern")
        await _require_visible(ctx, before)
        access.require_respond(ctx.user, before)
        after = before.respond(response, ctx.clock.now())
        await repository.update_concern(before, after)
        await audit.record(ctx, "concern.responded", "concern", concern_id, before=before, after=after)
        recipients = await accounts.recipients_of_authority(before.issuing_authority_id, CONCERN_READERS)
        await notify(
            recipients,
            kind="concern.responded",
            key=f"concern:{concern_id}:responded:{after.version}",
            subject="The provider responded to a concern",
            body=after.response or "",
            link_path=f"/api/v1/concerns/{concern_id}",
            at=ctx.clock.now(),
        )
    return after


async def rescind_concern(ctx: Context, concern_id: int, reason: str) -> Concern:
    """The issuing council withdraws a concern once rectified; eligibility returns with it."""
    async with DB.transaction():
        before = await repository.get_concern(concern_id, for_update=True)
        await _require_visible(ctx, before)
        access.require_issuer(ctx.user, before)
        after = before.rescind(reason, ctx.clock.now())
        await repository.update_concern(before, after)
        await audit.record(ctx, "concern.rescinded", "concern", concern_id, before=before, after=after)
        arrangements = await _arrangements(before.arrangement_ids)
        recipients: list[Recipient] = []
        for authority_id in sorted(_member_authorities(arrangements)):
            recipients += await accounts.recipients_of_authority(authority_id, CONCERN_READERS)
        recipients += await accounts.recipients_of_provider(before.provider_id)
        await notify(
            recipients,
            kind="concern.rescinded",
            key=f"concern:{concern_id}:rescinded",
            subject="Concern rescinded",
            body=after.rescind_reason or "",
            link_path=f"/api/v1/concerns/{concern_id}",
            at=ctx.clock.now(),
        )
    return after


# --- Ofsted judgements -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JudgementOutcome:
    setting_id: int
    suspended_membership_ids: list[int]
    concern_ids: list[int]


async def record_ofsted_judgement(ctx: Context, setting_id: int, data: OfstedJudgement) -> JudgementOutcome:
    """Record a setting's new Ofsted grade (or a withdrawn registration). The worst grade, or a
    withdrawal, suspends the memberships relying on the setting in every arrangement whose Ofsted
    requirement says so and issues an `ofsted_judgement` concern to their members (as Placements
    North West does); a passing grade lets compliance reinstate them."""
    principal = ctx.user
    setting = await accounts.get_setting_row(setting_id)
    access.require_record_ofsted(principal, await councils_of(ctx, setting.provider_id))
    if data.grade is None and not data.registration_withdrawn:
        raise RuleViolation(
            "give the grade, or record that the registration was withdrawn", code=ComplianceCode.JUDGEMENT_REQUIRED
        )
    now = ctx.clock.now()
    check_inspection_not_future(data.inspection_date, now.date())
    async with DB.transaction():
        change = await accounts.record_ofsted_grade(setting_id, data.grade, data.inspection_date)
        before, after = change.before, change.after
        await repository.insert_judgement(
            setting_id, data.grade, data.inspection_date, data.registration_withdrawn, principal.user_id, now
        )
        await audit.record(
            ctx,
            "setting.ofsted_recorded",
            "setting",
            setting_id,
            before=before,
            after={"setting": after, "registration_withdrawn": data.registration_withdrawn},
        )
        failing = data.registration_withdrawn or (data.grade in FAILING_GRADES)
        if not failing:
            await reinstate_if_compliant(ctx, before.provider_id)
            return JudgementOutcome(setting_id, [], [])
        arrangements = await _arrangements_relying_on(before.provider_id, before.setting_type.value)
        if not arrangements:
            return JudgementOutcome(setting_id, [], [])
        category = (
            ConcernCategory.REGISTRATION_WITHDRAWN if data.registration_withdrawn else ConcernCategory.OFSTED_JUDGEMENT
        )
        what = "registration withdrawn" if data.registration_withdrawn else f"graded {data.grade}"
        suspended = await suspend_memberships(
            ctx.as_system(),
            provider_id=before.provider_id,
            arrangement_ids=[a.id for a in arrangements],
            cause=OFSTED_JUDGEMENT,
            requirement_id=None,
            setting_id=setting_id,
            reason=f"Ofsted: setting {before.name} ({before.ofsted_urn}) {what}",
        )
        # The recording council issues the concern only if it takes part in every affected
        # arrangement (as for any concern, ISP); otherwise the (first) arrangement's lead does.
        issuer = (
            principal.org_id
            if principal.org_kind is OrgKind.AUTHORITY
            and principal.org_id
            and all(a.is_member(principal.org_id) for a in arrangements)
            else None
        )
        concern = await repository.insert_concern(
            Concern(
                id=0,
                issuing_authority_id=issuer or arrangements[0].lead_authority_id,
                provider_id=before.provider_id,
                setting_id=setting_id,
                category=category,
                arrangement_ids=frozenset(a.id for a in arrangements),
                summary=f"Ofsted: {before.name} ({before.ofsted_urn}) {what}"
                + (f" on {data.inspection_date}" if data.inspection_date else ""),
                actions_taken=f"memberships suspended: {', '.join(map(str, suspended)) or 'none active'}",
                review_on=None,
                suspends_call_offs=True,
                status=ConcernStatus.DRAFT,
                response=None,
                issued_at=None,
                responded_at=None,
                rescinded_at=None,
                rescind_reason=None,
                created_by=principal.user_id,
                version=1,
            ),
            now,
        )
        await audit.record(ctx, "concern.created", "concern", concern.id, after=concern)
        await _issue(ctx, concern, arrangements)
    return JudgementOutcome(setting_id, suspended, [concern.id])


async def _arrangements_relying_on(provider_id: int, setting_type: str) -> list[Arrangement]:
    """Arrangements where the provider holds an active or suspended place, that buy this kind of
    setting, and whose Ofsted requirement suspends on the worst grade (configurable per arrangement)."""
    from dps.compliance.domain.eligibility import SETTING_TYPES_FOR_SERVICE

    memberships = await frameworks.list_membership_rows(provider_id=provider_id)
    arrangement_ids = {
        m.arrangement_id for m in memberships if m.status in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
    }
    requirements = await repository.list_requirements(arrangement_ids)
    configured = {
        r.arrangement_id for r in requirements if r.kind is RequirementKind.OFSTED and r.suspend_on_failing_grade
    }
    found = []
    for arrangement in await _arrangements(sorted(configured)):
        served = {t.value for t in SETTING_TYPES_FOR_SERVICE.get(arrangement.service_type.value, frozenset())}
        if setting_type in served:
            found.append(arrangement)
    return found
