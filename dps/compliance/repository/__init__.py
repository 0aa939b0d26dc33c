"""Rows <-> domain objects for compliance; the only modules here that query.

One module per aggregate, named like `domain/` and `services/`: `requirements` (an arrangement's
compliance requirements), `evidence` (providers' evidence and its annual refresh), `checks`
(officers' overrides, suspensions made by compliance rules, who may read a provider's due
diligence), `settings` (settings and Ofsted judgements as compliance reads them), `concerns`
(information sharing protocol concerns), `visits` (quality visits and action plans), `search` (the
regional search), `eligibility` (lots and arrangements as eligibility sees them); `_rows` holds
the setting rows that settings and search share.
This package re-exports every public name, so `repository.get_requirement(...)` keeps working;
new code may import the module directly (`from dps.compliance.repository import concerns`).
"""

from dps.compliance.repository._rows import SettingRow
from dps.compliance.repository.checks import (
    OpenSuspension,
    councils_with_arrangement,
    insert_override,
    lift_suspension,
    open_suspension,
    open_suspensions_of_provider,
    overrides_for,
)
from dps.compliance.repository.concerns import (
    get_concern,
    insert_concern,
    list_concerns,
    live_concerns_of_providers,
    update_concern,
)
from dps.compliance.repository.eligibility import LotContext, lot_context
from dps.compliance.repository.evidence import (
    EvidenceRefresh,
    evidence_refresh,
    get_evidence,
    held_evidence,
    held_evidence_of,
    insert_evidence,
    list_evidence,
    live_evidence,
    mark_replaced,
    set_evidence_status,
)
from dps.compliance.repository.requirements import (
    count_evidence_for_requirement,
    delete_requirement,
    get_requirement,
    insert_requirement,
    list_requirements,
    list_requirements_by_id,
)
from dps.compliance.repository.search import SearchHit, search_settings
from dps.compliance.repository.settings import insert_judgement, settings_of_providers, withdrawn_settings
from dps.compliance.repository.visits import (
    actions_of_visits,
    get_action,
    get_visit,
    insert_action,
    insert_visit,
    list_visits,
    set_action_status,
)

# Grouped by module (one comment each), not sorted.
__all__ = [  # noqa: RUF022
    # _rows.py: shared setting rows
    "SettingRow",
    # requirements.py: requirements
    "insert_requirement",
    "get_requirement",
    "list_requirements",
    "list_requirements_by_id",
    "count_evidence_for_requirement",
    "delete_requirement",
    # evidence.py: evidence and its annual refresh (read by the scheduler through the face)
    "held_evidence",
    "mark_replaced",
    "held_evidence_of",
    "insert_evidence",
    "get_evidence",
    "set_evidence_status",
    "list_evidence",
    "live_evidence",
    "EvidenceRefresh",
    "evidence_refresh",
    # checks.py: overrides, suspensions made by compliance rules, who holds an arrangement with a provider
    "insert_override",
    "overrides_for",
    "open_suspension",
    "OpenSuspension",
    "open_suspensions_of_provider",
    "lift_suspension",
    "councils_with_arrangement",
    # settings.py: settings and Ofsted judgements
    "settings_of_providers",
    "withdrawn_settings",
    "insert_judgement",
    # concerns.py: concerns
    "insert_concern",
    "get_concern",
    "update_concern",
    "list_concerns",
    "live_concerns_of_providers",
    # visits.py: quality visits and action plans
    "insert_visit",
    "get_visit",
    "list_visits",
    "insert_action",
    "get_action",
    "set_action_status",
    "actions_of_visits",
    # search.py: regional search
    "SearchHit",
    "search_settings",
    # eligibility.py: lots and arrangements as eligibility sees them
    "LotContext",
    "lot_context",
]
