"""Contracts for tenders' placements over HTTP: the IPA of a concluded call-off's placement, and the
fee variations an applied uplift brings to the live placements it changes (DESIGN.md stories 4, 7)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support import Api, problem
from tests.support.contracts import docx_text, load_templates, table_rows
from tests.support.placement_contracts import (
    CARD_PRICE,
    Consortium,
    consortium,
    dps,
    placed,
    settings,  # noqa: F401 - a fixture
)

CONTRACTS = "/api/v1/contracts"

pytestmark = pytest.mark.usefixtures("no_libreoffice")


async def test_a_concluded_call_offs_placement_gets_its_ipa(api: Api) -> None:
    await load_templates(api)
    c = await consortium(api)
    placement = await placed(api, c, services=True)

    # Bolton leads the arrangement but did not place the child: not its agreement to make.
    problem(
        await api.client.post(
            f"{CONTRACTS}/placement-agreements", json={"placement_id": placement["id"]}, headers=api.auth(c.legal)
        ),
        403,
        "permission_denied",
    )
    problem(
        await api.client.post(
            f"{CONTRACTS}/placement-agreements", json={"placement_id": placement["id"]}, headers=api.auth(c.provider)
        ),
        403,
        "permission_denied",
    )
    problem(
        await api.client.post(
            f"{CONTRACTS}/placement-agreements", json={"placement_id": 999_999}, headers=api.auth(c.wigan_commissioner)
        ),
        404,
        "not_found",
    )

    created = await api.client.post(
        f"{CONTRACTS}/placement-agreements",
        json={"placement_id": placement["id"]},
        headers=api.auth(c.wigan_commissioner),
    )
    assert created.status_code == 201, created.text
    ipa = created.json()
    assert (ipa["kind"], ipa["status"], ipa["template_kind"]) == (
        "placement_agreement",
        "draft",
        "placement_residential",
    )
    assert ipa["starts_on"] == "2026-12-14" and ipa["ends_on"] is None
    child = f"CH-CO-{placement['call_off_id']:06d}"
    assert ipa["title"] == f"Individual Placement Agreement for {child}"

    document = await api.client.get(f"{CONTRACTS}/{ipa['id']}/document", headers=api.auth(c.wigan_legal))
    assert document.status_code == 200, document.text
    text = docx_text(document.content)
    # Parties exactly as recorded (with "&" and "<" intact), the child only by reference.
    assert "Wigan Council" in text and "Northern Homes & Care <NW> Ltd" in text
    assert child in text and "Boy" not in text
    assert "Ty'r Bryn House" in text and "M5 4WT" in text
    assert "14 December 2026" in text
    assert "28 days" in text
    rows = table_rows(document.content)
    assert ["Weekly placement fee", "£1,234.57"] in rows
    assert ["1:1 education support & transport", "£350.00"] in rows
    assert any("£1,584.57" in cell for row in rows for cell in row)  # the weekly total

    # The second request refuses rather than making another agreement for the same placement.
    again = await api.client.post(
        f"{CONTRACTS}/placement-agreements", json={"placement_id": placement["id"]}, headers=api.auth(c.wigan_legal)
    )
    assert problem(again, 409, "already_generated")["contract_id"] == ipa["id"]


async def test_story_7_an_applied_uplift_varies_the_fees_of_live_placements_once(api: Api) -> None:
    story = await three_placements_one_with_its_ipa_and_one_ended(api)
    await the_lead_defines_and_applies_an_uplift(api, story)
    await only_the_lead_council_issues_variations(api, story)
    await a_variation_is_issued_for_each_live_placement(api, story)
    await a_second_run_makes_nothing_new(api, story)
    await the_agreed_variation_changes_the_fee_from_april(api, story)


@dataclass
class Story7:
    """What the steps of story 7 share: the consortium, its three placements, the first one's IPA and, as they come,
    the uplift and its variations."""

    c: Consortium
    first: dict[str, Any]
    second: dict[str, Any]
    ended: dict[str, Any]
    ipa: Any
    body: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)
    variation: dict[str, Any] = field(default_factory=dict)


async def three_placements_one_with_its_ipa_and_one_ended(api: Api) -> Story7:
    """Wigan places three children (one below the card price); the first gets its IPA; the third ends."""
    await load_templates(api)
    c = await consortium(api)
    first = await placed(api, c)
    second = await placed(api, c, fee=120_000)  # agreed below the card price
    ended = await placed(api, c)
    ipa = await api.client.post(
        f"{CONTRACTS}/placement-agreements", json={"placement_id": first["id"]}, headers=api.auth(c.wigan_legal)
    )
    assert ipa.status_code == 201, ipa.text
    end = await api.client.post(
        f"/api/v1/placements/{ended['id']}/end",
        json={"ended_on": "2027-02-28", "kind": "planned"},
        headers={**api.auth(c.wigan_commissioner), "If-Match": '"1"'},
    )
    assert end.status_code == 200, end.text
    return Story7(c=c, first=first, second=second, ended=ended, ipa=ipa)


async def the_lead_defines_and_applies_an_uplift(api: Api, story: Story7) -> None:
    """Bolton's officer defines a 3.8% uplift from April; no variation before it is applied."""
    c = story.c
    defined = await api.client.post(
        "/api/v1/uplifts",
        json={"arrangement_id": c.arrangement_id, "description": "April 2027 uplift", "effective_on": "2027-04-01",
              "method": "flat", "flat_percentage": "3.8"},
        headers=api.auth(c.officer),
    )  # fmt: skip
    assert defined.status_code == 201, defined.text
    uplift_id = defined.json()["id"]
    body = {"uplift_id": uplift_id}
    problem(await api.client.post(f"{CONTRACTS}/fee-variations", json=body, headers=api.auth(c.legal)),
            409, "uplift_not_applied")  # fmt: skip
    applied = await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=api.auth(c.officer))
    assert applied.status_code == 200, applied.text
    story.body = body


