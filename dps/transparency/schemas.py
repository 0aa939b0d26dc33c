"""Request and response Structs of the notices routes (the OCDS routes return OCDS JSON as is)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from msgspec import Meta, Struct

from dps.transparency.services import NoticeView


class NoticePublishIn(Struct, kw_only=True, forbid_unknown_fields=True):
    platform_notice_id: Annotated[str, Meta(min_length=1, max_length=100, description="Find a Tender's notice id")]
    published_on: Annotated[date, Meta(description="the day the platform published it")]


class NoticeOut(Struct, kw_only=True):
    id: int
    notice_type: str
    title: str
    law: str
    ocid: str
    arrangement_id: int
    call_off_id: int | None
    authority_id: int
    subject: str
    due_on: date | None
    status: str
    platform_notice_id: str | None
    published_on: date | None
    created_at: datetime
    draft: dict[str, Any]
    missing: list[str]
    ready: bool

    @classmethod
    def of(cls, v: NoticeView) -> NoticeOut:
        r = v.row
        return cls(
            id=r.id,
            notice_type=r.notice_type,
            title=v.title,
            law=v.law,
            ocid=r.ocid,
            arrangement_id=r.arrangement_id,
            call_off_id=r.call_off_id,
            authority_id=r.authority_id,
            subject=r.subject,
            due_on=r.due_on,
            status=r.status,
            platform_notice_id=r.platform_notice_id,
            published_on=r.published_on,
            created_at=r.created_at,
            draft=v.draft.fields,
            missing=list(v.draft.missing),
            ready=v.draft.ready,
        )


class NoticePage(Struct, kw_only=True):
    items: list[NoticeOut]
    next_cursor: str | None
