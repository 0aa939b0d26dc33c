"""Who records and reads a provider's due diligence (issue 13 items 1 and 10), at each boundary:
the provider itself, admins, staff of a council holding an arrangement with it, and nobody else."""

from __future__ import annotations

import pytest

from dps.compliance import access
from dps.compliance.domain.concerns import VisitForm
from dps.core.auth import OrgKind, Principal, Role
from dps.core.errors import NotFound, PermissionDenied

PROVIDER = 5
HOLDING = frozenset({10, 11})  # lead and member councils of the provider's arrangements


def council(role: Role, authority_id: int) -> Principal:
    return Principal(1, "x@council.test", role, OrgKind.AUTHORITY, authority_id)


ADMIN = Principal(2, "admin@test", Role.ADMIN, OrgKind.PLATFORM, None)
ITSELF = Principal(3, "me@provider.test", Role.PROVIDER_USER, OrgKind.PROVIDER, PROVIDER)
OTHER_PROVIDER = Principal(4, "them@provider.test", Role.PROVIDER_ADMIN, OrgKind.PROVIDER, PROVIDER + 1)


@pytest.mark.parametrize(
    ("principal", "may"),
    [
        (ADMIN, True),
        (ITSELF, True),
        (council(Role.COMMISSIONER, 10), True),  # the lead
        (council(Role.EVALUATOR, 11), True),  # a member
        (council(Role.PROCUREMENT_OFFICER, 12), False),  # a council in no arrangement with it
        (OTHER_PROVIDER, False),
    ],
)
def test_due_diligence_is_read_by_the_provider_admins_and_councils_holding_an_arrangement(
    principal: Principal, may: bool
) -> None:
    assert access.may_read_due_diligence(principal, PROVIDER, HOLDING) is may
    if not may:
        with pytest.raises(NotFound):
            access.require_read_record(principal, PROVIDER, HOLDING, "evidence", 1)
        with pytest.raises(PermissionDenied):
            access.require_read_evidence(principal, PROVIDER, HOLDING)


@pytest.mark.parametrize(
    ("principal", "allowed"),
    [
        (ADMIN, True),
        (council(Role.PROCUREMENT_OFFICER, 10), True),
        (council(Role.PROCUREMENT_OFFICER, 12), False),  # outside every arrangement
        (council(Role.COMMISSIONER, 10), False),  # not an officer
        (ITSELF, False),  # a provider never records its own grade
    ],
)
def test_ofsted_judgements_are_recorded_by_officers_of_councils_holding_an_arrangement(
    principal: Principal, allowed: bool
) -> None:
    if allowed:
        access.require_record_ofsted(principal, HOLDING)
    else:
        with pytest.raises(PermissionDenied):
            access.require_record_ofsted(principal, HOLDING)


def test_visits_b_to_d_need_a_council_holding_an_arrangement() -> None:
    access.require_record_visit(council(Role.EVALUATOR, 11), VisitForm.C, PROVIDER, HOLDING)
    with pytest.raises(PermissionDenied) as refused:
        access.require_record_visit(council(Role.EVALUATOR, 12), VisitForm.C, PROVIDER, HOLDING)
    assert refused.value.code == "no_arrangement_with_provider"
    access.require_record_visit(ITSELF, VisitForm.A, PROVIDER, frozenset())


@pytest.mark.parametrize(
    ("principal", "outcome"),
    [
        (council(Role.COMMISSIONER, 11), None),  # the council that recorded the visit
        (ITSELF, None),  # the provider works its own plan
        (ADMIN, None),
        (council(Role.PROCUREMENT_OFFICER, 10), PermissionDenied),  # holds an arrangement, not its visit
        (council(Role.PROCUREMENT_OFFICER, 12), NotFound),  # outside: the item does not exist
        (OTHER_PROVIDER, NotFound),
    ],
)
def test_action_items_are_moved_by_their_own_council(principal: Principal, outcome: type[Exception] | None) -> None:
    if outcome is None:
        access.require_update_action(principal, PROVIDER, 11, HOLDING, 9)
    else:
        with pytest.raises(outcome):
            access.require_update_action(principal, PROVIDER, 11, HOLDING, 9)
