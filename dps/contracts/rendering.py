"""`ContractRenderer`: fills a .docx template with docxtpl, safely, in a worker thread.

Templates are written by people (legal officers), so they run in Jinja's `SandboxedEnvironment`
(no reaching Python internals such as `''.__class__.__mro__`), with `autoescape=True` (a provider
called `A & B <Ltd>` cannot break the document's XML) and `StrictUndefined` (a misspelt variable
fails instead of printing nothing into a contract).

`check()` renders a template with its kind's sample context and reports every problem at once:
undefined variables and sandbox violations are collected rather than raised, so a legal officer
sees the full list in one 422; a syntax error stops Jinja, so it is reported on its own.

Both environments carry the limits of `dps.contracts.sandbox` (steps, time, size of every value
and of the output), and the upload check runs in a child process with a memory limit and a
timeout, so a template that would render gigabytes or loop for ever is refused, not obeyed.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import resource
import threading
import zipfile
from collections import OrderedDict
from multiprocessing.connection import Connection
from typing import Any, ClassVar

from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SecurityError
from lxml.etree import XMLSyntaxError

from dps.contracts.codes import ContractCode
from dps.contracts.domain.contexts import as_mapping
from dps.contracts.domain.templates import TemplateProblem
from dps.contracts.sandbox import MAX_PARAGRAPH, LimitedEnvironment, RenderLimitExceeded, limited
from dps.core.context import Context
from dps.core.documents import TemplateRenderer
from dps.core.errors import RuleViolation


class RenderFailed(RuleViolation):
    code = ContractCode.TEMPLATE_RENDER_FAILED
    title = "The template could not be filled"


class _RenderEnvironment(LimitedEnvironment):
    """The sandbox, remembering compiled templates: the same approved template is filled again and
    again (a batch of a thousand variations), and compiling its XML costs more than rendering it.
    Compiled templates are immutable and safe to share between threads."""

    def __init__(self, max_entries: int = 256) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=True)
        self._compiled: OrderedDict[str, Any] = OrderedDict()
        self._max_entries = max_entries
        self._compiled_lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            compiled = self._compiled.get(source)
        if compiled is None:
            compiled = super().from_string(source)
            with self._compiled_lock:
                self._compiled[source] = compiled
                while len(self._compiled) > self._max_entries:
                    self._compiled.popitem(last=False)
        return compiled


class _CachedDocxTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template with its XML clean-up (`patch_xml`, regular expressions over the whole
    part) remembered for the same input."""

    _patched: ClassVar[OrderedDict[str, str]] = OrderedDict()
    _patched_lock: ClassVar[threading.Lock] = threading.Lock()

    def patch_xml(self, src_xml: str) -> str:
        with self._patched_lock:
            patched = self._patched.get(src_xml)
        if patched is None:
            patched = super().patch_xml(src_xml)
            with self._patched_lock:
                self._patched[src_xml] = patched
                while len(self._patched) > 256:
                    self._patched.popitem(last=False)
        return patched  # type: ignore[no-any-return]


_ENVIRONMENT = _RenderEnvironment()


def require_convertible(document: DocxTemplate) -> None:
    """Refuse a rendered document with a paragraph longer than `MAX_PARAGRAPH` characters of text
    in any part (body, headers, footers): LibreOffice would not convert it in time."""
    for part in document.docx.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is None:
            continue
        for paragraph in element.iter(qn("w:p")):
            size = sum(len(text.text or "") for text in paragraph.iter(qn("w:t")))
            if size > MAX_PARAGRAPH:
                raise RenderLimitExceeded(
                    f"the template renders a paragraph of more than {MAX_PARAGRAPH:,} characters, "
                    "more than converts to PDF in time; split it into paragraphs"
                )


def render_docx(template: bytes, context: Any) -> bytes:
    """Fill `template` with `context` (a context dataclass) and return the new .docx (blocking)."""
    document = _CachedDocxTemplate(io.BytesIO(template))
    try:
        with limited():
            document.render(as_mapping(context), jinja_env=_ENVIRONMENT, autoescape=True)
        require_convertible(document)
    except TemplateError as error:
        raise RenderFailed(f"the template could not be filled: {error.message or error}") from error
    except Exception as error:  # 1/0, a TypeError, deep recursion...: the template's fault, not a 500
        raise RenderFailed(f"the template could not be filled: {type(error).__name__}: {error}") from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- checking an uploaded template -----------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.problems: list[TemplateProblem] = []

    def add(self, kind: str, message: str, line: int | None = None) -> None:
        problem = TemplateProblem(kind=kind, message=message, line=line)
        if problem not in self.problems:
            self.problems.append(problem)


class _CollectingUndefined(ChainableUndefined):
    """Records each use of a missing variable instead of raising, so every one is reported."""

    __slots__ = ()
    collector: ClassVar[_Collector]

    def _note(self) -> None:
        if issubclass(self._undefined_exception, SecurityError):
            return  # already recorded by the environment when the access was refused
        self.collector.add("undefined_variable", self._undefined_message)

    def __str__(self) -> str:
        self._note()
        return ""

    def __iter__(self) -> Any:
        self._note()
        return iter(())

    def __bool__(self) -> bool:
        self._note()
        return False

    def __len__(self) -> int:
        self._note()
        return 0

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        self._note()
        return self


