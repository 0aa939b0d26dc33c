"""Render speed of the portal's pages under uvicorn: the provider's dashboard and the application
page (a draft's task list, and a decided application with its per-lot outcome), and a member's
compliance, rate card, placement request, contract and notifications pages; for the council,
the officer's application queue at 1,000 applications and the moderation screen at 30 questions
x 3 evaluators (data from bench/portal_council.py).

Run from the repository root: `.venv/bin/python bench/portal.py [--seconds S]`.

1. Loads the browser tests' scene (`tests/support/portal/scene.py`: an open DPS with its questionnaire,
   a provider admitted after evaluation, another with a draft application) into a throwaway
   database (on `DATABASE_URL`'s server when set, else the embedded server under `var/pg-bench`).
2. Serves the real app with `dps serve` in a subprocess on a free port.
3. Signs in through the portal's own form (CSRF token and all), warms up, then requests each page
   one after another on a keep-alive connection for S seconds: pages per second, p50 and p95 in
   milliseconds (as the client sees them on this machine: rendering plus the local round trip).
4. Prints a table, then as the last line one JSON object of figures.

The server is always stopped and the database dropped, even on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "demo-password-2026"  # the scene's
CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _signed_in(base: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    form = await client.get("/sign-in")
    token = CSRF_INPUT.search(form.text)
    assert token is not None, "the sign-in page has no CSRF token"
    response = await client.post(
        "/sign-in", data={"_csrf_token": token.group(1), "email": email, "password": PASSWORD, "next": "/"}
    )
    assert response.status_code == 303, response.text
    return client


async def _measure(client: httpx.AsyncClient, path: str, seconds: float) -> dict[str, float]:
    for _ in range(5):  # warm up: templates compiled, pool connections open
        assert (await client.get(path)).status_code == 200, path
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response = await client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return {
        "pages": len(samples),
        "pages_per_second": round(len(samples) / seconds, 1),
        "p50_ms": round(_percentile(samples, 0.50), 1),
        "p95_ms": round(_percentile(samples, 0.95), 1),
        "bytes": len(response.content),
    }


async def _draft_for_alder(client: httpx.AsyncClient, arrangement_id: int, lot_id: int) -> str:
    """Alder Care starts an application to one lot through the portal; returns its page's path."""
    form = await client.get(f"/arrangements/{arrangement_id}/apply")
    token = CSRF_INPUT.search(form.text)
    assert token is not None
    started = await client.post(
        f"/arrangements/{arrangement_id}/apply", data={"_csrf_token": token.group(1), "lot_ids": str(lot_id)}
    )
    assert started.status_code == 303, started.text
    return str(started.headers["location"])


async def run(base: str, scene: dict[str, int], seconds: float) -> dict[str, dict[str, float]]:
    figures = {}
    alder = await _signed_in(base, "alder@portal.test")
    try:
        draft = await _draft_for_alder(alder, scene["arrangement_id"], scene["lot1_id"])
        figures["dashboard"] = await _measure(alder, "/", seconds)
        figures["application (draft task list)"] = await _measure(alder, draft, seconds)
    finally:
        await alder.aclose()
    birch = await _signed_in(base, "birch@portal.test")
    try:
        decided = f"/applications/{scene['birch_application_id']}"
        figures["application (decided)"] = await _measure(birch, decided, seconds)
        figures["arrangement conditions"] = await _measure(birch, f"/arrangements/{scene['arrangement_id']}", seconds)
        figures["compliance"] = await _measure(birch, "/compliance", seconds)
        figures["rate card"] = await _measure(birch, f"/rate-cards/{scene['birch_approved_card_id']}", seconds)
        request = f"/placement-requests/{scene['open_call_off_id']}"
        figures["placement request"] = await _measure(birch, request, seconds)
        figures["contract"] = await _measure(birch, f"/contracts/{scene['birch_ipa_id']}", seconds)
        figures["notifications"] = await _measure(birch, "/notifications", seconds)
    finally:
        await birch.aclose()
    # The council side (bench/portal_council.py): the lead's officer's queue of 1,000 applications
    # (100 to a page) and a moderation screen of 30 questions marked by 3 evaluators.
    officer = await _signed_in(base, "officer@portal.test")
    try:
        figures["officer queue (1,000 applications)"] = await _measure(officer, "/council/applications", seconds)
    finally:
        await officer.aclose()
    moderator = await _signed_in(base, "bench-officer@portal.test")
    try:
        path = f"/council/applications/{scene['moderation_application_id']}/moderation"
        figures["moderation (30 questions x 3)"] = await _measure(moderator, path, seconds)
    finally:
        await moderator.aclose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to request each page")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from dps.core import db

    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
    url = db.with_database(server_url, f"dps_bench_{uuid.uuid4().hex[:10]}")
    asyncio.run(db.ensure_database_exists(url))
    server = None
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DPS_VAR_DIR": var,
            "DPS_DOCUMENTS_URL": str(Path(var) / "documents"),
            "DPS_SCHEDULER": "off",
            "DPS_LOG_LEVEL": "warning",
            "DPS_SECRET_KEY": uuid.uuid4().hex,  # shared by `dps serve`'s workers (CSRF tokens)
        }
        try:
            loaded = subprocess.run(
                [sys.executable, "-m", "tests.support.portal.scene"], env=env, cwd=REPO, check=True, capture_output=True
            )
            scene = json.loads(loaded.stdout.decode().strip().splitlines()[-1])
            council = subprocess.run(
                [sys.executable, "bench/portal_council.py"],
                env=env,
                cwd=REPO,
                capture_output=True,
                input=json.dumps(scene).encode(),
            )
            if council.returncode != 0:
                raise SystemExit(council.stderr.decode())
            scene.update(json.loads(council.stdout.decode().strip().splitlines()[-1]))
            port = _free_port()
            dps = [sys.executable, "-c", "from dps.cli import main; raise SystemExit(main())"]
            server = subprocess.Popen(
                [*dps, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-upgrade"],
                env=env,
                stdout=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            figures = asyncio.run(run(base, scene, args.seconds))
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
            asyncio.run(db.drop_database(url))
    print(f"{'page':<36} {'pages/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'KB':>6}")
    for name, f in figures.items():
        print(f"{name:<36} {f['pages_per_second']:>8} {f['p50_ms']:>8} {f['p95_ms']:>8} {f['bytes'] / 1024:>6.1f}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
