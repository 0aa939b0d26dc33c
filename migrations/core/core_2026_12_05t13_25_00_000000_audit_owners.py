"""Hand-written: every audit event names the owner of its entity, so reads can be scoped to it
(issue 13 item 6); existing events are backfilled from their entities."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-05T13:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit events carry their entity's owner"

# A snapshot of dps.core.audit_owners.OWNER_QUERIES when this migration was written: entity type,
# owner kind expression and owner id expression over `t` (the entity's row), FROM and JOINs.
_USER_KIND = (
    "CASE WHEN t.authority IS NOT NULL THEN 'authority'"
    " WHEN t.provider IS NOT NULL THEN 'provider_staff' ELSE 'platform' END"
)
_ORG_KIND = "CASE WHEN t.authority IS NOT NULL THEN 'authority' ELSE 'provider' END"
BACKFILL = (
    ("authority", "'authority'", "t.id", "authorities AS t"),
    ("provider", "'provider'", "t.id", "providers AS t"),
    ("setting", "'provider'", "t.provider", "provider_settings AS t"),
    ("user", _USER_KIND, "COALESCE(t.authority, t.provider)", "users AS t"),
    ("document", _ORG_KIND, "COALESCE(t.authority, t.provider)", "documents AS t"),
    ("arrangement", "'arrangement'", "t.id", "arrangements AS t"),
    ("lot", "'arrangement'", "t.arrangement", "lots AS t"),
    ("question", "'arrangement'", "t.arrangement", "questions AS t"),
    ("application", "'arrangement'", "t.arrangement", "applications AS t"),
    ("clarification", "'arrangement'", "t.arrangement", "clarifications AS t"),
    ("membership", "'arrangement'", "t.arrangement", "memberships AS t"),
    ("assignment", "'arrangement'", "a.arrangement",
     "evaluator_assignments AS t JOIN applications AS a ON a.id = t.application"),
    ("requirement", "'arrangement'", "t.arrangement", "compliance_requirements AS t"),
    ("evidence", "'arrangement'", "r.arrangement",
     "compliance_evidence AS t JOIN compliance_requirements AS r ON r.id = t.requirement"),
    ("price_band", "'arrangement'", "t.arrangement", "price_bands AS t"),
    ("additional_service", "'arrangement'", "t.arrangement", "additional_services AS t"),
    ("rate_card", "'arrangement'", "t.arrangement", "rate_cards AS t"),
    ("uplift", "'arrangement'", "t.arrangement", "uplifts AS t"),
    ("concern", "'concern'", "t.id", "concerns AS t"),
    ("visit", _ORG_KIND, "COALESCE(t.authority, t.provider)", "quality_visits AS t"),
    ("action_item", "CASE WHEN v.authority IS NOT NULL THEN 'authority' ELSE 'provider' END",
     "COALESCE(v.authority, v.provider)", "action_plan_items AS t JOIN quality_visits AS v ON v.id = t.visit"),
    ("call_off", "'authority'", "t.authority", "call_offs AS t"),
    ("offer", "'authority'", "c.authority", "offers AS t JOIN call_offs AS c ON c.id = t.call_off"),
    ("placement", "'authority'", "t.authority", "placements AS t"),
    ("contract", "'contract'", "t.id", "contracts AS t"),
    ("contract_template_version", "'public'", "t.id", "contract_template_versions AS t"),
)  # fmt: skip


async def _run(sql: str) -> list:
    from piccolo.querystring import QueryString

    from dps.core.db import DB

    return await DB.run_querystring(QueryString(sql))


async def backfill() -> None:
    """Set the owner of every event that has none, from its entity (run as the tables' owner)."""
    if not await _run("SELECT 1 FROM audit_events WHERE owner_kind IS NULL LIMIT 1"):
        return  # e.g. a fresh database (where the later apps' tables do not exist yet)
    # The append-only trigger refuses every UPDATE; this one sets only the new, unhashed columns.
    await _run("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    for entity_type, kind, owner_id, source in BACKFILL:
        table = source.split(" AS ")[0]
        if not (await _run(f"SELECT to_regclass('public.{table}') IS NOT NULL AS present"))[0]["present"]:
            continue
        await _run(
            f"UPDATE audit_events SET owner_kind = o.kind, owner_id = o.owner_id"  # noqa: S608
            f" FROM (SELECT t.id::text AS entity_id, {kind} AS kind, {owner_id} AS owner_id FROM {source}) AS o"
            f" WHERE audit_events.owner_kind IS NULL AND audit_events.entity_type = '{entity_type}'"
            f" AND audit_events.entity_id = o.entity_id"
        )
    await _run("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def audit_owners():
        await _run("ALTER TABLE audit_events ADD COLUMN owner_kind varchar(20) NULL DEFAULT NULL")
        await _run("ALTER TABLE audit_events ADD COLUMN owner_id bigint NULL DEFAULT NULL")
        await _run("CREATE INDEX audit_events_owner ON audit_events (owner_kind, owner_id, id)")
        await backfill()

    manager.add_raw(audit_owners)

    return manager
