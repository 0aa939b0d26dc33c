"""The template check's problems as a legal officer reads them: what is wrong, where it is in the
document, and what to do, never Jinja's or Python's own words."""

from __future__ import annotations

import io

import docx
import pytest

from dps.portal.template_problems import paragraphs, plain


def word(*texts: str) -> bytes:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_misspelt_field_is_named_and_found_in_its_paragraph() -> None:
    text = paragraphs(word("Between the council and the provider.", "Dear {{ provider.nam }},"))
    found = plain(
        "undefined_variable", "'dps.contracts.domain.contexts.Party object' has no attribute 'nam'", None, text
    )
    assert found.what == "“nam” is not one of the fields of “Party”"
    assert found.where == "Paragraph 2: “Dear {{ provider.nam }},”"


def test_an_unknown_field_is_named_and_found() -> None:
    found = plain(
        "undefined_variable", "'no_such_field' is undefined", None, paragraphs(word("Dear {{ no_such_field }}"))
    )
    assert found.what == "“no_such_field” is not a field the service fills in"
    assert found.where == "Paragraph 1: “Dear {{ no_such_field }}”"


@pytest.mark.parametrize(
    ("message", "what"),
    [
        ("Encountered unknown tag 'foo'. (near: Dear {% foo %})", "“{% foo %}” is not a tag templates can use"),
        ("unexpected '}' (near: Dear {{ x }} })", "An unexpected “}” in a tag"),
        (
            "Unexpected end of template. Jinja was looking for 'endif' (near: {% if x %})",
            "A {% if %} or {% for %} is not closed",
        ),
    ],
)
def test_syntax_errors_say_what_is_wrong_near_which_words(message: str, what: str) -> None:
    found = plain("syntax_error", message, 4)
    assert found.what == what
    assert found.where.startswith("Near the words “")
    assert "Jinja" not in found.what + found.where + found.fix


def test_python_internals_are_never_shown() -> None:
    refused = plain("sandbox_violation", "access to attribute '__class__' of a str is not allowed", None)
    failed = plain("render_error", "ZeroDivisionError: division by zero", None)
    assert refused.what == "It reaches into “__class__”, which templates may not use"
    assert "ZeroDivisionError" not in failed.what + failed.where + failed.fix


def test_a_file_that_is_not_word_says_so() -> None:
    found = plain("not_a_template", "the file is not a usable Word template: File is not a zip file", None)
    assert found.what == "The file is not a Word document we can read"
    assert paragraphs(b"not a zip") == []
