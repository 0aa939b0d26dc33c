"""What a page's form was given and what is wrong with it: each value is kept exactly as typed, so
a form shown again with its errors never loses anything. Converting typed text into values (whole
numbers, dates from day/month/year boxes, pounds into pence) happens here, once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from dps.core.errors import DomainError
from dps.portal.messages import explain

PENCE_PER_POUND = 100
_POUNDS = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


@dataclass
class Form:
    """Raw values by field name (a list for checkboxes) and the first error found for each field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any], multi: Iterable[str] = ()) -> Form:
        """Keep what was posted; `multi` names fields that carry several values (checkboxes)."""
        getall = getattr(data, "getall", None)
        values: dict[str, Any] = {}
        for name in {*data.keys()} - {"_csrf_token"}:
            if name in multi and getall is not None:
                values[name] = [str(v) for v in getall(name)]
            else:
                value = data.get(name)
                values[name] = value.strip() if isinstance(value, str) else value
        for name in multi:
            values.setdefault(name, [])
        return cls(values=values)

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name)
        return value if isinstance(value, str) else default

    def getall(self, name: str) -> list[str]:
        value = self.values.get(name)
        return list(value) if isinstance(value, list) else []

    def error(self, name: str, message: str) -> None:
        """Record a problem with a field; the first one found for a field is the one shown."""
        self.errors.setdefault(name, message)

    def problem(self, exc: DomainError, default_field: str | None = None) -> None:
        """Record a service's error beside the field it is about (or the page, `_page`)."""
        found = explain(exc)
        self.error(found.field or default_field or "_page", found.message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_list(self) -> list[dict[str, str]]:
        """The error summary's links, in the order the problems were found."""
        return [_summary_item(name, message) for name, message in self.errors.items()]

    # --- reading values ----------------------------------------------------------------------

    def required(self, name: str, message: str) -> str:
        value = self.get(name)
        if not value:
            self.error(name, message)
        return value

    def optional(self, name: str) -> str | None:
        return self.get(name) or None

    def whole_number(self, name: str, what: str, low: int, high: int) -> int | None:
        """A whole number in [low, high]; `what` names it in the message, e.g. 'Capacity'."""
        raw = self.get(name).replace(",", "")
        if not raw:
            self.error(name, f"Enter the {what.lower()}")
            return None
        if not raw.isdigit():
            self.error(name, f"{what} must be a whole number, like {low + 1}")
            return None
        number = int(raw)
        if not low <= number <= high:
            self.error(name, f"{what} must be between {low} and {high}")
            return None
        return number

    def day_month_year(self, name: str, what: str, required: bool) -> date | None:
        """A date from the three boxes `name-day`, `name-month`, `name-year` (the Design System's
        date input); errors are reported against `name`, whose first box the summary links to."""
        parts = [self.get(f"{name}-{part}") for part in ("day", "month", "year")]
        if not any(parts):
            if required:
                self.error(name, f"Enter the {what}")
            return None
        missing = [label for label, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part]
        if missing:
            self.error(name, f"The {what} must include {' and '.join(missing)}")
            return None
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError("a year has 4 digits")
            return date(year, month, day)
        except ValueError:
            self.error(name, f"The {what} must be a real date, like 27 3 2026")
            return None

    def pounds(self, name: str, what: str) -> int | None:
        """An amount typed in pounds (e.g. '4,950' or '4950.50'), returned in pence."""
        raw = self.get(name).replace(",", "").removeprefix("£").strip()
        if not raw:
            self.error(name, f"Enter the {what.lower()}")
            return None
        if not _POUNDS.match(raw):
            self.error(name, f"{what} must be an amount in pounds, like 4950 or 4950.50")
            return None
        return pounds_to_pence(raw)


def _summary_item(name: str, message: str) -> dict[str, str]:
    """A field's error links to the field; a page's has no link; a path links to another page
    (the missing answers of a submission link back to their questions)."""
    if name == "_page":
        return {"text": message}
    return {"text": message, "href": name if name.startswith("/") else f"#{name}"}


def error_for(form: Form | None, name: str) -> dict[str, str] | None:
    """The Design System's errorMessage parameter for a field, or None."""
    if form is None or name not in form.errors:
        return None
    return {"text": form.errors[name]}


def pounds_to_pence(raw: str) -> int:
    """'4950.5' -> 495050. Exact: the text is read as a decimal, never as a float."""
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"{raw!r} is not an amount") from exc
    pence = amount * PENCE_PER_POUND
    if pence != pence.to_integral_value():
        raise ValueError(f"{raw!r} has fractions of a penny")
    return int(pence)


def date_fields(name: str, value: date | None) -> dict[str, str]:
    """A stored date as the three boxes' values, for a form shown for editing."""
    if value is None:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month), f"{name}-year": str(value.year)}


def shape_error(form: Form, exc: msgspec.ValidationError, renamed: Mapping[str, str] | None = None) -> None:
    """A value a request Struct refuses (too long, wrong pattern): put it against the field it names
    (`renamed` maps the Struct's field names to the form's where they differ)."""
    text = str(exc)
    path = text.rsplit("`$.", 1)[-1].rstrip("`") if "`$." in text else ""
    leaf = path.split(".")[-1].split("[")[0]
    name = (renamed or {}).get(leaf, leaf) if leaf else "_page"
    form.error(name, "Check this answer: it is too long or not in the expected format")
