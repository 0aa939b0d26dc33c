"""Queries of transparency: the facts its releases are built from (read-side SQL over the other
packages' rows, inside the caller's transaction), and its own releases and notices.

Reading the rows directly (rather than through each package's repository) keeps every fact a
release needs to a few indexed queries, and lets these modules choose the columns: nothing about a
child and nothing of an offer before its deadline is ever selected.

One module per aggregate, named like `domain/`: `facts` (which process a change belongs to, and
the facts of arrangements, call-offs and placements), `releases` (stored OCDS releases),
`notices` (Procurement Act notices); `_rows` holds the shared query helper.
This package re-exports every public name, so `repository.last_release(...)` keeps working;
new code may import the module directly (`from dps.transparency.repository import releases`).
"""

from dps.transparency.repository.facts import (
    arrangement_facts,
    arrangement_of,
    call_off_facts,
    call_off_of_placement,
    moved_placement,
    moved_placement_facts,
    placement_of_contract,
)
from dps.transparency.repository.notices import (
    NoticeRow,
    add_notice,
    get_notice,
    lead_authority_of,
    list_notices,
    mark_published,
)
from dps.transparency.repository.releases import (
    RELEASE_LOCK_CLASS,
    StoredRelease,
    insert_release,
    last_release,
    lock_process,
    releases_of,
    releases_page,
    stream_release_json,
)

# Grouped by module (one comment each), not sorted.
__all__ = [  # noqa: RUF022
    # facts.py: which process a change belongs to, and facts
    "arrangement_of",
    "call_off_of_placement",
    "placement_of_contract",
    "arrangement_facts",
    "call_off_facts",
    "moved_placement",
    "moved_placement_facts",
    # releases.py: releases
    "StoredRelease",
    "RELEASE_LOCK_CLASS",
    "lock_process",
    "last_release",
    "insert_release",
    "releases_page",
    "releases_of",
    "stream_release_json",
    # notices.py: notices
    "NoticeRow",
    "add_notice",
    "get_notice",
    "list_notices",
    "lead_authority_of",
    "mark_published",
]
