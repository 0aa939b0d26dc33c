"""After `dps seed demo` (what `make run` does first), the demo market's releases validate."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.support import Api
from tests.support.transparency import all_releases, release_errors


async def test_the_demo_market_publishes_releases_that_validate_with_no_errors(
    api: Api, clean_database: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DATABASE_URL": clean_database, "DPS_VAR_DIR": str(tmp_path / "var")}
    seeded = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "dps.cli", "seed", "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    releases = await all_releases(api.client)
    arrangement = [r for r in releases if "-arrangement-" in r["ocid"]]
    assert arrangement and arrangement[0]["tag"] == ["tender"]
    # The five memberships the demo starts through evaluation each added a supplier to a lot's agreement.
    amendments = [a for c in arrangement[-1]["contracts"] for a in c["amendments"]]
    assert len([a for a in amendments if "suppliersAdded" in a]) == 5
    assert [e for r in releases for e in release_errors(r)] == []
