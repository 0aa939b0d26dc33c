"""Rows <-> domain objects for contracts; the only modules here that query.

They also gather the facts generation needs from the tables of earlier packages (frameworks,
accounts) in a few joined reads, so services never query directly.

One module per aggregate, named like `domain/` and `services/`: `templates` (contract template
versions and the four-eyes policy), `contracts` (generated contracts and their PDFs), `facts`
(what membership and decision documents state), `placements` (IPA facts, and the placements an
uplift reprices); `_rows` holds the unique-constraint mapping and shared party reads.
This package re-exports every public name, so `repository.get_contract(...)` keeps working;
new code may import the module directly (`from dps.contracts.repository import contracts`).
"""

from dps.contracts.repository._rows import UNIQUE_CODES, conflict_from_unique
from dps.contracts.repository.contracts import (
    INSERT_CHUNK,
    claim_pdfs,
    contract_by_subject,
    contract_context,
    count_pending_pdfs,
    existing_subjects,
    get_contract,
    insert_contracts,
    list_contracts,
    next_contract_ids,
    release_pdf_claims,
    set_pdf,
    update_contract,
)
from dps.contracts.repository.facts import decision_facts, membership_facts
from dps.contracts.repository.placements import (
    get_uplift,
    lead_authorities_of_placements,
    lead_authority_of,
    origin_call_offs,
    parties,
    placement_facts,
    placements_priced_on_uplifted_cards,
    rate_cards_by_id,
)
from dps.contracts.repository.templates import (
    approved_template,
    approved_templates,
    consortium_leads,
    four_eyes_required,
    get_template_version,
    insert_template_version,
    list_template_versions,
    lock_template_kind,
    next_template_version,
    save_template_version,
    set_four_eyes,
    template_kinds_present,
)

# Grouped by module (one comment each), not sorted.
__all__ = [  # noqa: RUF022
    # _rows.py: shared helpers
    "UNIQUE_CODES",
    "conflict_from_unique",
    # templates.py: template versions
    "lock_template_kind",
    "next_template_version",
    "insert_template_version",
    "get_template_version",
    "approved_template",
    "approved_templates",
    "consortium_leads",
    "four_eyes_required",
    "set_four_eyes",
    "save_template_version",
    "list_template_versions",
    "template_kinds_present",
    # contracts.py: contracts
    "INSERT_CHUNK",
    "next_contract_ids",
    "insert_contracts",
    "get_contract",
    "contract_context",
    "existing_subjects",
    "contract_by_subject",
    "update_contract",
    "set_pdf",
    "claim_pdfs",
    "release_pdf_claims",
    "count_pending_pdfs",
    "list_contracts",
    # facts.py: facts from earlier packages
    "membership_facts",
    "decision_facts",
    # placements.py: placements (tenders) and uplifts (pricing)
    "placement_facts",
    "get_uplift",
    "lead_authority_of",
    "placements_priced_on_uplifted_cards",
    "origin_call_offs",
    "lead_authorities_of_placements",
    "rate_cards_by_id",
    "parties",
]