async def only_the_lead_council_issues_variations(api: Api, story: Story7) -> None:
    """Only the lead council's officers and legal officers issue them (for every member's placements)."""
    c, body = story.c, story.body
    # Only the lead council's officers and legal officers issue them (for every member's placements).
    problem(await api.client.post(f"{CONTRACTS}/fee-variations", json=body, headers=api.auth(c.wigan_legal)),
            403, "permission_denied")  # fmt: skip
    problem(await api.client.post(f"{CONTRACTS}/fee-variations", json=body, headers=api.auth(c.provider)),
            403, "permission_denied")  # fmt: skip


async def a_variation_is_issued_for_each_live_placement(api: Api, story: Story7) -> None:
    """One variation per live placement, under its IPA where it has one, with the old and new fees."""
    c, first, second, ended, ipa, body = story.c, story.first, story.second, story.ended, story.ipa, story.body
    issued = await api.client.post(f"{CONTRACTS}/fee-variations", json=body, headers=api.auth(c.legal))
    assert issued.status_code == 200, issued.text
    result = issued.json()
    assert result["placements"] == 2 and result["already_varied_placement_ids"] == []
    by_start = {v["title"]: v for v in result["created"]}
    child_first = f"CH-CO-{first['call_off_id']:06d}"
    child_second = f"CH-CO-{second['call_off_id']:06d}"
    assert set(by_start) == {
        f"Fee variation for {child_first} from 2027-04-01",
        f"Fee variation for {child_second} from 2027-04-01",
    }
    variation = by_start[f"Fee variation for {child_first} from 2027-04-01"]
    assert variation["parent_id"] == ipa.json()["id"] and variation["starts_on"] == "2027-04-01"
    assert by_start[f"Fee variation for {child_second} from 2027-04-01"]["parent_id"] is None  # no IPA yet

    # The placing council reads them: old and new weekly fees, half up to the penny.
    text = docx_text(
        (await api.client.get(f"{CONTRACTS}/{variation['id']}/document", headers=api.auth(c.wigan_legal))).content
    )
    assert "£1,234.57" in text and "£1,281.48" in text and "£46.91" in text and "3.8%" in text
    assert ipa.json()["reference"] in text and "1 April 2027" in text
    assert "Wigan Council" in text and "Northern Homes & Care <NW> Ltd" in text
    other = by_start[f"Fee variation for {child_second} from 2027-04-01"]
    text = docx_text(
        (await api.client.get(f"{CONTRACTS}/{other['id']}/document", headers=api.auth(c.wigan_legal))).content
    )
    assert "£1,200.00" in text and "£1,245.60" in text  # 120,000p + 3.8% = 124,560p
    # The ended placement got none; the variations are listed under the IPA.
    listed = await api.client.get(CONTRACTS, params={"kind": "fee_variation"}, headers=api.auth(c.wigan_legal))
    assert all(f"CH-CO-{ended['call_off_id']:06d}" not in v["title"] for v in listed.json()["items"])
    assert sorted(v["id"] for v in listed.json()["items"]) == sorted(v["id"] for v in result["created"])
    children = await api.client.get(CONTRACTS, params={"parent_id": ipa.json()["id"]}, headers=api.auth(c.wigan_legal))
    assert [v["id"] for v in children.json()["items"]] == [variation["id"]]
    story.result = result
    story.variation = variation


