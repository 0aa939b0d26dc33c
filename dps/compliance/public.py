"""The face of compliance (requirements, evidence and checks, eligibility, concerns, search): the only
module of dps.compliance, besides its `domain/` values, that another package may import (import-
linter enforces it, see pyproject.toml).

Names ending in `_row`/`_rows` read the stored row without any access check (for the services of the
packages above, which check access themselves); the others are the services the portal and the JSON
controllers call, which check the principal. Writes to compliance' rows go through the functions
here: no other package writes them.
"""

from __future__ import annotations

from dps.compliance.controllers import (
    ComplianceController,
    ConcernController,
    SearchController,
)
from dps.compliance.eligibility import (
    eligibility_for_lot,
)
from dps.compliance.repository import EvidenceRefresh, evidence_refresh
from dps.compliance.repository import list_requirements as list_requirement_rows
from dps.compliance.schemas import (
    ConcernIn,
    EvidenceIn,
    OfstedJudgementIn,
    OverrideIn,
    RequirementIn,
    VisitIn,
)
from dps.compliance.services.checks import (
    MembershipCompliance,
    add_requirement,
    arrangement_compliance,
    attach_evidence,
    evidence_outlook,
    list_evidence,
    list_requirements,
    membership_compliance,
    on_evidence_expired,
    on_evidence_in_force,
    override_check,
    remove_requirement,
    renewed_evidence_ids,
)
from dps.compliance.services.concerns import (
    get_concern,
    issue_concern,
    list_concerns,
    raise_concern,
    record_ofsted_judgement,
    rescind_concern,
    respond_to_concern,
)
from dps.compliance.services.extraction import (
    extract,
)
from dps.compliance.services.search import (
    lot_eligibility,
    search_settings,
)
from dps.compliance.services.visits import list_visits, move_action, record_visit

__all__ = [
    "ComplianceController",
    "ConcernController",
    "ConcernIn",
    "EvidenceIn",
    "EvidenceRefresh",
    "MembershipCompliance",
    "OfstedJudgementIn",
    "OverrideIn",
    "RequirementIn",
    "SearchController",
    "VisitIn",
    "add_requirement",
    "arrangement_compliance",
    "attach_evidence",
    "eligibility_for_lot",
    "evidence_outlook",
    "evidence_refresh",
    "extract",
    "get_concern",
    "issue_concern",
    "list_concerns",
    "list_evidence",
    "list_requirement_rows",
    "list_requirements",
    "list_visits",
    "lot_eligibility",
    "membership_compliance",
    "move_action",
    "on_evidence_expired",
    "on_evidence_in_force",
    "override_check",
    "raise_concern",
    "record_ofsted_judgement",
    "record_visit",
    "remove_requirement",
    "renewed_evidence_ids",
    "rescind_concern",
    "respond_to_concern",
    "search_settings",
]
