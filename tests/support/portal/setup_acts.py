"""What the set-up browser tests need done meanwhile, run against the portal's database as the scene
is: `python -m tests.support.portal.setup_acts member-officer` adds a procurement officer at Wigan (a member
council of Bolton's arrangements, not their lead) and prints their email as JSON."""

from __future__ import annotations

import asyncio
import json
import sys

from dps.accounts import repository as accounts
from dps.accounts.services import users
from dps.app import document_store_for
from dps.core import db
from dps.core.auth import Role
from dps.core.clock import clock_for
from dps.core.context import Context
from dps.core.settings import Settings
from tests.support.portal.scene import PASSWORD

MEMBER_OFFICER = "wigan-officer@portal.test"
WIGAN_ONS_CODE = "E08000010"


async def main(act: str) -> None:
    settings = Settings.from_env()
    async with db.connected(settings, pool_size=2):
        system = Context(None, clock_for(settings), settings, document_store_for(settings))
        if act != "member-officer":
            raise SystemExit(f"unknown act {act!r}")
        councils = await accounts.list_authorities(100, 0, None)
        wigan = next(a for a in councils.items if a.ons_code == WIGAN_ONS_CODE)
        await users.create_user_with_password(
            system, MEMBER_OFFICER, "Wes Wigan", Role.PROCUREMENT_OFFICER, PASSWORD, authority_id=wigan.id
        )
        print(json.dumps({"email": MEMBER_OFFICER}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
