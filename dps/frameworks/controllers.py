"""HTTP routes of frameworks: parse, call one service function, map the result."""

from __future__ import annotations

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from dps.core.concurrency import etag, parse_if_match
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, IfMatch, Limit, after_id, signed_in
from dps.frameworks import schemas as s
from dps.frameworks.domain.arrangements import Arrangement, ArrangementStatus
from dps.frameworks.services import arrangements


def _versioned(arrangement: Arrangement, status_code: int = 200) -> Response[s.ArrangementOut]:
    return Response(
        s.ArrangementOut.of(arrangement), status_code=status_code, headers={"ETag": etag(arrangement.version)}
    )


class ArrangementController(Controller):
    path = "/api/v1/arrangements"
    guards = [signed_in]
    tags = ["Arrangements"]

    @post("/", operation_id="CreateArrangement")
    async def create(
        self, data: JSONBody[s.ArrangementIn], ctx: NamedDependency[Context]
    ) -> Response[s.ArrangementOut]:
        """Set up a draft arrangement (procurement officers, led by their own council). The term must
        fit the procurement profile (422 `term_too_long`); the reference is unique."""
        return _versioned(await arrangements.create_arrangement(ctx, data), status_code=201)

    @get("/", operation_id="ListArrangements")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        status: FromQuery[ArrangementStatus | None] = None,
    ) -> s.ArrangementPage:
        """Arrangements you may see: providers every published one; council staff those their council
        leads or joins (officers also their council's drafts); admins all."""
        page = await arrangements.list_arrangements(ctx, limit, after_id(cursor), status)
        return s.ArrangementPage(items=[s.ArrangementOut.of(a) for a in page.items], next_cursor=page.next_cursor)

    @get("/{arrangement_id:int}", operation_id="GetArrangement")
    async def get_one(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ArrangementOut]:
        """One arrangement, with its version as the ETag."""
        return _versioned(await arrangements.get_arrangement(ctx, arrangement_id))

    @patch("/{arrangement_id:int}", operation_id="UpdateArrangement")
    async def update(
        self,
        arrangement_id: FromPath[int],
        data: JSONBody[s.ArrangementPatch],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.ArrangementOut]:
        """Change title, windows, threshold, evaluators or member councils (the lead authority's
        officers). Moving the end of a published term needs `extension_reason`. Send If-Match with
        the ETag you read: 412 if someone changed it since, 428 without it."""
        arrangement = await arrangements.update_arrangement(ctx, arrangement_id, parse_if_match(if_match), data)
        return _versioned(arrangement)

    @post("/{arrangement_id:int}/publish", operation_id="PublishArrangement", status_code=200)
    async def publish(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ArrangementOut]:
        """Open a draft to applications; it needs at least one lot (422 `no_lots`)."""
        return _versioned(await arrangements.publish_arrangement(ctx, arrangement_id))

    @post("/{arrangement_id:int}/close", operation_id="CloseArrangement", status_code=200)
    async def close(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ArrangementOut]:
        """Stop taking new applications; existing members keep their places."""
        return _versioned(await arrangements.close_arrangement(ctx, arrangement_id))

    @post("/{arrangement_id:int}/suspend", operation_id="SuspendArrangement", status_code=200)
    async def suspend(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ArrangementOut]:
        """Pause an open arrangement."""
        return _versioned(await arrangements.suspend_arrangement(ctx, arrangement_id))

    @post("/{arrangement_id:int}/resume", operation_id="ResumeArrangement", status_code=200)
    async def resume(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ArrangementOut]:
        """Open a suspended or closed arrangement again."""
        return _versioned(await arrangements.resume_arrangement(ctx, arrangement_id))

    @post("/{arrangement_id:int}/lots", operation_id="CreateLot")
    async def create_lot(
        self, arrangement_id: FromPath[int], data: JSONBody[s.LotIn], ctx: NamedDependency[Context]
    ) -> s.LotOut:
        """Add a lot (the lead authority's officers). A dynamic market's lots are frozen once it is
        open (409 `conditions_locked`); codes are unique within the arrangement."""
        return s.LotOut.of(await arrangements.add_lot(ctx, arrangement_id, data))

    @get("/{arrangement_id:int}/lots", operation_id="ListLots")
    async def list_lots(
        self,
        arrangement_id: FromPath[int],
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
    ) -> s.LotPage:
        """The lots of an arrangement you may see."""
        page = await arrangements.list_lots(ctx, arrangement_id, limit, after_id(cursor))
        return s.LotPage(items=[s.LotOut.of(x) for x in page.items], next_cursor=page.next_cursor)

    @patch("/{arrangement_id:int}/lots/{lot_id:int}", operation_id="UpdateLot")
    async def update_lot(
        self,
        arrangement_id: FromPath[int],
        lot_id: FromPath[int],
        data: JSONBody[s.LotPatch],
        ctx: NamedDependency[Context],
    ) -> s.LotOut:
        """Change a lot while the arrangement's conditions may still change (409 `conditions_locked`)."""
        return s.LotOut.of(await arrangements.update_lot(ctx, arrangement_id, lot_id, data))
