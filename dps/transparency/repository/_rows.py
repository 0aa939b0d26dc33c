"""The query helper shared by the transparency repository modules."""

from __future__ import annotations

from typing import Any

from piccolo.querystring import QueryString

from dps.core.db import DB


async def _fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    return list(await DB.run_querystring(QueryString(sql, *args)))
