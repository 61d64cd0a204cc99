"""The Ordinary General Assembly (M11): convocation, answers, attendance, quorum, opening,
closing and the frozen records."""

from __future__ import annotations

import base64
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status

from membership.api.deps import (
    Actor,
    BoardOrStaff,
    Reader,
    Runtime,
    Siren,
    Staff,
    YearQuery,
    ensure_can_act,
)
from membership.api.governance_schemas import (
    AnswerIn,
    AnswerOut,
    AssemblyIn,
    AssemblyOut,
    AssemblySummaryOut,
    ProxyIn,
    QuorumNowOut,
    QuorumOut,
    SignatureIn,
)
from membership.domain.identifiers import parse_siren
from membership.governance.assembly import AssemblyState
from membership.use_cases import assemblies
from shared.auth import Role
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["general assembly"])

AssemblyId = Annotated[UUID, Path(description="The General Assembly's id")]
_ASSEMBLY = {404: ["not_found"]}
#: An answer: the assembly is no longer taking them (409), or a rule of M11 refuses it (422).
_ANSWER = {404: ["not_found"], 409: ["M11", "conflict"], 422: ["M1", "M11"]}


@router.post(
    "/assemblies",
    status_code=status.HTTP_201_CREATED,
    response_model=AssemblyOut,
    responses=problem_responses({404: ["not_found"], 422: ["M11"]}),
)
async def convene(body: AssemblyIn, runtime: Runtime, caller: Staff) -> AssemblyOut:
    """M11: convene the General Assembly at least the statutes' notice before its day; the
    convocation goes to every structure eligible then (``AssemblyConvened`` carries their
    contacts, for the mailing)."""
    command = assemblies.Convocation(**body.model_dump())
    async with runtime.transaction() as uow:
        record = await assemblies.convene(
            uow, command, runtime.settings.governance, by=caller.principal.subject
        )
    return AssemblyOut.of(record, everything=True)


@router.get("/assemblies", response_model=Page[AssemblySummaryOut])
async def list_assemblies(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    state: Annotated[AssemblyState | None, Query(description="convened, open or closed")] = None,
    year: YearQuery = None,
) -> Page[AssemblySummaryOut]:
    """The General Assemblies, the latest first."""
    async with runtime.uow() as uow:
        listing = await uow.assemblies.list_assemblies(
            state=state, year=year, limit=page.limit, offset=page.offset
        )
    return Page[AssemblySummaryOut].of(
        listing.items, listing.total, page, AssemblySummaryOut.model_validate
    )


@router.get(
    "/assemblies/{assembly_id}",
    response_model=AssemblyOut,
    responses=problem_responses(_ASSEMBLY),
)
async def get_assembly(assembly_id: AssemblyId, runtime: Runtime, caller: Reader) -> AssemblyOut:
    """The assembly; staff and the board see every answer, proxy and signature, a member its
    own answer only (X3)."""
    async with runtime.uow() as uow:
        record = await assemblies.assembly_of(uow, assembly_id)
    if caller.has(Role.STAFF, Role.BOARD):
        return AssemblyOut.of(record, everything=True)
    answer = None
    if caller.siren is not None:
        answer = assemblies.Answer.of(record.assembly, caller.siren)
    return AssemblyOut.of(record, everything=False, answer=answer)


@router.put(
    "/assemblies/{assembly_id}/answers/{siren}",
    response_model=AnswerOut,
    responses=problem_responses(_ANSWER),
)
async def answer(
    assembly_id: AssemblyId, siren: Siren, body: AnswerIn, runtime: Runtime, caller: Actor
) -> AnswerOut:
    """M11: the structure attends (naming its representative), which cancels the proxy it
    gave; or gives its proxy to another member, who holds at most the statutes' number. A new
    answer replaces the last; answers are taken until the assembly opens."""
    ensure_can_act(caller, siren)
    by = caller.principal.subject
    async with runtime.transaction() as uow:
        if isinstance(body, ProxyIn):
            result = await assemblies.give_proxy(
                uow,
                assembly_id,
                siren,
                parse_siren(body.holder_siren),
                runtime.settings.governance,
                by=by,
            )
        else:
            result = await assemblies.attend(
                uow, assembly_id, siren, body.representative.value(), by=by
            )
    return AnswerOut.of(assembly_id, result)


