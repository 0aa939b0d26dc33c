"""The regional search over providers' settings, their grades, memberships and concerns."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from dps.compliance.repository._rows import _SETTING_COLUMNS, SettingRow, _setting_row
from dps.core import replica


@dataclass(frozen=True, slots=True)
class SearchHit:
    setting: SettingRow
    distance_m: float | None


async def search_settings(
    *,
    easting: float | None,
    northing: float | None,
    radius_m: float | None,
    setting_types: Collection[str],
    age: int | None,
    needs: Collection[str],
    grades: Collection[str] | None,
    lot_id: int | None,
    limit: int,
) -> list[SearchHit]:
    """Settings matching the filters, nearest first. The radius is a bounding box on the OS grid
    (served by the (easting, northing) index) refined by the exact circle; the ordering is the
    squared grid distance, so PostgreSQL never takes a square root per row."""
    where: list[str] = []
    order = "s.id"
    distance = "NULL::float8"
    if easting is not None and northing is not None:
        distance = "sqrt((s.easting - {e}::float8) ^ 2 + (s.northing - {n}::float8) ^ 2)"
        order = "(s.easting - {e}::float8) ^ 2 + (s.northing - {n}::float8) ^ 2, s.id"
        where.append("s.easting IS NOT NULL")
        if radius_m is not None:
            where.append(
                "s.easting BETWEEN {e}::float8 - {r}::float8 AND {e}::float8 + {r}::float8"
                " AND s.northing BETWEEN {n}::float8 - {r}::float8 AND {n}::float8 + {r}::float8"
            )
            where.append("(s.easting - {e}::float8) ^ 2 + (s.northing - {n}::float8) ^ 2 <= {r}::float8 ^ 2")
    if setting_types:
        where.append("s.setting_type = ANY({types}::text[])")
    if age is not None:
        where.append("s.min_age <= {age}::int AND s.max_age >= {age}::int")
    if needs:
        where.append("s.needs @> {needs}::varchar[]")
    if grades is not None:
        where.append("s.ofsted_grade = ANY({grades}::text[])")
    if lot_id is not None:
        where.append("EXISTS (SELECT 1 FROM memberships m WHERE m.lot = {lot}::bigint AND m.provider = s.provider)")
    named = {
        "e": easting,
        "n": northing,
        "r": radius_m,
        "types": list(setting_types),
        "age": age,
        "needs": list(needs),
        "grades": list(grades or ()),
        "lot": lot_id,
    }
    # The fragments are constants of this function; every value is bound by `_bind`.
    template = (
        f"SELECT {_SETTING_COLUMNS}, {distance} AS distance_m FROM provider_settings s "  # noqa: S608
        f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT {{limit}}::int"
    )
    named["limit"] = limit
    sql, positional = _bind(template, named)
    rows = await replica.reader().run_querystring(QueryString(sql, *positional))  # a replica may serve it
    return [SearchHit(_setting_row(r), r["distance_m"]) for r in rows]


def _bind(template: str, named: dict[str, Any]) -> tuple[str, list[Any]]:
    """Turn `{name}` placeholders into Piccolo's positional `{}` with the values in order."""
    import re

    values: list[Any] = []

    def put(match: re.Match[str]) -> str:
        value = named[match.group(1)]
        values.append(float(value) if isinstance(value, Decimal) else value)
        return "{}"

    return re.sub(r"\{(\w+)\}", put, template), values
