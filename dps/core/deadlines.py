"""The deadline tracker: when the scheduler should next look at an entity.

One row per entity in `deadline_checks(entity_type, entity_id, next_check_at)`. The scheduler
(`dps.scheduler`) sweeps the rows whose `next_check_at <= now` by index, hands each to the rule
handler registered for its `entity_type`, and the handler sets the next time.

The contract for callers (services of other packages): whenever something the scheduler watches
is set or changes (an application is submitted, an arrangement is published or its term or
reopening windows change, ...), call, inside your transaction,

    await deadlines.track(EntityType.APPLICATION, application.id, ctx.clock.now())

meaning "look at this soon". You do not compute reminder dates: the handler reads the entity's
current state at the next sweep, sends whatever is due and stores the real next check time (or
stops tracking when nothing is left to watch). Passing `None` stops tracking explicitly.

The entity types are `EntityType` (their values are what the stored rows hold).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from piccolo.querystring import QueryString

from dps.core.db import DB


class EntityType(StrEnum):
    """What a row of deadline_checks watches; each has one handler in the scheduler."""

    APPLICATION = "application"
    ARRANGEMENT = "arrangement"
    EVIDENCE = "evidence"
    MEMBERSHIP_REACCREDITATION = "membership_reaccreditation"
    SETTING_OFSTED = "setting_ofsted"
    CONCERN = "concern"
    CALL_OFF = "call_off"
    PLACEMENT = "placement"
    CONTRACT = "contract"
    TRANSPARENCY_NOTICE = "transparency_notice"


_UPSERT_SQL = """
INSERT INTO deadline_checks (entity_type, entity_id, next_check_at) VALUES ({}, {}, {})
ON CONFLICT (entity_type, entity_id) DO UPDATE SET next_check_at = EXCLUDED.next_check_at
"""


async def track(entity_type: EntityType, entity_id: int, next_check_at: datetime | None) -> None:
    """Upsert the time the scheduler should next look at this entity (None stops tracking).
    Call inside the caller's transaction whenever a date the scheduler watches is set/changed."""
    if next_check_at is None:
        await DB.run_querystring(
            QueryString("DELETE FROM deadline_checks WHERE entity_type = {} AND entity_id = {}", entity_type, entity_id)
        )
        return
    if next_check_at.tzinfo is None:
        raise ValueError("next_check_at must be timezone-aware")
    await DB.run_querystring(QueryString(_UPSERT_SQL, entity_type, entity_id, next_check_at))


async def next_check(entity_type: EntityType, entity_id: int) -> datetime | None:
    """When the scheduler will next look at this entity (None: not tracked)."""
    rows = await DB.run_querystring(
        QueryString(
            "SELECT next_check_at FROM deadline_checks WHERE entity_type = {} AND entity_id = {}",
            entity_type,
            entity_id,
        )
    )
    return rows[0]["next_check_at"] if rows else None
