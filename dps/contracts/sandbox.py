"""The Jinja sandbox contract templates run in, with limits on what one document may cost.

A template is a program written by a person (a legal officer), so besides Jinja's
`ImmutableSandboxedEnvironment` (no Python internals, no mutating lists or dicts) a mistake or a
hostile upload must not exhaust the server. Every way a template can make text or spend time is
bounded, for one document:

- loops (each `{% for %}` is wrapped in a counting iterator) and calls share `MAX_STEPS`, and the
  whole rendering has `MAX_SECONDS` of wall time;
- any value a template builds (`~`, `+`, `*`, `%`, `.format`, filters, macro results, `{% set %}`
  blocks, `namespace` attributes) is at most `MAX_TEXT` characters, checked before the big ones are
  built (repetition, padding widths, powers, replace, join);
- the XML one part of the document renders to is at most `MAX_OUTPUT` characters, cut off as it is
  produced, and one paragraph's text at most `MAX_PARAGRAPH` (checked after rendering, see
  `rendering.require_convertible`), so what renders also converts to PDF in time;
- `range` and `lipsum` are bounded.

Exceeding a limit raises `RenderLimitExceeded` (a `SecurityError`), so it is reported like any
other sandbox refusal. The upload check additionally runs in a child process with a memory limit
and a timeout (see `rendering.check_docx`), which catches whatever slips past these.
"""

from __future__ import annotations

import functools
import re
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.environment import Template
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace, generate_lorem_ipsum

MAX_TEXT = 200_000  # characters in one value a template builds
MAX_ITEMS = 100_000  # items in one list a template builds
# What LibreOffice converts well within the PDF timeout (issue 13, item 5: a 19-million-character
# document passed the old limit of 20 million and hung every conversion after it). Measured with
# soffice 7 on one CPU: 2 million characters of XML in paragraphs of 1,000 converted in 9 s, but
# LibreOffice lays out one paragraph in time that grows faster than its length (200,000 characters
# in one paragraph took 12 s, 500,000 took 23 s, 1.9 million did not finish in 180 s). So a part's
# XML is bounded (about 90 times the largest shipped template, an IPA of ~22,000) and so is the
# text of any one paragraph (about 30 pages).
MAX_OUTPUT = 2_000_000
MAX_PARAGRAPH = 100_000
MAX_STEPS = 2_000_000  # loop iterations and calls while rendering one document
MAX_SECONDS = 10.0  # wall time for one document
MAX_INT_BITS = 4_096  # integers a template computes (pence and counts need far fewer)
MAX_WIDTH = 1_000  # padding width or precision in a format string or filter argument
MAX_LIPSUM = 20  # paragraphs of placeholder text
MAX_SLOW_TEXT = 20_000  # characters given to a filter whose time grows faster than its input


class RenderLimitExceeded(SecurityError):
    """The template would cost more than one document may (time, steps, size)."""


# --- the per-document budget ------------------------------------------------------------------


