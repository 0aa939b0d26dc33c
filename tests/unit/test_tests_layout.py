"""The tests' own layout (issue 14): scenes and helpers live in tests/support; no module under tests/
imports a test module (test_*.py), so each test file can be moved, renamed or deleted on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]


def imported_test_modules(source: str, module: str) -> list[str]:
    """The test modules (a dotted name with a `test_*` part) that `source`, the text of `module`, imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = module.split(".")[: -node.level] if node.level else []
            base = ".".join([*package, node.module] if node.module else package)
            # `from tests.api import test_x` imports the module test_x itself.
            names = [base] + [f"{base}.{alias.name}" for alias in node.names if alias.name.startswith("test_")]
        else:
            continue
        found += [name for name in names if any(part.startswith("test_") for part in name.split("."))]
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from tests.api.test_call_offs import scene",
        "from tests.api import test_call_offs",
        "import tests.unit.test_tenders_domain",
        "from .test_call_offs import scene",
        "from . import test_call_offs",
        "def f():\n    from tests.api.test_applications import set_up\n",
    ],
)
def test_the_check_sees_every_form_of_importing_a_test_module(source: str) -> None:
    assert imported_test_modules(source, "tests.api.test_x") != []


@pytest.mark.parametrize(
    "source",
    [
        "from tests.support.call_offs import scene",
        "from tests.support import Api, pdfs",
        "from tests.conftest import START",
        "from dps.tenders.domain import testing_window",
    ],
)
def test_the_check_lets_support_and_other_modules_be_imported(source: str) -> None:
    assert imported_test_modules(source, "tests.api.test_x") == []


def test_no_module_under_tests_imports_a_test_module() -> None:
    offenders = {}
    for path in sorted(TESTS.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        module = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        if imported := imported_test_modules(path.read_text(encoding="utf-8"), module):
            offenders[module] = imported
    assert offenders == {}, "move what they share into tests/support/"
