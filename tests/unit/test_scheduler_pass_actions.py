"""What a scheduler pass did, counted per action from the audit events and notifications it wrote."""

from __future__ import annotations

from dps.scheduler.domain_actions import PassActions, tally


def test_transitions_are_counted_by_what_they_are_and_others_ignored() -> None:
    actions = tally(
        {
            "membership.suspended": 2,
            "membership.reinstated": 1,
            "membership.expired": 3,
            "arrangement.expired": 1,
            "evidence.expired": 1,
            "call_off.closed": 1,
            "call_off.concluded": 2,
            "contract.generated": 4,
            "placement.created": 7,  # part of a conclusion, not an action of its own
        },
        messages=5,
        recipients=9,
    )
    assert actions == PassActions(
        reminders=5, recipients=9, suspensions=2, reinstatements=1, expiries=5, closings=1, conclusions=2, documents=4
    )


def test_batches_add_up_and_the_report_names_every_action_with_its_count() -> None:
    one = tally({"call_off.closed": 1}, messages=1, recipients=1)
    both = one + tally({"contract.generated": 1, "membership.suspended": 1}, messages=0, recipients=0)
    assert both.describe() == (
        "1 reminder (to 1 person), 1 suspension, 0 reinstatements, 0 expiries, 1 closing, 0 conclusions, "
        "1 document, 0 PDF copies"
    )
    assert PassActions().describe().startswith("0 reminders (to 0 people), 0 suspensions")
