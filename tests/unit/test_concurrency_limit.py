"""The per-organisation limit on expensive work (issue 13, item 3): over its share an organisation
is refused at once with a 429; over the total, callers wait their turn."""

from __future__ import annotations

import asyncio

import pytest

from dps.core.blocking import ConcurrencyLimit, TooMuchAtOnce


async def test_an_organisation_over_its_share_is_refused_at_once() -> None:
    limit = ConcurrencyLimit("too_many_extractions", "PDF extractions")
    async with limit.slot("a", per_key=2, total=10), limit.slot("a", per_key=2, total=10):
        with pytest.raises(TooMuchAtOnce) as refused:
            async with limit.slot("a", per_key=2, total=10):
                pass  # pragma: no cover - never entered
        async with limit.slot("b", per_key=2, total=10):  # another organisation is not held up
            assert limit.running("b") == 1
    assert refused.value.code == "too_many_extractions"
    assert refused.value.status == 429
    assert refused.value.extra["retry_after_seconds"] == 5
    assert limit.running("a") == 0


async def test_a_slot_is_given_back_when_the_work_fails() -> None:
    limit = ConcurrencyLimit("too_many_extractions", "PDF extractions")
    with pytest.raises(ValueError):
        async with limit.slot("a", per_key=1, total=1):
            raise ValueError("the PDF was bad")
    async with limit.slot("a", per_key=1, total=1):
        assert limit.running("a") == 1


async def test_over_the_total_callers_wait_their_turn() -> None:
    limit = ConcurrencyLimit("too_many_extractions", "PDF extractions")
    order: list[str] = []
    release = asyncio.Event()

    async def work(key: str) -> None:
        async with limit.slot(key, per_key=1, total=1):
            order.append(f"{key} in")
            await release.wait()
            order.append(f"{key} out")

    first = asyncio.create_task(work("a"))
    second = asyncio.create_task(work("b"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == ["a in"]  # b waits for the only slot
    release.set()
    await asyncio.gather(first, second)
    assert order == ["a in", "a out", "b in", "b out"]
