"""Setting up an arrangement's lots (age bands and need levels), its price bands per lot, age band
and need level with the dates they are in force (typed in pounds, stored in pence), and its
catalogue of additional services. Part of the officer's set-up task list (`setup`)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from dps.core.errors import DomainError
from dps.core.pagination import MAX_LIMIT
from dps.frameworks import public as frameworks
from dps.frameworks.domain.arrangements import Arrangement, Lot
from dps.frameworks.public import LotIn
from dps.portal.forms import Form, shape_error
from dps.portal.setup import BASE, managed, problem, setup_path, shaped
from dps.portal.web import Portal, page, redirect
from dps.pricing import public as pricing
from dps.pricing.domain.bands import PriceBand
from dps.pricing.domain.rate_cards import ServiceUnit
from dps.pricing.public import BandIn, ServiceIn

_AGES = re.compile(r"^(\d{1,2})\s*(?:-|to|–)\s*(\d{1,2})$")
UNIT_WORDS: dict[ServiceUnit, str] = {
    ServiceUnit.HOUR: "By the hour",
    ServiceUnit.SESSION: "By the session",
    ServiceUnit.WEEK: "By the week",
}


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in re.split(r"[\n,]", raw) if line.strip()]


def read_age_bands(form: Form, name: str) -> list[dict[str, Any]]:
    """Age bands typed one a line as 'youngest-oldest' (e.g. '0-4'); each is labelled by its ages."""
    bands = []
    for line in _lines(form.get(name)):
        found = _AGES.match(line)
        if found is None:
            form.error(name, f"Write each age band as the youngest and oldest age, like 0-4 (not '{line}')")
            continue
        low, high = int(found.group(1)), int(found.group(2))
        bands.append({"label": f"{low}-{high}", "min_age": low, "max_age": high})
    if not bands:
        form.error(name, "Enter at least one age band, like 0-4")
    return bands


def unpriced(lot: Lot, bands: list[PriceBand]) -> list[str]:
    """The lot's age band and need level pairs with no price band yet, in words."""
    priced = {(b.key.age_band, b.key.need_level) for b in bands if b.lot_id == lot.id}
    return [
        f"ages {age.label}, {need}"
        for age in lot.age_bands
        for need in lot.need_levels
        if (age.label, need) not in priced
    ]


def band_choice(lot: Lot, age_band: str, need_level: str) -> str:
    return f"{lot.id}|{age_band}|{need_level}"


