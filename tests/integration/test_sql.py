"""Plain SQL on the hot paths (dps.core.sql) runs in the use case's transaction when there is one."""

from __future__ import annotations

import pytest

from dps.core import sql
from dps.core.db import DB


class Rollback(Exception):
    pass


async def test_statements_inside_a_transaction_commit_or_roll_back_with_it(clean_database: str) -> None:
    with pytest.raises(Rollback):
        async with DB.transaction():
            await sql.execute(
                "INSERT INTO deadline_checks (entity_type, entity_id, next_check_at) VALUES ($1, $2, now())", "t", 1
            )
            assert await sql.fetchrow("SELECT count(*) AS n FROM deadline_checks WHERE entity_type = 't'") == (1,)
            raise Rollback
    assert (await sql.fetch("SELECT count(*) AS n FROM deadline_checks WHERE entity_type = 't'"))[0]["n"] == 0

    async with DB.transaction():
        await sql.execute(
            "INSERT INTO deadline_checks (entity_type, entity_id, next_check_at) VALUES ($1, $2, now())", "t", 2
        )
    row = await sql.fetchrow("SELECT entity_id FROM deadline_checks WHERE entity_type = 't'")
    assert row is not None and row["entity_id"] == 2
    assert await sql.fetchrow("SELECT 1 WHERE false") is None
