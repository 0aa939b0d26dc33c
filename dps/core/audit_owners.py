"""Who owns an audited entity, and so who may read its events (issue 13 item 6).

Core sits below every other package, so it cannot import their tables; it names them in SQL
instead. Each entity type maps to a query that yields `(owner_kind, owner_id)` for one entity id:

- `authority`: that council's staff (its call-offs, offers on them, placements, its users);
- `arrangement`: the lead and member councils of that arrangement (applications, memberships,
  lots, questions, requirements, price bands, rate cards, evidence);
- `contract`, `concern`: the councils the contract names / the issuing council and the members
  of the arrangements the concern is shared with;
- `provider`: a provider's own records (its registration, settings, documents), which council
  staff may read for due diligence;
- `provider_staff`: a provider's users (emails, names, sign-ins) - no council's business;
- `platform`: platform admins' own users and system records;
- `public`: records every council uses (today's platform-wide contract templates).

Platform admins read everything. An entity type missing here gets no owner, and its events are
shown only to the council whose staff wrote them (fail closed); add the type here instead.
"""

from __future__ import annotations

_USER = (
    "SELECT CASE WHEN u.authority IS NOT NULL THEN 'authority'"
    " WHEN u.provider IS NOT NULL THEN 'provider_staff' ELSE 'platform' END,"
    " COALESCE(u.authority, u.provider) FROM users AS u WHERE u.id = {}"
)


def _via(table: str, column: str, kind: str) -> str:
    return f"SELECT '{kind}', t.{column} FROM {table} AS t WHERE t.id = {{}}"  # noqa: S608 (names from this module)


OWNER_QUERIES: dict[str, str] = {
    "authority": "SELECT 'authority', t.id FROM authorities AS t WHERE t.id = {}",
    "provider": "SELECT 'provider', t.id FROM providers AS t WHERE t.id = {}",
    "setting": _via("provider_settings", "provider", "provider"),
    "user": _USER,
    "document": (
        "SELECT CASE WHEN t.authority IS NOT NULL THEN 'authority' ELSE 'provider' END,"
        " COALESCE(t.authority, t.provider) FROM documents AS t WHERE t.id = {}"
    ),
    "arrangement": "SELECT 'arrangement', t.id FROM arrangements AS t WHERE t.id = {}",
    "lot": _via("lots", "arrangement", "arrangement"),
    "question": _via("questions", "arrangement", "arrangement"),
    "application": _via("applications", "arrangement", "arrangement"),
    "clarification": _via("clarifications", "arrangement", "arrangement"),
    "membership": _via("memberships", "arrangement", "arrangement"),
    "assignment": (
        "SELECT 'arrangement', a.arrangement FROM evaluator_assignments AS t"
        " JOIN applications AS a ON a.id = t.application WHERE t.id = {}"
    ),
    "requirement": _via("compliance_requirements", "arrangement", "arrangement"),
    "evidence": (
        "SELECT 'arrangement', r.arrangement FROM compliance_evidence AS t"
        " JOIN compliance_requirements AS r ON r.id = t.requirement WHERE t.id = {}"
    ),
    "price_band": _via("price_bands", "arrangement", "arrangement"),
    "additional_service": _via("additional_services", "arrangement", "arrangement"),
    "rate_card": _via("rate_cards", "arrangement", "arrangement"),
    "uplift": _via("uplifts", "arrangement", "arrangement"),
    "concern": "SELECT 'concern', t.id FROM concerns AS t WHERE t.id = {}",
    "visit": (
        "SELECT CASE WHEN t.authority IS NOT NULL THEN 'authority' ELSE 'provider' END,"
        " COALESCE(t.authority, t.provider) FROM quality_visits AS t WHERE t.id = {}"
    ),
    "action_item": (
        "SELECT CASE WHEN v.authority IS NOT NULL THEN 'authority' ELSE 'provider' END,"
        " COALESCE(v.authority, v.provider) FROM action_plan_items AS t"
        " JOIN quality_visits AS v ON v.id = t.visit WHERE t.id = {}"
    ),
    "ofsted_judgement": (
        "SELECT 'provider', s.provider FROM ofsted_judgements AS t"
        " JOIN provider_settings AS s ON s.id = t.setting WHERE t.id = {}"
    ),
    "call_off": _via("call_offs", "authority", "authority"),
    "offer": (
        "SELECT 'authority', c.authority FROM offers AS t JOIN call_offs AS c ON c.id = t.call_off WHERE t.id = {}"
    ),
    "placement": _via("placements", "authority", "authority"),
    "contract": "SELECT 'contract', t.id FROM contracts AS t WHERE t.id = {}",
    "contract_template_version": "SELECT 'public', t.id FROM contract_template_versions AS t WHERE t.id = {}",
}

OWNER_KINDS = ("authority", "arrangement", "contract", "concern", "provider", "provider_staff", "platform", "public")


def council_may_read() -> str:
    """SQL true when the council given by every `{}` placeholder (pass its id once per
    placeholder: `sql.count("{}")`) may read an `audit_events` row (see the module docstring)."""
    member_of = "(m.lead_authority = {} OR {} = ANY(m.member_authority_ids))"
    return (
        "((audit_events.owner_kind = 'authority' AND audit_events.owner_id = {})"  # noqa: S608
        " OR (audit_events.owner_kind = 'arrangement' AND EXISTS (SELECT 1 FROM arrangements AS m"
        f" WHERE m.id = audit_events.owner_id AND {member_of}))"
        " OR (audit_events.owner_kind = 'contract' AND EXISTS (SELECT 1 FROM contracts AS c"
        " WHERE c.id = audit_events.owner_id AND {} = ANY(c.authority_ids)))"
        " OR (audit_events.owner_kind = 'concern' AND EXISTS (SELECT 1 FROM concerns AS c"
        " WHERE c.id = audit_events.owner_id AND (c.issuing_authority = {} OR EXISTS (SELECT 1 FROM arrangements AS m"
        f" WHERE m.id = ANY(c.arrangement_ids) AND {member_of}))))"
        " OR audit_events.owner_kind IN ('provider', 'public')"
        " OR (audit_events.owner_kind IS NULL AND audit_events.actor_org_kind = 'authority'"
        " AND audit_events.actor_org_id = {}))"
    )
