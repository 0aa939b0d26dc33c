"""Quality visits (Eastern consortium Forms A-D) and the action plans their findings open."""

from __future__ import annotations

from typing import Any

from dps.accounts import public as accounts
from dps.compliance import access, repository
from dps.compliance.codes import ComplianceCode
from dps.compliance.domain.concerns import ActionStatus, VisitForm, check_action_due, check_action_move
from dps.compliance.domain.visits import FORM_FIELDS, ActionItem, Visit, VisitReport
from dps.compliance.services.checks import councils_of
from dps.core import audit
from dps.core.auth import OrgKind
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import RuleViolation


def form_details(data: VisitReport) -> dict[str, Any]:
    """The form's own fields: each required, none from another form."""
    given = set(data.answers)
    wanted = FORM_FIELDS[data.form]
    if given - wanted:
        raise RuleViolation(
            f"form {data.form.value} does not record: {', '.join(sorted(given - wanted))}",
            code=ComplianceCode.FIELD_NOT_IN_FORM,
        )
    missing = sorted(wanted - given)
    if data.form is not VisitForm.B and missing:
        raise RuleViolation(f"form {data.form.value} needs: {', '.join(missing)}", code=ComplianceCode.FORM_INCOMPLETE)
    if data.form is VisitForm.B and "checklist" not in given:
        raise RuleViolation("form B needs the checklist of items verified", code=ComplianceCode.FORM_INCOMPLETE)
    return {f: data.answers[f] for f in sorted(wanted) if f in given}


async def record_visit(ctx: Context, setting_id: int, data: VisitReport) -> tuple[Visit, list[ActionItem]]:
    """Record one form for a setting, once, for every council to see; findings open action items."""
    setting = await accounts.get_setting_row(setting_id)
    principal = ctx.user
    access.require_record_visit(principal, data.form, setting.provider_id, await councils_of(ctx, setting.provider_id))
    details = form_details(data)
    now = ctx.clock.now()
    if data.visited_on > now.date():
        raise RuleViolation("the visit date cannot be in the future", code=ComplianceCode.VISIT_IN_FUTURE)
    for finding in data.findings:
        check_action_due(finding.due_on, data.visited_on)
    async with DB.transaction():
        visit = await repository.insert_visit(
            Visit(
                id=0,
                setting_id=setting_id,
                provider_id=setting.provider_id,
                form=data.form,
                visited_on=data.visited_on,
                authority_id=principal.org_id if principal.org_kind is OrgKind.AUTHORITY else None,
                recorded_by=principal.user_id,
                summary=data.summary,
                details=details,
                recorded_at=now,
            )
        )
        actions = [await repository.insert_action(visit.id, f.finding, f.owner, f.due_on, now) for f in data.findings]
        await audit.record(ctx, "visit.recorded", "visit", visit.id, after={"visit": visit, "actions": actions})
    return visit, actions


async def list_visits(ctx: Context, setting_id: int) -> tuple[list[Visit], list[ActionItem]]:
    setting = await accounts.get_setting_row(setting_id)
    access.require_read_visits(ctx.user, setting.provider_id, await councils_of(ctx, setting.provider_id))
    visits = await repository.list_visits(setting_id)
    return visits, await repository.actions_of_visits([v.id for v in visits])


async def move_action(ctx: Context, action_id: int, target: ActionStatus) -> ActionItem:
    """Move an action-plan item (open, in progress, done)."""
    async with DB.transaction():
        before = await repository.get_action(action_id, for_update=True)
        visit = await repository.get_visit(before.visit_id)
        councils = await councils_of(ctx, visit.provider_id)
        access.require_update_action(ctx.user, visit.provider_id, visit.authority_id, councils, action_id)
        check_action_move(before.status, target)
        await repository.set_action_status(action_id, target, before.version + 1, ctx.clock.now())
        after = await repository.get_action(action_id)
        await audit.record(ctx, "action_item.moved", "action_item", action_id, before=before, after=after)
    return after
