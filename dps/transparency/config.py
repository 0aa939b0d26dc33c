"""Publication settings: the ocid prefix and the release package's metadata.

Read from the environment (DPS_OCDS_*) so that deployments set them without code; the defaults
are for development. A live publisher registers its own prefix with the Open Contracting
Partnership (https://standard.open-contracting.org/1.1/en/schema/identifiers/#contracting-process-identifier-ocid).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

OGL_V3 = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True, slots=True)
class TransparencyConfig:
    ocid_prefix: str
    publisher_name: str
    publisher_uri: str
    license: str
    publication_policy: str
    base_url: str

    @classmethod
    def from_env(cls, base_url: str, env: Mapping[str, str] | None = None) -> TransparencyConfig:
        e = os.environ if env is None else env
        base = base_url.rstrip("/")
        return cls(
            ocid_prefix=e.get("DPS_OCDS_OCID_PREFIX", "ocds-dps000"),
            publisher_name=e.get("DPS_OCDS_PUBLISHER", "Regional children's placements commissioning consortium"),
            publisher_uri=e.get("DPS_OCDS_PUBLISHER_URI", base),
            license=e.get("DPS_OCDS_LICENSE", OGL_V3),
            publication_policy=e.get("DPS_OCDS_PUBLICATION_POLICY", f"{base}/api/v1/ocds/publication-policy"),
            base_url=base,
        )

    def arrangement_ocid(self, arrangement_id: int) -> str:
        return f"{self.ocid_prefix}-arrangement-{arrangement_id}"

    def call_off_ocid(self, call_off_id: int) -> str:
        return f"{self.ocid_prefix}-call-off-{call_off_id}"

    def placement_ocid(self, placement_id: int) -> str:
        """A placement a move made (no call-off of its own) is a contracting process of its own."""
        return f"{self.ocid_prefix}-placement-{placement_id}"