class LotPages(Controller):
    path = BASE

    @get("/{arrangement_id:int}/lots", name="council_setup_lots")
    async def lots(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        return await self._lots_page(portal, arrangement, Form())

    @staticmethod
    async def _lots_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        lots = (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items
        return page(
            portal, "council/setup/lots.html", status_code=status, arrangement=arrangement, lots=lots, form=form
        )

    @post("/{arrangement_id:int}/lots", status_code=303)
    async def add_lot(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Add a lot with its age bands and need levels."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        code = form.required("code", "Enter the lot's code, like LOT-1")
        title = form.required("title", "Enter the lot's name")
        age_bands = read_age_bands(form, "age_bands")
        need_levels = _lines(form.get("need_levels"))
        if not need_levels:
            form.error("need_levels", "Enter at least one need level, like standard")
        if form.ok:
            try:
                data = shaped(
                    LotIn,
                    code=code,
                    title=title,
                    description=form.get("description"),
                    age_bands=age_bands,
                    need_levels=need_levels,
                )
                await frameworks.add_lot(portal.ctx, arrangement_id, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc, {"label": "age_bands"})
            except DomainError as exc:
                problem(form, exc, "code", {"min_age": "age_bands"})
            else:
                return redirect(portal, setup_path(arrangement_id, "lots"), banner="lot_added")
        return await self._lots_page(portal, arrangement, form, status=400)

    @post("/{arrangement_id:int}/lots/{lot_id:int}/remove", status_code=303)
    async def remove_lot(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], lot_id: FromPath[int]
    ) -> Template | Redirect:
        """Delete a draft's lot (a set-up mistake)."""
        arrangement = await managed(portal, arrangement_id)
        form = Form()
        try:
            await frameworks.remove_lot(portal.ctx, arrangement_id, lot_id)
        except DomainError as exc:
            problem(form, exc)
        else:
            return redirect(portal, setup_path(arrangement_id, "lots"), banner="lot_removed")
        return await self._lots_page(portal, arrangement, form, status=400)

    # --- price bands -------------------------------------------------------------------------

    @get("/{arrangement_id:int}/price-bands", name="council_setup_bands")
    async def bands(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        return await self._bands_page(portal, arrangement, Form())

    @staticmethod
    async def _bands_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        lots = [lot for lot in (await frameworks.list_lots(portal.ctx, arrangement.id, MAX_LIMIT, 0)).items]
        bands = (await pricing.list_bands(portal.ctx, arrangement.id, MAX_LIMIT, 0, None, None)).items
        choices = [
            (band_choice(lot, age.label, need), f"{lot.code}, ages {age.label}, {need}")
            for lot in lots
            if not lot.withdrawn
            for age in lot.age_bands
            for need in lot.need_levels
        ]
        by_lot = [
            (
                lot,
                sorted((b for b in bands if b.lot_id == lot.id), key=lambda b: (b.min_age, b.key.need_level)),
                unpriced(lot, bands),
            )
            for lot in lots
        ]
        return page(
            portal,
            "council/setup/bands.html",
            status_code=status,
            arrangement=arrangement,
            by_lot=by_lot,
            choices=choices,
            form=form,
        )

    @post("/{arrangement_id:int}/price-bands", status_code=303)
    async def add_band(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Agree the weekly floor and ceiling for one band of a lot, from a date."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        parts = form.get("band").split("|")
        if len(parts) != 3 or not parts[0].isdigit():
            form.error("band", "Select the lot, age band and need level")
        floor = form.pounds("floor", "Lowest weekly fee")
        ceiling = form.pounds("ceiling", "Highest weekly fee")
        if floor is not None and ceiling is not None and floor > ceiling:
            form.error("ceiling", "The highest weekly fee must be at least the lowest")
        starts = form.day_month_year("effective_from", "date the prices start", required=True)
        ends = form.day_month_year("effective_to", "date the prices end", required=False)
        if form.ok and starts:
            try:
                data = shaped(
                    BandIn,
                    lot_id=int(parts[0]),
                    age_band=parts[1],
                    need_level=parts[2],
                    floor_pence=floor,
                    ceiling_pence=ceiling,
                    effective_from=starts,
                    effective_to=ends,
                )
                await pricing.add_band(portal.ctx, arrangement_id, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc, {"floor_pence": "floor", "ceiling_pence": "ceiling"})
            except DomainError as exc:
                problem(form, exc, "band", {"need_level": "band", "effective_from": "effective_from"})
            else:
                return redirect(portal, setup_path(arrangement_id, "price-bands"), banner="band_added")
        return await self._bands_page(portal, arrangement, form, status=400)

    @post("/{arrangement_id:int}/price-bands/{band_id:int}/remove", status_code=303)
    async def remove_band(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], band_id: FromPath[int]
    ) -> Template | Redirect:
        arrangement = await managed(portal, arrangement_id)
        form = Form()
        try:
            await pricing.delete_band(portal.ctx, arrangement_id, band_id)
        except DomainError as exc:
            problem(form, exc)
        else:
            return redirect(portal, setup_path(arrangement_id, "price-bands"), banner="band_removed")
        return await self._bands_page(portal, arrangement, form, status=400)

    # --- additional services -----------------------------------------------------------------

    @get("/{arrangement_id:int}/services", name="council_setup_services")
    async def services(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template:
        arrangement = await managed(portal, arrangement_id)
        return await self._services_page(portal, arrangement, Form())

    @staticmethod
    async def _services_page(portal: Portal, arrangement: Arrangement, form: Form, status: int = 200) -> Template:
        return page(
            portal,
            "council/setup/services.html",
            status_code=status,
            arrangement=arrangement,
            services=await pricing.list_services(portal.ctx, arrangement.id),
            units=[(u.value, words) for u, words in UNIT_WORDS.items()],
            unit_words={u.value: words for u, words in UNIT_WORDS.items()},
            form=form,
        )

    @post("/{arrangement_id:int}/services", status_code=303)
    async def add_service(self, portal: NamedDependency[Portal], arrangement_id: FromPath[int]) -> Template | Redirect:
        """Add a service providers may price beside the weekly fee (e.g. one-to-one support)."""
        arrangement = await managed(portal, arrangement_id)
        form = Form.of(await portal.request.form())
        code = form.required("code", "Enter the service's code, like ONE-TO-ONE")
        name = form.required("name", "Enter the service's name")
        unit = form.get("unit")
        if unit not in {u.value for u in ServiceUnit}:
            form.error("unit", "Select how the service is priced")
        if form.ok:
            try:
                data = shaped(ServiceIn, code=code, name=name, unit=unit, description=form.get("description"))
                await pricing.add_service(portal.ctx, arrangement_id, data.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                problem(form, exc, "code", {"min_age": "age_bands"})
            else:
                return redirect(portal, setup_path(arrangement_id, "services"), banner="service_added")
        return await self._services_page(portal, arrangement, form, status=400)

    @post("/{arrangement_id:int}/services/{service_id:int}/remove", status_code=303)
    async def remove_service(
        self, portal: NamedDependency[Portal], arrangement_id: FromPath[int], service_id: FromPath[int]
    ) -> Template | Redirect:
        arrangement = await managed(portal, arrangement_id)
        form = Form()
        try:
            await pricing.delete_service(portal.ctx, arrangement_id, service_id)
        except DomainError as exc:
            problem(form, exc)
        else:
            return redirect(portal, setup_path(arrangement_id, "services"), banner="service_removed")
        return await self._services_page(portal, arrangement, form, status=400)


CONTROLLERS: list[Any] = [LotPages]
