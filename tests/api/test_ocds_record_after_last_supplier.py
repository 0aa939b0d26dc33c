"""Reading an OCDS record after the last supplier of a lot is removed (found by the schema fuzzer,
tests/api/test_openapi_fuzz.py: the award's `suppliers` went from one organisation to none, and the
record's versioned release answered 500)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dps.core.context import Context
from dps.demo import DEMO_PASSWORD, seed_demo
from tests.support import Api

pytestmark = pytest.mark.usefixtures("no_libreoffice")


async def test_the_record_of_an_arrangement_whose_lot_lost_its_only_supplier_reads(api: Api) -> None:
    await seed_demo(Context(None, api.clock, api.app.state.settings, api.app.state.store))
    login = await api.client.post(
        "/api/v1/auth/login", json={"email": "officer@demo.dps.test", "password": DEMO_PASSWORD}
    )
    officer = api.auth(login.json()["token"])
    active = (await api.client.get("/api/v1/memberships?status=active", headers=officer)).json()["items"]
    by_lot: dict[int, list[dict[str, object]]] = {}
    for m in active:
        by_lot.setdefault(int(m["lot_id"]), []).append(m)
    (only,) = next(members for members in by_lot.values() if len(members) == 1)  # LOT-2: Mersey Futures
    # Suspended, it is still the lot's supplier (a release lists it); removed, the lot has none.
    for verb in ("suspend", "remove"):
        api.clock.set(api.clock.now() + timedelta(minutes=5))  # each release dated after the last
        moved = await api.client.post(
            f"/api/v1/memberships/{only['id']}/{verb}", json={"reason": "excluded supplier"}, headers=officer
        )
        assert moved.status_code == 200, moved.text

    releases = (await api.client.get("/api/v1/ocds/releases")).json()["releases"]
    ocid = next(r["ocid"] for r in releases if r["ocid"].endswith(f"arrangement-{only['arrangement_id']}"))
    response = await api.client.get(f"/api/v1/ocds/records/{ocid}")
    assert response.status_code == 200, response.text
    (rec,) = response.json()["records"]
    award = next(a for a in rec["compiledRelease"]["awards"] if a["id"] == f"lot-{only['lot_id']}")
    assert award["suppliers"] == []
    versioned = next(a for a in rec["versionedRelease"]["awards"] if a["id"] == f"lot-{only['lot_id']}")
    assert [v["value"] for v in versioned["suppliers"]] == [[]]  # its history starts again
