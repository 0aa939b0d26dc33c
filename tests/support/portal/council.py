"""The council's side of a browser test, acted in a subprocess against the portal server's database
(tests/support/portal/council_acts.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.portal.conftest import REPO, scene, server_env


def council_act(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.portal.council_acts", args[0], json.dumps(scene), *args[1:]],
        env=server_env,
        cwd=REPO,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))
