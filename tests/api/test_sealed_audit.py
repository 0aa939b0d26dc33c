"""Sealed means sealed in the audit trail too: before the deadline no reader, admins included, can
see that an offer exists, who made it or what it says; at the deadline the events appear, and the
chain still verifies."""

from __future__ import annotations

from datetime import timedelta

from dps.core import audit
from tests.support import Api
from tests.support.call_offs import member, offer_body, raise_and_publish, scene, settings

__all__ = ["settings"]  # the call-off tests' settings fixture (long-lived tokens) applies here too


async def offer_events(api: Api, token: str) -> list[dict]:
    response = await api.client.get("/api/v1/audit", params={"entity_type": "offer"}, headers=api.auth(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_offer_events_stay_out_of_the_audit_trail_until_the_deadline(api: Api) -> None:
    s = await scene(api)
    provider_id, provider, setting_id = await member(api, s)
    deadline = api.clock.now() + timedelta(days=10)
    call_off = await raise_and_publish(api, s, deadline)
    url = f"/api/v1/call-offs/{call_off['id']}/offers"
    submitted = await api.client.post(url, json=offer_body(setting_id, 412_345), headers=api.auth(provider))
    assert submitted.status_code == 201, submitted.text
    offer_id = submitted.json()["id"]
    withdrawn = await api.client.post(f"{url}/{offer_id}/withdraw", headers=api.auth(provider))
    assert withdrawn.status_code == 200, withdrawn.text

    # One second before the deadline: neither the officer nor a platform admin sees a trace.
    api.clock.set(deadline - timedelta(seconds=1))
    officer, admin = await api.renew(s.officer), await api.admin()
    assert await offer_events(api, officer) == []
    assert await offer_events(api, admin) == []

    # At the deadline the offers open, and so does their history, with who made them.
    api.clock.set(deadline)
    events = await offer_events(api, await api.renew(s.officer))
    assert [(e["action"], e["entity_id"], e["actor_org_id"]) for e in events] == [
        ("offer.submitted", str(offer_id), provider_id),
        ("offer.withdrawn", str(offer_id), provider_id),
    ]
    assert (await audit.verify()).ok
