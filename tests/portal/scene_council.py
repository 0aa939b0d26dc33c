"""The council side of the browser tests' scene (loaded after `tests/portal/scene.py`'s): a
commissioner at Bolton, and Birch Homes with the public liability certificate its lot asks for and
two children's homes: Birch House (ages 8 to 17), which a request for a 12 year old invites, and
Birch Lodge (16 and 17 only), which it leaves out with its reason."""

from __future__ import annotations

from datetime import date

from dps.accounts.domain import DocumentType, Need, OfstedGrade, SettingType
from dps.accounts.schemas import SettingIn
from dps.accounts.services import providers, users
from dps.accounts.services.documents import upload_document
from dps.compliance.domain.requirements import InsuranceKind
from dps.compliance.schemas import EvidenceIn
from dps.compliance.services import checks
from dps.core.auth import Role
from dps.core.context import Context
from tests import pdfs

PASSWORD = "demo-password-2026"
POUNDS = 100
CERTIFICATE_PDF = pdfs.minimal("Certificate of insurance: public liability")  # a complete PDF: uploads are checked


async def load(system: Context, arrangement_id: int, bolton_id: int, birch: Context) -> dict[str, int]:
    """Adds the council's people and Birch Homes's eligible setting; returns their ids."""
    commissioner = await users.create_user_with_password(
        system, "commissioner@portal.test", "Chloe Commissioner", Role.COMMISSIONER, PASSWORD, authority_id=bolton_id
    )
    assert birch.principal is not None
    provider_id = birch.principal.org_id or 0
    home = await providers.create_setting(
        birch,
        provider_id,
        SettingIn(
            name="Birch House",
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn="SC700001",
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2026, 1, 20),
            postcode="M1 1AE",
            capacity=4,
            min_age=8,
            max_age=17,
            needs=[Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH, Need.AUTISM],
        ),
    )
    # A member's home the rules leave out of a request for a 12 year old: it takes 16 and 17 year olds.
    await providers.create_setting(
        birch,
        provider_id,
        SettingIn(
            name="Birch Lodge",
            setting_type=SettingType.CHILDRENS_HOME,
            ofsted_urn="SC700002",
            ofsted_grade=OfstedGrade.GOOD,
            last_inspection_date=date(2026, 2, 3),
            postcode="M1 1AE",
            capacity=2,
            min_age=16,
            max_age=17,
            needs=[Need.SOCIAL_EMOTIONAL_MENTAL_HEALTH],
        ),
    )
    certificate = await upload_document(
        birch, CERTIFICATE_PDF, "birch-public-liability.pdf", DocumentType.INSURANCE_CERTIFICATE, None
    )
    requirement = (await checks.list_requirements(birch, arrangement_id))[0]
    await checks.attach_evidence(
        birch,
        EvidenceIn(
            requirement_id=requirement.id,
            document_id=certificate.id,
            issuer="Northern Mutual",
            starts_on=date(2026, 4, 1),
            expires_on=date(2030, 3, 31),
            cover_pence=10_000_000 * POUNDS,
            insurance_kind=InsuranceKind.PUBLIC_LIABILITY,
        ),
    )
    return {"commissioner_user_id": commissioner.id, "birch_setting_id": home.id}
