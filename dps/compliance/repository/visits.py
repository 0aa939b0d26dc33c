"""Quality visit rows (`quality_visits`) and action plan items (`action_plan_items`) <-> `Visit`, `ActionItem`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import msgspec

from dps.compliance import tables as t
from dps.compliance.domain.concerns import ActionStatus, VisitForm
from dps.compliance.domain.visits import ActionItem, Visit
from dps.core.rows import json_value, one_row


def _visit(row: dict[str, Any]) -> Visit:
    details = row["details"]
    return Visit(
        id=row["id"],
        setting_id=row["setting"],
        provider_id=row["provider"],
        form=VisitForm(row["form"]),
        visited_on=row["visited_on"],
        authority_id=row["authority"],
        recorded_by=row["recorded_by"],
        summary=row["summary"],
        details=json_value(details),
        recorded_at=row["recorded_at"],
    )


async def insert_visit(v: Visit) -> Visit:
    rows = await t.Visit.insert(
        t.Visit(
            setting=v.setting_id,
            provider=v.provider_id,
            form=v.form.value,
            visited_on=v.visited_on,
            authority=v.authority_id,
            recorded_by=v.recorded_by,
            summary=v.summary,
            details=msgspec.json.encode(v.details).decode(),
            recorded_at=v.recorded_at,
        )
    ).returning(*t.Visit.all_columns())
    return _visit(rows[0])


async def get_visit(visit_id: int) -> Visit:
    row = await one_row(t.Visit, t.Visit.id == visit_id, entity="visit", detail=f"visit {visit_id} does not exist")
    return _visit(row)


async def list_visits(setting_id: int) -> list[Visit]:
    rows = await t.Visit.select().where(t.Visit.setting == setting_id).order_by(t.Visit.id)
    return [_visit(r) for r in rows]


def _action(row: dict[str, Any]) -> ActionItem:
    return ActionItem(
        id=row["id"],
        visit_id=row["visit"],
        finding=row["finding"],
        owner=row["owner"],
        due_on=row["due_on"],
        status=ActionStatus(row["status"]),
        version=row["version"],
    )


async def insert_action(visit_id: int, finding: str, owner: str, due_on: date, at: datetime) -> ActionItem:
    rows = await t.ActionItem.insert(
        t.ActionItem(
            visit=visit_id, finding=finding, owner=owner, due_on=due_on, status=ActionStatus.OPEN.value, updated_at=at
        )
    ).returning(*t.ActionItem.all_columns())
    return _action(rows[0])


async def get_action(action_id: int, *, for_update: bool = False) -> ActionItem:
    row = await one_row(
        t.ActionItem,
        t.ActionItem.id == action_id,
        entity="action_item",
        detail=f"action item {action_id} does not exist",
        for_update=for_update,
    )
    return _action(row)


async def set_action_status(action_id: int, status: ActionStatus, version: int, at: datetime) -> None:
    await t.ActionItem.update(
        {t.ActionItem.status: status.value, t.ActionItem.version: version, t.ActionItem.updated_at: at}
    ).where(t.ActionItem.id == action_id)


async def actions_of_visits(visit_ids: Collection[int]) -> list[ActionItem]:
    if not visit_ids:
        return []
    rows = await t.ActionItem.select().where(t.ActionItem.visit.is_in(list(visit_ids))).order_by(t.ActionItem.id)
    return [_action(r) for r in rows]
