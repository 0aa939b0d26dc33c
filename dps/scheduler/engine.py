"""The sweep: look at every entity whose `next_check_at` has come, once, safely.

One transaction per batch:
1. `pg_try_advisory_xact_lock(SWEEP_LOCK)`: a second instance running at the same moment gets
   False and skips the sweep (it does not wait), so two schedulers never both act.
2. Select up to `batch_size` due rows of `deadline_checks` by its `next_check_at` index.
3. Hand each row to the handler registered for its `entity_type` (HANDLERS); the handler applies
   the pure rules, notifies (deterministic keys) and returns the next check time.
4. Store the next times (None stops tracking), count what the batch did (the audit events and
   notifications it wrote, see `dps.scheduler.domain_actions`) and commit: the notifications,
   the transitions, their audit events and the new times commit together.

If a handler raises, its batch rolls back whole (nothing half-done is kept); the failing row
alone is then put off for FAILURE_RETRY, logged, and the error re-raised, so the rest is done by
the next sweep and one broken entity never blocks the others. Rules are idempotent (see
`dps.scheduler.domain`), so running again at the same `now` sends nothing new.
An unknown entity_type is logged and its row put off by a day; it never stops the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dps.core.context import Context
from dps.core.db import DB
from dps.core.deadlines import EntityType
from dps.scheduler import repository, rules_compliance, rules_frameworks, rules_tenders, rules_transparency
from dps.scheduler.domain_actions import PassActions, tally

log = logging.getLogger(__name__)

Handler = Callable[[Context, int, datetime], Awaitable[datetime | None]]

# Keyed by EntityType (a StrEnum: a row's stored text finds its handler); tests may pass others.
HANDLERS: dict[str, Handler] = {
    EntityType.APPLICATION: rules_frameworks.check_application,
    EntityType.ARRANGEMENT: rules_frameworks.check_arrangement,
    EntityType.CALL_OFF: rules_tenders.check_call_off,
    EntityType.PLACEMENT: rules_tenders.check_placement,
    EntityType.CONTRACT: rules_tenders.check_contract,
    EntityType.EVIDENCE: rules_compliance.check_evidence,
    EntityType.CONCERN: rules_compliance.check_concern,
    EntityType.MEMBERSHIP_REACCREDITATION: rules_compliance.check_reaccreditation,
    EntityType.SETTING_OFSTED: rules_compliance.check_ofsted_census,
    EntityType.TRANSPARENCY_NOTICE: rules_transparency.check_notice,
}

# Rows that always exist: the daily bulk checks no other package tracks (the Ofsted census reads
# every setting's last inspection date). The first sweep creates them, due at once.
STANDING_CHECKS: list[tuple[str, int]] = [(EntityType.SETTING_OFSTED, rules_compliance.OFSTED_CENSUS_ID)]

DEFAULT_BATCH = 500
UNKNOWN_TYPE_RETRY = timedelta(days=1)
FAILURE_RETRY = timedelta(minutes=15)
# A handler must move its row into the future, or the sweep would pick it up again at once.
MIN_STEP = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SweepResult:
    checked: int
    batches: int
    unknown: int
    skipped: bool  # another instance held the sweep lock
    actions: PassActions = field(default_factory=PassActions)  # what the committed batches did, per action


async def sweep(
    ctx: Context, *, handlers: Mapping[str, Handler] | None = None, batch_size: int = DEFAULT_BATCH
) -> SweepResult:
    """Process every row due at `ctx.clock.now()`, batch by batch (see the module docstring)."""
    table = HANDLERS if handlers is None else handlers
    system = ctx.as_system()
    now = ctx.clock.now()
    checked = batches = unknown = 0
    actions = PassActions()
    while True:
        current: repository.DueCheck | None = None
        try:
            async with DB.transaction():
                if not await repository.try_sweep_lock():
                    log.info("another scheduler is sweeping; skipped")
                    return SweepResult(checked, batches, unknown, skipped=True, actions=actions)
                written_after = await repository.newest_written_ids()
                standing = [c for c in STANDING_CHECKS if c[0] in table]
                if batches == 0 and standing:
                    await repository.ensure_tracked(standing, now)
                rows = await repository.due_checks(now, batch_size)
                results: list[tuple[str, int, datetime | None]] = []
                for row in rows:
                    current = row
                    handler = table.get(row.entity_type)
                    if handler is None:
                        log.error(
                            "no deadline handler for %r (id %s); looking again in a day", row.entity_type, row.entity_id
                        )
                        unknown += 1
                        next_at: datetime | None = now + UNKNOWN_TYPE_RETRY
                    else:
                        next_at = await handler(system, row.entity_id, now)
                        if next_at is not None and next_at <= now:
                            log.warning(
                                "%s %s asked to be checked again at once; in a minute instead",
                                row.entity_type,
                                row.entity_id,
                            )
                            next_at = now + MIN_STEP
                    results.append((row.entity_type, row.entity_id, next_at))
                current = None
                await repository.set_next_checks(results)
                done = tally(*await repository.written_in_this_transaction(*written_after))
        except Exception:
            if current is not None:
                log.exception(
                    "deadline check of %s %s failed; batch rolled back", current.entity_type, current.entity_id
                )
                async with DB.transaction():
                    await repository.set_next_checks([(current.entity_type, current.entity_id, now + FAILURE_RETRY)])
            raise
        checked += len(rows)
        batches += 1
        actions += done
        if len(rows) < batch_size:
            return SweepResult(checked, batches, unknown, skipped=False, actions=actions)
