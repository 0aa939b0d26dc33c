"""Frameworks rules at their boundaries: windows, transitions, lots, answers, decisions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from dps.core.errors import Conflict, IllegalTransition, PermissionDenied, RuleViolation
from dps.frameworks.domain.applications import (
    Application,
    ApplicationStatus,
    Assignment,
    AssignmentStatus,
    LotDecision,
    LotDecisionKind,
    Membership,
    MembershipStatus,
    check_lot_decisions,
    check_submission_open,
    decision_clock,
    ready_for_moderation,
)
from dps.frameworks.domain.arrangements import (
    ARRANGEMENT_TRANSITIONS,
    AgeBand,
    ArrangementStatus,
    ReopeningWindow,
    check_conditions_editable,
    check_windows_do_not_overlap,
)
from dps.frameworks.domain.questionnaires import (
    Answer,
    Question,
    QuestionKind,
    check_answer,
    check_question,
    missing_items,
)
from tests.support.frameworks_domain import AT, WINDOW, arrangement


def application(
    status: ApplicationStatus = ApplicationStatus.DRAFT, lots: frozenset[int] = frozenset({1})
) -> Application:
    return Application(1, 1, 7, status, lots, None, None, None, None, 1)


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (WINDOW.opens_at - timedelta(seconds=1), False),
        (WINDOW.opens_at, True),
        (WINDOW.closes_at, True),  # the window's last second
        (WINDOW.closes_at + timedelta(seconds=1), False),  # one after
    ],
)
def test_window_edges(at: datetime, inside: bool) -> None:
    assert WINDOW.contains(at) is inside
    assert (arrangement().window_at(at) is not None) is inside


def test_submission_outside_a_window_is_409_inside_is_fine() -> None:
    check_submission_open("reopening_windows", arrangement_open=True, in_window=True)
    check_submission_open("any_time", arrangement_open=True, in_window=False)
    for joining, is_open, in_window, code in [
        ("reopening_windows", True, False, "outside_window"),
        ("any_time", False, True, "arrangement_not_open"),
        ("closed_after_award", True, True, "closed_to_new_suppliers"),
    ]:
        with pytest.raises(Conflict) as caught:
            check_submission_open(joining, is_open, in_window)
        assert caught.value.code == code


def test_windows_must_not_overlap_or_run_backwards() -> None:
    later = ReopeningWindow(WINDOW.closes_at, WINDOW.closes_at + timedelta(days=1))
    check_windows_do_not_overlap((WINDOW, later))
    with pytest.raises(RuleViolation):
        check_windows_do_not_overlap(
            (WINDOW, ReopeningWindow(WINDOW.closes_at - timedelta(seconds=1), later.closes_at))
        )
    with pytest.raises(RuleViolation):
        ReopeningWindow(AT, AT)


_ALL_STATES = tuple(ArrangementStatus)
# Each verb, the states it may be taken from, and where it leads (the rule in ARRANGEMENT_STEPS).
_VERBS = {
    "publish": ({ArrangementStatus.DRAFT}, ArrangementStatus.OPEN),
    "close": ({ArrangementStatus.OPEN}, ArrangementStatus.CLOSED),
    "suspend": ({ArrangementStatus.OPEN}, ArrangementStatus.SUSPENDED),
    "resume": ({ArrangementStatus.SUSPENDED, ArrangementStatus.CLOSED}, ArrangementStatus.OPEN),
    "expire": (
        {ArrangementStatus.OPEN, ArrangementStatus.SUSPENDED, ArrangementStatus.CLOSED},
        ArrangementStatus.EXPIRED,
    ),
}


@pytest.mark.parametrize("start", _ALL_STATES)
@pytest.mark.parametrize("verb", sorted(_VERBS))
def test_each_arrangement_verb_is_taken_only_from_its_states(verb: str, start: ArrangementStatus) -> None:
    """Given an arrangement in `start`, when the verb is taken, then it moves (version + 1) from its
    own states only and is refused (IllegalTransition, 409) from every other one."""
    sources, target = _VERBS[verb]
    before = arrangement(start)
    if start in sources:
        after = getattr(before, verb)()
        assert after.status is target and after.version == before.version + 1
    else:
        with pytest.raises(IllegalTransition):
            getattr(before, verb)()


def test_arrangement_transitions_are_derived_from_the_verbs() -> None:
    assert ARRANGEMENT_TRANSITIONS[ArrangementStatus.DRAFT] == {ArrangementStatus.OPEN}
    assert ARRANGEMENT_TRANSITIONS[ArrangementStatus.EXPIRED] == frozenset()
    assert ARRANGEMENT_TRANSITIONS[ArrangementStatus.CLOSED] == {ArrangementStatus.OPEN, ArrangementStatus.EXPIRED}


def test_term_extension_keeps_history_and_needs_a_reason() -> None:
    a = arrangement()
    with pytest.raises(RuleViolation):
        a.extend_term(date(2030, 1, 1), " ", AT)
    with pytest.raises(RuleViolation):
        a.extend_term(a.term_end, "same day", AT)
    moved = a.extend_term(date(2030, 1, 1), "market engagement", AT)
    assert moved.term_end == date(2030, 1, 1)
    assert moved.extensions[0].previous_end == a.term_end


def test_dynamic_market_conditions_lock_once_open() -> None:
    check_conditions_editable(arrangement(ArrangementStatus.DRAFT), locked_when_open=True)
    check_conditions_editable(arrangement(ArrangementStatus.OPEN), locked_when_open=False)
    with pytest.raises(Conflict) as caught:
        check_conditions_editable(arrangement(ArrangementStatus.OPEN), locked_when_open=True)
    assert caught.value.code == "conditions_locked"


def test_lead_authority_counts_as_member() -> None:
    a = arrangement()
    assert a.is_member(1) and a.is_member(3) and not a.is_member(9)


def test_age_band_bounds() -> None:
    AgeBand("0-4", 0, 4)
    with pytest.raises(RuleViolation):
        AgeBand("bad", 11, 10)


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (ApplicationStatus.SUBMITTED, "submit"),
        (ApplicationStatus.DECIDED, "withdraw"),
        (ApplicationStatus.WITHDRAWN, "start_evaluation"),
        (ApplicationStatus.DRAFT, "decide"),
    ],
)
def test_illegal_application_steps_are_refused(start: ApplicationStatus, action: str) -> None:
    app = application(start)
    with pytest.raises(IllegalTransition):
        if action == "submit":
            app.submit(AT, date(2026, 12, 7))
        elif action == "decide":
            app.decide(AT)
        else:
            getattr(app, action)()


def test_submit_needs_a_lot_and_records_the_due_date() -> None:
    with pytest.raises(RuleViolation):
        application(lots=frozenset()).submit(AT, date(2026, 12, 7))
    submitted = application().submit(AT, date(2026, 12, 7))
    assert submitted.status is ApplicationStatus.SUBMITTED
    assert submitted.decision_due_on == date(2026, 12, 7)
    with pytest.raises(Conflict):
        submitted.choose_lots(frozenset({1}), frozenset({1}))


def test_decision_extends_only_once() -> None:
    once = application(ApplicationStatus.SUBMITTED).extend_decision(date(2026, 12, 14), "site visit needed")
    with pytest.raises(Conflict):
        once.extend_decision(date(2026, 12, 21), "again")


def test_decision_clock_flags_overdue_from_the_day_after() -> None:
    live = Application(1, 1, 7, ApplicationStatus.SUBMITTED, frozenset({1}), AT, date(2026, 12, 7), None, None, 2)
    assert decision_clock(live, date(2026, 12, 7), 0).overdue is False
    assert decision_clock(live, date(2026, 12, 8), -1).overdue is True
    assert decision_clock(application(), date(2026, 12, 8), None).working_days_left is None


def test_lot_choice_must_be_in_the_arrangement() -> None:
    with pytest.raises(RuleViolation) as caught:
        application().choose_lots(frozenset({1, 9}), frozenset({1, 2}))
    assert caught.value.extra["lot_ids"] == [9]


def question(kind: QuestionKind, **kw: object) -> Question:
    base: dict[str, object] = {
        "id": 10,
        "arrangement_id": 1,
        "section": "A",
        "position": 1,
        "text": "Q",
        "kind": kind,
        "mandatory": True,
        "max_score": 0,
        "weight": Decimal(0),
        "descriptors": (),
        "choices": (),
        "evidence_type": None,
        "lot_ids": frozenset(),
    }
    base.update(kw)
    return Question(**base)  # type: ignore[arg-type]


def test_question_settings_fit_their_kind() -> None:
    check_question(QuestionKind.SCORED, 5, Decimal(20), (), (), None)
    with pytest.raises(RuleViolation):
        check_question(QuestionKind.SCORED, 0, Decimal(20), (), (), None)
    with pytest.raises(RuleViolation):
        check_question(QuestionKind.TEXT, 5, Decimal(0), (), (), None)
    with pytest.raises(RuleViolation):
        check_question(QuestionKind.CHOICE, 0, Decimal(0), (), ("only",), None)
    with pytest.raises(RuleViolation):
        check_question(QuestionKind.EVIDENCE, 0, Decimal(0), (), (), None)


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        (QuestionKind.NUMBER, 3, True),
        (QuestionKind.NUMBER, "3", False),
        (QuestionKind.NUMBER, True, False),
        (QuestionKind.DATE, "2026-11-23", True),
        (QuestionKind.DATE, "23/11/2026", False),
        (QuestionKind.CHOICE, "yes", True),
        (QuestionKind.CHOICE, "maybe", False),
        (QuestionKind.TEXT, "x" * 20_000, True),
        (QuestionKind.TEXT, "x" * 20_001, False),
    ],
)
def test_answer_shapes(kind: QuestionKind, value: object, ok: bool) -> None:
    q = question(kind, choices=("yes", "no"))
    if ok:
        check_answer(q, Answer(10, value, None))
    else:
        with pytest.raises(RuleViolation):
            check_answer(q, Answer(10, value, None))


def test_missing_items_lists_everything_for_the_chosen_lots_only() -> None:
    text = question(QuestionKind.TEXT, id=1)
    evidence = question(QuestionKind.EVIDENCE, id=2, evidence_type="insurance_certificate")
    other_lot = question(QuestionKind.TEXT, id=3, lot_ids=frozenset({2}))
    optional = question(QuestionKind.TEXT, id=4, mandatory=False)
    questions = [text, evidence, other_lot, optional]
    missing = missing_items(questions, {}, frozenset({1}), {})
    assert [m.question_id for m in missing] == [1, 2]
    wrong_doc = missing_items(
        questions, {1: Answer(1, "ok", None), 2: Answer(2, None, 55)}, frozenset({1}), {55: "accounts"}
    )
    assert [m.question_id for m in wrong_doc] == [2]
    complete = missing_items(
        questions,
        {1: Answer(1, "ok", None), 2: Answer(2, None, 55)},
        frozenset({1}),
        {55: "insurance_certificate"},
    )
    assert complete == []


def assignment(status: AssignmentStatus = AssignmentStatus.ASSIGNED) -> Assignment:
    return Assignment(1, 1, 5, status, None, None, None)


def test_evaluators_declare_before_reading_and_conflicts_remove_them() -> None:
    with pytest.raises(PermissionDenied):
        assignment().require_may_read_answers()
    clear = assignment().declare(False, "", AT)
    clear.require_may_read_answers()
    with pytest.raises(RuleViolation):
        assignment().declare(True, " ", AT)
    conflicted = assignment().declare(True, "I used to work there", AT)
    with pytest.raises(PermissionDenied):
        conflicted.require_may_read_answers()
    with pytest.raises(RuleViolation):
        clear.submit([10], AT)
    done = clear.submit([], AT)
    with pytest.raises(Conflict):
        done.require_may_mark()


def test_moderation_waits_for_the_minimum_number_of_evaluations() -> None:
    one = [assignment(AssignmentStatus.SUBMITTED), assignment(AssignmentStatus.DECLARED)]
    with pytest.raises(RuleViolation):
        ready_for_moderation(one, 2)
    ready_for_moderation([*one, assignment(AssignmentStatus.SUBMITTED)], 2)


def test_lot_decisions_cover_each_lot_once_with_reasons() -> None:
    admit = LotDecision(1, LotDecisionKind.ADMIT, "met every requirement")
    reject = LotDecision(2, LotDecisionKind.REJECT, "no 16-17 provision")
    both = {1: True, 2: True}
    check_lot_decisions(frozenset({1, 2}), [admit, reject], meets_threshold=both)
    with pytest.raises(RuleViolation):
        check_lot_decisions(frozenset({1, 2}), [admit], meets_threshold=both)
    with pytest.raises(RuleViolation):
        check_lot_decisions(frozenset({1}), [LotDecision(1, LotDecisionKind.ADMIT, "")], meets_threshold=both)
    with pytest.raises(RuleViolation) as caught:
        check_lot_decisions(frozenset({1, 2}), [admit, reject], meets_threshold={1: False, 2: False})
    assert caught.value.code == "below_threshold"
    check_lot_decisions(frozenset({2}), [reject], meets_threshold={2: False})


def test_each_lot_is_admitted_on_its_own_result() -> None:
    # Given lot 1 met its threshold and lot 2 did not
    met = {1: True, 2: False}
    admit_1 = LotDecision(1, LotDecisionKind.ADMIT, "met lot 1's pass mark")
    # then lot 1 may be admitted while lot 2 is rejected
    check_lot_decisions(frozenset({1, 2}), [admit_1, LotDecision(2, LotDecisionKind.REJECT, "below")], met)
    # and admitting lot 2 is refused, naming it
    with pytest.raises(RuleViolation) as caught:
        check_lot_decisions(frozenset({1, 2}), [admit_1, LotDecision(2, LotDecisionKind.ADMIT, "x")], met)
    assert caught.value.code == "below_threshold"
    assert caught.value.extra["lot_ids"] == [2]


def test_membership_suspend_reinstate_remove() -> None:
    m = Membership(1, 1, 1, 7, 1, MembershipStatus.ACTIVE, date(2026, 12, 1), None, 1)
    suspended = m.move_to(MembershipStatus.SUSPENDED, "insurance expired")
    assert suspended.move_to(MembershipStatus.ACTIVE, "new certificate").status is MembershipStatus.ACTIVE
    with pytest.raises(RuleViolation):
        m.move_to(MembershipStatus.SUSPENDED, "")
    removed = m.move_to(MembershipStatus.REMOVED, "excluded supplier")
    with pytest.raises(IllegalTransition):
        removed.move_to(MembershipStatus.ACTIVE, "no way back")
