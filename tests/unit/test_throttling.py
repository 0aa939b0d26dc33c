"""Sign-in throttling (issue 13 item 7): growing delays per key instead of a hard lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dps.core.throttling import ThrottleRule, ThrottleState, after_failure, retry_after_seconds, sign_in_keys

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
RULE = ThrottleRule(limit=5, first_delay=timedelta(seconds=1), longest_delay=timedelta(minutes=15),
                    forget_after=timedelta(hours=24))  # fmt: skip


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (14, 512), (15, 900), (16, 900), (10_000, 900)],
)
def test_delays_start_at_the_limit_and_double_up_to_the_longest(failures: int, delay: int) -> None:
    assert RULE.delay_after(failures) == timedelta(seconds=delay)


def test_a_failure_counts_and_blocks_from_the_limit() -> None:
    state = ThrottleState("k")
    for _ in range(4):
        state = after_failure(state, NOW, RULE)
    assert (state.failures, state.waits(NOW)) == (4, None)
    state = after_failure(state, NOW, RULE)
    assert state.waits(NOW) == timedelta(seconds=1)
    assert state.waits(NOW + timedelta(seconds=1)) is None, "the wait ends exactly at its time"


def test_a_run_of_failures_is_forgotten_after_a_quiet_day() -> None:
    state = ThrottleState("k", failures=9, last_failure_at=NOW)
    assert after_failure(state, NOW + timedelta(hours=24) - timedelta(seconds=1), RULE).failures == 10
    assert after_failure(state, NOW + timedelta(hours=24), RULE).failures == 1


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_seconds(timedelta(milliseconds=1)) == 1
    assert retry_after_seconds(timedelta(seconds=1, milliseconds=1)) == 2
    assert retry_after_seconds(timedelta(seconds=900)) == 900


def test_keys_name_the_address_per_client_without_storing_it() -> None:
    account, client = sign_in_keys("victim@council.test", "203.0.113.9")
    assert client == "client:203.0.113.9"
    assert account.endswith("@203.0.113.9") and "victim" not in account
    assert sign_in_keys("victim@council.test", "198.51.100.7")[0] != account
    assert sign_in_keys("victim@council.test", None)[1] == "client:unknown"
