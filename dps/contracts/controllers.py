"""HTTP routes of contracts: parse, call one service function, map the result."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody
from msgspec import Struct

from dps.contracts import schemas as s
from dps.contracts.domain.contexts import TemplateKind
from dps.contracts.domain.contracts import Contract, ContractKind, ContractStatus
from dps.contracts.services import contracts, generation, placements, templates
from dps.contracts.services.contracts import ContractFile
from dps.core.concurrency import etag
from dps.core.context import Context
from dps.core.http import DEFAULT_PAGE_SIZE, Cursor, Limit, after_id, content_disposition, signed_in
from dps.core.storage import DOCX, PDF


def _versioned(contract: Contract, status_code: int = 200) -> Response[s.ContractOut]:
    return Response(s.ContractOut.of(contract), status_code=status_code, headers={"ETag": etag(contract.version)})


def _file(result: ContractFile) -> Response[bytes]:
    return Response(
        result.data,
        media_type=result.media_type,
        headers={
            "Content-Disposition": content_disposition(result.filename),
            "X-Content-SHA256": result.contract.document.sha256
            if result.media_type != "application/pdf" or result.contract.pdf is None
            else result.contract.pdf.sha256,
            "X-Content-Type-Options": "nosniff",
        },
    )


class ContractTemplateController(Controller):
    path = "/api/v1/contract-templates"
    guards = [signed_in]
    tags = ["Contract templates"]

    @get("/variables", operation_id="ListTemplateVariables")
    async def variables(self, ctx: NamedDependency[Context]) -> s.VariablesOut:
        """Per template kind, every variable a template may use (dotted name; list items as
        `fee_lines[].description`), its type, what it means and a sample value. Write templates in
        docxtpl syntax: `{{ provider.name }}`, `{%tr for line in fee_lines %}` in a table row."""
        catalogue = templates.variables_catalogue(ctx)
        return s.VariablesOut(
            kinds=[
                s.KindVariables(kind=kind, variables=[s.VariableOut.of(v) for v in variables])
                for kind, variables in catalogue.items()
            ]
        )

    @get("/", operation_id="ListTemplateVersions")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        kind: FromQuery[TemplateKind | None] = None,
    ) -> s.TemplateVersionPage:
        """Template versions (or those of one `kind`), oldest first: the national defaults and the
        versions of your council and of its consortia's lead authorities (council staff; admins
        see all). `owner_authority_id` is null for a national default."""
        page = await templates.list_template_versions(ctx, kind, limit, after_id(cursor))
        return s.TemplateVersionPage(
            items=[s.TemplateVersionOut.of(v) for v in page.items], next_cursor=page.next_cursor
        )

    @post("/{kind:str}/versions", operation_id="UploadTemplateVersion")
    async def upload(
        self,
        kind: FromPath[TemplateKind],
        data: Annotated[s.TemplateUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        ctx: NamedDependency[Context],
    ) -> s.TemplateVersionOut:
        """Upload a new draft version of a template kind (multipart: file, note). A legal officer's
        version belongs to their council (its documents, and those of the consortium it leads,
        use it once approved); an admin's is a national default. It is rendered with the kind's
        sample data first: undefined variables, syntax errors and anything the sandbox forbids are
        listed in a 422 `template_invalid` (`problems`)."""
        content = await data.file.read()
        version = await templates.upload_template_version(ctx, kind, content, data.file.filename, data.note)
        return s.TemplateVersionOut.of(version)

    @get("/versions/{version_id:int}", operation_id="GetTemplateVersion")
    async def get_one(self, version_id: FromPath[int], ctx: NamedDependency[Context]) -> s.TemplateVersionOut:
        """One template version with its state and SHA-256."""
        return s.TemplateVersionOut.of(await templates.get_template_version(ctx, version_id))

    @get(
        "/versions/{version_id:int}/content",
        operation_id="DownloadTemplateVersion",
        media_type=DOCX,
    )
    async def download(self, version_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[bytes]:
        """The template's .docx, checked against its recorded SHA-256."""
        version, data = await templates.download_template_version(ctx, version_id)
        return Response(
            data,
            media_type=DOCX,
            headers={
                "Content-Disposition": content_disposition(f"{version.kind.value}-v{version.version}.docx"),
                "X-Content-SHA256": version.sha256,
            },
        )

    @post("/versions/{version_id:int}/approve", operation_id="ApproveTemplateVersion", status_code=200)
    async def approve(self, version_id: FromPath[int], ctx: NamedDependency[Context]) -> s.TemplateVersionOut:
        """Approve a draft: the owner's new documents of its kind use it from now on, and the
        owner's previously approved version is retired. Only legal officers of the owning council
        (admins for a national default); unless an admin turned the council's four-eyes policy off,
        not the one who uploaded it (403 `second_approver_required`)."""
        return s.TemplateVersionOut.of(await templates.approve_template_version(ctx, version_id))

    @post("/versions/{version_id:int}/retire", operation_id="RetireTemplateVersion", status_code=200)
    async def retire(self, version_id: FromPath[int], ctx: NamedDependency[Context]) -> s.TemplateVersionOut:
        """Retire a version (legal officers of the owning council; admins for a national default);
        contracts made from it keep pointing at it, and the council's documents fall back to its
        consortium lead's version or the national default."""
        return s.TemplateVersionOut.of(await templates.retire_template_version(ctx, version_id))

    @get("/approval-policies/{authority_id:int}", operation_id="GetTemplateApprovalPolicy")
    async def get_policy(self, authority_id: FromPath[int], ctx: NamedDependency[Context]) -> s.ApprovalPolicyOut:
        """Whether the council's templates need a second legal officer to approve them (four eyes,
        on unless an admin turned it off). The council's staff and admins."""
        return s.ApprovalPolicyOut(
            authority_id=authority_id, four_eyes=await templates.approval_policy(ctx, authority_id)
        )

    @put("/approval-policies/{authority_id:int}", operation_id="SetTemplateApprovalPolicy")
    async def set_policy(
        self, authority_id: FromPath[int], data: JSONBody[s.ApprovalPolicyIn], ctx: NamedDependency[Context]
    ) -> s.ApprovalPolicyOut:
        """Turn the council's four-eyes rule for template approvals on or off (admins; audited)."""
        four_eyes = await templates.set_approval_policy(ctx, authority_id, data.four_eyes)
        return s.ApprovalPolicyOut(authority_id=authority_id, four_eyes=four_eyes)


