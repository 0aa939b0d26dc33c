"""How a batch of PDF conversions is shared between soffice processes (dps/contracts/pdf.py)."""

from __future__ import annotations

import pytest

from dps.contracts.pdf import PdfConverter, default_workers


@pytest.mark.parametrize(
    ("workers", "count", "shares"),
    [
        (2, 0, []),
        (2, 1, [range(0, 1)]),  # one file: one soffice, not two
        (2, 2, [range(0, 1), range(1, 2)]),
        (2, 5, [range(0, 3), range(3, 5)]),
        (2, 100, [range(0, 50), range(50, 100)]),
        (4, 10, [range(0, 3), range(3, 6), range(6, 9), range(9, 10)]),
        (1, 7, [range(0, 7)]),
    ],
)
def test_a_batch_is_split_into_contiguous_shares_one_per_worker(workers: int, count: int, shares: list[range]) -> None:
    converter = PdfConverter("/nonexistent/soffice", workers=workers)
    assert converter.shares(count) == shares
    assert [i for share in shares for i in share] == list(range(count))  # order kept, nothing lost


def test_one_soffice_per_cpu_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DPS_PDF_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert default_workers() == 6
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert default_workers() == 1
    monkeypatch.setenv("DPS_PDF_WORKERS", "3")
    assert default_workers() == 3
    with pytest.raises(ValueError):
        PdfConverter(workers=0)
