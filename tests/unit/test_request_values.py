"""Request Structs become domain values before a service sees them (issue 14): an absent field is
UNCHANGED, a null one clears, and the Context carries the document adapters tests inject."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import msgspec

from dps.compliance.domain.concerns import VisitForm
from dps.compliance.schemas import VisitIn
from dps.contracts.pdf import PdfConverter, converter_for, default_converter
from dps.contracts.rendering import RENDERER, renderer_for
from dps.core.clock import FixedClock
from dps.core.context import Context
from dps.core.patches import UNCHANGED, changed_fields
from dps.core.requests import Input, given
from dps.core.settings import Settings
from dps.core.storage import LocalDocumentStore
from dps.pricing.schemas import BandPatch
from dps.tenders.schemas import CallOffPatch
from tests.conftest import START


def test_an_absent_field_is_unchanged_and_a_given_one_is_kept() -> None:
    assert given(msgspec.UNSET) is UNCHANGED
    assert given(None) is None
    assert given(5) == 5


def test_a_patch_names_only_what_it_changes() -> None:
    changes = msgspec.json.decode(b'{"effective_to": null}', type=BandPatch).to_domain()
    assert changed_fields(changes) == {"effective_to": None}
    assert changed_fields(BandPatch().to_domain()) == {}


def test_a_null_urgent_reason_clears_it_and_an_absent_one_leaves_it() -> None:
    cleared = msgspec.json.decode(b'{"urgent_reason": null, "title": " A title "}', type=CallOffPatch).to_domain()
    assert changed_fields(cleared) == {"urgent_reason": None, "title": "A title"}
    assert changed_fields(CallOffPatch().to_domain()) == {}


def test_a_visit_report_holds_only_the_form_fields_sent() -> None:
    body = b'{"form": "C", "visited_on": "2026-11-02", "atmosphere": "calm", "findings": []}'
    report = msgspec.json.decode(body, type=VisitIn).to_domain()
    assert report.form is VisitForm.C
    assert report.visited_on == date(2026, 11, 2)
    assert dict(report.answers) == {"atmosphere": "calm"}


def test_every_request_struct_refuses_unknown_fields() -> None:
    assert issubclass(VisitIn, Input) and issubclass(BandPatch, Input) and issubclass(CallOffPatch, Input)


def test_the_context_carries_the_renderer_and_converter_it_was_given(tmp_path: Path) -> None:
    settings = Settings.from_env({"DPS_VAR_DIR": str(tmp_path)})
    plain = Context(None, FixedClock(START), settings, LocalDocumentStore(tmp_path))
    assert converter_for(plain) is default_converter()
    assert renderer_for(plain) is RENDERER
    fake = PdfConverter("/nonexistent/bin/soffice")
    injected = Context(None, FixedClock(START), settings, plain.store, converter=fake)
    assert converter_for(injected) is fake
    assert converter_for(injected.as_system()) is fake
