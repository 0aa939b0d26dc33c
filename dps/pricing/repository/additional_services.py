"""An arrangement's additional services (`additional_services`) <-> `AdditionalService`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from asyncpg.exceptions import UniqueViolationError

from dps.core.rows import one_row
from dps.pricing import tables as t
from dps.pricing.domain.rate_cards import AdditionalService, ServiceUnit
from dps.pricing.repository._rows import _conflict


async def get_service(service_id: int, *, for_update: bool = False) -> AdditionalService:
    row = await one_row(
        t.AdditionalService,
        (t.AdditionalService.id == service_id) & t.AdditionalService.withdrawn_at.is_null(),
        entity="additional_service",
        detail=f"additional service {service_id} does not exist",
        for_update=for_update,
    )
    return _service(row)


async def delete_service(service_id: int) -> None:
    await t.AdditionalService.delete().where(t.AdditionalService.id == service_id)


async def withdraw_service(service_id: int, at: datetime, reason: str) -> None:
    await t.AdditionalService.update(
        {t.AdditionalService.withdrawn_at: at, t.AdditionalService.withdrawn_reason: reason}
    ).where(t.AdditionalService.id == service_id)


def _service(row: dict[str, Any]) -> AdditionalService:
    return AdditionalService(
        id=row["id"],
        arrangement_id=row["arrangement"],
        code=row["code"],
        name=row["name"],
        unit=ServiceUnit(row["unit"]),
        description=row["description"],
    )


async def insert_service(service: AdditionalService, at: datetime) -> AdditionalService:
    try:
        rows = await t.AdditionalService.insert(
            t.AdditionalService(
                arrangement=service.arrangement_id,
                code=service.code,
                name=service.name,
                unit=service.unit.value,
                description=service.description,
                created_at=at,
            )
        ).returning(*t.AdditionalService.all_columns())
    except UniqueViolationError as error:
        raise _conflict(error) from error
    return _service(rows[0])


async def list_services(arrangement_id: int) -> list[AdditionalService]:
    """The catalogue offered now (withdrawn services are kept but no longer offered)."""
    rows = (
        await t.AdditionalService.select()
        .where((t.AdditionalService.arrangement == arrangement_id) & t.AdditionalService.withdrawn_at.is_null())
        .order_by(t.AdditionalService.id)
    )
    return [_service(r) for r in rows]
