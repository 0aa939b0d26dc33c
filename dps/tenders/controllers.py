"""HTTP routes of tenders: parse, call one service function, map the result."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from litestar import Controller, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from dps.core.concurrency import etag, parse_if_match
from dps.core.context import Context
from dps.core.evaluation import Mark
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, IfMatch, Limit, after_id, signed_in
from dps.tenders import schemas as s
from dps.tenders.domain.call_offs import CallOff, CallOffStatus
from dps.tenders.domain.offers import Offer
from dps.tenders.domain.placements import Placement
from dps.tenders.services import award, call_offs, offers, panel, placements, reports


def _call_off(call_off: CallOff, status_code: int = 200) -> Response[s.CallOffOut]:
    return Response(s.CallOffOut.of(call_off), status_code=status_code, headers={"ETag": etag(call_off.version)})


def _offer(offer: Offer, distance: object, status_code: int = 200) -> Response[s.OfferOut]:
    return Response(
        s.OfferOut.of(offer, distance),  # type: ignore[arg-type]
        status_code=status_code,
        headers={"ETag": etag(offer.version)},
    )


def _placement(ctx: Context, placement: Placement, status_code: int = 200) -> Response[s.PlacementOut]:
    return Response(
        s.PlacementOut.of(placement, placements.today_of(ctx)),
        status_code=status_code,
        headers={"ETag": etag(placement.version)},
    )


def _marks(data: s.MarksIn) -> list[Mark]:
    return [Mark(m.question_id, m.score, m.passed, m.rationale) for m in data.marks]


class CallOffController(Controller):
    path = "/api/v1/call-offs"
    guards = [signed_in]
    tags = ["Call-offs"]

    @post("/", operation_id="CreateCallOff")
    async def create(self, data: JSONBody[s.CallOffIn], ctx: NamedDependency[Context]) -> Response[s.CallOffOut]:
        """Raise a draft placement request (commissioners of a member council of the arrangement).
        The child is anonymised: age, sex, needs (each essential, a filter, or preferred, scored as
        quality at `criteria.preferred_needs_weight`), postcode DISTRICT only (a full postcode is 422
        `full_postcode_not_allowed`), education, risks, placement type, siblings, start date. No
        free-text field may carry a full postcode, an NHS number, a date of birth or a name (422
        `personal_data_in_free_text` naming the `field`). Weights of quality, price and proximity
        add up to 100."""
        return _call_off(await call_offs.create_call_off(ctx, data.to_domain()), status_code=201)

    @get("/", operation_id="ListCallOffs")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        status: FromQuery[CallOffStatus | None] = None,
    ) -> s.CallOffPage:
        """Placement requests you may see: your council's, or (providers) those you were invited to."""
        page = await call_offs.list_call_off_views(ctx, limit, after_id(cursor), status)
        return s.CallOffPage(
            items=[s.CallOffOut.withheld(v.call_off, v.profile_withheld, v.past_deadline) for v in page.items],
            next_cursor=page.next_cursor,
        )

    @get("/{call_off_id:int}", operation_id="GetCallOff")
    async def get_one(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.CallOffOut]:
        """One placement request. Reading never changes it: after the deadline `past_deadline` is true
        while a published request waits for the scheduler's sweep to close it. A concluded request
        links to the placement it made (`placement_id`) for those who may see it."""
        view = await call_offs.view_call_off(ctx, call_off_id)
        out = s.CallOffOut.withheld(view.call_off, view.profile_withheld, view.past_deadline)
        out.placement_id = await placements.placement_link(ctx, view.call_off.id)
        return Response(out, headers={"ETag": etag(view.call_off.version)})

    @patch("/{call_off_id:int}", operation_id="UpdateCallOff")
    async def update(
        self,
        call_off_id: FromPath[int],
        data: JSONBody[s.CallOffPatch],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.CallOffOut]:
        """Change a draft request (If-Match required: 428 without, 412 when stale)."""
        return _call_off(await call_offs.update_call_off(ctx, call_off_id, parse_if_match(if_match), data.to_domain()))

    @post("/{call_off_id:int}/publish", operation_id="PublishCallOff", status_code=200)
    async def publish(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.CallOffOut]:
        """Invite every eligible setting of the lot now and freeze the invitation list (with the
        reasons each other member setting was left out). The deadline must leave the profile's
        minimum period (422 `offer_period_too_short`) unless urgent where the profile allows."""
        return _call_off(await call_offs.publish_call_off(ctx, call_off_id))

    @post("/{call_off_id:int}/close", operation_id="CloseCallOff", status_code=200)
    async def close(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.CallOffOut]:
        """Close at or after the deadline and open the offers (409 `deadline_not_reached` before)."""
        return _call_off(await call_offs.close_call_off(ctx, call_off_id))

    @post("/{call_off_id:int}/cancel", operation_id="CancelCallOff", status_code=200)
    async def cancel(
        self, call_off_id: FromPath[int], data: JSONBody[s.ReasonIn], ctx: NamedDependency[Context]
    ) -> Response[s.CallOffOut]:
        """Cancel the request with a reason; invited providers are told."""
        return _call_off(await call_offs.cancel_call_off(ctx, call_off_id, data.reason))

    @get("/{call_off_id:int}/invitations", operation_id="ListInvitations")
    async def invitations(
        self,
        call_off_id: FromPath[int],
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        invited: FromQuery[bool | None] = None,
    ) -> s.InvitationPage:
        """The invitation list frozen at publication: every member setting of the lot, invited or
        left out with its reasons. Providers see only their own settings' rows."""
        page = await call_offs.list_invitations(ctx, call_off_id, limit, after_id(cursor), invited)
        return s.InvitationPage(items=[s.InvitationOut.of(i) for i in page.items], next_cursor=page.next_cursor)

    @post("/{call_off_id:int}/clarifications", operation_id="AskClarification")
    async def ask(
        self, call_off_id: FromPath[int], data: JSONBody[s.ClarificationIn], ctx: NamedDependency[Context]
    ) -> s.ClarificationOut:
        """An invited provider asks a question while offers are open."""
        row = await call_offs.ask_clarification(ctx, call_off_id, data.question)
        return s.ClarificationOut.of(row, row.provider_id)

    @post("/{call_off_id:int}/clarifications/{clarification_id:int}/answer", operation_id="AnswerClarification",
          status_code=200)  # fmt: skip
    async def answer(
        self,
        call_off_id: FromPath[int],
        clarification_id: FromPath[int],
        data: JSONBody[s.ClarificationAnswerIn],
        ctx: NamedDependency[Context],
    ) -> s.ClarificationOut:
        """The commissioner answers; every invited provider sees the answer (not who asked)."""
        row = await call_offs.answer_clarification(ctx, call_off_id, clarification_id, data.answer)
        return s.ClarificationOut.of(row, None)

    @get("/{call_off_id:int}/clarifications", operation_id="ListClarifications")
    async def clarifications(
        self, call_off_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> list[s.ClarificationOut]:
        """Questions and answers: providers see their own questions and every answered one."""
        rows, provider_id = await call_offs.list_clarifications(ctx, call_off_id)
        return [s.ClarificationOut.of(r, provider_id) for r in rows]

    @post("/{call_off_id:int}/offers", operation_id="SubmitOffer")
    async def submit_offer(
        self, call_off_id: FromPath[int], data: JSONBody[s.OfferIn], ctx: NamedDependency[Context]
    ) -> Response[s.OfferOut]:
        """Submit a sealed offer for one of your invited settings, strictly before the deadline
        (409 `deadline_passed` at or after it, by the server's clock). The fee is checked against
        the band and your rate card; `fee_flags` records e.g. `above_ceiling` (flagged, not refused)."""
        offer, distance = await offers.submit_offer(ctx, call_off_id, data.content())
        return _offer(offer, distance, status_code=201)

    @get("/{call_off_id:int}/offers", operation_id="ListOffers")
    async def list_offers(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> s.OfferList:
        """Providers: their own offers. The raising council: only counts before the deadline
        (`sealed` true); after it every offer with its scores."""
        listing = await offers.list_offers(ctx, call_off_id)
        return s.OfferList(
            sealed=listing.sealed,
            submitted=listing.submitted,
            withdrawn=listing.withdrawn,
            items=[s.OfferOut.of(v.offer, v.distance_miles, v.score) for v in listing.items],
        )

    @get("/{call_off_id:int}/offers/{offer_id:int}", operation_id="GetOffer")
    async def get_offer(
        self, call_off_id: FromPath[int], offer_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> Response[s.OfferOut]:
        """One offer: its provider at any time; the council only after the deadline (403 `offer_sealed`)."""
        view = await offers.get_offer(ctx, call_off_id, offer_id)
        return Response(
            s.OfferOut.of(view.offer, view.distance_miles, view.score), headers={"ETag": etag(view.offer.version)}
        )

    @patch("/{call_off_id:int}/offers/{offer_id:int}", operation_id="ReviseOffer")
    async def revise_offer(
        self,
        call_off_id: FromPath[int],
        offer_id: FromPath[int],
        data: JSONBody[s.OfferIn],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.OfferOut]:
        """Replace your offer's content before the deadline (If-Match required)."""
        offer, distance = await offers.revise_offer(
            ctx, call_off_id, offer_id, parse_if_match(if_match), data.content()
        )
        return _offer(offer, distance)

    @post("/{call_off_id:int}/offers/{offer_id:int}/revised-fee", operation_id="ReviseOfferFee", status_code=200)
    async def revise_fee(
        self,
        call_off_id: FromPath[int],
        offer_id: FromPath[int],
        data: JSONBody[s.RevisedFeeIn],
        ctx: NamedDependency[Context],
    ) -> Response[s.OfferOut]:
        """Second round (price only): the provider of one of the top offers lowers its weekly fee,
        never above the first (422 `revised_fee_not_lower`), before the round's deadline (409
        `deadline_passed`); other offers are 403 `not_in_second_round`. Sealed until the round closes."""
        offer, distance = await offers.revise_fee(ctx, call_off_id, offer_id, data.weekly_fee_pence)
        return _offer(offer, distance)

    @post("/{call_off_id:int}/offers/{offer_id:int}/withdraw", operation_id="WithdrawOffer", status_code=200)
    async def withdraw_offer(
        self, call_off_id: FromPath[int], offer_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> Response[s.OfferOut]:
        """Withdraw your offer before the deadline."""
        offer = await offers.withdraw_offer(ctx, call_off_id, offer_id)
        return _offer(offer, None)

    @post("/{call_off_id:int}/offers/{offer_id:int}/marks", operation_id="MarkOffer", status_code=204)
    async def mark(
        self,
        call_off_id: FromPath[int],
        offer_id: FromPath[int],
        data: JSONBody[s.MarksIn],
        ctx: NamedDependency[Context],
    ) -> None:
        """An evaluator's independent marks for every question of an opened offer, each with a rationale."""
        await offers.submit_marks(ctx, call_off_id, offer_id, _marks(data))

    @post("/{call_off_id:int}/offers/{offer_id:int}/moderation", operation_id="ModerateOffer", status_code=204)
    async def moderate(
        self,
        call_off_id: FromPath[int],
        offer_id: FromPath[int],
        data: JSONBody[s.MarksIn],
        ctx: NamedDependency[Context],
    ) -> None:
        """The commissioner's moderated marks (with reasons) where evaluators disagree."""
        await offers.moderate_marks(ctx, call_off_id, offer_id, _marks(data))

    @post("/{call_off_id:int}/evaluate", operation_id="EvaluateCallOff", status_code=200)
    async def evaluate(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.CallOffOut]:
        """Score and rank the opened offers: total = quality share + price (on the weekly total: fee
        plus additional services) + proximity (see `criteria`; ties by quality, weekly total,
        distance, then the earlier offer). 409 `evaluation_incomplete` while an assigned evaluator
        has not marked every offer, `too_few_evaluators` below the minimum panel,
        `moderation_required` while evaluators disagree on a question nobody has moderated. After a
        second round has closed, scores again with the revised fees."""
        return _call_off(await award.evaluate_call_off(ctx, call_off_id))

    @post("/{call_off_id:int}/evaluators", operation_id="AssignCallOffEvaluators", status_code=200)
    async def assign_evaluators(
        self, call_off_id: FromPath[int], data: JSONBody[s.EvaluatorsIn], ctx: NamedDependency[Context]
    ) -> s.PanelOut:
        """Put the raising council's evaluators or commissioners on the evaluation panel (the raising
        council's commissioners and procurement officers); each is told. Only panel members mark
        (409 `not_on_panel`), and the evaluation completes only when every one has marked every offer
        or was released with a reason (409 `evaluation_incomplete`), with at least the profile's (or
        the call-off's `min_evaluators`) minimum (409 `too_few_evaluators`)."""
        await panel.assign_evaluators(ctx, call_off_id, data.evaluator_ids)
        return await self._panel(ctx, call_off_id)

    @get("/{call_off_id:int}/evaluators", operation_id="GetCallOffPanel")
    async def get_panel(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> s.PanelOut:
        """The evaluation panel and where each evaluator stands (the raising council's staff)."""
        return await self._panel(ctx, call_off_id)

    async def _panel(self, ctx: Context, call_off_id: int) -> s.PanelOut:
        view = await panel.get_panel(ctx, call_off_id)
        return s.PanelOut.of(view.members, view.state, view.offers_marked, view.minimum)

    @post("/{call_off_id:int}/evaluators/{evaluator_id:int}/release", operation_id="ReleaseCallOffEvaluator",
          status_code=200)  # fmt: skip
    async def release_evaluator(
        self,
        call_off_id: FromPath[int],
        evaluator_id: FromPath[int],
        data: JSONBody[s.ReasonIn],
        ctx: NamedDependency[Context],
    ) -> s.PanelOut:
        """Release an evaluator from the panel with the reason (audited); their marks stop counting."""
        await panel.release_evaluator(ctx, call_off_id, evaluator_id, data.reason)
        return await self._panel(ctx, call_off_id)

    @post("/{call_off_id:int}/reopen-evaluation", operation_id="ReopenCallOffEvaluation", status_code=200)
    async def reopen_evaluation(
        self, call_off_id: FromPath[int], data: JSONBody[s.ReasonIn], ctx: NamedDependency[Context]
    ) -> Response[s.CallOffOut]:
        """Reopen an evaluated request for marking before the award, with the reason (audited; 409
        once awarded or after a second round has started)."""
        return _call_off(await panel.reopen_evaluation(ctx, call_off_id, data.reason))

    @get("/{call_off_id:int}/offers/{offer_id:int}/marks", operation_id="ListOfferMarks")
    async def offer_marks(
        self, call_off_id: FromPath[int], offer_id: FromPath[int], ctx: NamedDependency[Context]
    ) -> list[s.OfferMarksOut]:
        """The marks on an offer you may see: your own; another evaluator's only once both of you
        have marked every offer; the moderator each evaluator's once they have, and the moderation."""
        return [s.OfferMarksOut.of(v.evaluator_id, v.moderated, v.marks)
                for v in await panel.offer_marks(ctx, call_off_id, offer_id)]  # fmt: skip

    @post("/{call_off_id:int}/second-round", operation_id="StartSecondRound", status_code=200)
    async def second_round(
        self, call_off_id: FromPath[int], data: JSONBody[s.SecondRoundIn], ctx: NamedDependency[Context]
    ) -> Response[s.CallOffOut]:
        """After evaluation, an optional price-only round among the top `size` ranked offers until
        `deadline`: their providers may lower their fees. Once it closes, `evaluate` again scores
        every offer by the same formula with the revised fees; the award waits for that."""
        return _call_off(await award.start_second_round(ctx, call_off_id, data.size, data.deadline))

    @post("/{call_off_id:int}/award", operation_id="AwardCallOff", status_code=200)
    async def award_(
        self, call_off_id: FromPath[int], data: JSONBody[s.AwardIn], ctx: NamedDependency[Context]
    ) -> Response[s.CallOffOut]:
        """Award the top-ranked offer (or another with `reason`); every offering provider gets its
        assessment summary. A standstill follows where the profile has one; otherwise the request
        concludes at once and the placement is recorded."""
        return _call_off(await award.award_call_off(ctx, call_off_id, data.offer_id, data.reason))

    @post("/{call_off_id:int}/conclude", operation_id="ConcludeCallOff", status_code=200)
    async def conclude(self, call_off_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.CallOffOut]:
        """Conclude after the standstill (409 `standstill_running` before) and record the placement."""
        return _call_off(await award.conclude_call_off(ctx, call_off_id))

    @post("/{call_off_id:int}/no-award", operation_id="EndCallOffWithoutAward", status_code=200)
    async def no_award(
        self, call_off_id: FromPath[int], data: JSONBody[s.ReasonIn], ctx: NamedDependency[Context]
    ) -> Response[s.CallOffOut]:
        """End an opened request without an award, with the reason; offering providers are told."""
        return _call_off(await award.end_without_award(ctx, call_off_id, data.reason))


class PlacementController(Controller):
    path = "/api/v1/placements"
    guards = [signed_in]
    tags = ["Placements"]

    @get("/", operation_id="ListPlacements")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        authority_id: FromQuery[int | None] = None,
        provider_id: FromQuery[int | None] = None,
        live: FromQuery[bool | None] = None,
        call_off_id: FromQuery[int | None] = None,
        child_reference: FromQuery[str | None] = None,
    ) -> s.PlacementPage:
        """Placements you may see (your council's, or your organisation's as a provider), filtered
        by authority, provider, live (true) / ended (false), and one child: `call_off_id` (the
        placement the call-off made and every move since) or `child_reference` (e.g. CH-CO-000042).
        `weekly_fee_pence` is the fee in force today; `scheduled_fees` those agreed from a later day."""
        page = await placements.list_placements(
            ctx,
            limit,
            after_id(cursor),
            authority_id=authority_id,
            provider_id=provider_id,
            live=live,
            call_off_id=call_off_id,
            child_reference=child_reference,
        )
        today = placements.today_of(ctx)
        return s.PlacementPage(items=[s.PlacementOut.of(p, today) for p in page.items], next_cursor=page.next_cursor)

    @get("/{placement_id:int}", operation_id="GetPlacement")
    async def get_one(self, placement_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.PlacementOut]:
        """One placement: the child's reference, lot and band, distance, out-of-area and
        over-20-miles flags, whether it was recorded outside the framework, the weekly fee in force
        today and the fees agreed from later days (a variation signed for next April shows there,
        not as today's fee)."""
        return _placement(ctx, await placements.get_placement(ctx, placement_id))

    @post("/{placement_id:int}/end", operation_id="EndPlacement", status_code=200)
    async def end(
        self,
        placement_id: FromPath[int],
        data: JSONBody[s.EndPlacementIn],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.PlacementOut]:
        """End a placement: planned, or unplanned with a `reason_code` (If-Match required)."""
        placement = await placements.end_placement(
            ctx, placement_id, parse_if_match(if_match), data.ended_on, data.kind, data.reason_code, data.note
        )
        return _placement(ctx, placement)

    @post("/{placement_id:int}/move", operation_id="MovePlacement", status_code=201)
    async def move(
        self,
        placement_id: FromPath[int],
        data: JSONBody[s.MovePlacementIn],
        ctx: NamedDependency[Context],
        if_match: IfMatch = None,
    ) -> Response[s.PlacementOut]:
        """Move the child: end this placement and create the next one (returned) in one step. The
        new setting and fee pass the same checks as an offer: the setting eligible for the child in
        the lot (an active member, compliant, no suspending concern, type, ages, needs) and the fee
        within the band and the provider's approved rate card; otherwise 422
        `move_outside_framework` with `reasons`. A spot purchase outside the framework is recorded
        only with `off_framework: true` and an `off_framework_reason`; it is flagged and gets no
        contract under the DPS."""
        _, new = await placements.move_placement(
            ctx,
            placement_id,
            parse_if_match(if_match),
            (data.ended_on, data.kind, data.reason_code, data.note),
            placements.Move(
                data.setting_id, data.start_date, data.weekly_fee_pence, data.off_framework, data.off_framework_reason
            ),
        )
        return _placement(ctx, new, status_code=201)


class PlacementReportController(Controller):
    path = "/api/v1/reports"
    guards = [signed_in]
    tags = ["Reports"]

    @get("/placements", operation_id="PlacementReport")
    async def placements(
        self,
        ctx: NamedDependency[Context],
        first_day: FromQuery[date],
        last_day: FromQuery[date],
        authority_id: FromQuery[int | None] = None,
        arrangement_id: FromQuery[int | None] = None,
    ) -> s.PlacementReportOut:
        """Placement figures per council for a period (DESIGN.md story 9, the DfE's SSDA903
        measures): placements started and ended, unplanned endings, live placements out of area
        and over 20 miles from home at the end, children with 3 or more placements in the year to
        the last day (a child is followed through its moves), spend over the period pro rata by
        day at the fee in force each day, and the weekly spend of live placements at the fees in
        force on the last day; placements recorded outside the framework are counted and also
        shown apart (`off_framework_live`, `off_framework_spend_pence`). Council staff see their
        own council; admins any (`authority_id`) or all. With `arrangement_id`, the placements made
        under that arrangement: its lead authority's procurement officers see every member council
        (or one, `authority_id`) and the whole consortium (`consortium`); a member council's staff
        their own council only."""
        report = await reports.placement_report(ctx, first_day, last_day, authority_id, arrangement_id)
        return s.PlacementReportOut(
            first_day=first_day,
            last_day=last_day,
            arrangement_id=arrangement_id,
            councils=[s.CouncilFiguresOut(**asdict(f)) for f in report.councils],
            consortium=s.CouncilFiguresOut(**asdict(report.consortium)) if report.consortium else None,
        )
