"""HTTP routes of frameworks: parse, call one service function, map the result."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post
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
        return _versioned(await arrangements.create_arrangement(ctx, data.to_domain()), status_code=201)

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
        arrangement = await arrangements.update_arrangement(
            ctx, arrangement_id, parse_if_match(if_match), data.to_domain()
        )
        return _versioned(arrangement)

    @post("/{arrangement_id:int}/waivers", operation_id="WaivePublishingCheck", status_code=200)
    async def waive(
        self, arrangement_id: FromPath[int], data: JSONBody[s.WaiverIn], ctx: NamedDependency[Context]
    ) -> Response[s.ArrangementOut]:
        """Waive one publishing check of a draft (`price_bands`, `questionnaire` or
        `compliance_requirements`) with the reason, recorded on the arrangement and in the audit
        trail (409 `already_published` once published)."""
        return _versioned(await arrangements.waive_publishing_check(ctx, arrangement_id, data.check, data.reason))

    @get("/{arrangement_id:int}/evaluators", operation_id="ListArrangementEvaluators")
    async def evaluators(self, arrangement_id: FromPath[int], ctx: NamedDependency[Context]) -> s.EvaluatorList:
        """Who may be assigned to evaluate this arrangement's applications: the active evaluators and
        procurement officers of the lead and every member council, with their council (procurement
        officers of those councils)."""
        users = await arrangements.list_evaluators(ctx, arrangement_id)
        return s.EvaluatorList(items=[s.EvaluatorOut.of(u) for u in users])

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
        return s.LotOut.of(await arrangements.add_lot(ctx, arrangement_id, data.to_domain()))

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
        """Change a lot while the arrangement's conditions may still change (409 `conditions_locked`);
        overlapping age bands are 422 `age_bands_overlap` naming the two bands. Its own pass mark
        (`quality_threshold`, null for the arrangement's) is fixed once an application is submitted."""
        return s.LotOut.of(await arrangements.update_lot(ctx, arrangement_id, lot_id, data.to_domain()))

    @delete("/{arrangement_id:int}/lots/{lot_id:int}", operation_id="DeleteLot", status_code=204)
    async def delete_lot(
        self, arrangement_id: FromPath[int], lot_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> None:
        """Delete a draft arrangement's lot (409 `lot_in_use` while questions or price bands name it;
        409 `arrangement_published` once published: withdraw it instead)."""
        await arrangements.remove_lot(ctx, arrangement_id, lot_id)

    @post("/{arrangement_id:int}/lots/{lot_id:int}/withdraw", operation_id="WithdrawLot", status_code=200)
    async def withdraw_lot(
        self,
        arrangement_id: FromPath[int],
        lot_id: FromPath[int],
        data: JSONBody[s.ReasonIn],
        ctx: NamedDependency[Context],
    ) -> s.LotOut:
        """Withdraw a published arrangement's lot with a reason: kept (memberships, decisions and
        history refer to it), audited, and no longer offered to applicants."""
        return s.LotOut.of(await arrangements.withdraw_lot(ctx, arrangement_id, lot_id, data.reason))
