"""Optimistic concurrency: versions travel as ETags and come back in If-Match."""

from __future__ import annotations

import re

from dps.core.codes import CommonCode
from dps.core.errors import InvalidInput, PreconditionRequired, StaleVersion

_ETAG = re.compile(r'^\s*(?:W/)?"(\d+)"\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int:
    """The version a client read, from `If-Match: "3"`; required on updates of versioned resources."""
    if header is None:
        raise PreconditionRequired('send If-Match with the ETag you read, e.g. If-Match: "3"')
    match = _ETAG.match(header)
    if match is None:
        raise InvalidInput('If-Match must be an ETag this API gave out, e.g. "3"', code=CommonCode.INVALID_IF_MATCH)
    return int(match.group(1))


def require_version(expected: int, actual: int) -> None:
    """412 unless the row (read FOR UPDATE) is still at the version the client read."""
    if expected != actual:
        raise StaleVersion(expected, actual)
