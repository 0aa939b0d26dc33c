"""The face of frameworks (arrangements, lots, profiles, questionnaires, applications, evaluations,
memberships): the only module of dps.frameworks, besides its `domain/` values, that another package
may import (import-linter enforces it, see pyproject.toml).

Names ending in `_row`/`_rows` read the stored row without any access check (for the services of the
packages above, which check access themselves); the others are the services the portal and the JSON
controllers call, which check the principal. Writes to frameworks' rows go through the functions
here: no other package writes them.
"""

from __future__ import annotations

from dps.frameworks.access import (
    may_manage_arrangement,
    require_manage_arrangement,
    require_read_arrangement,
)
from dps.frameworks.application_controllers import (
    ApplicationController,
    ClarificationController,
    QuestionnaireController,
)
from dps.frameworks.application_repository import (
    list_questions as list_question_rows,
)
from dps.frameworks.controllers import (
    ArrangementController,
)
from dps.frameworks.membership_controllers import (
    MembershipController,
)
from dps.frameworks.profile_controllers import (
    ProfileController,
)
from dps.frameworks.profiles import (
    PROFILES,
    JoiningRule,
    Profile,
    ProfileCode,
    calendar_for,
    get_profile,
    reopening_deadlines,
)
from dps.frameworks.repository import (
    all_lots,
    get_lot,
)
from dps.frameworks.repository import (
    get_arrangement as get_arrangement_row,
)
from dps.frameworks.repository import (
    get_membership as get_membership_row,
)
from dps.frameworks.repository import (
    list_memberships as list_membership_rows,
)
from dps.frameworks.schemas import (
    AgeBandIn,
    ArrangementIn,
    ArrangementOut,
    ArrangementPatch,
    LotIn,
    WindowIn,
)
from dps.frameworks.schemas_applications import (
    QuestionIn,
)
from dps.frameworks.services.applications import (
    ApplicationView,
    extend_decision,
    get_application,
    list_applications,
    open_application,
    save_application,
    submit_application,
)
from dps.frameworks.services.arrangements import (
    add_lot,
    check_publishable,
    create_arrangement,
    get_arrangement,
    list_arrangements,
    list_evaluators,
    list_lots,
    publish_arrangement,
    remove_lot,
    update_arrangement,
    waive_publishing_check,
)
from dps.frameworks.services.clarifications import (
    answer,
    list_clarifications,
)
from dps.frameworks.services.clarifications import (
    ask as ask_clarification,
)
from dps.frameworks.services.evaluations import (
    DecisionView,
    EvaluatorMarks,
    assign_evaluators,
    decide,
    declare_interests,
    get_decision,
    moderate,
    moderation,
    save_marks,
    submit_marks,
    view_evaluations,
)
from dps.frameworks.services.expiry import expire_arrangement
from dps.frameworks.services.memberships import (
    change_membership_status,
    get_membership,
    list_memberships,
)
from dps.frameworks.services.questionnaires import (
    add_question,
    list_questions,
    remove_question,
)

__all__ = [
    "PROFILES",
    "AgeBandIn",
    "ApplicationController",
    "ApplicationView",
    "ArrangementController",
    "ArrangementIn",
    "ArrangementOut",
    "ArrangementPatch",
    "ClarificationController",
    "DecisionView",
    "EvaluatorMarks",
    "JoiningRule",
    "LotIn",
    "MembershipController",
    "Profile",
    "ProfileCode",
    "ProfileController",
    "QuestionIn",
    "QuestionnaireController",
    "WindowIn",
    "add_lot",
    "add_question",
    "all_lots",
    "answer",
    "ask_clarification",
    "assign_evaluators",
    "calendar_for",
    "change_membership_status",
    "check_publishable",
    "create_arrangement",
    "decide",
    "declare_interests",
    "expire_arrangement",
    "extend_decision",
    "get_application",
    "get_arrangement",
    "get_arrangement_row",
    "get_decision",
    "get_lot",
    "get_membership",
    "get_membership_row",
    "get_profile",
    "list_applications",
    "list_arrangements",
    "list_clarifications",
    "list_evaluators",
    "list_lots",
    "list_membership_rows",
    "list_memberships",
    "list_question_rows",
    "list_questions",
    "may_manage_arrangement",
    "moderate",
    "moderation",
    "open_application",
    "publish_arrangement",
    "remove_lot",
    "remove_question",
    "reopening_deadlines",
    "require_manage_arrangement",
    "require_read_arrangement",
    "save_application",
    "save_marks",
    "submit_application",
    "submit_marks",
    "update_arrangement",
    "view_evaluations",
    "waive_publishing_check",
]
