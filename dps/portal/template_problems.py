"""What the template check found, in a legal officer's words: what is wrong and where it is in the
document, never Jinja's or Python's own messages (those name classes, exceptions and XML)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html import unescape

_NEAR = re.compile(r"\s*\(near: (?P<near>.*)\)\s*$", re.DOTALL)
_UNDEFINED = re.compile(r"^'(?P<name>[^']+)' is undefined")
_NO_ATTRIBUTE = re.compile(r"^'?(?P<owner>.+?)'? (?:object )?has no attribute '(?P<name>[^']+)'")
_UNSAFE = re.compile(r"attribute '(?P<name>[^']+)'")
_UNKNOWN_TAG = re.compile(r"unknown tag '(?P<name>[^']+)'")
_UNEXPECTED = re.compile(r"^unexpected '(?P<token>[^']+)'")
_END = re.compile(r"unexpected end of template|expected token 'end of statement block'|Unexpected end of template")


@dataclass(frozen=True, slots=True)
class PlainProblem:
    what: str  # what is wrong, in plain words
    where: str  # where it is: the words around it in the document, or the line
    fix: str  # what to do about it


_PARAGRAPH_END = re.compile(r"</w:p>")
_TAG = re.compile(r"<[^>]+>")


def paragraphs(docx: bytes) -> list[str]:
    """The document's paragraphs as plain text (to say where a field is used), or none when the
    file is not a Word document."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return []
    return [unescape(_TAG.sub("", part)).strip() for part in _PARAGRAPH_END.split(xml)]


def _where(near: str | None, line: int | None, name: str | None = None, text: list[str] | None = None) -> str:
    if near:
        return f"Near the words “{near.strip()[:120]}”"
    if name and text:
        for number, paragraph in enumerate((p for p in text if p), start=1):
            if name in paragraph:
                return f"Paragraph {number}: “{paragraph[:120]}”"
    if line:
        return f"Around line {line} of the document's text"
    return "Somewhere in the document"


def plain(kind: str, message: str, line: int | None, document: list[str] | None = None) -> PlainProblem:
    """One problem from the check (`TemplateProblem`'s kind, message and line) in plain words;
    `document` (its paragraphs) lets a misspelt field be found in the text."""
    found = _NEAR.search(message)
    near = found.group("near") if found else None
    text = _NEAR.sub("", message)
    where = _where(near, line)
    if kind == "undefined_variable":
        if m := _UNDEFINED.search(text):
            return PlainProblem(
                f"“{m.group('name')}” is not a field the service fills in",
                _where(near, line, m.group("name"), document),
                "Check its spelling against the fields listed beside the template, or take it out",
            )
        if m := _NO_ATTRIBUTE.search(text):
            owner = m.group("owner").split(".")[-1].removesuffix(" object")
            return PlainProblem(
                f"“{m.group('name')}” is not one of the fields of “{owner}”",
                _where(near, line, f".{m.group('name')}", document),
                "Use one of the fields listed beside the template",
            )
        return PlainProblem("It uses a field the service does not fill in", where, "Use the fields listed")
    if kind == "syntax_error":
        if m := _UNKNOWN_TAG.search(text):
            return PlainProblem(
                f"“{{% {m.group('name')} %}}” is not a tag templates can use",
                where,
                "Use {% if %}, {% for %} and their {% endif %} and {% endfor %} only",
            )
        if _END.search(text):
            return PlainProblem(
                "A {% if %} or {% for %} is not closed",
                where,
                "Close each {% if %} with {% endif %} and each {% for %} with {% endfor %}",
            )
        if m := _UNEXPECTED.search(text):
            return PlainProblem(
                f"An unexpected “{m.group('token')}” in a tag",
                where,
                "Check that each {{ }} and {% %} tag is opened and closed once, with nothing else inside",
            )
        return PlainProblem("A {{ }} or {% %} tag is not written correctly", where, "Check the tag's brackets")
    if kind == "sandbox_violation":
        name = m.group("name") if (m := _UNSAFE.search(text)) else None
        return PlainProblem(
            f"It reaches into “{name}”, which templates may not use"
            if name
            else "It does something templates may not do",
            where,
            "Use only the fields listed beside the template",
        )
    if kind == "too_expensive":
        return PlainProblem(
            "It would take too long, or make too large a document",
            where,
            "Check any {% for %} that repeats text, and split very long paragraphs",
        )
    if kind == "not_a_template":
        return PlainProblem(
            "The file is not a Word document we can read",
            "The whole file",
            "Save it from Word as a .docx document and upload it again",
        )
    return PlainProblem(
        "It could not be filled in with the sample data",
        where,
        "Check any calculation or filter in its tags: it fails with realistic values",
    )
