"""Procurement officers' compliance dashboard (stories 5 and 6): per arrangement, the memberships
that are non-compliant or expiring with the checks that fail; one membership's checks with an
override (and its reason), suspending and reinstating it with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.compliance import public as compliance
from dps.compliance.domain.requirements import ComplianceStatus, Outcome, Requirement
from dps.compliance.public import MembershipCompliance, OverrideIn
from dps.core.auth import Role
from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.domain.arrangements import Arrangement
from dps.portal.commissioners import problem
from dps.portal.forms import Form
from dps.portal.web import Portal, page, redirect

BASE = "/council/compliance"

STATUS_WORDS: dict[ComplianceStatus, str] = {
    ComplianceStatus.COMPLIANT: "Compliant",
    ComplianceStatus.EXPIRING: "Expiring within 30 days",
    ComplianceStatus.NON_COMPLIANT: "Not compliant",
}
# The Design System's tag colour for each status.
STATUS_TAGS: dict[ComplianceStatus, str] = {
    ComplianceStatus.COMPLIANT: "govuk-tag--green",
    ComplianceStatus.EXPIRING: "govuk-tag--yellow",
    ComplianceStatus.NON_COMPLIANT: "govuk-tag--red",
}
OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.PASS: "Passed",
    Outcome.FAIL: "Failed",
    Outcome.REVIEW: "Needs an officer's review",
    Outcome.MISSING: "Evidence missing",
    Outcome.EXPIRED: "Evidence expired",
}
MEMBERSHIP_WORDS: dict[MembershipStatus, str] = {
    MembershipStatus.ACTIVE: "Active",
    MembershipStatus.SUSPENDED: "Suspended",
    MembershipStatus.REMOVED: "Removed",
    MembershipStatus.EXPIRED: "Expired",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One membership on the dashboard with what its checks say."""

    compliance: MembershipCompliance
    provider: str
    lot: str

    @property
    def membership(self) -> Any:
        return self.compliance.membership


def _officer(portal: Portal) -> None:
    portal.council_staff(Role.PROCUREMENT_OFFICER)


async def _arrangements(portal: Portal) -> list[Arrangement]:
    found = await frameworks.list_arrangements(portal.ctx, MAX_LIMIT, 0, None)
    return sorted(found.items, key=lambda a: a.id)


async def _rows(portal: Portal, arrangement: Arrangement) -> list[Row]:
    found = await compliance.arrangement_compliance(portal.ctx, arrangement.id)
    listed = await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)
    lots = {lot.id: f"{lot.code}: {lot.title}" for lot in listed.items}
    names = await accounts.get_providers(portal.ctx, {c.membership.provider_id for c in found})
    rows = [Row(c, names[c.membership.provider_id].legal_name, lots.get(c.membership.lot_id, "")) for c in found]
    order = {ComplianceStatus.NON_COMPLIANT: 0, ComplianceStatus.EXPIRING: 1, ComplianceStatus.COMPLIANT: 2}
    rows.sort(key=lambda r: (order[r.compliance.summary.status], r.provider, r.membership.id))
    return rows


async def _requirements(portal: Portal, arrangement_id: int) -> dict[int, Requirement]:
    return {r.id: r for r in await compliance.list_requirements(portal.ctx, arrangement_id)}