class _Budget:
    __slots__ = ("deadline", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise RenderLimitExceeded(f"the template runs more than {MAX_STEPS:,} loop steps and calls")
        if self.steps % 512 == 0 and time.monotonic() > self.deadline:
            raise RenderLimitExceeded(f"the template takes longer than {MAX_SECONDS:g} seconds to fill")


_LOCAL = threading.local()


def _budget() -> _Budget:
    budget: _Budget | None = getattr(_LOCAL, "budget", None)
    if budget is None:  # a template used outside `limited()`: give it a budget of its own
        budget = _LOCAL.budget = _Budget()
    return budget


class limited:
    """One document's budget, for the rendering inside the block (this thread)."""

    def __enter__(self) -> None:
        _LOCAL.budget = _Budget()

    def __exit__(self, *exc: object) -> None:
        _LOCAL.budget = None


# --- size checks --------------------------------------------------------------------------------


def _size(value: Any) -> int | None:
    if isinstance(value, str | bytes | list | tuple | dict):
        return len(value)
    return None


def _checked(value: Any) -> Any:
    """`value`, refused when it is bigger than a template may build."""
    if isinstance(value, str | bytes):
        if len(value) > MAX_TEXT:
            raise RenderLimitExceeded(f"the template builds a text longer than {MAX_TEXT:,} characters")
    elif isinstance(value, list | tuple | dict):
        if len(value) > MAX_ITEMS:
            raise RenderLimitExceeded(f"the template builds a list longer than {MAX_ITEMS:,} items")
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise RenderLimitExceeded("the template computes a number too large")
    return value


def _check_width(n: Any) -> None:
    if isinstance(n, int) and not isinstance(n, bool) and abs(n) > MAX_WIDTH:
        raise RenderLimitExceeded(f"a width or count over {MAX_WIDTH:,} is not allowed in a template")


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?")


def _check_percent_format(fmt: str) -> None:
    """`'%10s' % x` is fine; `'%0999999999d' % 1` (a gigabyte of zeros) and `'%*d'` are not."""
    for width, precision in _PERCENT_SPEC.findall(fmt):
        for part in (width, precision):
            if part == "*":
                raise RenderLimitExceeded("'*' widths are not allowed in a template's % formatting")
            if part and int(part) > MAX_WIDTH:
                raise RenderLimitExceeded(f"a width or precision over {MAX_WIDTH:,} is not allowed in a template")


def _check_brace_format(fmt: str) -> None:
    """`'{:>10}'.format(x)` is fine; `'{:>999999999}'.format(1)` and nested `{:{w}}` are not."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format will report the malformed string itself
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise RenderLimitExceeded("nested format fields are not allowed in a template")
        for digits in re.findall(r"\d+", spec):
            if int(digits) > MAX_WIDTH:
                raise RenderLimitExceeded(f"a width or precision over {MAX_WIDTH:,} is not allowed in a template")


def _check_replace(value: Any, old: Any, new: Any) -> None:
    if isinstance(value, str) and isinstance(new, str):
        times = len(value) + 1 if old == "" else (value.count(old) if isinstance(old, str) else 0)
        if len(value) + times * len(new) > MAX_TEXT:
            raise RenderLimitExceeded(f"the template builds a text longer than {MAX_TEXT:,} characters")


def _check_join(separator: Any, items: Any) -> None:
    if isinstance(separator, str) and isinstance(items, list | tuple | str):
        if len(separator) * len(items) > MAX_TEXT:
            raise RenderLimitExceeded(f"the template builds a text longer than {MAX_TEXT:,} characters")


# Arguments checked before a string method runs (its result is checked after).
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _precheck_method(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in _WIDTH_METHODS:
        for arg in (*args, *kwargs.values()):
            _check_width(arg)
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1])
    elif name == "join" and args:
        _check_join(owner, args[0])
    elif name in ("format", "format_map"):
        _check_brace_format(owner)


def _precheck_filter(name: str, value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if name == "replace" and len(args) >= 2:
        _check_replace(str(value) if not isinstance(value, str) else value, args[0], args[1])
    elif name == "join":
        separator = args[0] if args else kwargs.get("d", "")
        _check_join(separator, value if isinstance(value, list | tuple | str) else [])
    elif name == "format" and isinstance(value, str):
        _check_percent_format(value)
    elif name in ("wordwrap", "urlize", "truncate", "center", "indent") and len(str(value)) > MAX_SLOW_TEXT:
        raise RenderLimitExceeded(f"{name} is limited to texts of {MAX_SLOW_TEXT:,} characters in a template")
    for arg in (*args, *kwargs.values()):
        _check_width(arg)  # center(width), indent(width), wordwrap(width), truncate(length), ...


def _limited_filter(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    passes_context = getattr(f, "jinja_pass_arg", None) is not None

    @functools.wraps(f)  # keeps `jinja_pass_arg` (pass_context and friends)
    def limited_filter(*args: Any, **kwargs: Any) -> Any:
        at = 1 if passes_context else 0
        if len(args) > at:
            _precheck_filter(name, args[at], args[at + 1 :], kwargs)
        return _checked(f(*args, **kwargs))

    return limited_filter


def _guard_iter(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget.tick()
        yield item


def _text_guard(value: Any) -> Any:
    return _checked(value)


# --- globals ---------------------------------------------------------------------------------


def _range(*args: int) -> range:
    for arg in args:
        _check_steps_arg(arg)
    rng = range(*args)
    try:
        too_long = len(rng) > MAX_ITEMS
    except OverflowError:  # longer than the machine can count
        too_long = True
    if too_long:
        raise RenderLimitExceeded(f"a range of more than {MAX_ITEMS:,} numbers is not allowed in a template")
    return rng


def _check_steps_arg(arg: Any) -> None:
    if not isinstance(arg, int) or isinstance(arg, bool):
        raise RenderLimitExceeded("range takes whole numbers")


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > MAX_LIPSUM or max > MAX_WIDTH or min > MAX_WIDTH:
        raise RenderLimitExceeded(f"lipsum is limited to {MAX_LIPSUM} paragraphs of up to {MAX_WIDTH} words")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


class _LimitedNamespace(Namespace):
    """`namespace()` whose attributes are size-checked, so a loop cannot double a text in it."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, _checked(value))


# --- the environment --------------------------------------------------------------------------


class LimitedTemplate(Template):
    """Renders with the output cut off at `MAX_OUTPUT` characters, as it is produced."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        parts: list[str] = []
        size = 0
        try:
            for chunk in self.root_render_func(ctx):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise RenderLimitExceeded(f"the template renders more than {MAX_OUTPUT:,} characters")
                parts.append(chunk)
        except Exception:
            self.environment.handle_exception()
        return "".join(parts)


_GUARD_ITER = "_dps_guard_iter"
_GUARD_TEXT = "_dps_guard_text"


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """`ImmutableSandboxedEnvironment` with the limits above."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    template_class = LimitedTemplate

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _limited_filter(name, f) for name, f in self.filters.items()}
        self.filters[_GUARD_ITER] = _guard_iter
        self.filters[_GUARD_TEXT] = _text_guard
        self.globals.update(range=_range, lipsum=_lipsum, namespace=_LimitedNamespace)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Wrap every loop's iterable in a step counter and every `~` and `{% set %}` block in a
        size check (Jinja compiles these without calling back into the environment)."""
        tree = super()._parse(source, name, filename)
        for loop in list(tree.find_all(nodes.For)):
            loop.iter = nodes.Filter(loop.iter, _GUARD_ITER, [], [], None, None, lineno=loop.lineno)
        for block in list(tree.find_all(nodes.AssignBlock)):
            if block.filter is None:
                block.filter = nodes.Filter(None, _GUARD_TEXT, [], [], None, None, lineno=block.lineno)
        for parent in list(tree.find_all(nodes.Node)):
            for field in parent.fields:
                child = getattr(parent, field, None)
                if isinstance(child, nodes.Concat):
                    setattr(parent, field, _text_filter(child))
                elif isinstance(child, list) and any(isinstance(c, nodes.Concat) for c in child):
                    setattr(parent, field, [_text_filter(c) if isinstance(c, nodes.Concat) else c for c in child])
        return tree

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
                if left.bit_length() * right > MAX_INT_BITS:
                    raise RenderLimitExceeded("the template computes a number too large")
        elif operator == "*":
            for seq, n in ((left, right), (right, left)):
                size = _size(seq)
                if size is not None and isinstance(n, int) and size * n > MAX_TEXT:
                    raise RenderLimitExceeded(f"the template builds a text longer than {MAX_TEXT:,} characters")
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise RenderLimitExceeded("the template computes a number too large")
        elif operator == "+":
            left_size, right_size = _size(left), _size(right)
            if left_size is not None and right_size is not None and left_size + right_size > MAX_TEXT:
                raise RenderLimitExceeded(f"the template builds a text longer than {MAX_TEXT:,} characters")
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        return _checked(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`str.format` is sandboxed by Jinja when the attribute is read; check its widths then."""
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map"):
            _check_brace_format(owner)
        return super().wrap_str_format(value)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _budget().tick()
        for arg in (*args, *kwargs.values()):
            _checked(arg)
        _precheck_method(__obj, args, kwargs)
        return _checked(super().call(__context, __obj, *args, **kwargs))


def _text_filter(node: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(node, _GUARD_TEXT, [], [], None, None, lineno=node.lineno)
