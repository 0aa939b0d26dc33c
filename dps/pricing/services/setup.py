"""Setting up an arrangement for publishing: correcting price bands and additional services, and
publishing once the arrangement is complete.

Publishing spans three packages: the lots and questionnaire are frameworks', the compliance
requirements compliance's, the price bands pricing's. By the package order a workflow spanning
packages is driven by the highest one involved, so pricing (above compliance and frameworks)
counts what each owns and calls frameworks' own publishing, all in one transaction that holds the
arrangement's row lock: nothing can be removed between the check and the status change.
"""

from __future__ import annotations

from dps.compliance import public as compliance
from dps.core import audit
from dps.core.codes import CommonCode
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound, RuleViolation
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus, Readiness, publishing_gaps
from dps.pricing import access, repository
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import PriceBand
from dps.pricing.domain.rate_cards import AdditionalService


async def readiness(arrangement: Arrangement) -> Readiness:
    """What the draft has, as each owning package counts it."""
    return Readiness(
        lots=tuple(await frameworks.all_lots(arrangement.id)),
        lots_with_price_bands=await repository.lots_with_bands(arrangement.id),
        questions=len(await frameworks.list_question_rows(arrangement.id, arrangement.questionnaire_version)),
        requirements=len(await compliance.list_requirement_rows([arrangement.id])),
    )


async def publish_arrangement(ctx: Context, arrangement_id: int) -> Arrangement:
    """Open a draft to applications once it is complete: a lot, a pass mark every lot can reach,
    price bands for every lot, a questionnaire and compliance requirements (each of the last three
    may be waived with a recorded reason). 422 `not_ready_to_publish` lists every gap."""
    async with DB.transaction():
        arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
        access.require_manage_arrangement(ctx.user, arrangement)
        if arrangement.status is ArrangementStatus.DRAFT:
            await frameworks.check_publishable(arrangement)
            gaps = publishing_gaps(arrangement, await readiness(arrangement))
            if gaps:
                raise RuleViolation(
                    "the arrangement is not ready to publish: " + "; ".join(str(g["detail"]) for g in gaps),
                    code=PricingCode.NOT_READY_TO_PUBLISH,
                    gaps=gaps,
                )
        published = await frameworks.publish_arrangement(ctx, arrangement_id)
    return published


async def _managed(ctx: Context, arrangement_id: int) -> Arrangement:
    arrangement = await frameworks.get_arrangement_row(arrangement_id, for_update=True)
    access.require_manage_arrangement(ctx.user, arrangement)
    if arrangement.status is ArrangementStatus.EXPIRED:
        raise Conflict("the arrangement's term has ended; it can no longer change", code=CommonCode.ARRANGEMENT_EXPIRED)
    return arrangement


def _require_draft(arrangement: Arrangement, what: str) -> None:
    """A draft's setup mistakes are deleted; once published they are withdrawn and kept."""
    if arrangement.status is not ArrangementStatus.DRAFT:
        raise Conflict(
            f"a published arrangement's {what} is kept for the record: withdraw it instead",
            code=CommonCode.ARRANGEMENT_PUBLISHED,
        )


def _require_published(arrangement: Arrangement, what: str) -> None:
    if arrangement.status is ArrangementStatus.DRAFT:
        raise Conflict(f"a draft's {what} is deleted, not withdrawn", code=CommonCode.ARRANGEMENT_DRAFT)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise RuleViolation("give the reason", code=CommonCode.REASON_REQUIRED)
    return reason.strip()


async def _band(arrangement_id: int, band_id: int) -> PriceBand:
    band = await repository.get_band(band_id, for_update=True)
    if band.arrangement_id != arrangement_id:
        raise NotFound(f"price band {band_id} is not in arrangement {arrangement_id}", entity="price_band")
    return band


async def delete_band(ctx: Context, arrangement_id: int, band_id: int) -> None:
    """Delete a draft arrangement's price band (a setup mistake)."""
    async with DB.transaction():
        _require_draft(await _managed(ctx, arrangement_id), "price band")
        before = await _band(arrangement_id, band_id)
        await repository.delete_band(band_id)
        await audit.record(ctx, "price_band.deleted", "price_band", band_id, before=before)


async def withdraw_band(ctx: Context, arrangement_id: int, band_id: int, reason: str) -> None:
    """Withdraw a published arrangement's price band: kept and audited, no longer offered (rate
    cards and fee checks no longer find it; a replacement may be agreed for the same period)."""
    why = _reason(reason)
    async with DB.transaction():
        _require_published(await _managed(ctx, arrangement_id), "price band")
        before = await _band(arrangement_id, band_id)
        await repository.lock_lot_prices(before.lot_id)
        await repository.withdraw_band(band_id, ctx.clock.now(), why)
        await audit.record(
            ctx, "price_band.withdrawn", "price_band", band_id, before=before, after={"withdrawn_reason": why}
        )


async def _service(arrangement_id: int, service_id: int) -> AdditionalService:
    service = await repository.get_service(service_id, for_update=True)
    if service.arrangement_id != arrangement_id:
        raise NotFound(f"additional service {service_id} is not in arrangement {arrangement_id}")
    return service


async def delete_service(ctx: Context, arrangement_id: int, service_id: int) -> None:
    """Delete a draft arrangement's additional service (a setup mistake)."""
    async with DB.transaction():
        _require_draft(await _managed(ctx, arrangement_id), "additional service")
        before = await _service(arrangement_id, service_id)
        await repository.delete_service(service_id)
        await audit.record(ctx, "additional_service.deleted", "additional_service", service_id, before=before)


async def withdraw_service(ctx: Context, arrangement_id: int, service_id: int, reason: str) -> None:
    """Withdraw a published arrangement's additional service: kept for the rate cards that priced
    it, audited, no longer offered for new rate cards."""
    why = _reason(reason)
    async with DB.transaction():
        _require_published(await _managed(ctx, arrangement_id), "additional service")
        before = await _service(arrangement_id, service_id)
        await repository.withdraw_service(service_id, ctx.clock.now(), why)
        await audit.record(
            ctx,
            "additional_service.withdrawn",
            "additional_service",
            service_id,
            before=before,
            after={"withdrawn_reason": why},
        )
