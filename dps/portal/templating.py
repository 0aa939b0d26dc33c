"""The Jinja environment: our templates first, then govuk-frontend-jinja's component macros under
`govuk_frontend_jinja/`; filters that show money in pounds, dates and times in UK time, and the
vocabularies' codes as words."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from dps.core import dates
from dps.core.dates import UK_TIME
from dps.portal import labels
from dps.portal.council_nav import council_nav
from dps.portal.forms import error_for
from dps.portal.provider_nav import provider_nav
from dps.tenders.domain.call_offs import CallOff, CallOffStatus

TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_CONSORTIUM = "Placements North West"


def uk_datetime(at: datetime | None) -> str:
    """'5 December 2026 at 1:30pm' in UK time (GMT or BST, whichever applies that day)."""
    if at is None:
        return ""
    local = at.astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    minutes = "" if local.minute == 0 else f":{local.minute:02d}"
    return f"{local.day} {local:%B %Y} at {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def long_date(day: date | datetime | None) -> str:
    """'5 December 2026' (a datetime is first moved into UK time)."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(UK_TIME).date()
    return dates.long_date(day)


def pounds(pence: int | None) -> str:
    """Pence as '£4,950' or '£4,950.50'."""
    if pence is None:
        return ""
    whole, part = divmod(abs(pence), 100)
    sign = "-" if pence < 0 else ""
    return f"{sign}£{whole:,}" + (f".{part:02d}" if part else "")


def link(href: str, text: object) -> Markup:
    """A link for a table cell's `html`, with its text escaped."""
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(href, text)


def lines(text: object) -> Markup:
    """Text people typed over several lines, shown with its line breaks (and escaped)."""
    return Markup('<span class="portal-answer">{}</span>').format(text)


def status_at(call_off: CallOff, at: datetime) -> CallOffStatus:
    """A placement request's state as people should see it at `at`: once its deadline has passed it
    is closed to offers, even before the scheduler's sweep has stored that (reads never write)."""
    if call_off.status is CallOffStatus.PUBLISHED and call_off.past_deadline(at):
        return CallOffStatus.CLOSED
    return call_off.status


def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        uk_datetime=uk_datetime, long_date=long_date, pounds=pounds, label=labels.label, status_at=status_at
    )
    env.globals["error_for"] = error_for
    env.globals["link"] = link
    env.globals["lines"] = lines
    env.globals["council_nav"] = council_nav
    env.globals["provider_nav"] = provider_nav
    env.globals["consortium_name"] = os.environ.get("DPS_CONSORTIUM_NAME", DEFAULT_CONSORTIUM)
    return env


def template_config() -> TemplateConfig[Any]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))