class MembershipAgreementIn(Struct, forbid_unknown_fields=True, kw_only=True):
    membership_id: int


class DecisionLetterIn(Struct, forbid_unknown_fields=True, kw_only=True):
    application_id: int


class ContractController(Controller):
    path = "/api/v1/contracts"
    guards = [signed_in]
    tags = ["Contracts"]

    @get("/", operation_id="ListContracts")
    async def list_(
        self,
        ctx: NamedDependency[Context],
        cursor: Cursor = None,
        limit: Limit = DEFAULT_PAGE_SIZE,
        kind: FromQuery[ContractKind | None] = None,
        status: FromQuery[ContractStatus | None] = None,
        parent_id: FromQuery[int | None] = None,
    ) -> s.ContractPage:
        """Contracts you may see: a provider its own once issued; officers, legal officers and
        commissioners their council's; admins all. `parent_id` lists a contract's variations."""
        page = await contracts.list_contracts(
            ctx, limit, after_id(cursor), kind=kind, status=status, parent_id=parent_id
        )
        return s.ContractPage(items=[s.ContractOut.of(c) for c in page.items], next_cursor=page.next_cursor)

    @post("/membership-agreements", operation_id="GenerateMembershipAgreement")
    async def membership_agreement(
        self, data: JSONBody[MembershipAgreementIn], ctx: NamedDependency[Context]
    ) -> Response[s.ContractOut]:
        """Generate the draft membership agreement of a membership from the approved template
        (officers and legal officers of the lead council). 409 `already_generated` the second time."""
        return _versioned(await generation.generate_membership_agreement(ctx, data.membership_id), 201)

    @post("/decision-letters", operation_id="GenerateDecisionLetter")
    async def decision_letter(
        self, data: JSONBody[DecisionLetterIn], ctx: NamedDependency[Context]
    ) -> Response[s.ContractOut]:
        """Generate the decision letter of a decided application (every lot with its reasons)."""
        return _versioned(await generation.generate_decision_letter(ctx, data.application_id), 201)

    @post("/placement-agreements", operation_id="GeneratePlacementAgreement")
    async def placement_agreement(
        self, data: JSONBody[s.PlacementAgreementIn], ctx: NamedDependency[Context]
    ) -> Response[s.ContractOut]:
        """Generate the draft Individual Placement Agreement of a placement (with the standard terms
        of its service type) from the placement and the call-off that placed the child: parties,
        the child's anonymised reference, setting, start date, weekly fee lines and 28 days'
        notice. Officers, legal officers and commissioners of the placing council; 409
        `already_generated` the second time."""
        return _versioned(await placements.generate_placement_agreement_for(ctx, data.placement_id), 201)

    @post("/fee-variations", operation_id="IssueUpliftFeeVariations", status_code=200)
    async def fee_variations(
        self, data: JSONBody[s.FeeVariationsIn], ctx: NamedDependency[Context]
    ) -> s.FeeVariationsOut:
        """Generate a draft fee variation for each live placement an applied uplift changes (its
        provider's rate card in the placement's lot was uplifted; placements starting on or after
        the effective day are left alone), each linked to the placement's IPA when there is one.
        Officers and legal officers of the arrangement's lead council; 409 `uplift_not_applied`
        before the uplift is applied. Safe to repeat: placements varied already are listed, not
        varied twice."""
        result = await placements.issue_fee_variations_for_uplift(ctx, data.uplift_id)
        return s.FeeVariationsOut(
            uplift_id=result.uplift_id,
            placements=result.placements,
            created=[s.ContractOut.of(c) for c in result.created],
            already_varied_placement_ids=result.skipped,
        )

    @get("/{contract_id:int}", operation_id="GetContract")
    async def get_one(self, contract_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ContractOut]:
        """One contract: state, template version and SHA-256s, signature, PDF status."""
        return _versioned(await contracts.get_contract(ctx, contract_id))

    @get("/{contract_id:int}/document", operation_id="DownloadContractDocument", media_type=DOCX)
    async def document(self, contract_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[bytes]:
        """The generated .docx (X-Content-SHA256 is what an electronic signature accepts)."""
        return _file(await contracts.download(ctx, contract_id))

    @get("/{contract_id:int}/pdf", operation_id="DownloadContractPdf", media_type=PDF)
    async def pdf(self, contract_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[bytes]:
        """The PDF copy; 409 `pdf_not_ready` while it is pending (LibreOffice not installed here)."""
        return _file(await contracts.download(ctx, contract_id, pdf=True))

    @post("/{contract_id:int}/issue", operation_id="IssueContract", status_code=200)
    async def issue(self, contract_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ContractOut]:
        """Send a draft to the provider, whose users are notified."""
        return _versioned(await contracts.issue_contract(ctx, contract_id))

    @post("/{contract_id:int}/sign", operation_id="SignContract", status_code=200)
    async def sign(
        self, contract_id: FromPath[int], data: JSONBody[s.SignIn], ctx: NamedDependency[Context]
    ) -> Response[s.ContractOut]:
        """Sign electronically (the provider's administrators): name the SHA-256 of the document you
        accept; 409 `document_hash_mismatch` when it is not the current document's."""
        return _versioned(await contracts.sign_contract(ctx, contract_id, data.document_sha256))

    @post("/{contract_id:int}/signed-copy", operation_id="SignContractWithCopy", status_code=200)
    async def signed_copy(
        self, contract_id: FromPath[int], data: JSONBody[s.SignedCopyIn], ctx: NamedDependency[Context]
    ) -> Response[s.ContractOut]:
        """Sign by a signed copy uploaded first as one of your documents (POST /api/v1/documents)."""
        return _versioned(await contracts.sign_with_copy(ctx, contract_id, data.document_id))

    @post("/{contract_id:int}/activate", operation_id="ActivateContract", status_code=200)
    async def activate(self, contract_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ContractOut]:
        """The council countersigns a signed contract; it is in force."""
        return _versioned(await contracts.activate_contract(ctx, contract_id))

    @post("/{contract_id:int}/end", operation_id="EndContract", status_code=200)
    async def end(self, contract_id: FromPath[int], ctx: NamedDependency[Context]) -> Response[s.ContractOut]:
        """An active contract has run its course."""
        return _versioned(await contracts.end_contract(ctx, contract_id))

    @post("/{contract_id:int}/terminate", operation_id="TerminateContract", status_code=200)
    async def terminate(
        self, contract_id: FromPath[int], data: JSONBody[s.TerminateIn], ctx: NamedDependency[Context]
    ) -> Response[s.ContractOut]:
        """End a contract early (or withdraw it) with the reason."""
        return _versioned(await contracts.terminate_contract(ctx, contract_id, data.reason))
