"""Reads that may lag behind the primary: reports and searches (issue 18, "read replicas").

With `DATABASE_REPLICA_URL` set, the app opens a second pool on that server (a streaming replica
of the primary) and registers it as Piccolo's extra node `replica`; `reader()` names the engine a
lag-tolerant read should use, and `node()` the node for a Piccolo query's `.run(node=...)`.
Without it, or inside a transaction (which may have to read its own writes), both name the
primary. Only reads whose caller accepts data a moment old may use them: reports, the regional
search; never a use case that reads what it has just written, nor anything that takes a lock.
"""

from __future__ import annotations

import warnings
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from dps.core.db import DB

NODE = "replica"


async def open_pool(url: str, max_size: int = 10) -> None:
    """Open the replica's pool (call after the primary's) and route lag-tolerant reads to it."""
    from dps.core.db import _keep_session

    with warnings.catch_warnings():  # the engine probes the server's version on construction
        warnings.simplefilter("ignore")
        engine = PostgresEngine(config={"dsn": url}, extensions=(), log_queries=False)
    await engine.start_connection_pool(max_size=max_size, min_size=1, reset=_keep_session)
    DB.extra_nodes = {**DB.extra_nodes, NODE: engine}


async def close_pool() -> None:
    engine = DB.extra_nodes.get(NODE)
    if engine is None:
        return
    DB.extra_nodes = {k: v for k, v in DB.extra_nodes.items() if k != NODE}
    await engine.close_connection_pool()


def node() -> str | None:
    """The node for `query.run(node=...)`: the replica when open and no transaction is, else None."""
    if NODE in DB.extra_nodes and DB.current_transaction.get() is None:
        return NODE
    return None


def reader() -> Any:
    """The engine a lag-tolerant read should use (`reader().run_querystring(...)`)."""
    name = node()
    return DB if name is None else DB.extra_nodes[name]
