"""HTTP routes of pricing: parse, call one service function, map the result."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody

from dps.core.concurrency import etag, parse_if_match
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, IfMatch, Limit, after_id, signed_in
from dps.frameworks.public import ArrangementOut
from dps.pricing import schemas as s
from dps.pricing.domain.rate_cards import RateCard, RateCardStatus
from dps.pricing.report_csv import ReportSection, report_csv
from dps.pricing.services import analysis, prices, rate_cards, setup, uplifts

Accept = Annotated[str | None, HeaderParameter(name="Accept", required=False, description="text/csv for CSV")]


def _card(card: RateCard, status_code: int = 200) -> Response[s.RateCardOut]:
    return Response(s.RateCardOut.of(card), status_code=status_code, headers={"ETag": etag(card.version)})


class PriceBandController(Controller):
    path = "/api/v1/arrangements/{arrangement_id:int}"
    guards = [signed_in]
    tags = ["Pricing"]

    @post("/price-bands", operation_id="CreatePriceBand")
    async def create_band(
        self, arrangement_id: FromPath[int], data: JSONBody[s.BandIn], ctx: NamedDependency[Context]
    ) -> Response[s.BandOut]:
        """Agree the floor and ceiling weekly fee (pence) for one band of a lot (age band x need level,
        optionally an area) from a date (the lead authority's officers). A period overlapping the same
        band's existing prices is 409 `band_period_overlap`."""
        band = await prices.add_band(ctx, arrangement_id, data.to_domain())
        return Response(s.BandOut.of(band), status_code=201, headers={"ETag": etag(band.version)})

    @get("/price-bands", operation_id="ListPriceBands")
    async def list_bands(
        self,
        arrangement_id: FromPath[int],
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        lot_id: FromQuery[int | None] = None,
        on: FromQuery[date | None] = None,
    ) -> s.BandPage:
        """The arrangement's price bands, with history (`on` keeps those in force that day). Staff of
        the lead and member councils may read them, and once the arrangement is published every
        provider may (they are part of the published conditions)."""
        page = await prices.list_bands(ctx, arrangement_id, limit, after_id(cursor), lot_id, on)
        return s.BandPage(items=[s.BandOut.of(b) for b in page.items], next_cursor=page.next_cursor)

    @patch("/price-bands/{band_id:int}", operation_id="UpdatePriceBand")
    async def update_band(
        self,
        arrangement_id: FromPath[int],
        band_id: FromPath[int],
        data: JSONBody[s.BandPatch],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.BandOut]:
        """Correct a band's floor, ceiling or end date (send If-Match: 412 when stale, 428 without)."""
        band = await prices.update_band(ctx, arrangement_id, band_id, parse_if_match(if_match), data.to_domain())
        return Response(s.BandOut.of(band), headers={"ETag": etag(band.version)})

    @delete("/price-bands/{band_id:int}", operation_id="DeletePriceBand", status_code=204)
    async def delete_band(
        self, arrangement_id: FromPath[int], band_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> None:
        """Delete a draft arrangement's price band (409 `arrangement_published` once published:
        withdraw it instead)."""
        await setup.delete_band(ctx, arrangement_id, band_id)

    @post("/price-bands/{band_id:int}/withdraw", operation_id="WithdrawPriceBand", status_code=204)
    async def withdraw_band(
        self,
        arrangement_id: FromPath[int],
        band_id: FromPath[int],
        data: JSONBody[s.WithdrawIn],
        ctx: NamedDependency[Context],
    ) -> None:
        """Withdraw a published arrangement's price band with a reason: kept and audited, no longer
        offered (a replacement band may then be agreed for the same period)."""
        await setup.withdraw_band(ctx, arrangement_id, band_id, data.reason)

    @delete("/additional-services/{service_id:int}", operation_id="DeleteAdditionalService", status_code=204)
    async def delete_service(
        self, arrangement_id: FromPath[int], service_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> None:
        """Delete a draft arrangement's additional service (409 `arrangement_published` once
        published: withdraw it instead)."""
        await setup.delete_service(ctx, arrangement_id, service_id)

    @post("/additional-services/{service_id:int}/withdraw", operation_id="WithdrawAdditionalService", status_code=204)
    async def withdraw_service(
        self,
        arrangement_id: FromPath[int],
        service_id: FromPath[int],
        data: JSONBody[s.WithdrawIn],
        ctx: NamedDependency[Context],
    ) -> None:
        """Withdraw a published arrangement's additional service with a reason: kept for the rate
        cards that priced it, audited, no longer offered for new ones."""
        await setup.withdraw_service(ctx, arrangement_id, service_id, data.reason)

    @post("/publish", operation_id="PublishArrangement", status_code=200)
    async def publish(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[ArrangementOut]:
        """Open a draft to applications (the lead authority's officers). It needs a lot (422
        `no_lots`), a pass mark every lot can reach (422 `threshold_unreachable`), and price bands for
        every lot, a questionnaire and compliance requirements, each unless waived with a recorded
        reason (`POST /arrangements/{id}/waivers`): 422 `not_ready_to_publish` lists every gap."""
        arrangement = await setup.publish_arrangement(ctx, arrangement_id)
        return Response(ArrangementOut.of(arrangement), headers={"ETag": etag(arrangement.version)})

    @post("/additional-services", operation_id="CreateAdditionalService")
    async def create_service(
        self, arrangement_id: FromPath[int], data: JSONBody[s.ServiceIn], ctx: NamedDependency[Context]
    ) -> s.ServiceOut:
        """Add a service (e.g. 1:1 support hours, therapy sessions) to the arrangement's catalogue, with
        its unit: hour, session or week. Codes are unique within the arrangement (409 `service_code_taken`)."""
        return s.ServiceOut.of(await prices.add_service(ctx, arrangement_id, data.to_domain()))

    @get("/additional-services", operation_id="ListAdditionalServices")
    async def list_services(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> s.ServiceList:
        """The arrangement's catalogue of additional services that providers price on their rate cards."""
        return s.ServiceList(items=[s.ServiceOut.of(x) for x in await prices.list_services(ctx, arrangement_id)])


class RateCardController(Controller):
    path = "/api/v1/rate-cards"
    guards = [signed_in]
    tags = ["Pricing"]

    @post("/", operation_id="ProposeRateCard")
    async def propose(self, data: JSONBody[s.RateCardIn], ctx: NamedDependency[Context]) -> Response[s.RateCardOut]:
        """A member provider proposes its weekly prices for bands of a lot it holds an active place on
        (422 `not_a_member`). Each price is placed against the band in force on `effective_from`: above
        the ceiling needs `exception_justification` (422 `exception_justification_required`); below the
        floor is flagged `abnormally_low` for the officer's review."""
        return _card(await rate_cards.propose_rate_card(ctx, data.to_domain()), status_code=201)

    @get("/", operation_id="ListRateCards")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        arrangement_id: FromQuery[int | None] = None,
        lot_id: FromQuery[int | None] = None,
        provider_id: FromQuery[int | None] = None,
        status: FromQuery[RateCardStatus | None] = None,
    ) -> s.RateCardPage:
        """Rate cards you may see: a provider its own; council staff those of arrangements their council
        leads or joins; admins all."""
        page = await rate_cards.list_rate_cards(
            ctx,
            limit,
            after_id(cursor),
            arrangement_id=arrangement_id,
            lot_id=lot_id,
            provider_id=provider_id,
            status=status,
        )
        return s.RateCardPage(items=[s.RateCardOut.of(c) for c in page.items], next_cursor=page.next_cursor)

    @get("/{card_id:int}", operation_id="GetRateCard")
    async def get_one(self, card_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.RateCardOut]:
        """One rate card with its lines and service prices; its version is the ETag."""
        return _card(await rate_cards.get_rate_card(ctx, card_id))

    @post(
        "/{card_id:int}/lines/{line_id:int}/exception-decision", operation_id="DecideRateCardException", status_code=200
    )
    async def decide_exception(
        self,
        card_id: FromPath[int],
        line_id: FromPath[int],
        data: JSONBody[s.ExceptionDecisionIn],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.RateCardOut]:
        """Approve or reject the exception request of a price above the ceiling, with the reason (the
        lead authority's officers; If-Match required)."""
        return _card(
            await rate_cards.decide_exception(ctx, card_id, line_id, parse_if_match(if_match), data.to_domain())
        )

    @post("/{card_id:int}/approve", operation_id="ApproveRateCard", status_code=200)
    async def approve(
        self,
        card_id: FromPath[int],
        data: JSONBody[s.ApproveIn],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.RateCardOut]:
        """Approve a submitted card (If-Match required). Every price above the ceiling needs an approved
        exception (422 `exception_not_approved`); a price below the floor needs `abnormally_low_review`
        (422 `abnormally_low_review_required`, PCR 2015 reg 69). The provider's earlier card ends the day
        before this one starts."""
        return _card(await rate_cards.approve_rate_card(ctx, card_id, parse_if_match(if_match), data.to_domain()))

    @post("/{card_id:int}/reject", operation_id="RejectRateCard", status_code=200)
    async def reject(
        self,
        card_id: FromPath[int],
        data: JSONBody[s.RejectIn],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.RateCardOut]:
        """Reject a submitted card with the reason (If-Match required)."""
        return _card(await rate_cards.reject_rate_card(ctx, card_id, parse_if_match(if_match), data.reason))


class UpliftController(Controller):
    path = "/api/v1/uplifts"
    guards = [signed_in]
    tags = ["Pricing"]

    @post("/", operation_id="DefineUplift")
    async def define(self, data: JSONBody[s.UpliftIn], ctx: NamedDependency[Context]) -> Response[s.UpliftOut]:
        """Define an uplift for an arrangement from an effective date (the lead authority's officers):
        `flat` with `flat_percentage`, or `weighted_index` with `components` whose weights add up to 100
        (e.g. 40 x CPI 3.4 + 60 x NLW 6.7 = 5.38%)."""
        uplift = await uplifts.define_uplift(ctx, data.to_domain())
        return Response(s.UpliftOut.of(uplift), status_code=201, headers={"ETag": etag(uplift.version)})

    @get("/", operation_id="ListUplifts")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        arrangement_id: FromQuery[int | None] = None,
    ) -> s.UpliftPage:
        """Uplifts of arrangements your council leads or joins (admins: all)."""
        page = await uplifts.list_uplifts(ctx, limit, after_id(cursor), arrangement_id)
        return s.UpliftPage(items=[s.UpliftOut.of(u) for u in page.items], next_cursor=page.next_cursor)

    @get("/{uplift_id:int}", operation_id="GetUplift")
    async def get_one(self, uplift_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.UpliftOut]:
        """One uplift and its exact percentage."""
        uplift = await uplifts.get_uplift(ctx, uplift_id)
        return Response(s.UpliftOut.of(uplift), headers={"ETag": etag(uplift.version)})

    @get("/{uplift_id:int}/preview", operation_id="PreviewUplift")
    async def preview(self, uplift_id: FromPath[int], ctx: NamedDependency[Context]) -> s.UpliftEffectOut:
        """Dry run: every band and approved rate card in force on the effective day, before and after
        (each price rounded half up to the penny). Nothing is written."""
        plan = await uplifts.preview_uplift(ctx, uplift_id)
        return s.UpliftEffectOut.of(plan, plan.uplift, None)

    @post("/{uplift_id:int}/apply", operation_id="ApplyUplift", status_code=200)
    async def apply(self, uplift_id: FromPath[int], ctx: NamedDependency[Context]) -> s.UpliftEffectOut:
        """Apply once: the bands and cards in force end the day before; new rows start on the effective
        day (history kept, audited). The result lists each changed card with `new_rate_card_id`, for the
        contract variations of placements priced on it. A second apply is 409 `uplift_already_applied`."""
        applied = await uplifts.apply_uplift(ctx, uplift_id)
        return s.UpliftEffectOut.of(applied.plan, applied.uplift, applied.new_rate_card_ids)


class PricingReportController(Controller):
    path = "/api/v1/reports"
    guards = [signed_in]
    tags = ["Pricing"]

    @get(
        "/pricing",
        operation_id="GetPricingReport",
        media_type="application/json",
        content_types=("application/json", "text/csv; charset=utf-8"),  # dps.core.openapi_problems
    )
    async def pricing(
        self,
        ctx: NamedDependency[Context],
        arrangement_id: FromQuery[int],
        on: FromQuery[date | None] = None,
        format: FromQuery[str | None] = None,  # the query parameter's public name
        section: FromQuery[ReportSection] = ReportSection.SPREADS,
        accept: Accept = None,
        spend_from: FromQuery[date | None] = None,
        spend_to: FromQuery[date | None] = None,
    ) -> Response[s.PricingReportOut] | Response[str]:
        """For the arrangement's procurement officers: each provider's weekly fees across councils and
        placements for comparable bands (min, median, max, spread), band utilisation, and approved prices
        above the ceiling, for placements live on `on` (default today); and spend per council from
        `spend_from` to `spend_to` (default: the month of `on` up to it), pro rata by day at the fee in
        force each day, as the placement report counts it. The lead authority's officers see every
        member council's spend and the consortium's total; a member council's officers their own.
        Placements recorded outside the framework are not fees agreed under it and are not counted.
        CSV with `Accept: text/csv` or `?format=csv`, one `section` per file (spreads, utilisation,
        above_ceiling, spend)."""
        report = await analysis.pricing_report(ctx, arrangement_id, on, spend_from, spend_to)
        if format == "csv" or (format is None and accept is not None and "text/csv" in accept):
            return Response(
                report_csv(report, section),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="pricing-{arrangement_id}-{section}.csv"'},
            )
        names = report.provider_names
        return Response(
            s.PricingReportOut(
                arrangement_id=report.arrangement_id,
                on=report.on,
                spreads=[s.SpreadOut.of(x, names) for x in report.spreads],
                utilisation=[s.UtilisationOut.of(u) for u in report.utilisation],
                above_ceiling=[
                    s.AboveCeilingOut(
                        rate_card_id=a.rate_card_id,
                        provider_id=a.provider_id,
                        provider_name=names.get(a.provider_id, ""),
                        lot_id=a.lot_id,
                        band=s.BandKeyOut.of(a.key),
                        weekly_price_pence=a.weekly_price_pence,
                        ceiling_pence=a.ceiling_pence,
                        over_pence=a.over_pence,
                        exception_status=a.exception_status,
                    )
                    for a in report.above_ceiling
                ],
                spend_from=report.spend_from,
                spend_to=report.spend_to,
                spend=[s.CouncilSpendOut.of(c, report.authority_names) for c in report.spend],
                spend_total=s.CouncilSpendOut.of(report.spend_total, {0: "consortium"}) if report.spend_total else None,
            )
        )
