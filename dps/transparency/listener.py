"""Transparency's `ChangeListener`: each audited change that matters to a contracting process
writes that process's next release (and the notices it calls for) in the change's transaction.

`audit.record` calls `changed()` right after writing the audit event (dps/core/changes.py), so the
release commits or rolls back with the change it reports. Actions not listed here return at once.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from dps.core import deadlines
from dps.core.context import Context
from dps.core.deadlines import EntityType
from dps.transparency import repository
from dps.transparency.config import TransparencyConfig
from dps.transparency.domain import notices
from dps.transparency.domain.facts import PlacementFacts
from dps.transparency.domain.releases import arrangement_release, call_off_release, placement_release

# The release tags each action's release carries (OCDS releaseTag codelist, closed).
ARRANGEMENT_TAGS: dict[str, list[str]] = {
    "arrangement.published": ["tender"],
    "arrangement.updated": ["tenderAmendment"],
    "arrangement.closed": ["tenderUpdate"],
    "arrangement.suspended": ["tenderUpdate"],
    "arrangement.resumed": ["tenderUpdate"],
    "arrangement.expired": ["tenderUpdate"],
    "lot.created": ["tenderAmendment"],
    "lot.updated": ["tenderAmendment"],
    "membership.started": ["awardUpdate", "contractAmendment"],
    "membership.suspended": ["awardUpdate"],
    "membership.suspended_for_refresh": ["awardUpdate"],
    "membership.reinstated": ["awardUpdate"],
    "membership.removed": ["awardUpdate", "contractAmendment"],
    "membership.expired": ["awardUpdate", "contractAmendment"],
    "price_band.created": ["tenderUpdate"],
    "price_band.updated": ["tenderUpdate"],
}
CALL_OFF_TAGS: dict[str, list[str]] = {
    "call_off.published": ["tender"],
    "call_off.closed": ["tenderUpdate"],
    "call_off.awarded": ["award"],
    "call_off.concluded": ["awardUpdate"],
    "call_off.no_award": ["tenderUpdate"],
    "call_off.cancelled": ["tenderCancellation"],
    "placement.created": ["contract"],
    "placement.fee_varied": ["contractAmendment"],
    "placement.ended": ["contractTermination"],
    "contract.signed": ["contractUpdate"],
    "contract.activated": ["contractUpdate"],
    "contract.terminated": ["contractUpdate"],
}

# A placement a move made is its own contracting process (`placement_release`): its first release
# reports the award and the contract at once; later ones as for a call-off's placement.
MOVED_PLACEMENT_TAGS: dict[str, list[str]] = {
    "placement.created": ["award", "contract"],
    "placement.fee_varied": ["contractAmendment"],
    "placement.ended": ["contractTermination"],
    "contract.signed": ["contractUpdate"],
    "contract.activated": ["contractUpdate"],
    "contract.terminated": ["contractUpdate"],
}

REPLACED = "placement.replaced"  # not an audit action: a move replaced the placement's contract (no notice)


def content_hash(release: dict[str, Any]) -> str:
    """SHA-256 of what a release says, without its id, date and tag: a change that alters nothing
    public (a lot renamed back, a re-read) writes no new release."""
    body = {k: v for k, v in release.items() if k not in ("id", "date", "tag")}
    return hashlib.sha256(msgspec.json.encode(body, order="sorted")).hexdigest()


def _today(at: datetime) -> date:
    return at.astimezone(UTC).date()


NOTICE_ENTITY = EntityType.TRANSPARENCY_NOTICE  # its rows in deadline_checks (dps/scheduler/rules_transparency.py)


async def _add_notice(
    ocid: str, arrangement_id: int, call_off_id: int | None, authority_id: int, due: notices.NoticeDue, now: datetime
) -> None:
    """Add the notice once. One whose deadline lies ahead (the change started a period: 30 days for a
    contract details notice, PA 2023 s.53) is tracked so the scheduler reminds the officers; one
    due the day of the change (a tender or award notice goes out with the change) shows its day
    in the list and needs no reminder."""
    notice_id = await repository.add_notice(
        ocid=ocid,
        arrangement_id=arrangement_id,
        call_off_id=call_off_id,
        authority_id=authority_id,
        notice_type=due.notice_type.value,
        subject=due.subject,
        due_on=due.due_on,
        at=now,
    )
    if notice_id is not None and due.due_on is not None and due.due_on > _today(now):
        first = due.due_on - timedelta(days=max(notices.REMINDER_DAYS_BEFORE))
        await deadlines.track(NOTICE_ENTITY, notice_id, max(now, datetime.combine(first, time(8, 0), tzinfo=UTC)))


class TransparencyListener:
    """Writes OCDS releases and notices for the changes it knows; ignores every other action."""

    def __init__(self, config: TransparencyConfig) -> None:
        self.config = config

    async def changed(self, ctx: Context, action: str, entity_type: str, entity_id: str, after: Any) -> None:
        if action in ARRANGEMENT_TAGS:
            arrangement_id = await self._arrangement_id(entity_type, int(entity_id), after)
            if arrangement_id is not None:
                await self.release_arrangement(ctx, arrangement_id, action, ARRANGEMENT_TAGS[action])
        elif action in CALL_OFF_TAGS:
            call_off_id = await self._call_off_id(entity_type, int(entity_id))
            if call_off_id is not None:
                await self.release_call_off(ctx, call_off_id, action, CALL_OFF_TAGS[action], after)
                return
            placement_id = await self._placement_id(entity_type, int(entity_id))
            if placement_id is not None and await repository.moved_placement(placement_id):
                await self.release_moved_placement(ctx, placement_id, action, MOVED_PLACEMENT_TAGS[action], after)

    async def _arrangement_id(self, entity_type: str, entity_id: int, after: Any) -> int | None:
        if entity_type == "arrangement":
            return entity_id
        if entity_type in ("lot", "membership"):
            return await repository.arrangement_of(entity_type, entity_id)
        if entity_type == "price_band" and isinstance(after, dict) and "arrangement_id" in after:
            return int(after["arrangement_id"])
        return None

    async def _call_off_id(self, entity_type: str, entity_id: int) -> int | None:
        if entity_type == "call_off":
            return entity_id
        if entity_type == "placement":
            return await repository.call_off_of_placement(entity_id)
        if entity_type == "contract":
            placement_id = await repository.placement_of_contract(entity_id)
            return await repository.call_off_of_placement(placement_id) if placement_id is not None else None
        return None

    def _successor_ocid(self, placement: PlacementFacts | None) -> str | None:
        if placement is None or placement.successor_id is None:
            return None
        return self.config.placement_ocid(placement.successor_id)

    async def _placement_id(self, entity_type: str, entity_id: int) -> int | None:
        if entity_type == "placement":
            return entity_id
        if entity_type == "contract":
            return await repository.placement_of_contract(entity_id)
        return None

    async def release_arrangement(self, ctx: Context, arrangement_id: int, action: str, tags: list[str]) -> None:
        """Write the arrangement's next release, once it is published (a draft is not public)."""
        now = ctx.clock.now()
        ocid = self.config.arrangement_ocid(arrangement_id)
        await repository.lock_process(ocid)
        facts = await repository.arrangement_facts(arrangement_id, _today(now))
        if facts is None or facts.status == "draft" or facts.published_at is None:
            return
        count, last_sha = await repository.last_release(ocid)
        release = arrangement_release(facts, ocid, f"{ocid}-{count + 1}", now, tags)
        sha = content_hash(release)
        if sha != last_sha:
            await repository.insert_release(
                ocid, release, arrangement_id=arrangement_id, call_off_id=None, released_at=now, content_sha256=sha
            )
        lead_id = int(facts.lead.key.removeprefix("authority-"))
        for due in notices.notices_for(facts.profile_code, action, "arrangement", _today(now)):
            await _add_notice(ocid, arrangement_id, None, lead_id, due, now)

    async def release_call_off(self, ctx: Context, call_off_id: int, action: str, tags: list[str], after: Any) -> None:
        """Write the call-off's next release, once it is published."""
        now = ctx.clock.now()
        ocid = self.config.call_off_ocid(call_off_id)
        await repository.lock_process(ocid)
        facts = await repository.call_off_facts(call_off_id, now)
        if facts is None:
            return
        count, last_sha = await repository.last_release(ocid)
        release = call_off_release(
            facts,
            ocid,
            self.config.arrangement_ocid(facts.arrangement_id),
            f"{ocid}-{count + 1}",
            now,
            tags,
            successor_ocid=self._successor_ocid(facts.placement),
        )
        sha = content_hash(release)
        if sha != last_sha:
            await repository.insert_release(
                ocid,
                release,
                arrangement_id=facts.arrangement_id,
                call_off_id=call_off_id,
                released_at=now,
                content_sha256=sha,
            )
        day = None
        if action == "placement.ended" and isinstance(after, dict) and after.get("ended_on"):
            day = date.fromisoformat(str(after["ended_on"]))
        subject = f"placement:{facts.placement.id}" if facts.placement is not None else "call-off"
        buyer_id = int(facts.buyer.key.removeprefix("authority-"))
        for due in notices.notices_for(facts.profile_code, action, subject, _today(now), day=day):
            await _add_notice(ocid, facts.arrangement_id, call_off_id, buyer_id, due, now)

    async def release_moved_placement(
        self, ctx: Context, placement_id: int, action: str, tags: list[str], after: Any
    ) -> None:
        """Write the next release of a placement a move made (its own process, `placement_release`)."""
        now = ctx.clock.now()
        ocid = self.config.placement_ocid(placement_id)
        await repository.lock_process(ocid)
        facts = await repository.moved_placement_facts(placement_id)
        if facts is None:
            return
        prior = (
            self.config.call_off_ocid(facts.previous_call_off_id)
            if facts.previous_call_off_id is not None
            else self.config.placement_ocid(facts.previous_placement_id)
        )
        count, last_sha = await repository.last_release(ocid)
        release = placement_release(
            facts,
            ocid,
            self.config.arrangement_ocid(facts.arrangement_id),
            prior,
            f"{ocid}-{count + 1}",
            now,
            tags,
            successor_ocid=self._successor_ocid(facts.placement),
        )
        sha = content_hash(release)
        if sha != last_sha:
            await repository.insert_release(
                ocid,
                release,
                arrangement_id=facts.arrangement_id,
                call_off_id=None,
                released_at=now,
                content_sha256=sha,
            )
        day = None
        if action == "placement.ended" and isinstance(after, dict) and after.get("ended_on"):
            day = date.fromisoformat(str(after["ended_on"]))
        if action == "placement.created":
            # The process of the placement this one replaces points on to it (an update, deduplicated
            # when its termination release, written first in the same move, already does).
            if facts.previous_call_off_id is not None:
                await self.release_call_off(ctx, facts.previous_call_off_id, REPLACED, ["contractUpdate"], None)
            else:
                await self.release_moved_placement(ctx, facts.previous_placement_id, REPLACED, ["contractUpdate"], None)
        buyer_id = int(facts.buyer.key.removeprefix("authority-"))
        for due in notices.moved_placement_notices(
            facts.profile_code, facts.off_framework, action, f"placement:{placement_id}", _today(now), day=day
        ):
            await _add_notice(ocid, facts.arrangement_id, None, buyer_id, due, now)
