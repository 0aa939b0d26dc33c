"""The problem-code catalogues (issue 14): one StrEnum per package, each code written once.

A client matches on a problem's `code`; a code typed twice can drift apart, one typed wrong is a
new code nobody documents. So no module writes a code as a string literal: every error names a
catalogue member, each value stands in one catalogue, and every member is raised somewhere.
"""

from __future__ import annotations

import ast
import re
from enum import StrEnum
from pathlib import Path

import pytest

from dps.app import PROBLEM_CODES
from dps.portal.messages import MESSAGES

DPS = Path(__file__).resolve().parents[2] / "dps"
CATALOGUES: tuple[type[StrEnum], ...] = PROBLEM_CODES
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
EVERY_CODE = {member.value for catalogue in CATALOGUES for member in catalogue}


def _modules() -> list[Path]:
    return sorted(p for p in DPS.rglob("*.py") if p.name != "codes.py")


def _literal_codes(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module writes a problem code as a string: `code="..."` given to a call, a class's
    `code = "..."`, a `{"code": "..."}` problem extra, a unique constraint's `{"..._key": ("code",
    detail)}`, or `x.code == "..."`. Only snake_case values count (a lot's code "LOT-1" is data)."""
    found: list[tuple[int, str]] = []

    def text(node: ast.AST | None) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    def code(node: ast.AST | None) -> str | None:
        value = text(node)
        return value if value is not None and SNAKE.fullmatch(value) else None

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += [(node.lineno, v) for k in node.keywords if k.arg == "code" and (v := code(k.value))]
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                target = stmt.targets[0] if isinstance(stmt, ast.Assign) else getattr(stmt, "target", None)
                if isinstance(target, ast.Name) and target.id == "code" and (v := code(getattr(stmt, "value", None))):
                    found.append((stmt.lineno, v))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if text(key) == "code" and (v := code(value)) in EVERY_CODE:  # not a refusal reason's code
                    found.append((node.lineno, v))
                elif (text(key) or "").endswith("_key") and isinstance(value, ast.Tuple) and (v := code(value.elts[0])):
                    found.append((value.lineno, v))
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "code":
            found += [(node.lineno, v) for c in node.comparators if (v := code(c))]
    return sorted(found)


def test_no_module_writes_a_problem_code_as_a_string() -> None:
    written = [
        f"{path.relative_to(DPS.parent)}:{line}: {code!r}"
        for path in _modules()
        for line, code in _literal_codes(ast.parse(path.read_text(), str(path)))
    ]
    assert written == [], "name the catalogue member instead (dps/<package>/codes.py):\n" + "\n".join(written)


def test_the_scan_finds_each_way_of_writing_a_code() -> None:
    """The check above would pass on anything if the scan missed these shapes."""
    source = (
        'raise Conflict("taken", code="offer_exists")\n'
        'class Taken(Conflict):\n    code = "offer_exists"\n'
        'extra = {"code": "offer_exists"}\n'
        'if exc.code == "offer_exists": pass\n'
        'UNIQUE = {"offers_key": ("offer_exists", "this setting has an offer")}\n'
        'lot = Lot(code="LOT-1")\n'
    )
    assert _literal_codes(ast.parse(source)) == [(n, "offer_exists") for n in (1, 3, 4, 5, 6)]


def test_the_app_lists_every_catalogue() -> None:
    """OpenAPI's `Problem` lists the codes of the catalogues the app names: a new one must be named."""
    modules = {f"dps.{p.parent.name}.codes" for p in DPS.glob("*/codes.py")}
    assert {catalogue.__module__ for catalogue in CATALOGUES} == modules


def test_each_code_stands_in_one_catalogue_named_as_its_value() -> None:
    seen: dict[str, str] = {}
    for catalogue in CATALOGUES:
        for member in catalogue:
            assert SNAKE.fullmatch(member.value), member
            assert member.name == member.value.upper(), member
            assert member.value not in seen, f"{member.value} is in {seen.get(member.value)} and {catalogue.__name__}"
            seen[member.value] = catalogue.__name__


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda c: c.__name__)
def test_every_member_is_raised_somewhere(catalogue: type[StrEnum]) -> None:
    """A member nothing uses is a code clients are promised but never see."""
    sources = "\n".join(p.read_text() for p in _modules())
    unused = [m.value for m in catalogue if f"{catalogue.__name__}.{m.name}" not in sources]
    assert unused == []


def test_the_portal_explains_only_codes_that_exist() -> None:
    """A message keyed by a code no service raises is a typo or a code since renamed."""
    assert sorted(set(MESSAGES) - EVERY_CODE) == []