async def a_second_run_makes_nothing_new(api: Api, story: Story7) -> None:
    """A second run makes nothing new."""
    c, first, second, body = story.c, story.first, story.second, story.body
    # A second run makes nothing new.
    again = await api.client.post(f"{CONTRACTS}/fee-variations", json=body, headers=api.auth(c.officer))
    assert again.status_code == 200, again.text
    assert again.json()["created"] == []
    assert again.json()["already_varied_placement_ids"] == sorted([first["id"], second["id"]])


async def the_agreed_variation_changes_the_fee_from_april(api: Api, story: Story7) -> None:
    """Issued, signed and countersigned: the fee changes from 1 April, and December's spend stays at December's fee."""
    c, first, second, variation = story.c, story.first, story.second, story.variation
    # Issued, signed by the provider against the exact document, countersigned by the placing
    # council in December: the placement's weekly fee is the varied one from 1 April (so the next
    # uplift starts from it) and not before, and pricing counts each fee for the days it applied.
    for step, token in (("issue", c.wigan_legal), ("sign", c.provider), ("activate", c.wigan_legal)):
        json = {"document_sha256": variation["document_sha256"]} if step == "sign" else None
        done = await api.client.post(f"{CONTRACTS}/{variation['id']}/{step}", json=json, headers=api.auth(token))
        assert done.status_code == 200, done.text
    assert done.json()["status"] == "active"
    assert api.clock.now().date() == date(2026, 12, 23)
    varied = await api.client.get(f"/api/v1/placements/{first['id']}", headers=api.auth(c.wigan_commissioner))
    assert varied.json()["weekly_fee_pence"] == CARD_PRICE  # in force today, in December
    assert varied.json()["scheduled_fees"] == [{"from_day": "2027-04-01", "weekly_fee_pence": 128_148}]
    # December's spend is at December's fee in the placement report and pricing's alike.
    december = {"first_day": "2026-12-01", "last_day": "2026-12-31"}
    report = await api.client.get("/api/v1/reports/placements", params=december, headers=api.auth(c.wigan_legal))
    pricing = await api.client.get(
        "/api/v1/reports/pricing",
        params={"arrangement_id": c.arrangement_id, "spend_from": "2026-12-01", "spend_to": "2026-12-31"},
        headers=api.auth(c.officer),
    )
    at_card_price = (CARD_PRICE * 18 * 2 + 7) // 14  # 14-31 December, half up
    expected = 2 * at_card_price + (120_000 * 18 * 2 + 7) // 14
    assert report.json()["councils"][0]["spend_pence"] == pricing.json()["spend"][0]["spend_pence"] == expected
    api.clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    varied = await api.client.get(f"/api/v1/placements/{first['id']}", headers=api.auth(c.wigan_commissioner))
    assert varied.json()["weekly_fee_pence"] == 128_148 and varied.json()["scheduled_fees"] == []
    unsigned = await api.client.get(f"/api/v1/placements/{second['id']}", headers=api.auth(c.wigan_commissioner))
    assert unsigned.json()["weekly_fee_pence"] == 120_000  # its variation is not agreed yet
    trail = await api.client.get(
        "/api/v1/audit",
        params={"entity_type": "placement", "entity_id": str(first["id"])},
        headers=api.auth(c.wigan_legal),
    )
    assert "placement.fee_varied" in [e["action"] for e in trail.json()["items"]]


