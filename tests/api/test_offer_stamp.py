"""An offer found on time is stamped on time (issue 18, the fast write path).

The sealed-offer path reads the server clock once: the instant that passes the deadline check is
the offer's `submitted_at`. Reading it twice (check, then stamp) let an offer checked a moment
before the deadline be stored as submitted at or after it (bench/offers.py saw several per rush)."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.tenders.schemas import OfferIn
from dps.tenders.services import offers
from tests.conftest import START
from tests.support import Api, scalar
from tests.support.call_offs import offer_body, raise_and_publish, scene, seed_members


class ReadingsClock(FixedClock):
    """Each reading moves the clock on by `step` (a busy server between two reads)."""

    def __init__(self, at: datetime, step: timedelta) -> None:
        super().__init__(at)
        self._step = step

    def now(self) -> datetime:
        at = super().now()
        self.set(at + self._step)
        return at


async def test_an_offer_checked_a_moment_before_the_deadline_is_stamped_before_it(api: Api) -> None:
    s = await scene(api)
    deadline = START + timedelta(days=11)
    [(provider_id, setting_id, _)] = await seed_members(s, 1)
    call_off = await raise_and_publish(api, s, deadline)
    user_id = await scalar(f"SELECT id FROM users WHERE provider = {provider_id}")  # noqa: S608 (an int)
    provider = Principal(user_id, "p@provider.test", Role.PROVIDER_ADMIN, OrgKind.PROVIDER, provider_id)  # type: ignore[arg-type]
    clock = ReadingsClock(deadline - timedelta(microseconds=1), timedelta(microseconds=1))
    ctx = Context(provider, clock, api.app.state.settings, api.app.state.store)
    content = msgspec.convert(offer_body(setting_id, 400_000), OfferIn).content()

    offer, _ = await offers.submit_offer(ctx, call_off["id"], content)

    assert offer.submitted_at == deadline - timedelta(microseconds=1)
    stored = await scalar(f"SELECT submitted_at FROM offers WHERE id = {offer.id}")  # noqa: S608 (an int)
    assert stored < deadline  # type: ignore[operator]
