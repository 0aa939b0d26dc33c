"""Council staff's home page: what needs doing now, soonest deadline first (the same deadlines
view the API's /api/v1/deadlines gives), and for commissioners their placement requests by
what each one waits for."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.response import Template

from dps.core.auth import Role
from dps.core.deadlines import EntityType
from dps.core.pagination import MAX_LIMIT
from dps.portal.council_nav import areas_off_the_menu
from dps.portal.web import Portal, page
from dps.scheduler.public import Deadline, my_deadlines
from dps.tenders import public as tenders
from dps.tenders.domain.call_offs import ENDED, CallOff, CallOffStatus

# What a commissioner does next with a placement request, by its state.
NEXT_STEP: dict[CallOffStatus, str] = {
    CallOffStatus.DRAFT: "Check who would be invited, then publish",
    CallOffStatus.PUBLISHED: "Offers are sealed until the deadline",
    CallOffStatus.CLOSED: "Offers are open: evaluate them",
    CallOffStatus.EVALUATED: "Offers are scored: award",
    CallOffStatus.AWARDED: "Standstill: the placement starts when it ends",
}


@dataclass(frozen=True, slots=True)
class Task:
    """One row of the home page's list: a deadline, with the portal's page for it when there is one."""

    deadline: Deadline
    href: str | None

    @property
    def time_left(self) -> str:
        d = self.deadline
        if d.overdue:
            late = -d.days_left
            return "Due today" if late == 0 else f"{late} day{'s' if late != 1 else ''} overdue"
        if d.working_days_left is not None:
            n = d.working_days_left
            return f"{n} working day{'s' if n != 1 else ''} left"
        n = d.days_left
        return "Due today" if n == 0 else f"{n} day{'s' if n != 1 else ''} left"


def portal_path(deadline: Deadline, role: Role) -> str | None:
    """The portal page a deadline is about, where the portal has one for this role."""
    if deadline.entity_type is EntityType.CALL_OFF and role in {Role.COMMISSIONER, Role.ADMIN}:
        return f"/council/placement-requests/{deadline.entity_id}"
    if deadline.entity_type is EntityType.APPLICATION and role is Role.PROCUREMENT_OFFICER:
        return "/council/applications"
    return None


async def home(portal: Portal) -> Template:
    """The home page of a council officer (or a platform administrator)."""
    principal = portal.signed_in()
    tasks = [Task(d, portal_path(d, principal.role)) for d in await my_deadlines(portal.ctx)]
    requests: list[CallOff] = []
    if principal.role is Role.COMMISSIONER:
        found = await tenders.list_call_offs(portal.ctx, MAX_LIMIT, 0, None)
        requests = sorted(
            (c for c in found.items if c.status not in ENDED),
            key=lambda c: (c.deadline, c.id),
        )
    return page(
        portal,
        "council/home.html",
        tasks=tasks,
        overdue=sum(1 for t in tasks if t.deadline.overdue),
        requests=requests,
        next_step=NEXT_STEP,
        role=principal.role,
        areas=areas_off_the_menu(principal.role),
    )
