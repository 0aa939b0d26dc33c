"""Which notices a change calls for, when each falls due, and what a draft still lacks."""

from __future__ import annotations

from datetime import date

import pytest

from dps.transparency.domain.notices import NOTICE_KINDS, NoticeDue, NoticeType, draft, notices_for, reminder_state

ON = date(2026, 12, 1)


def types(profile: str, action: str, **kw: date) -> list[str]:
    return [n.notice_type.value for n in notices_for(profile, action, "s", ON, **kw)]


def test_the_seventeen_procurement_act_notices_are_all_named() -> None:
    assert [t.value for t in NoticeType if t.value.startswith("UK")] == [f"UK{n}" for n in range(1, 18)]
    assert (
        NOTICE_KINDS[NoticeType.UK7].title == "Contract details notice" and "s.53" in NOTICE_KINDS[NoticeType.UK7].law
    )


@pytest.mark.parametrize(
    ("profile", "action", "expected"),
    [
        ("pa2023_dynamic_market", "arrangement.published", ["UK13", "UK14"]),
        ("pa2023_dynamic_market", "lot.created", ["UK15"]),
        ("pa2023_dynamic_market", "arrangement.expired", ["UK16"]),
        ("pa2023_dynamic_market", "call_off.published", ["UK4"]),
        ("pa2023_dynamic_market", "call_off.awarded", ["UK6"]),
        ("pa2023_dynamic_market", "placement.created", ["UK7"]),
        ("pa2023_dynamic_market", "placement.fee_varied", ["UK10"]),
        ("pa2023_dynamic_market", "placement.ended", ["UK11"]),
        ("pa2023_dynamic_market", "call_off.cancelled", ["UK12"]),
        ("pa2023_open_framework", "arrangement.published", ["UK4"]),
        ("pa2023_open_framework", "membership.started", ["UK6", "UK7"]),
        ("pa2023_open_framework", "call_off.published", []),  # a call-off under a framework has no tender notice
        ("pa2023_open_framework", "placement.created", ["UK7"]),
        ("pcr2015_dps", "arrangement.published", ["F02"]),
        ("pcr2015_dps", "call_off.awarded", ["F03"]),
        ("pcr2015_dps", "placement.fee_varied", ["F20"]),
        ("pcr2015_dps", "placement.created", []),
        ("light_touch", "arrangement.published", ["F21"]),
        ("light_touch", "call_off.awarded", ["F21"]),
        ("pa2023_dynamic_market", "offer.submitted", []),
    ],
)
def test_notices_each_change_calls_for(profile: str, action: str, expected: list[str]) -> None:
    assert types(profile, action) == expected


def test_the_contract_details_notice_is_due_30_days_after_the_contract() -> None:
    assert notices_for("pa2023_dynamic_market", "placement.created", "placement:5", ON) == [
        NoticeDue(NoticeType.UK7, "placement:5", date(2026, 12, 31))
    ]


def test_a_termination_notice_counts_from_the_day_the_contract_ended() -> None:
    [due] = notices_for("pa2023_dynamic_market", "placement.ended", "placement:5", ON, day=date(2026, 12, 20))
    assert due.due_on == date(2027, 1, 19)


def test_a_pcr_award_notice_is_due_within_30_days_of_the_award() -> None:
    [due] = notices_for("pcr2015_dps", "call_off.awarded", "call-off", ON)
    assert due.due_on == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "key", "next_on"),
    [
        (date(2026, 12, 23), None, date(2026, 12, 24)),  # 8 days before: nothing yet
        (date(2026, 12, 24), "notice:9:reminder:2026-12-24", date(2026, 12, 31)),  # a week before
        (date(2026, 12, 30), "notice:9:reminder:2026-12-24", date(2026, 12, 31)),
        (date(2026, 12, 31), "notice:9:reminder:2026-12-31", None),  # on the day, the last
        (date(2027, 1, 5), "notice:9:reminder:2026-12-31", None),
    ],
)
def test_reminders_a_week_before_and_on_the_day(today: date, key: str | None, next_on: date | None) -> None:
    state = reminder_state(9, date(2026, 12, 31), today, published=False)
    assert (state.due_key, state.next_on) == (key, next_on)


def test_no_reminder_once_published() -> None:
    state = reminder_state(9, date(2026, 12, 31), date(2026, 12, 31), published=True)
    assert (state.due_key, state.next_on) == (None, None)


def test_a_draft_shows_what_is_missing_before_it_can_be_filed() -> None:
    compiled = {
        "parties": [{"id": "authority-1", "name": "Bolton Council", "roles": ["buyer"]},
                    {"id": "provider-7", "name": "Safe Homes Ltd", "roles": ["supplier"],
                     "identifier": {"scheme": "GB-COH", "id": "20000007"}}],
        "tender": {"title": "Placement request 1"},
        "awards": [{"id": "award", "date": "2026-12-01T00:00:00Z", "value": {"amount": 4500, "currency": "GBP"}}],
    }  # fmt: skip
    d = draft(NoticeType.UK6, compiled)
    assert d.fields["supplier_identifier"] == "20000007" and d.fields["award_value"] == 4500
    assert not d.ready
    assert d.missing == (
        "contact email for enquiries",
        "contracting authority's unique identifier (PPON) on the Central Digital Platform",
    )
    compiled["parties"][0]["contactPoint"] = {"email": "procurement@bolton.test"}
    compiled["parties"][0]["identifier"] = {"scheme": "GB-PPON", "id": "PXYZ-1234-ABCD"}
    assert draft(NoticeType.UK6, compiled).ready