class _CheckingEnvironment(LimitedEnvironment):
    collector: _Collector

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        self.collector.add(
            "sandbox_violation", f"access to attribute {attribute!r} of a {type(obj).__name__} is not allowed"
        )
        return super().unsafe_undefined(obj, attribute)


def check_docx(template: bytes, sample_context: Any) -> list[TemplateProblem]:
    """Every problem found rendering `template` with `sample_context`; empty when it is usable."""
    collector = _Collector()
    undefined = type("CheckUndefined", (_CollectingUndefined,), {"__slots__": (), "collector": collector})
    env = _CheckingEnvironment(undefined=undefined, autoescape=True)
    env.collector = collector
    document = DocxTemplate(io.BytesIO(template))
    try:
        document.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as error:
        collector.add("not_a_template", f"the file is not a usable Word template: {error}")
        return collector.problems
    try:
        with limited():
            document.render(as_mapping(sample_context), jinja_env=env, autoescape=True)
        require_convertible(document)
    except TemplateSyntaxError as error:
        collector.add("syntax_error", _with_context(error), error.lineno)
    except RenderLimitExceeded as error:
        collector.add("too_expensive", str(error))
    except SecurityError as error:
        collector.add("sandbox_violation", str(error))
    except TemplateError as error:
        collector.add("render_error", error.message or str(error), getattr(error, "lineno", None))
    except XMLSyntaxError as error:  # the tags split Word's XML so that the result is not a document
        collector.add("not_a_template", f"the file is not a usable Word template: {error}")
    except MemoryError:
        collector.add("too_expensive", "the template needs more memory than one document may use")
    except RecursionError:
        collector.add("too_expensive", "the template calls itself too deeply")
    except Exception as error:  # 1/0, '%d' % 'x', ...: Python's own complaint, reported, never a 500
        collector.add("render_error", f"{type(error).__name__}: {error}")
    return collector.problems


# The upload check runs in a child process: if a template gets past the sandbox's limits, the child
# runs out of its memory or time, not the server.
CHECK_SECONDS = 30.0
CHECK_MEMORY_BYTES = 1 << 30  # on top of what the (preloaded) child already maps


def _check_in_child(conn: Connection, template: bytes, sample_context: Any) -> None:
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + CHECK_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        problems = check_docx(template, sample_context)
    except MemoryError:
        problems = [TemplateProblem("too_expensive", "the template needs more memory than one document may use")]
    conn.send(problems)
    conn.close()


_TOO_EXPENSIVE = "the template could not be checked: it needs more memory or time than one document may use"


def check_docx_isolated(template: bytes, sample_context: Any, timeout: float = CHECK_SECONDS) -> list[TemplateProblem]:
    """`check_docx` in a child process with a memory limit, killed after `timeout` seconds.

    The child is forked (everything is already imported, so it starts in milliseconds); it only
    checks the template and sends the problems back, and leaves through `os._exit`, so nothing the
    parent holds (database connections, the event loop) is touched."""
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    child = mp.Process(target=_check_in_child, args=(sender, template, sample_context), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(timeout):
            try:
                problems: list[TemplateProblem] = receiver.recv()
                return problems
            except EOFError:  # the child died (out of memory)
                pass
        return [TemplateProblem("too_expensive", _TOO_EXPENSIVE)]
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()


def _with_context(error: TemplateError) -> str:
    """Jinja's message plus the document text around it (docxtpl attaches it), so a legal officer can
    find the tag in Word."""
    message = error.message or str(error)
    near = " ".join(part.strip() for part in getattr(error, "docx_context", []) if part.strip())
    return f"{message} (near: {near[:160]})" if near else message


# --- the adapter services use ----------------------------------------------------------------


class ContractRenderer:
    """Renders and checks templates off the event loop; keeps recently used templates in memory
    by SHA-256 so a batch does not read the same blob from the store a thousand times."""

    def __init__(self, cache_size: int = 32) -> None:
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def cached(self, sha256: str) -> bytes | None:
        with self._lock:
            data = self._cache.get(sha256)
            if data is not None:
                self._cache.move_to_end(sha256)
            return data

    def remember(self, sha256: str, data: bytes) -> None:
        with self._lock:
            self._cache[sha256] = data
            self._cache.move_to_end(sha256)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    async def render(self, template: bytes, context: Any) -> bytes:
        """The filled .docx."""
        return await asyncio.to_thread(render_docx, template, context)

    async def render_many(self, template: bytes, contexts: list[Any]) -> list[bytes]:
        """Fill one template many times in one worker-thread hop (batches)."""
        return await asyncio.to_thread(lambda: [render_docx(template, c) for c in contexts])

    async def check(self, template: bytes, sample_context: Any) -> list[TemplateProblem]:
        """Every problem found rendering the template with the sample context."""
        return await asyncio.to_thread(check_docx_isolated, template, sample_context)


RENDERER = ContractRenderer()


def renderer_for(ctx: Context) -> TemplateRenderer:
    """The Context's renderer (tests inject one), else the process's."""
    return ctx.renderer or RENDERER
