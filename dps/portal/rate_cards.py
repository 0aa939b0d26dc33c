"""Rate cards: a member provider proposes its weekly fee per band of a lot (in pounds, each beside
the band's floor and ceiling), asks for an exception with a justification where a fee is above the
ceiling, prices the arrangement's additional services, and sees the lead authority's decision."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.core.errors import DomainError, NotFound
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.applications import MembershipStatus
from dps.frameworks.domain.arrangements import Lot
from dps.portal.forms import Form, date_fields, shape_error
from dps.portal.web import Portal, page, redirect
from dps.pricing import public as pricing
from dps.pricing.codes import PricingCode
from dps.pricing.domain.bands import PriceBand
from dps.pricing.domain.rate_cards import AdditionalService, RateCard
from dps.pricing.public import LineIn, RateCardIn, ServicePriceIn


def fee_field(band: PriceBand) -> str:
    return f"fee-{band.id}"


def justification_field(band: PriceBand) -> str:
    return f"justification-{band.id}"


def service_field(service: AdditionalService) -> str:
    return f"service-{service.id}"


async def _lot(portal: Portal, lot_id: int) -> Lot:
    """A lot the signed-in provider holds an active place on (any other is not found)."""
    portal.provider_id()
    found = await frameworks.list_memberships(
        portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=lot_id, provider_id=None, status=MembershipStatus.ACTIVE
    )
    if not found.items:
        raise NotFound(f"no active place on lot {lot_id}", entity="lot")
    lots = (await frameworks.list_lots(portal.ctx, found.items[0].arrangement_id, MAX_LIMIT, 0)).items
    return next(lot for lot in lots if lot.id == lot_id)


async def _lot_titles(portal: Portal, cards: list[RateCard]) -> dict[int, str]:
    titles: dict[int, str] = {}
    for arrangement_id in {c.arrangement_id for c in cards}:
        titles.update(await _lot_titles_of(portal, arrangement_id))
    return titles


class RateCardPages(Controller):
    path = "/rate-cards"

    @get("/", name="rate_cards")
    async def index(self, portal: NamedDependency[Portal]) -> Template:
        """The provider's cards and the lots it may price."""
        portal.provider_id()
        cards = (
            await pricing.list_rate_cards(
                portal.ctx, MAX_LIMIT, 0, arrangement_id=None, lot_id=None, provider_id=None, status=None
            )
        ).items
        memberships = (
            await frameworks.list_memberships(
                portal.ctx,
                MAX_LIMIT,
                0,
                arrangement_id=None,
                lot_id=None,
                provider_id=None,
                status=MembershipStatus.ACTIVE,
            )
        ).items
        titles = await _lot_titles(portal, cards)
        for membership in memberships:
            if membership.lot_id not in titles:
                titles.update(await _lot_titles_of(portal, membership.arrangement_id))
        return page(
            portal,
            "rate_cards/index.html",
            cards=sorted(cards, key=lambda c: c.id, reverse=True),
            lot_ids=sorted({m.lot_id for m in memberships}),
            titles=titles,
        )

    @get("/new/{lot_id:int}", name="propose_rate_card")
    async def propose_form(self, portal: NamedDependency[Portal], lot_id: FromPath[int]) -> Template:
        lot = await _lot(portal, lot_id)
        values = date_fields("effective_from", portal.ctx.clock.now().date())
        return await self._form_page(portal, lot, Form(values=values))

    async def _form_page(
        self, portal: Portal, lot: Lot, form: Form, on: date | None = None, status: int = 200
    ) -> Template:
        """The form with the bands in force on the card's first day (`on`; today when not given)."""
        on = on or portal.ctx.clock.now().date()
        bands = (await pricing.list_bands(portal.ctx, lot.arrangement_id, MAX_LIMIT, 0, lot.id, on)).items
        services = await pricing.list_services(portal.ctx, lot.arrangement_id)
        arrangement = await frameworks.get_arrangement(portal.ctx, lot.arrangement_id)
        return page(
            portal,
            "rate_cards/form.html",
            status_code=status,
            form=form,
            lot=lot,
            arrangement=arrangement,
            bands=sorted(bands, key=lambda b: (b.min_age, b.key.need_level, b.id)),
            services=services,
            fee_field=fee_field,
            justification_field=justification_field,
            service_field=service_field,
        )

    @post("/new/{lot_id:int}", status_code=303)
    async def propose(self, portal: NamedDependency[Portal], lot_id: FromPath[int]) -> Template | Redirect:
        """Submit the card; a fee above a band's ceiling without a justification is shown beside it."""
        lot = await _lot(portal, lot_id)
        form = Form.of(await portal.request.form())
        effective_from = form.day_month_year("effective_from", "first day", required=True)
        if effective_from is None:
            return await self._form_page(portal, lot, form, status=400)
        bands = (await pricing.list_bands(portal.ctx, lot.arrangement_id, MAX_LIMIT, 0, lot.id, effective_from)).items
        lines = []
        for band in bands:
            if not form.get(fee_field(band)):
                continue
            fee = form.pounds(fee_field(band), f"The weekly fee for {band.key.age_band}, {band.key.need_level}")
            if fee is not None:
                lines.append(
                    LineIn(
                        age_band=band.key.age_band,
                        need_level=band.key.need_level,
                        area=band.key.area,
                        weekly_price_pence=fee,
                        exception_justification=form.optional(justification_field(band)),
                    )
                )
        services = []
        for service in await pricing.list_services(portal.ctx, lot.arrangement_id):
            if form.get(service_field(service)):
                price = form.pounds(service_field(service), f"The price of {service.name}")
                if price is not None:
                    services.append(ServicePriceIn(service_id=service.id, unit_price_pence=price))
        if form.ok and not lines:
            first = bands[0] if bands else None
            form.error(fee_field(first) if first else "_page", "Enter a weekly fee for at least one band")
        if form.ok:
            try:
                data = msgspec.convert(
                    msgspec.to_builtins(
                        RateCardIn(lot_id=lot.id, effective_from=effective_from, lines=lines, services=services)
                    ),
                    RateCardIn,
                )
                card = await pricing.propose_rate_card(portal.ctx, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                band_named = next((b for b in bands if str(b.key) == exc.extra.get("band")), None)
                if band_named is not None and exc.code == PricingCode.EXCEPTION_JUSTIFICATION_REQUIRED:
                    form.problem(exc, justification_field(band_named))
                    form.errors[justification_field(band_named)] = (
                        f"The fee for {band_named.key.age_band}, {band_named.key.need_level} is above the "
                        "ceiling: explain why, to ask the lead authority for an exception"
                    )
                else:
                    form.problem(exc, "_page")
            else:
                return redirect(portal, f"/rate-cards/{card.id}", banner="rate_card_submitted")
        return await self._form_page(portal, lot, form, effective_from, status=400)

    @get("/{card_id:int}", name="rate_card")
    async def detail(self, portal: NamedDependency[Portal], card_id: FromPath[int]) -> Template:
        """A card's fees against their bands, exceptions, and the decision."""
        portal.provider_id()
        card = await pricing.get_rate_card(portal.ctx, card_id)
        bands = (
            await pricing.list_bands(portal.ctx, card.arrangement_id, MAX_LIMIT, 0, card.lot_id, card.period.starts_on)
        ).items
        by_key = {str(b.key): b for b in bands}
        services = {s.id: s for s in await pricing.list_services(portal.ctx, card.arrangement_id)}
        titles = await _lot_titles(portal, [card])
        arrangement = await frameworks.get_arrangement(portal.ctx, card.arrangement_id)
        return page(
            portal,
            "rate_cards/detail.html",
            card=card,
            bands=by_key,
            services=services,
            lot_title=titles[card.lot_id],
            arrangement=arrangement,
        )


async def _lot_titles_of(portal: Portal, arrangement_id: int) -> dict[int, str]:
    lots = (await frameworks.list_lots(portal.ctx, arrangement_id, MAX_LIMIT, 0)).items
    return {lot.id: f"{lot.code}: {lot.title}" for lot in lots}


CONTROLLERS: list[Any] = [RateCardPages]
