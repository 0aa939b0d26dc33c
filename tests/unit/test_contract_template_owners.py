"""Who owns a template and which one a council's document is made from (issue 13, item 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.templates import (
    SecondApproverRequired,
    TemplateStatus,
    TemplateVersion,
    choose_template,
)
from dps.contracts.services.generation import owners

AT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
WIGAN, BOLTON, SALFORD = 10, 1, 6


def version(owner: int | None, *, status: TemplateStatus = TemplateStatus.APPROVED, uploaded_by: int = 3):
    return TemplateVersion(
        id=owner or 0,
        kind=TemplateKind.PLACEMENT_RESIDENTIAL,
        version=1,
        status=status,
        filename="t.docx",
        note="",
        storage_key=f"k{owner}",
        sha256="e" * 64,
        size_bytes=1,
        uploaded_by=uploaded_by,
        uploaded_at=AT,
        owner_authority_id=owner,
    )


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        ([None, SALFORD, BOLTON, WIGAN], WIGAN),  # the council's own first
        ([None, SALFORD, BOLTON], BOLTON),  # then its consortium's lead
        ([None, SALFORD], None),  # then the national default, never another council's
    ],
)
def test_a_councils_document_uses_its_own_then_its_leads_then_the_national_template(
    available: list[int | None], expected: int | None
) -> None:
    chosen = choose_template([version(o) for o in available], owners(WIGAN, BOLTON))
    assert chosen is not None and chosen.owner_authority_id == expected


def test_another_councils_template_alone_is_no_template() -> None:
    assert choose_template([version(SALFORD)], owners(WIGAN, BOLTON)) is None
    assert choose_template([version(WIGAN, status=TemplateStatus.RETIRED)], owners(WIGAN)) is None


def test_owners_keep_their_order_without_repeats_or_unknowns() -> None:
    assert owners(BOLTON, BOLTON) == (BOLTON,)
    assert owners(WIGAN, None) == (WIGAN,)


def test_under_four_eyes_the_uploader_may_not_approve_a_second_legal_officer_may() -> None:
    draft = version(WIGAN, status=TemplateStatus.DRAFT, uploaded_by=3)
    with pytest.raises(SecondApproverRequired):
        draft.approve(3, AT, four_eyes=True)
    assert draft.approve(4, AT, four_eyes=True).approved_by == 4
    assert draft.approve(3, AT, four_eyes=False).status is TemplateStatus.APPROVED
    # The shipped templates are loaded by the system (no uploader, no approver).
    assert replace(draft, uploaded_by=None).approve(None, AT, four_eyes=True).status is TemplateStatus.APPROVED
