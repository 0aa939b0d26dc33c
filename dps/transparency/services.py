"""Use cases of transparency: the public OCDS feeds, records, and the officers' notices."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dps.core import audit
from dps.core.auth import Role
from dps.core.context import Context
from dps.core.db import DB
from dps.core.errors import Conflict, NotFound, PermissionDenied
from dps.core.pagination import encode_cursor
from dps.transparency import repository
from dps.transparency.codes import TransparencyCode
from dps.transparency.config import TransparencyConfig
from dps.transparency.domain import merge, notices

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
OCDS_VERSION = "1.1"
NOTICE_ROLES = (Role.PROCUREMENT_OFFICER, Role.LEGAL_OFFICER, Role.COMMISSIONER)


def config_for(ctx: Context) -> TransparencyConfig:
    return TransparencyConfig.from_env(ctx.settings.public_base_url)


def extensions() -> list[str]:
    """The extensions our releases use, as the package's `extensions` list."""
    return list(json.loads((SCHEMA_DIR / "extensions.json").read_text()))


def package_metadata(config: TransparencyConfig, uri: str, published: datetime) -> dict[str, Any]:
    """The release package's metadata (OCDS 1.1 release package schema)."""
    from dps.transparency.domain.releases import ocds_datetime

    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": extensions(),
        "publishedDate": ocds_datetime(published),
        "publisher": {"name": config.publisher_name, "uri": config.publisher_uri},
        "license": config.license,
        "publicationPolicy": config.publication_policy,
    }


@dataclass(frozen=True, slots=True)
class ReleasePage:
    package: dict[str, Any]
    next_cursor: str | None


async def release_page(ctx: Context, since: datetime | None, after_id: int, limit: int) -> ReleasePage:
    """A release package of up to `limit` releases written from `since` on, after the cursor."""
    config = config_for(ctx)
    rows = await repository.releases_page(since, after_id, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    package = package_metadata(config, f"{config.base_url}/api/v1/ocds/releases", ctx.clock.now())
    package["releases"] = [r.data for r in rows]
    return ReleasePage(package, encode_cursor(rows[-1].id) if more and rows else None)


async def record_package(ctx: Context, ocid: str) -> dict[str, Any]:
    """A record package holding the process's record: its releases, compiled and versioned."""
    rows = await repository.releases_of(ocid)
    if not rows:
        raise NotFound(f"no contracting process {ocid} is published")
    config = config_for(ctx)
    package = package_metadata(config, f"{config.base_url}/api/v1/ocds/records/{ocid}", ctx.clock.now())
    package["records"] = [merge.record(ocid, [r.data for r in rows])]
    return package


async def release_lines(since: datetime | None) -> AsyncIterator[bytes]:
    """Every release as one JSON object per line (JSON Lines), read in keyset batches."""
    async for batch in repository.stream_release_json(since):
        yield ("\n".join(batch) + "\n").encode()


# --- notices -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeView:
    row: repository.NoticeRow
    title: str
    law: str
    draft: notices.Draft


def _require_notice_reader(ctx: Context) -> int | None:
    """Officers see their own council's notices; the platform admin sees all (None)."""
    user = ctx.user
    if user.is_admin:
        return None
    if not user.is_authority_staff:
        raise PermissionDenied("notices are for council officers")
    user.require_role(*NOTICE_ROLES)
    return user.org_id


async def _view(row: repository.NoticeRow) -> NoticeView:
    releases = await repository.releases_of(row.ocid)
    compiled = merge.compiled_release([r.data for r in releases]) if releases else {}
    kind = notices.NOTICE_KINDS[notices.NoticeType(row.notice_type)]
    return NoticeView(row, kind.title, kind.law, notices.draft(notices.NoticeType(row.notice_type), compiled))


async def list_notices(ctx: Context, arrangement_id: int | None, after_id: int, limit: int) -> list[NoticeView]:
    """The notices of the caller's council's arrangements and call-offs, each drafted from the data."""
    authority_id = _require_notice_reader(ctx)
    rows = await repository.list_notices(authority_id, arrangement_id, after_id, limit + 1)
    return [await _view(r) for r in rows]


async def _may_file(authority_id: int | None, row: repository.NoticeRow) -> None:
    """The caller's council files its own notices and those of arrangements it leads; to any other
    council a notice is as missing as an unused id."""
    if authority_id is None or authority_id == row.authority_id:
        return
    if await repository.lead_authority_of(row.arrangement_id) == authority_id:
        return
    raise NotFound("no such notice")


async def get_notice(ctx: Context, notice_id: int) -> NoticeView:
    authority_id = _require_notice_reader(ctx)  # by role first: the same answer whether it exists or not
    row = await repository.get_notice(notice_id)
    if row is None:
        raise NotFound("no such notice")
    await _may_file(authority_id, row)
    return await _view(row)


async def publish_notice(ctx: Context, notice_id: int, platform_notice_id: str, published_on: date) -> NoticeView:
    """Record that an officer filed the notice on the platform, with its notice id and date."""
    authority_id = _require_notice_reader(ctx)  # by role first: the same answer whether it exists or not
    async with DB.transaction():
        row = await repository.get_notice(notice_id, for_update=True)
        if row is None:
            raise NotFound("no such notice")
        await _may_file(authority_id, row)
        if row.status == "published":
            raise Conflict("this notice is already marked published", code=TransparencyCode.NOTICE_ALREADY_PUBLISHED)
        if published_on > ctx.clock.now().date():
            raise Conflict("a notice cannot be published on a future day", code=TransparencyCode.NOTICE_DATE_IN_FUTURE)
        await repository.mark_published(notice_id, platform_notice_id, published_on, ctx.user.user_id)
        after = await repository.get_notice(notice_id)
        await audit.record(ctx, "notice.published", "transparency_notice", notice_id, before=row, after=after)
    assert after is not None
    return await _view(after)
