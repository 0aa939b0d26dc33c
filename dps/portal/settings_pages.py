"""The provider's settings (homes, agency branches, schools): a paged table, add and edit."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from dps.accounts import public as accounts
from dps.accounts.domain import MAX_AGE_SERVED, Need, OfstedGrade, Setting, SettingType
from dps.accounts.public import SettingIn, SettingPatch
from dps.core.errors import DomainError, StaleVersion
from dps.portal.forms import Form, date_fields, shape_error
from dps.portal.web import Portal, page, redirect

PAGE_SIZE = 20
MAX_CAPACITY = 10_000


def _values_of(setting: Setting) -> dict[str, Any]:
    return {
        "name": setting.name,
        "setting_type": setting.setting_type.value,
        "ofsted_urn": setting.ofsted_urn,
        "ofsted_grade": setting.ofsted_grade.value if setting.ofsted_grade else "",
        **date_fields("last_inspection_date", setting.last_inspection_date),
        "postcode": setting.postcode,
        "capacity": str(setting.capacity),
        "min_age": str(setting.ages.min_age),
        "max_age": str(setting.ages.max_age),
        "needs": sorted(n.value for n in setting.needs),
        "version": str(setting.version),
    }


def _read(form: Form, creating: bool) -> dict[str, Any]:
    """The setting's values from the form, with an error against each field that is not right."""
    name = form.required("name", "Enter the setting's name")
    setting_type = form.get("setting_type")
    if creating and setting_type not in {t.value for t in SettingType}:
        form.error("setting_type", "Select the type of setting")
    urn = form.required("ofsted_urn", "Enter the setting's Ofsted URN") if creating else None
    grade = form.get("ofsted_grade") if creating else ""
    if grade and grade not in {g.value for g in OfstedGrade}:
        form.error("ofsted_grade", "Select the latest Ofsted grade")
    inspected: date | None = None
    if creating:  # afterwards council officers record Ofsted's judgements (dps.compliance)
        inspected = form.day_month_year("last_inspection_date", "date of the last inspection", False)
    postcode = form.required("postcode", "Enter the setting's postcode")
    capacity = form.whole_number("capacity", "Capacity", 1, MAX_CAPACITY)
    min_age = form.whole_number("min_age", "Youngest age", 0, MAX_AGE_SERVED)
    max_age = form.whole_number("max_age", "Oldest age", 0, MAX_AGE_SERVED)
    if min_age is not None and max_age is not None and min_age > max_age:
        form.error("min_age", "The youngest age must be the same as or lower than the oldest age")
    needs = form.getall("needs")
    if any(n not in {v.value for v in Need} for n in needs):
        form.error("needs", "Select needs from the list")
    values: dict[str, Any] = {
        "name": name,
        "postcode": postcode,
        "capacity": capacity,
        "min_age": min_age,
        "max_age": max_age,
        "needs": needs,
    }
    if creating:
        values.update(
            setting_type=setting_type,
            ofsted_urn=urn,
            ofsted_grade=grade or None,
            last_inspection_date=inspected.isoformat() if inspected else None,
        )
    return values


def _choices() -> dict[str, Any]:
    return {"setting_types": list(SettingType), "grades": list(OfstedGrade), "needs": list(Need)}


class SettingPages(Controller):
    path = "/organisation/settings"

    @get("/", name="settings")
    async def index(self, portal: NamedDependency[Portal], after: FromQuery[int] = 0) -> Template:
        """The provider's settings, PAGE_SIZE to a page."""
        found = await accounts.list_settings(portal.ctx, portal.provider_id(), PAGE_SIZE, max(after, 0))
        return page(portal, "settings/index.html", settings=found.items, next_after=found.next_after_id, after=after)

    @get("/new", name="setting_new")
    async def new_form(self, portal: NamedDependency[Portal]) -> Template:
        portal.provider_id()
        return page(portal, "settings/form.html", form=Form(values={"needs": []}), setting=None, **_choices())

    @post("/new", status_code=303)
    async def create(self, portal: NamedDependency[Portal]) -> Template | Redirect:
        provider_id = portal.provider_id()
        form = Form.of(await portal.request.form(), multi=("needs",))
        values = _read(form, creating=True)
        if form.ok:
            try:
                await accounts.create_setting(portal.ctx, provider_id, msgspec.convert(values, SettingIn).to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except DomainError as exc:
                form.problem(exc)
            else:
                return redirect(portal, "/organisation/settings", banner="setting_added")
        return page(portal, "settings/form.html", status_code=400, form=form, setting=None, **_choices())

    @get("/{setting_id:int}", name="setting_edit")
    async def edit_form(self, portal: NamedDependency[Portal], setting_id: FromPath[int]) -> Template:
        setting = await accounts.get_setting(portal.ctx, portal.provider_id(), setting_id)
        return page(portal, "settings/form.html", form=Form(values=_values_of(setting)), setting=setting, **_choices())

    @post("/{setting_id:int}", status_code=303)
    async def update(self, portal: NamedDependency[Portal], setting_id: FromPath[int]) -> Template | Redirect:
        """Save the setting if nobody changed it since the form was shown; if they did, show theirs."""
        provider_id = portal.provider_id()
        setting = await accounts.get_setting(portal.ctx, provider_id, setting_id)
        form = Form.of(await portal.request.form(), multi=("needs",))
        values = _read(form, creating=False)
        theirs = None
        if form.ok:
            try:
                patch = msgspec.convert(values, SettingPatch)
                version = int(form.get("version") or 0)
                await accounts.update_setting(portal.ctx, provider_id, setting_id, version, patch.to_domain())
            except msgspec.ValidationError as exc:
                shape_error(form, exc)
            except StaleVersion as exc:
                form.problem(exc)
                theirs = await accounts.get_setting(portal.ctx, provider_id, setting_id)
                form.values["version"] = str(theirs.version)
            except DomainError as exc:
                form.problem(exc)
            else:
                return redirect(portal, "/organisation/settings", banner="setting_saved")
        return page(
            portal, "settings/form.html", status_code=400, form=form, setting=setting, theirs=theirs, **_choices()
        )


CONTROLLERS: list[Any] = [SettingPages]
