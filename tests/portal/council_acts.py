"""What the council does while a browser test waits, run against the portal's database as the
scene is (`python -m tests.portal.council_acts late-request SECONDS`; prints JSON).

late-request: Bolton's commissioner publishes a placement request (to Birch Homes, among others)
whose deadline falls SECONDS from now: published ten days earlier on a clock of its own, as the
minimum offer period asks."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from datetime import timedelta

from dps.app import document_store_for
from dps.core import db
from dps.core.auth import OrgKind, Principal, Role
from dps.core.clock import FixedClock, SystemClock
from dps.core.context import Context
from dps.core.settings import Settings
from dps.tenders.services import call_offs
from tests.portal.scene_provider import request


async def late_request(system: Context, ids: dict[str, int], seconds: int) -> dict[str, object]:
    commissioner = replace(
        system,
        principal=Principal(
            ids["commissioner_user_id"],
            "commissioner@portal.test",
            Role.COMMISSIONER,
            OrgKind.AUTHORITY,
            ids["bolton_id"],
        ),
    )
    deadline = system.clock.now() + timedelta(seconds=seconds)
    published_at = replace(commissioner, clock=FixedClock(deadline - timedelta(days=10, minutes=1)))
    start = deadline.date() + timedelta(days=14)
    created = await call_offs.create_call_off(
        published_at, request(ids["arrangement_id"], ids["lot1_id"], "Girl, 9, short term", start, deadline)
    )
    await call_offs.publish_call_off(published_at, created.id)
    return {"call_off_id": created.id, "deadline": deadline.isoformat()}


async def main(act: str, ids: dict[str, int], *args: str) -> None:
    settings = Settings.from_env()
    async with db.connected(settings, pool_size=2):
        system = Context(None, SystemClock(), settings, document_store_for(settings))
        if act == "late-request":
            print(json.dumps(await late_request(system, ids, int(args[0]))))
        else:
            raise SystemExit(f"unknown act {act!r}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], json.loads(sys.argv[2]), *sys.argv[3:]))
