"""`dps scheduler run-once` says what it did, per action (issue 12, "messages people miss"): not
only "checked N deadlines" but the reminders sent, suspensions, reinstatements, expiries,
closings, conclusions, documents generated and PDF copies made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support import Api
from tests.support.contracts import load_templates
from tests.support.placement_contracts import CALL_OFFS, consortium, dps, placed, settings  # noqa: F401


async def test_run_once_prints_what_the_pass_did(api: Api, clean_database: str, tmp_path: Path) -> None:
    # The scene happens three weeks ago, so that its deadlines have passed by the real clock the
    # command runs on.
    api.clock.set(datetime.now(UTC) - timedelta(days=21))
    await load_templates(api)
    c = await consortium(api)
    placement = await placed(api, c)  # concluded: the sweep makes its IPA
    # A second request whose offers closed 11 days ago without anybody closing it.
    deadline = api.clock.now() + timedelta(days=10)
    raised = await api.client.post(
        CALL_OFFS,
        json={
            "arrangement_id": c.arrangement_id, "lot_id": c.lot_id, "title": "Girl, 9, short break",
            "child": {"age": 9, "sex": "female", "needs": ["autism"], "need_level": "complex",
                      "home_district": "WN1", "placement_type": "short_break", "start_date": "2027-01-04"},
            "criteria": {"questions": [], "quality_weight": "0", "price_weight": "80", "proximity_weight": "20"},
            "deadline": deadline.isoformat(),
        },
        headers=api.auth(c.wigan_commissioner),
    )  # fmt: skip
    assert raised.status_code == 201, raised.text
    call_off_id = raised.json()["id"]
    published = await api.client.post(f"{CALL_OFFS}/{call_off_id}/publish", headers=api.auth(c.wigan_commissioner))
    assert published.status_code == 200, published.text

    done = dps(clean_database, tmp_path, "scheduler", "run-once", soffice="/nonexistent/bin/soffice")

    assert done.returncode == 0, done.stderr
    assert "deadline(s) in 1 batch(es): " in done.stdout
    # The closing told the raising commissioner that the offers are open: one message, one person.
    assert (
        "1 reminder (to 1 person), 0 suspensions, 0 reinstatements, 0 expiries, 1 closing, 0 conclusions, "
        "1 document, 0 PDF copies; email delivery off" in done.stdout
    ), done.stdout
    closed = await api.client.get(f"{CALL_OFFS}/{call_off_id}", headers=api.auth(c.wigan_commissioner))
    assert closed.json()["status"] == "closed"
    ipas = await api.client.get("/api/v1/contracts", headers=api.auth(c.wigan_legal))
    assert [i["title"] for i in ipas.json()["items"]] == [
        f"Individual Placement Agreement for CH-CO-{placement['call_off_id']:06d}"
    ]

    again = dps(clean_database, tmp_path, "scheduler", "run-once", soffice="/nonexistent/bin/soffice")
    assert "0 reminders (to 0 people), 0 suspensions" in again.stdout and "0 documents" in again.stdout
