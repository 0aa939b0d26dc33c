"""Procurement Act notices (`transparency_notices`) <-> `NoticeRow`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dps.transparency.repository._rows import _fetch


@dataclass(frozen=True, slots=True)
class NoticeRow:
    id: int
    ocid: str
    arrangement_id: int
    call_off_id: int | None
    authority_id: int
    notice_type: str
    subject: str
    due_on: date | None
    status: str
    platform_notice_id: str | None
    published_on: date | None
    published_by: int | None
    created_at: datetime
    version: int


_NOTICE_COLUMNS = """id, ocid, arrangement_id, call_off_id, authority_id, notice_type, subject, due_on, status,
    platform_notice_id, published_on, published_by, created_at, version"""


async def add_notice(
    *,
    ocid: str,
    arrangement_id: int,
    call_off_id: int | None,
    authority_id: int,
    notice_type: str,
    subject: str,
    due_on: date | None,
    at: datetime,
) -> int | None:
    """Add a notice once per (process, type, subject); the id of a new one, None if it existed."""
    rows = await _fetch(
        """INSERT INTO transparency_notices (ocid, arrangement_id, call_off_id, authority_id, notice_type, subject,
                                             due_on, created_at)
           VALUES ({}, {}, {}, {}, {}, {}, {}, {})
           ON CONFLICT (ocid, notice_type, subject) DO NOTHING RETURNING id""",
        ocid,
        arrangement_id,
        call_off_id,
        authority_id,
        notice_type,
        subject,
        due_on,
        at,
    )
    return int(rows[0]["id"]) if rows else None


async def get_notice(notice_id: int, *, for_update: bool = False) -> NoticeRow | None:
    lock = " FOR UPDATE" if for_update else ""
    rows = await _fetch(f"SELECT {_NOTICE_COLUMNS} FROM transparency_notices WHERE id = {{}}{lock}", notice_id)  # noqa: S608
    return NoticeRow(**rows[0]) if rows else None


async def list_notices(
    authority_id: int | None, arrangement_id: int | None, after_id: int, limit: int
) -> list[NoticeRow]:
    """Notices in id order: those a council files or whose arrangement it leads (None: all)."""
    rows = await _fetch(
        f"""SELECT {_NOTICE_COLUMNS} FROM transparency_notices n
            WHERE n.id > {{}} AND ({{}}::bigint IS NULL OR n.arrangement_id = {{}}::bigint)
              AND ({{}}::bigint IS NULL OR n.authority_id = {{}}::bigint
                   OR EXISTS (SELECT 1 FROM arrangements a WHERE a.id = n.arrangement_id
                              AND a.lead_authority = {{}}::bigint))
            ORDER BY n.id LIMIT {{}}""",  # noqa: S608 - fixed column list
        after_id,
        arrangement_id,
        arrangement_id,
        authority_id,
        authority_id,
        authority_id,
        limit,
    )
    return [NoticeRow(**r) for r in rows]


async def lead_authority_of(arrangement_id: int) -> int | None:
    rows = await _fetch("SELECT lead_authority FROM arrangements WHERE id = {}", arrangement_id)
    return int(rows[0]["lead_authority"]) if rows else None


async def mark_published(notice_id: int, platform_notice_id: str, published_on: date, user_id: int) -> None:
    await _fetch(
        """UPDATE transparency_notices SET status = 'published', platform_notice_id = {}, published_on = {},
                  published_by = {}, version = version + 1 WHERE id = {}""",
        platform_notice_id,
        published_on,
        user_id,
        notice_id,
    )