class CompliancePages(Controller):
    path = BASE

    @get("/", name="council_compliance")
    async def dashboard(self, portal: NamedDependency[Portal], arrangement: FromQuery[str] = "") -> Template:
        """Memberships that are not compliant or are expiring, with the checks that fail."""
        _officer(portal)
        listed = await _arrangements(portal)
        chosen = next((a for a in listed if str(a.id) == arrangement), listed[0] if listed else None)
        rows = await _rows(portal, chosen) if chosen else []
        attention = [r for r in rows if r.compliance.summary.status is not ComplianceStatus.COMPLIANT]
        suspended = [r for r in rows if r.membership.status is MembershipStatus.SUSPENDED and r not in attention]
        requirements = await _requirements(portal, chosen.id) if chosen else {}
        return page(
            portal,
            "council/compliance/dashboard.html",
            arrangements=listed,
            chosen=chosen,
            attention=attention,
            suspended=suspended,
            compliant=len(rows) - len(attention),
            requirements=requirements,
            status_words=STATUS_WORDS,
            status_tags=STATUS_TAGS,
            outcome_words=OUTCOME_WORDS,
            membership_words=MEMBERSHIP_WORDS,
            form=Form(values={"arrangement": str(chosen.id) if chosen else ""}),
        )

    @get("/memberships/{membership_id:int}", name="council_membership")
    async def membership(self, portal: NamedDependency[Portal], membership_id: FromPath[int]) -> Template:
        _officer(portal)
        return await _membership_page(portal, membership_id, Form(), Form())

    @post("/memberships/{membership_id:int}/override", status_code=303)
    async def override(self, portal: NamedDependency[Portal], membership_id: FromPath[int]) -> Template | Redirect:
        """Replace a check's result with the officer's decision and its reason (audited)."""
        _officer(portal)
        found = await frameworks.get_membership(portal.ctx, membership_id)
        form = Form.of(await portal.request.form())
        # "requirement" or "requirement:setting" (an Ofsted check is made per setting)
        requirement, _, setting = form.get("requirement_id").partition(":")
        if not requirement.isdigit():
            form.error("requirement_id", "Select the check to override")
        outcome = next((o for o in (Outcome.PASS, Outcome.FAIL) if o.value == form.get("outcome")), None)
        if outcome is None:
            form.error("outcome", "Select whether the check passes or fails")
        reason = form.required("reason", "Give the reason for overriding the check")
        if form.ok and outcome is not None:
            try:
                await compliance.override_check(
                    portal.ctx,
                    found.arrangement_id,
                    OverrideIn(
                        requirement_id=int(requirement),
                        provider_id=found.provider_id,
                        setting_id=int(setting) if setting.isdigit() else None,
                        outcome=outcome,
                        reason=reason,
                    ).to_domain(),
                )
            except DomainError as exc:
                problem(form, exc, "requirement_id")
            else:
                return redirect(portal, f"{BASE}/memberships/{membership_id}", banner="check_overridden")
        return await _membership_page(portal, membership_id, form, Form(), status=400)

    @post("/memberships/{membership_id:int}/status", status_code=303)
    async def change_status(self, portal: NamedDependency[Portal], membership_id: FromPath[int]) -> Template | Redirect:
        """Suspend an active membership, or reinstate a suspended one, with the reason."""
        _officer(portal)
        found = await frameworks.get_membership(portal.ctx, membership_id)
        form = Form.of(await portal.request.form())
        target = MembershipStatus.ACTIVE if found.status is MembershipStatus.SUSPENDED else MembershipStatus.SUSPENDED
        what = "reinstating" if target is MembershipStatus.ACTIVE else "suspending"
        reason = form.required("status_reason", f"Give the reason for {what} the membership")
        if form.ok:
            try:
                await frameworks.change_membership_status(portal.ctx, membership_id, target, reason)
            except DomainError as exc:
                problem(form, exc, "status_reason")
            else:
                banner = "membership_reinstated" if target is MembershipStatus.ACTIVE else "membership_suspended"
                return redirect(portal, f"{BASE}/memberships/{membership_id}", banner=banner)
        return await _membership_page(portal, membership_id, Form(), form, status=400)


async def _membership_page(
    portal: Portal, membership_id: int, override_form: Form, status_form: Form, status: int = 200
) -> Template:
    found = await compliance.membership_compliance(portal.ctx, membership_id)
    membership = found.membership
    arrangement = await frameworks.get_arrangement(portal.ctx, membership.arrangement_id)
    lots = await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)
    lot = next((x for x in lots.items if x.id == membership.lot_id), None)
    provider = await accounts.get_provider(portal.ctx, membership.provider_id)
    requirements = await _requirements(portal, arrangement.id)
    settings = await accounts.list_settings(portal.ctx, membership.provider_id, MAX_LIMIT, 0)
    setting_names = {s.id: s.name for s in settings.items}
    # Both forms share the page's error summary: the one that was posted carries the errors.
    combined = Form(
        values={**override_form.values, **status_form.values},
        errors={**override_form.errors, **status_form.errors},
    )
    return page(
        portal,
        "council/compliance/membership.html",
        status_code=status,
        compliance=found,
        membership=membership,
        arrangement=arrangement,
        lot=lot,
        provider=provider,
        requirements=requirements,
        setting_names=setting_names,
        check_options=[
            (str(r.requirement_id) + (f":{r.setting_id}" if r.setting_id else ""), r) for r in found.summary.results
        ],
        status_words=STATUS_WORDS,
        status_tags=STATUS_TAGS,
        outcome_words=OUTCOME_WORDS,
        membership_words=MEMBERSHIP_WORDS,
        suspended=membership.status is MembershipStatus.SUSPENDED,
        active=membership.status is MembershipStatus.ACTIVE,
        form=combined,
    )


CONTROLLERS: list[Any] = [CompliancePages]
