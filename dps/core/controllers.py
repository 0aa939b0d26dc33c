"""Routes owned by core: health and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from msgspec import Struct

from dps.core import audit_queries, db
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, Limit, after_id, signed_in


class HealthOut(Struct, kw_only=True):
    status: str
    database: str
    documents: str


class HealthController(Controller):
    path = "/health"
    tags = ["Health"]

    @get("/", operation_id="Health", security=[])
    async def health(self, ctx: NamedDependency[Context]) -> Response[HealthOut]:
        """Liveness and readiness: 200 when the database and the document store answer, else 503."""
        database = await _probe(db.ping())
        documents = await _probe(ctx.store.check())
        ok = database == "ok" and documents == "ok"
        return Response(
            HealthOut(status="ok" if ok else "degraded", database=database, documents=documents),
            status_code=200 if ok else 503,
        )


async def _probe(awaitable: Any) -> str:
    try:
        await awaitable
    except Exception:
        return "unavailable"
    return "ok"


class AuditEventOut(Struct, kw_only=True):
    id: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_role: str | None
    actor_org_kind: str | None
    actor_org_id: int | None
    action: str
    entity_type: str
    entity_id: str
    before: Any
    after: Any
    hash: str | None


AuditOrder = Literal["asc", "desc"]


class AuditPage(Struct, kw_only=True):
    items: list[AuditEventOut]
    next_cursor: str | None


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["Audit"]
    guards = [signed_in]

    @get("/", operation_id="ListAuditEvents")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        entity_type: FromQuery[str | None] = None,
        entity_id: FromQuery[str | None] = None,
        actor_user_id: FromQuery[int | None] = None,
        action: FromQuery[str | None] = None,
        order: FromQuery[AuditOrder] = "asc",
    ) -> AuditPage:
        """The audit trail, oldest first (`order=desc`: newest first), filtered by entity, actor or
        action (officers and admins; each council sees only the events of what it owns or shares)."""
        page = await audit_queries.list_events(
            ctx, limit, after_id(cursor), entity_type, entity_id, actor_user_id, action, newest_first=order == "desc"
        )
        return AuditPage(
            items=[msgspec.convert(e, AuditEventOut, from_attributes=True) for e in page.items],
            next_cursor=page.next_cursor,
        )
