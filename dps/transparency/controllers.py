"""Routes of transparency: the public OCDS feeds and the officers' notices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, Limit, after_id, signed_in
from dps.core.pagination import encode_cursor
from dps.transparency import services
from dps.transparency.schemas import NoticeOut, NoticePage, NoticePublishIn

OCDS_JSON = "application/json"


class OcdsController(Controller):
    path = "/api/v1/ocds"
    tags = ["Open contracting (OCDS)"]

    @get("/releases", operation_id="ListOcdsReleases", security=[])
    async def releases(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        since: FromQuery[datetime | None] = None,
    ) -> Response[dict[str, Any]]:
        """An OCDS 1.1 release package of every published arrangement and call-off, in the order
        the releases were written; `since` keeps those dated from then on, `cursor` pages on (the
        package's `links.next`). Public, no sign-in: a release carries no child data and nothing of
        an offer before its deadline. Extensions used are listed in the package."""
        page = await services.release_page(ctx, since, after_id(cursor), limit)
        package = page.package
        if page.next_cursor is not None:
            query = f"cursor={page.next_cursor}&limit={limit}" + (f"&since={since.isoformat()}" if since else "")
            package["links"] = {"next": f"{package['uri']}?{query}".replace("+", "%2B")}
        return Response(package, media_type=OCDS_JSON)

    @get("/releases.jsonl", operation_id="StreamOcdsReleases", security=[], media_type="application/x-ndjson")
    async def releases_jsonl(self, since: FromQuery[datetime | None] = None) -> Stream:
        """Every release as JSON Lines (one release per line), streamed for bulk download;
        `since` keeps those dated from then on. Public."""
        return Stream(services.release_lines(since), media_type="application/x-ndjson")

    @get("/records/{ocid:str}", operation_id="GetOcdsRecord", security=[])
    async def record(self, ocid: FromPath[str], ctx: NamedDependency[Context]) -> Response[dict[str, Any]]:
        """An OCDS record package for one contracting process: all its releases, the compiled
        release (the OCDS merge rules) and the versioned release (each field's history). Public."""
        return Response(await services.record_package(ctx, ocid), media_type=OCDS_JSON)

    @get("/publication-policy", operation_id="GetOcdsPublicationPolicy", security=[])
    async def publication_policy(self) -> dict[str, str]:
        """What is published and what never is (the package's `publicationPolicy`)."""
        return {
            "publishes": (
                "Every published arrangement (framework, DPS, dynamic market, open framework) and every "
                "published call-off as OCDS 1.1 releases, written in the same transaction as the change."
            ),
            "never": (
                "No child data (profile, age, needs, postcode district or reference); nothing about an offer "
                "before its deadline; the number of offers only after it; a provider's prices only as the "
                "awarded value."
            ),
        }


class NoticeController(Controller):
    path = "/api/v1/notices"
    tags = ["Notices"]
    guards = [signed_in]

    @get("/", operation_id="ListNotices")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        arrangement_id: FromQuery[int | None] = None,
    ) -> NoticePage:
        """The notices your council must file (PA 2023 UK1-UK17, or the PCR 2015 forms for arrangements
        under those regulations), each drafted from the data held, with what is still missing and
        the day it falls due. Council officers see their own council's; the admin sees all."""
        views = await services.list_notices(ctx, arrangement_id, after_id(cursor), limit)
        more = len(views) > limit
        views = views[:limit]
        return NoticePage(
            items=[NoticeOut.of(v) for v in views],
            next_cursor=encode_cursor(views[-1].row.id) if more and views else None,
        )

    @get("/{notice_id:int}", operation_id="GetNotice")
    async def get_(self, notice_id: FromPath[int], ctx: NamedDependency[Context]) -> NoticeOut:
        """One notice and its draft."""
        return NoticeOut.of(await services.get_notice(ctx, notice_id))

    @post("/{notice_id:int}/publish", operation_id="PublishNotice", status_code=200)
    async def publish(
        self, notice_id: FromPath[int], ctx: NamedDependency[Context], data: JSONBody[NoticePublishIn]
    ) -> NoticeOut:
        """Mark the notice published on Find a Tender with the platform's notice id and date; its
        reminders stop. 409 `notice_already_published` the second time."""
        return NoticeOut.of(await services.publish_notice(ctx, notice_id, data.platform_notice_id, data.published_on))
