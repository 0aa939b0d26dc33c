"""Requirements, evidence, checks and overrides; expiry suspends a membership and new evidence
reinstates it (DESIGN.md story 5)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from dps.accounts import public as accounts
from dps.compliance import access, facts, repository
from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.requirements import (
    DEFAULT_GATEWAY,
    ComplianceSummary,
    Evidence,
    Outcome,
    Override,
    Requirement,
    RequirementKind,
    check_current_ratio,
    check_evidence_dates,
    check_requirement,
)
from dps.compliance.domain.submissions import EvidenceSubmission, OverrideDecision, RequirementDraft
from dps.compliance.domain.timeline import corrected_by, group_held, has_started, overtaken, renewal_covering
from dps.core import audit, deadlines
from dps.core.auth import OFFICERS, OrgKind, Role
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.core.errors import NotFound, PermissionDenied, RuleViolation
from dps.core.notifications import notify
from dps.core.pagination import Page
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import Membership, MembershipStatus
from dps.frameworks.domain.arrangements import check_conditions_editable
from dps.frameworks.public import change_membership_status, get_profile

EVIDENCE_EXPIRED = "evidence_expired"
OFSTED_JUDGEMENT = "ofsted_judgement"


# --- requirements ----------------------------------------------------------------------------


async def add_requirement(ctx: Context, arrangement_id: int, data: RequirementDraft) -> Requirement:
    """Add a requirement from the catalogue (the lead authority's officers). A dynamic market's
    conditions are frozen once it is open (Procurement Act 2023 s.36)."""
    draft = check_requirement(
        Requirement(
            id=0,
            arrangement_id=arrangement_id,
            kind=data.kind,
            title=data.title,
            mandatory=data.mandatory,
            insurance_kind=data.insurance_kind,
            min_cover_pence=data.min_cover_pence,
            credit_bands=data.credit_bands,
            min_current_ratio=data.min_current_ratio,
            accepted_grades=data.accepted_grades if data.accepted_grades is not None else DEFAULT_GATEWAY,
            suspend_on_failing_grade=data.suspend_on_failing_grade,
            turnover_threshold_pence=data.turnover_threshold_pence,
            description=data.description,
        )
    )
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
        frameworks.require_manage_arrangement(ctx.user, arrangement)
        check_conditions_editable(arrangement, get_profile(arrangement.profile_code).conditions_locked_when_open)
        requirement = await repository.insert_requirement(draft, ctx.clock.now())
        await audit.record(ctx, "requirement.created", "requirement", requirement.id, after=requirement)
    return requirement


async def list_requirements(ctx: Context, arrangement_id: int) -> list[Requirement]:
    """The compliance requirements of an arrangement the caller may read."""
    arrangement = await frameworks.get_arrangement_row(arrangement_id)
    frameworks.require_read_arrangement(ctx.user, arrangement)
    return await repository.list_requirements([arrangement_id])


async def remove_requirement(ctx: Context, arrangement_id: int, requirement_id: int) -> None:
    """Withdraw a requirement nobody has attached evidence to yet (the lock applies as for adding)."""
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
        frameworks.require_manage_arrangement(ctx.user, arrangement)
        check_conditions_editable(arrangement, get_profile(arrangement.profile_code).conditions_locked_when_open)
        requirement = await _requirement_of(arrangement_id, requirement_id)
        if await repository.count_evidence_for_requirement(requirement_id):
            raise RuleViolation(
                "providers have attached evidence to this requirement", code=ComplianceCode.REQUIREMENT_IN_USE
            )
        await repository.delete_requirement(requirement_id)
        await audit.record(ctx, "requirement.removed", "requirement", requirement_id, before=requirement)


async def _requirement_of(arrangement_id: int, requirement_id: int) -> Requirement:
    requirement = await repository.get_requirement(requirement_id)
    if requirement.arrangement_id != arrangement_id:
        raise NotFound(
            f"requirement {requirement_id} is not part of arrangement {arrangement_id}", entity="requirement"
        )
    return requirement


# --- evidence --------------------------------------------------------------------------------


async def attach_evidence(ctx: Context, data: EvidenceSubmission) -> Evidence:
    """A provider attaches evidence to a requirement. A piece in force today replaces the one
    before; a piece starting later (an early renewal) is held alongside it and takes over on its
    start day (issue 12). The scheduler is told when to look at it again, and a membership this
    requirement suspended is reinstated once everything mandatory passes again (story 5)."""
    principal = ctx.user
    provider_id = principal.org_id
    if provider_id is None:
        raise PermissionDenied("only the provider's own users attach its evidence")
    access.require_attach_evidence(principal, provider_id)
    check_evidence_dates(data.starts_on, data.expires_on)
    if data.current_ratio is not None:
        check_current_ratio(data.current_ratio)
    now = ctx.clock.now()
    if data.expires_on is not None and data.expires_on < now.date():
        raise RuleViolation("this evidence has already expired", code=ComplianceCode.EVIDENCE_EXPIRED)
    requirement = await repository.get_requirement(data.requirement_id)
    if requirement.per_setting:
        raise RuleViolation(
            "Ofsted checks read each setting's registration and grade; no evidence is attached",
            code=ComplianceCode.REQUIREMENT_TAKES_NO_EVIDENCE,
        )
    if data.document_id is not None:
        document = await accounts.get_document_row(data.document_id)
        if document.provider_id != provider_id:
            raise PermissionDenied("attach your own organisation's documents", code=ComplianceCode.NOT_YOUR_DOCUMENT)
    insurance_kind = data.insurance_kind
    if requirement.kind is RequirementKind.INSURANCE and insurance_kind is None:
        insurance_kind = requirement.insurance_kind
    async with DB.transaction():
        held = await repository.held_evidence(requirement.id, provider_id)
        draft = Evidence(
            # Provisionally after every held piece (ids only grow), so the timeline can say now
            # which held pieces this one corrects or overtakes, before it is stored.
            id=max((e.id for e in held), default=0) + 1,
            requirement_id=requirement.id,
            provider_id=provider_id,
            document_id=data.document_id,
            issuer=data.issuer,
            starts_on=data.starts_on,
            expires_on=data.expires_on,
            cover_pence=data.cover_pence,
            insurance_kind=insurance_kind,
            credit_score=data.credit_score,
            current_ratio=data.current_ratio,
            turnover_pence=data.turnover_pence,
            status="current",
            submitted_at=now,
        )
        # A piece starting later is held alongside the one in force (an early renewal); a piece
        # in force today replaces those it overtakes; the same start day is a correction.
        replaced = sorted(
            {e.id for e in corrected_by(held, draft)} | {e.id for e in overtaken([*held, draft], now.date())}
        )
        await repository.mark_replaced(replaced)
        evidence = await repository.insert_evidence(draft, principal.user_id)
        for old_id in replaced:
            await deadlines.track(EntityType.EVIDENCE, old_id, None)
        if evidence.expires_on is not None or not has_started(evidence, now.date()):
            # "Look at this soon": the scheduler's evidence rule (dps.scheduler) works out the
            # reminders (30 and 7 days before), the day a renewal takes over and the lapse, and
            # stores its next time itself.
            await deadlines.track(EntityType.EVIDENCE, evidence.id, now)
        await audit.record(
            ctx, "evidence.attached", "evidence", evidence.id, after={"evidence": evidence, "replaced": replaced}
        )
        await reinstate_if_compliant(ctx, provider_id)
    return evidence


async def on_evidence_in_force(ctx: Context, evidence_id: int) -> None:
    """The scheduler's start-day rule for a piece attached ahead of its start (an early renewal):
    from its start day it is in force, the pieces it overtakes are replaced, and memberships
    compliance suspended for a gap in cover are reinstated once every mandatory check passes.
    Idempotent; does nothing before the start day."""
    async with DB.transaction():
        evidence = await repository.get_evidence(evidence_id)
        today = ctx.clock.now().date()
        if evidence.status != "current" or not has_started(evidence, today):
            return
        held = await repository.held_evidence(evidence.requirement_id, evidence.provider_id)
        gone = [e.id for e in overtaken(held, today)]
        if gone:
            await repository.mark_replaced(gone)
            system = ctx.as_system()
            for old_id in gone:
                await deadlines.track(EntityType.EVIDENCE, old_id, None)
            await audit.record(system, "evidence.in_force", "evidence", evidence_id, after={"replaced": gone})
        await reinstate_if_compliant(ctx, evidence.provider_id)


@dataclass(frozen=True, slots=True)
class EvidenceOutlook:
    """One piece of evidence with what the timeline says about it: the renewal held that covers
    its expiry (None: none, or one that leaves a gap or falls short)."""

    evidence: Evidence
    requirement_title: str
    renewal: Evidence | None


async def evidence_outlook(evidence_id: int) -> EvidenceOutlook | None:
    """For the scheduler: a piece of evidence and the renewal covering its expiry, if any."""
    try:
        evidence = await repository.get_evidence(evidence_id)
    except NotFound:
        return None
    requirement = await repository.get_requirement(evidence.requirement_id)
    held = await repository.held_evidence_of([evidence_id])
    return EvidenceOutlook(evidence, requirement.title, renewal_covering(requirement, evidence, held))


async def renewed_evidence_ids(evidence_ids: Collection[int]) -> set[int]:
    """Of these pieces, those a held renewal covers without a gap (the deadlines view leaves them
    out: nothing is due). A fixed number of queries for any number of pieces."""
    held = await repository.held_evidence_of(evidence_ids)
    by_key = group_held(held)
    requirements = {r.id: r for r in await repository.list_requirements_by_id({e.requirement_id for e in held})}
    wanted = set(evidence_ids)
    return {
        e.id
        for e in held
        if e.id in wanted
        and renewal_covering(requirements[e.requirement_id], e, by_key[(e.requirement_id, e.provider_id)]) is not None
    }


async def councils_of(ctx: Context, provider_id: int) -> frozenset[int]:
    """The councils holding an arrangement with the provider (looked up for council staff only)."""
    if not ctx.user.is_authority_staff:
        return frozenset()
    return await repository.councils_with_arrangement(provider_id)


async def get_evidence(ctx: Context, evidence_id: int) -> Evidence:
    evidence = await repository.get_evidence(evidence_id)
    access.require_read_record(
        ctx.user, evidence.provider_id, await councils_of(ctx, evidence.provider_id), "evidence", evidence_id
    )
    return evidence


async def list_evidence(
    ctx: Context,
    limit: int,
    after_id: int,
    *,
    provider_id: int | None,
    requirement_id: int | None,
    include_replaced: bool,
) -> Page[Evidence]:
    """A provider's evidence: its own users see only their own; council staff name the provider."""
    principal = ctx.user
    if provider_id is None:
        if principal.org_kind is not OrgKind.PROVIDER or principal.org_id is None:
            raise RuleViolation("name the provider whose evidence to list", code=ComplianceCode.PROVIDER_REQUIRED)
        provider_id = principal.org_id
    access.require_read_evidence(principal, provider_id, await councils_of(ctx, provider_id))
    return await repository.list_evidence(
        limit, after_id, provider_id=provider_id, requirement_id=requirement_id, include_replaced=include_replaced
    )


# --- checks ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MembershipCompliance:
    membership: Membership
    summary: ComplianceSummary


async def membership_compliance(ctx: Context, membership_id: int) -> MembershipCompliance:
    """A membership's compliance status with every check behind it."""
    membership = await frameworks.get_membership_row(membership_id)
    access.require_read_record(
        ctx.user, membership.provider_id, await councils_of(ctx, membership.provider_id), "membership", membership_id
    )
    arrangement = await frameworks.get_arrangement_row(membership.arrangement_id)
    gathered = await facts.gather([arrangement.id], [membership.provider_id])
    summary = gathered.membership_summary(
        arrangement.id, arrangement.service_type.value, membership.provider_id, ctx.clock.now().date()
    )
    return MembershipCompliance(membership, summary)


async def arrangement_compliance(ctx: Context, arrangement_id: int) -> list[MembershipCompliance]:
    """Every membership of an arrangement with its compliance status: staff of its lead and member
    councils (and admins), not every council (issue 13 item 10)."""
    arrangement = await frameworks.get_arrangement_row(arrangement_id)
    principal = ctx.user
    frameworks.require_read_arrangement(principal, arrangement)
    if not principal.is_authority_staff:
        raise PermissionDenied("the compliance overview is for council staff")
    if not (principal.is_admin or (principal.org_id is not None and arrangement.is_member(principal.org_id))):
        raise PermissionDenied(
            "the compliance overview is for the arrangement's own councils", code=CommonCode.NOT_A_MEMBER_AUTHORITY
        )
    memberships = await frameworks.list_membership_rows(arrangement_id=arrangement_id)
    gathered = await facts.gather([arrangement_id], {m.provider_id for m in memberships})
    today = ctx.clock.now().date()
    return [
        MembershipCompliance(
            m, gathered.membership_summary(arrangement_id, arrangement.service_type.value, m.provider_id, today)
        )
        for m in memberships
    ]


async def override_check(ctx: Context, arrangement_id: int, data: OverrideDecision) -> MembershipComplianceList:
    """An officer of the lead authority replaces a check's result, with the reason (audited)."""
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
        frameworks.require_manage_arrangement(ctx.user, arrangement)
        requirement = await _requirement_of(arrangement_id, data.requirement_id)
        if requirement.per_setting and data.setting_id is None:
            raise RuleViolation("name the setting whose Ofsted check to override", code=ComplianceCode.SETTING_REQUIRED)
        if not requirement.per_setting and data.setting_id is not None:
            raise RuleViolation(
                "this check is made for the provider, not a setting", code=ComplianceCode.SETTING_NOT_EXPECTED
            )
        if data.setting_id is not None:
            setting = await accounts.get_setting_row(data.setting_id)
            if setting.provider_id != data.provider_id:
                raise RuleViolation(
                    "the setting belongs to another provider", code=ComplianceCode.SETTING_NOT_OF_PROVIDER
                )
        override = Override(
            requirement_id=requirement.id,
            provider_id=data.provider_id,
            setting_id=data.setting_id,
            outcome=data.outcome,
            reason=data.reason,
            decided_by=ctx.user.user_id,
            decided_at=ctx.clock.now(),
        )
        await repository.insert_override(override)
        await audit.record(ctx, "check.overridden", "requirement", requirement.id, after=override)
        await reinstate_if_compliant(ctx, data.provider_id)
    return MembershipComplianceList(
        [x for x in await arrangement_compliance(ctx, arrangement_id) if x.membership.provider_id == data.provider_id]
    )


@dataclass(frozen=True, slots=True)
class MembershipComplianceList:
    items: list[MembershipCompliance]


# --- expiry and reinstatement ----------------------------------------------------------------


async def on_evidence_expired(ctx: Context, evidence_id: int) -> None:
    """The scheduler's expiry rule: mark the evidence expired and, when its requirement is
    mandatory and now fails, suspend the provider's active memberships of that arrangement and
    tell the provider and the lead authority's officers. Idempotent; does nothing before the
    evidence has actually lapsed (a certificate is good through its expiry date)."""
    async with DB.transaction():
        evidence = await repository.get_evidence(evidence_id, for_update=True)
        now = ctx.clock.now()
        if evidence.status != "current" or not evidence.is_expired_on(now.date()):
            return
        await repository.set_evidence_status(evidence_id, "expired")
        await deadlines.track(EntityType.EVIDENCE, evidence_id, None)
        system = ctx.as_system()
        await audit.record(system, "evidence.expired", "evidence", evidence_id, before=evidence)
        requirement = await repository.get_requirement(evidence.requirement_id)
        if not requirement.mandatory:
            return
        gathered = await facts.gather([requirement.arrangement_id], [evidence.provider_id])
        result = next(
            r
            for r in gathered.provider_results(requirement.arrangement_id, evidence.provider_id, now.date())
            if r.requirement_id == requirement.id
        )
        if result.outcome is Outcome.PASS:
            return  # an officer's override still stands
        reason = f"compliance: '{requirement.title}' expired on {evidence.expires_on}"
        suspended = await suspend_memberships(
            system,
            provider_id=evidence.provider_id,
            arrangement_ids=[requirement.arrangement_id],
            cause=EVIDENCE_EXPIRED,
            requirement_id=requirement.id,
            setting_id=None,
            reason=reason,
        )
        arrangement = await frameworks.get_arrangement_row(requirement.arrangement_id)
        recipients = await accounts.recipients_of_provider(evidence.provider_id)
        recipients += await accounts.recipients_of_authority(
            arrangement.lead_authority_id, OFFICERS | {Role.COMMISSIONER}
        )
        await notify(
            recipients,
            kind="evidence.expired",
            key=f"evidence:{evidence_id}:expired",
            subject=f"Evidence expired: {requirement.title}",
            body=(
                f"{requirement.title} (evidence {evidence_id}) expired on {evidence.expires_on}. "
                f"{len(suspended)} membership(s) of {arrangement.title} are suspended until new evidence is attached."
            ),
            link_path=f"/api/v1/compliance/evidence/{evidence_id}",
            at=now,
        )


async def suspend_memberships(
    system: Context,
    *,
    provider_id: int,
    arrangement_ids: list[int],
    cause: str,
    requirement_id: int | None,
    setting_id: int | None,
    reason: str,
) -> list[int]:
    """Suspend the provider's active memberships in these arrangements, remembering why so the
    same rule can lift the suspension later; returns the memberships suspended."""
    suspended: list[int] = []
    for arrangement_id in arrangement_ids:
        for m in await frameworks.list_membership_rows(
            provider_id=provider_id, arrangement_id=arrangement_id, status=MembershipStatus.ACTIVE
        ):
            await change_membership_status(system, m.id, MembershipStatus.SUSPENDED, reason)
            await repository.open_suspension(m.id, cause, requirement_id, setting_id, system.clock.now())
            suspended.append(m.id)
    return suspended


async def reinstate_if_compliant(ctx: Context, provider_id: int) -> list[int]:
    """Reinstate the provider's memberships that compliance suspended, once every mandatory check
    passes again; returns the memberships reinstated. Runs inside the caller's transaction."""
    open_suspensions = await repository.open_suspensions_of_provider(provider_id)
    if not open_suspensions:
        return []
    reinstated: list[int] = []
    system = ctx.as_system()
    by_membership: dict[int, list[repository.OpenSuspension]] = {}
    for s in open_suspensions:
        by_membership.setdefault(s.membership_id, []).append(s)
    async with DB.transaction():
        for membership_id, suspensions in by_membership.items():
            membership = await frameworks.get_membership_row(membership_id)
            now = ctx.clock.now()
            if membership.status is MembershipStatus.SUSPENDED:
                arrangement = await frameworks.get_arrangement_row(membership.arrangement_id)
                gathered = await facts.gather([arrangement.id], [provider_id])
                summary = gathered.membership_summary(
                    arrangement.id, arrangement.service_type.value, provider_id, now.date()
                )
                if summary.failing:
                    continue
                await change_membership_status(
                    system, membership_id, MembershipStatus.ACTIVE, "compliance restored: every mandatory check passes"
                )
                reinstated.append(membership_id)
            # Lifted either way: a membership someone else reinstated or removed is no longer ours to hold.
            for s in suspensions:
                await repository.lift_suspension(s.id, now)
    return reinstated
