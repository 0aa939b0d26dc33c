"""Handlers for "call_off", "placement" and "contract" rows of deadline_checks.

They read the entity's current state, let the pure rules of `dps.scheduler.domain_tenders` decide,
and call the owning package's service for any transition (tenders closes and concludes call-offs
itself; the scheduler only says when). Run inside the sweep's batch transaction, as the system.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dps.accounts import public as accounts
from dps.contracts import public as contracts
from dps.contracts.public import AgreementState, PdfConverter, ensure_placement_agreement
from dps.core.auth import Role
from dps.core.context import Context
from dps.core.dates import uk_date
from dps.core.errors import NotFound
from dps.core.notifications import Recipient
from dps.scheduler import repository
from dps.scheduler.domain import series_state
from dps.scheduler.domain_tenders import (
    CONTRACT_REMINDER_DAYS,
    PLACEMENT_REMINDER_DAYS,
    WATCHED_CONTRACT,
    Ending,
    call_off_event,
    concluded_message,
    contract_ending_message,
    ending_events,
    ending_still_ahead,
    offers_opened_message,
    placement_ending,
    placement_ending_message,
)
from dps.scheduler.rules_frameworks import providers_people, send
from dps.tenders import public as tenders
from dps.tenders.domain.call_offs import CallOff
from dps.tenders.domain.deadlines import CallOffStep
from dps.tenders.public import moved_on

COMMISSIONERS = (Role.COMMISSIONER,)
CONTRACT_OFFICERS = (Role.LEGAL_OFFICER, Role.PROCUREMENT_OFFICER, Role.COMMISSIONER)


async def _raiser(call_off: CallOff) -> list[Recipient]:
    """The commissioner who raised the call-off, while still an active user of the council."""
    people = await accounts.recipients_of_authority(call_off.authority_id, COMMISSIONERS)
    return [p for p in people if p.user_id == call_off.created_by]


def _named(call_off_id: int) -> str:
    """How a message names a call-off: its number, never its title (free text stays out of email)."""
    return f"placement request {call_off_id}"


async def check_call_off(ctx: Context, call_off_id: int, now: datetime) -> datetime | None:
    """Close at the deadline (offers open: PCR 2015 reg 34) and conclude once the standstill has
    ended (Procurement Act 2023 s.51), through the tenders services; the raising commissioner is
    told. The next check comes from `CallOff.next_check_at()`."""
    outcome = await tenders.on_deadline(ctx, call_off_id, now)
    if outcome.call_off is not None and outcome.step is not None:
        if outcome.step is CallOffStep.CLOSE and outcome.offers_opened is not None:
            message = offers_opened_message(call_off_id, _named(call_off_id), outcome.offers_opened)
            await send(await _raiser(outcome.call_off), call_off_event(call_off_id, outcome.step, now), message, now)
        if outcome.step is CallOffStep.CONCLUDE:
            message = concluded_message(call_off_id, _named(call_off_id))
            await send(await _raiser(outcome.call_off), call_off_event(call_off_id, outcome.step, now), message, now)
    return outcome.next_check_at


async def check_placement(ctx: Context, placement_id: int, now: datetime) -> datetime | None:
    """A new placement gets its Individual Placement Agreement (the IPA called off under the
    national contract, DESIGN.md story 4). A placement with a planned end: the placing council's
    commissioners and the provider are reminded 28 days (the national contract's notice period)
    and 7 days before it ends, unless the child has been moved on from it already (the move is
    the plan the reminder asks for) or it has ended. A placement recorded outside the framework
    gets no IPA under the DPS."""
    found = await repository.placement_context(placement_id)
    if found is None:
        return None
    if not await _placement_agreement_made(ctx, placement_id):
        return now + IPA_RETRY
    today = uk_date(now)
    ending = placement_ending(placement_id, found.ended_on, moved=await moved_on(placement_id))
    if not ending_still_ahead(ending, today):
        return None
    assert found.ended_on is not None
    state = series_state(ending_events(ending, PLACEMENT_REMINDER_DAYS), now)
    if state.due is not None:
        message = placement_ending_message(placement_id, found.setting_name, found.ended_on, today)
        people = await accounts.recipients_of_authority(found.authority_id, COMMISSIONERS)
        people += await providers_people([found.provider_id])
        await send(people, state.due, message, now)
    return state.next_at


# An empty binary name is never found on the PATH: the IPA's PDF copy stays pending here and is made
# by `run_once` after the sweep's transaction has committed (LibreOffice takes seconds per batch).
PDF_AFTER_THE_SWEEP = PdfConverter(binary="")
IPA_RETRY = timedelta(hours=1)


async def _placement_agreement_made(ctx: Context, placement_id: int) -> bool:
    """Whether the placement has its IPA (or needs none), contracts making it now when it has none.
    Without an approved template for the service type the IPA waits (a legal officer must approve
    one) and the placement is looked at again later."""
    state = await ensure_placement_agreement(ctx.as_system(), placement_id, converter=PDF_AFTER_THE_SWEEP)
    return state is not AgreementState.AWAITING_TEMPLATE


async def check_contract(ctx: Context, contract_id: int, now: datetime) -> datetime | None:
    """A signed or active contract with an end date: its councils' legal, procurement and
    commissioning staff and the provider are reminded 3 months and 28 days (the notice period)
    before it ends."""
    try:
        contract = await contracts.get_contract_row(contract_id)
    except NotFound:
        return None
    today = uk_date(now)
    ending = Ending(f"contract:{contract_id}", contract.ends_on, live=contract.status in WATCHED_CONTRACT)
    if not ending_still_ahead(ending, today):
        return None
    assert contract.ends_on is not None
    state = series_state(ending_events(ending, CONTRACT_REMINDER_DAYS), now)
    if state.due is not None:
        message = contract_ending_message(contract_id, contract.reference, contract.title, contract.ends_on)
        people: list[Recipient] = []
        for authority_id in sorted(contract.authority_ids):
            people += await accounts.recipients_of_authority(authority_id, CONTRACT_OFFICERS)
        people += await providers_people([contract.provider_id])
        await send(people, state.due, message, now)
    return state.next_at