async def test_the_cli_issues_an_uplifts_variations_with_a_progress_bar_and_catches_up_pdfs(
    api: Api, clean_database: str, tmp_path: Path
) -> None:
    await load_templates(api)
    c = await consortium(api)
    first = await placed(api, c)
    second = await placed(api, c)
    defined = await api.client.post(
        "/api/v1/uplifts",
        json={"arrangement_id": c.arrangement_id, "description": "April 2027 uplift", "effective_on": "2027-04-01",
              "method": "flat", "flat_percentage": "3.8"},
        headers=api.auth(c.officer),
    )  # fmt: skip
    uplift_id = str(defined.json()["id"])
    assert (await api.client.post(f"/api/v1/uplifts/{uplift_id}/apply", headers=api.auth(c.officer))).status_code == 200

    absent = "/nonexistent/bin/soffice"
    issued = dps(clean_database, tmp_path, "contracts", "fee-variations", "--uplift", uplift_id, soffice=absent)
    assert issued.returncode == 0, issued.stderr
    assert "[" + "#" * 30 + "] 2/2" in issued.stderr  # redrawn in place (carriage returns)
    assert "2 live placements change; 2 fee variations generated, 0 had one already" in issued.stdout
    listed = await api.client.get(CONTRACTS, params={"kind": "fee_variation"}, headers=api.auth(c.wigan_legal))
    variations = listed.json()["items"]
    assert len(variations) == 2 and {v["pdf_status"] for v in variations} == {"pending"}
    assert all(f"CH-CO-{p['call_off_id']:06d}" in " ".join(v["title"] for v in variations) for p in (first, second))

    again = dps(clean_database, tmp_path, "contracts", "fee-variations", "--uplift", uplift_id, soffice=absent)
    assert again.returncode == 0, again.stderr
    assert "0 fee variations generated, 2 had one already" in again.stdout
    missing = dps(clean_database, tmp_path, "contracts", "fee-variations", "--uplift", "999999", soffice=absent)
    assert missing.returncode == 2 and "not_found" in missing.stderr

    # Without LibreOffice the catch-up says so and leaves them pending; with it, they are made.
    refused = dps(clean_database, tmp_path, "contracts", "convert-pdfs", soffice=absent)
    assert refused.returncode == 1 and "not installed" in refused.stderr
    if shutil.which("soffice") is None:
        return  # .ci/run installs LibreOffice; the PDF itself is read back in the integration tests
    converted = dps(clean_database, tmp_path, "contracts", "convert-pdfs", soffice="soffice")
    assert converted.returncode == 0, converted.stderr
    assert "2 PDF copies made, 0 failed" in converted.stdout and "2/2" in converted.stderr
    listed = await api.client.get(CONTRACTS, params={"kind": "fee_variation"}, headers=api.auth(c.wigan_legal))
    assert {v["pdf_status"] for v in listed.json()["items"]} == {"ready"}
