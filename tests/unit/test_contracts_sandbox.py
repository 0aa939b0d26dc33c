"""A legal officer's template is a program: it must never reach Python internals, change data, or
cost the server more than one document may (time, memory, output). Each hostile template is
refused at the upload check with a reason, and cut off if it ever reaches rendering."""

from __future__ import annotations

import io
import time

import pytest
from docx import Document

from dps.contracts import sandbox
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.samples import sample_context
from dps.contracts.rendering import RenderFailed, check_docx, check_docx_isolated, render_docx
from tests.support.contracts import docx_text


def template_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


SAMPLE = sample_context(TemplateKind.DECISION_LETTER)

# Reaching Python internals or mutating data.
ESCAPES = [
    "{{ self.__init__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ ''|attr('__class__') }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ range.__globals__ }}",
    "{{ '{0.__class__.__mro__}'.format(1) }}",
    "{{ '{a.__class__}'.format_map({'a': 1}) }}",
    "{{ provider.__slots__ }}",
    "{% set x = namespace() %}{{ x._Namespace__attrs }}",
    "{% set l = [1] %}{{ l.append(2) }}",
    "{% set d = {} %}{{ d.update({'a': 1}) }}",
]

# Denial of service: gigabytes of text, numbers with millions of digits, endless loops.
BOMBS = [
    "{{ 'x' * 3000000000 }}",
    "{{ [1] * 3000000000 }}",
    "{{ 2 ** 99999999 }}",
    "{% for i in range(10**12) %}x{% endfor %}",
    "{{ lipsum(n=10**7) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
    "{{ 'x'|center(3000000000) }}",
    "{{ 'ab'|indent(999999999) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '%*d' % (999999999, 1) }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{0:{1}}'.format(1, 999999999) }}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{% macro f(s, n) %}{% if n %}{{ f(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}"
    "{{ f('xxxxxxxxxx', 40) }}",
    "{% set ns = namespace(s='xxxxxxxxxx') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    "{{ ns.s|length }}",
    "{% set a = 'x' * 100000 %}{% set b = a ~ a ~ a %}{{ b|length }}",
    "{% set a %}{{ 'x' * 100000 }}{{ 'x' * 100000 }}{{ 'x' * 100000 }}{% endset %}{{ a|length }}",
    "{{ ('x' * 100000)|replace('x', 'y' * 100000) }}",
    "{{ ('x' * 100000)|list|join('y' * 100000) }}",
    "{{ ('y' * 100000).join(('x' * 100000)|list) }}",
    "{{ ('x' * 100000)|wordwrap(1) }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_reaching_python_internals_or_changing_data_is_refused(source: str) -> None:
    problems = check_docx(template_with(source), SAMPLE)
    assert problems and {p.kind for p in problems} == {"sandbox_violation"}, problems
    with pytest.raises(RenderFailed):
        render_docx(template_with(source), SAMPLE)


@pytest.mark.parametrize("source", BOMBS)
def test_a_template_that_would_exhaust_the_server_is_refused_quickly(source: str) -> None:
    started = time.monotonic()
    problems = check_docx(template_with(source), SAMPLE)
    assert [p.kind for p in problems] == ["too_expensive"], problems
    with pytest.raises(RenderFailed):
        render_docx(template_with(source), SAMPLE)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ '%d' % 'x' }}", "TypeError"),
        ("{{ '{0.__class__}'|format(1) }}", "TypeError"),
        ("{{ 'x'|wordwrap(0) }}", "ValueError"),
    ],
)
def test_python_errors_in_a_template_are_reported_not_crashing(source: str, message: str) -> None:
    problems = check_docx(template_with(source), SAMPLE)
    assert [p.kind for p in problems] == ["render_error"]
    assert message in problems[0].message
    with pytest.raises(RenderFailed):
        render_docx(template_with(source), SAMPLE)


def test_ordinary_template_features_still_work_within_the_limits() -> None:
    source = (
        "{{ provider.name }}|{{ range(3)|join(',') }}|{{ '%5.2f'|format(3.14159) }}|{{ '{:>4}'.format('a') }}"
        "|{% set ns = namespace(n=0) %}{% for i in range(1000) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"
        "|{{ 'ab' * 3 }}|{{ 2 ** 10 }}|{{ lipsum(1, html=False)|length > 0 }}"
    )
    assert check_docx(template_with(source), SAMPLE) == []
    assert docx_text(render_docx(template_with(source), SAMPLE)).strip() == (
        'Ysgol y Bryn & "Gofal" <Cymru> Ltd|0,1,2| 3.14|   a|499500|ababab|1024|True'
    )


def test_the_upload_check_runs_apart_and_is_stopped_when_it_takes_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if the in-process limits missed an endless loop: the child is killed at the timeout.
    monkeypatch.setattr(sandbox, "MAX_STEPS", 10**15)
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 3600.0)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    problems = check_docx_isolated(template_with(loop), SAMPLE, timeout=2)
    assert [p.kind for p in problems] == ["too_expensive"]
    assert time.monotonic() - started < 10


def test_the_upload_check_runs_apart_with_a_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if the size checks missed a 3 GB text: the child runs out of its memory, not the server.
    monkeypatch.setattr(sandbox, "MAX_TEXT", 10**12)
    monkeypatch.setattr(sandbox, "MAX_ITEMS", 10**12)
    problems = check_docx_isolated(template_with("{{ ('x' * 3000000000)|length }}"), SAMPLE)
    assert [p.kind for p in problems] == ["too_expensive"]


def test_the_isolated_check_reports_what_the_in_process_check_reports() -> None:
    template = template_with("{{ provider.nmae }}", "{{ ''.__class__ }}")
    assert check_docx_isolated(template, SAMPLE) == check_docx(template, SAMPLE)
    assert check_docx_isolated(template_with("{{ provider.name }}"), SAMPLE) == []
