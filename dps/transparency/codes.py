"""The problem codes of transparency (OCDS releases and notices).

Each is written once, here. A client matches on the value (`code` in an RFC 9457 problem+json
answer), so a value never changes once released; a new rule adds a member.
`tests/unit/test_error_codes.py` checks that no module writes a code as a string literal and
that no value stands in two catalogues."""

from __future__ import annotations

from enum import StrEnum


class TransparencyCode(StrEnum):
    NOTICE_ALREADY_PUBLISHED = "notice_already_published"
    NOTICE_DATE_IN_FUTURE = "notice_date_in_future"
