"""The face of contracts (templates, generated agreements and their PDF copies, the contract
lifecycle): the only module of dps.contracts, besides its `domain/` values, that another package may
import (import-linter enforces it, see pyproject.toml).

Names ending in `_row`/`_rows` read the stored row without any access check (for the services of the
packages above, which check access themselves); the others are the services the portal and the JSON
controllers call, which check the principal. Writes to contracts' rows go through the functions
here: no other package writes them.
"""

from __future__ import annotations

from dps.contracts.controllers import (
    ContractController,
    ContractTemplateController,
)
from dps.contracts.pdf import (
    PdfConverter,
    default_converter,
)
from dps.contracts.repository import get_contract as get_contract_row
from dps.contracts.services.contracts import (
    activate_contract,
    download,
    get_contract,
    issue_contract,
    list_contracts,
    sign_contract,
)
from dps.contracts.services.generation import (
    convert_all_pending_pdfs,
    convert_pending_pdfs,
)
from dps.contracts.services.placements import (
    AgreementState,
    ensure_placement_agreement,
    generate_placement_agreement_for,
    issue_fee_variations_for_uplift,
)
from dps.contracts.services.templates import (
    approve_template_version,
    download_template_version,
    get_template_version,
    list_template_versions,
    load_shipped_templates,
    preview_template_version,
    retire_template_version,
    upload_template_version,
    variables_catalogue,
)

__all__ = [
    "AgreementState",
    "ContractController",
    "ContractTemplateController",
    "PdfConverter",
    "activate_contract",
    "approve_template_version",
    "convert_all_pending_pdfs",
    "convert_pending_pdfs",
    "default_converter",
    "download",
    "download_template_version",
    "ensure_placement_agreement",
    "generate_placement_agreement_for",
    "get_contract",
    "get_contract_row",
    "get_template_version",
    "issue_contract",
    "issue_fee_variations_for_uplift",
    "list_contracts",
    "list_template_versions",
    "load_shipped_templates",
    "preview_template_version",
    "retire_template_version",
    "sign_contract",
    "upload_template_version",
    "variables_catalogue",
]
