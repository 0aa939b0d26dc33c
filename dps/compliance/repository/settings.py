"""Providers' settings as compliance reads them, and Ofsted judgements (`ofsted_judgements`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from piccolo.querystring import QueryString

from dps.accounts.domain import OfstedGrade
from dps.compliance import tables as t
from dps.compliance.repository._rows import _SETTING_COLUMNS, SettingRow, _setting_row
from dps.core.db import DB


async def settings_of_providers(provider_ids: Collection[int]) -> list[SettingRow]:
    if not provider_ids:
        return []
    rows = await DB.run_querystring(
        QueryString(
            # Only constant column names are formatted in; values are bound parameters.
            f"SELECT {_SETTING_COLUMNS} FROM provider_settings s WHERE s.provider = ANY({{}}::bigint[]) ORDER BY s.id",  # noqa: S608
            list(provider_ids),
        )
    )
    return [_setting_row(r) for r in rows]


async def withdrawn_settings(setting_ids: Collection[int]) -> set[int]:
    """Settings whose newest recorded judgement is a withdrawn registration."""
    if not setting_ids:
        return set()
    rows = await DB.run_querystring(
        QueryString(
            """SELECT DISTINCT ON (setting) setting, registration_withdrawn FROM ofsted_judgements
               WHERE setting = ANY({}::bigint[]) ORDER BY setting, id DESC""",
            list(setting_ids),
        )
    )
    return {r["setting"] for r in rows if r["registration_withdrawn"]}


async def insert_judgement(
    setting_id: int,
    grade: OfstedGrade | None,
    inspection_date: date | None,
    withdrawn: bool,
    by: int | None,
    at: datetime,
) -> int:
    rows = await t.OfstedJudgement.insert(
        t.OfstedJudgement(
            setting=setting_id,
            grade=grade.value if grade else None,
            inspection_date=inspection_date,
            registration_withdrawn=withdrawn,
            recorded_by=by,
            recorded_at=at,
        )
    ).returning(t.OfstedJudgement.id)
    return int(rows[0]["id"])
