"""Routes of the scheduler package: the deadlines view."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.di import NamedDependency
from msgspec import Struct

from dps.core.context import Context
from dps.core.http import signed_in
from dps.scheduler import services


class DeadlineOut(Struct, kw_only=True):
    kind: str
    entity_type: str
    entity_id: int
    title: str
    due_on: date
    days_left: int
    working_days_left: int | None
    overdue: bool
    link_path: str


class DeadlineList(Struct, kw_only=True):
    items: list[DeadlineOut]


class DeadlineController(Controller):
    path = "/api/v1/deadlines"
    guards = [signed_in]
    tags = ["Deadlines"]

    @get("/", operation_id="ListDeadlines")
    async def list_(self, ctx: NamedDependency[Context]) -> DeadlineList:
        """What falls due for your organisation, soonest first. Council staff: decisions due on
        applications to arrangements your council leads (with working days left on its calendar),
        term ends within 6 months of arrangements it leads or joins, members' evidence expiring
        within 30 days, your council's call-off deadlines and standstill ends, and your placements'
        recorded ends. Providers: your own applications' decision dates, the ends of arrangements
        you are a member of, your evidence expiring within 30 days, deadlines of call-offs you are
        invited to, and your placements' ends."""
        found = await services.my_deadlines(ctx)
        return DeadlineList(
            items=[
                DeadlineOut(
                    kind=d.kind,
                    entity_type=d.entity_type,
                    entity_id=d.entity_id,
                    title=d.title,
                    due_on=d.due_on,
                    days_left=d.days_left,
                    working_days_left=d.working_days_left,
                    overdue=d.overdue,
                    link_path=d.link_path,
                )
                for d in found
            ]
        )