@router.delete(
    "/assemblies/{assembly_id}/answers/{siren}/proxy",
    response_model=AnswerOut,
    responses=problem_responses({404: ["not_found"], 409: ["M11", "conflict"], 422: ["M1"]}),
)
async def withdraw_proxy(
    assembly_id: AssemblyId, siren: Siren, runtime: Runtime, caller: Actor
) -> AnswerOut:
    """M11: the structure takes back the proxy it gave, until the assembly opens."""
    ensure_can_act(caller, siren)
    async with runtime.transaction() as uow:
        result = await assemblies.withdraw_proxy(
            uow, assembly_id, siren, by=caller.principal.subject
        )
    return AnswerOut.of(assembly_id, result)


@router.get(
    "/assemblies/{assembly_id}/quorum",
    response_model=QuorumNowOut,
    responses=problem_responses(_ASSEMBLY),
)
async def quorum(assembly_id: AssemblyId, runtime: Runtime, caller: BoardOrStaff) -> QuorumNowOut:
    """M11: the quorum as the attendance sheet stands — the members signed and the proxies
    their holders would vote — and as recorded at the opening."""
    async with runtime.uow() as uow:
        record = await assemblies.assembly_of(uow, assembly_id)
        view = await assemblies.quorum(uow, assembly_id, runtime.settings.governance)
    return QuorumNowOut(
        assembly_id=assembly_id,
        state=record.assembly.state.value,
        now=QuorumOut.of(view.now),
        recorded=QuorumOut.of(view.recorded),
    )


@router.post(
    "/assemblies/{assembly_id}/attendance",
    status_code=status.HTTP_201_CREATED,
    response_model=AnswerOut,
    responses=problem_responses(_ANSWER),
)
async def sign_in(
    assembly_id: AssemblyId, body: SignatureIn, runtime: Runtime, caller: Staff
) -> AnswerOut:
    """Staff sign a structure in on the assembly's day (in person, or its connection to a
    remote one); signing cancels the proxy it gave (M11)."""
    async with runtime.transaction() as uow:
        result = await assemblies.sign_in(
            uow,
            assembly_id,
            body.siren,
            body.representative.value(),
            by=caller.principal.subject,
        )
    return AnswerOut.of(assembly_id, result)


@router.post(
    "/assemblies/{assembly_id}/open",
    response_model=AssemblyOut,
    responses=problem_responses({404: ["not_found"], 409: ["M11", "conflict"]}),
)
async def open_assembly(assembly_id: AssemblyId, runtime: Runtime, caller: Staff) -> AssemblyOut:
    """M11: open the assembly on its day; the quorum is recorded (``AssemblyOpened``) and the
    proxies whose holder did not sign become void."""
    async with runtime.transaction() as uow:
        record = await assemblies.open_assembly(
            uow, assembly_id, runtime.settings.governance, by=caller.principal.subject
        )
    return AssemblyOut.of(record, everything=True)


@router.post(
    "/assemblies/{assembly_id}/close",
    response_model=AssemblyOut,
    responses=problem_responses({404: ["not_found"], 409: ["M11", "conflict"]}),
)
async def close_assembly(assembly_id: AssemblyId, runtime: Runtime, caller: Staff) -> AssemblyOut:
    """Close the assembly: the attendance sheet and the proxy list are frozen as CSV and PDF
    with their SHA-256 (``AssemblyClosed``)."""
    async with runtime.transaction() as uow:
        record = await assemblies.close_assembly(uow, assembly_id, by=caller.principal.subject)
    return AssemblyOut.of(record, everything=True)


@router.get(
    "/assemblies/{assembly_id}/records/{record}.{file_format}",
    response_class=Response,
    responses={
        200: {
            "description": "The frozen file, as stored when the assembly closed",
            "content": {"text/csv": {}, "application/pdf": {}},
        },
        **problem_responses({404: ["not_found"], 409: ["M11"]}),
    },
)
async def frozen_record(
    assembly_id: AssemblyId,
    record: Annotated[Literal["attendance", "proxies"], Path(description="Which record")],
    file_format: Annotated[Literal["csv", "pdf"], Path(description="CSV or PDF")],
    runtime: Runtime,
    caller: BoardOrStaff,
) -> Response:
    """A closed assembly's attendance sheet or proxy list, byte for byte as frozen; its
    SHA-256 is in ``Repr-Digest`` and in ``AssemblyClosed``."""
    async with runtime.uow() as uow:
        stored = await assemblies.frozen_file(uow, assembly_id, record, file_format)
    digest = base64.b64encode(bytes.fromhex(stored.sha256)).decode("ascii")
    return Response(
        stored.content,
        media_type=stored.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stored.filename}"',
            "Repr-Digest": f"sha-256=:{digest}:",
            "ETag": f'"{stored.sha256}"',
        },
    )
