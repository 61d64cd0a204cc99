"""The open badges (M11): awarding, withdrawing, showing them; and their public verification.

``GET /badges/issuer``, ``GET /badges/status/revocation`` and ``POST /badges/verify`` need no
token: a deliberate exception to X3, like ``/health`` and ``/docs``, because anyone a member
shows its badge to must be able to verify it. They reveal nothing a badge does not already
carry: the issuer's public key, a bitstring of revoked entries, and the verdict on a
credential the caller holds.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Response, status

from membership.api.deps import SIREN_PATTERN, BoardOrStaff, Reader, Runtime, ensure_can_read
from membership.api.governance_schemas import (
    BadgeOut,
    BadgeWithdrawIn,
    MemberOfTheYearIn,
    VerificationOut,
    VerifyIn,
)
from membership.badge_keys import badge_signer
from membership.governance.badges import BadgeKind
from membership.use_cases import badges
from shared.errors import NotFound
from shared.openapi import problem_responses
from shared.pagination import Page, Paging

router = APIRouter(tags=["open badges"])

#: The media type of a credential secured as a JWT (VC-JOSE-COSE).
VC_JWT = "application/vc+jwt"
_PUBLIC = (
    " Public: no token needed — a deliberate exception to X3, like /health and /docs, because "
    "anyone must be able to verify a badge."
)
AwardId = Annotated[UUID, Path(description="The badge's id (its award)")]


# -- public verification (declared first: /badges/{award_id} would match their paths) ----------


@router.get(
    "/badges/issuer",
    summary="The issuer profile (Open Badges 3.0), with the key that verifies the badges",
    description="The agency's issuer profile: its id, name, and the Ed25519 public key (JWK) "
    "every badge's `kid` names." + _PUBLIC,
)
async def issuer(runtime: Runtime) -> dict[str, Any]:
    return badge_signer(runtime.settings.governance).profile()


@router.get(
    "/badges/status/revocation",
    summary="The badges' revocation list (Bitstring Status List), signed",
    description="The BitstringStatusListCredential every badge's `credentialStatus` names, "
    "as a VC-JWT signed by the issuer; a set bit is a revoked badge." + _PUBLIC,
    response_class=Response,
    responses={200: {"description": "The signed list", "content": {VC_JWT: {}}}},
)
async def revocation_list(runtime: Runtime) -> Response:
    settings = runtime.settings.governance
    async with runtime.uow() as uow:
        token = await badges.signed_status_list(uow, badge_signer(settings), settings)
    return Response(token, media_type=VC_JWT, headers={"Cache-Control": "max-age=60"})


@router.post(
    "/badges/verify",
    response_model=VerificationOut,
    summary="Verify a badge: signature, issuer, dates and revocation",
    description="Checks a badge (its VC-JWT) as any verifier would, against the issuer "
    "profile and the revocation list published now: `valid`, `revoked` or `invalid` with the "
    "problems found." + _PUBLIC,
)
async def verify(body: VerifyIn, runtime: Runtime) -> VerificationOut:
    settings = runtime.settings.governance
    async with runtime.uow() as uow:
        verdict = await badges.verify(uow, body.credential, badge_signer(settings), settings)
    return VerificationOut(
        status=verdict.status,
        verified=verdict.verified,
        problems=list(verdict.problems),
        credential=dict(verdict.credential) if verdict.credential is not None else None,
    )


# -- the agency's and the members' ---------------------------------------------------------------


@router.get(
    "/badges", response_model=Page[BadgeOut], responses=problem_responses({404: ["not_found"]})
)
async def list_badges(
    runtime: Runtime,
    caller: Reader,
    page: Paging,
    siren: Annotated[
        str | None,
        Query(pattern=SIREN_PATTERN, description="The structure (a member: its own, the default)"),
    ] = None,
    badge: Annotated[BadgeKind | None, Query(description="Badges of this kind")] = None,
    revoked: Annotated[
        bool | None, Query(description="Revoked ones only, or standing ones")
    ] = None,
) -> Page[BadgeOut]:
    """The badges of a structure and its employees, the latest first; every badge for the
    agency."""
    if siren is None and not caller.sees_every_structure():
        siren = caller.siren
    if siren is not None:
        ensure_can_read(caller, siren)
    async with runtime.uow() as uow:
        listing = await uow.badges.list_awards(
            siren=siren, kind=badge, revoked=revoked, limit=page.limit, offset=page.offset
        )
    return Page[BadgeOut].of(listing.items, listing.total, page, BadgeOut.of)


@router.get(
    "/badges/{award_id}",
    response_model=BadgeOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def get_badge(award_id: AwardId, runtime: Runtime, caller: Reader) -> BadgeOut:
    """The badge and its signed credential, for the structure awarded (or the employee's) and
    the agency."""
    async with runtime.uow() as uow:
        record = await badges.award_of(uow, award_id)
    if not caller.may_see(record.award.siren):
        raise NotFound("Badge", award_id)
    return BadgeOut.of(record, badge_signer(runtime.settings.governance).badge(record.award))


@router.post(
    "/badges/member-of-the-year",
    status_code=status.HTTP_201_CREATED,
    response_model=BadgeOut,
    responses=problem_responses({404: ["not_found"], 409: ["M11", "conflict"], 422: ["M11"]}),
)
async def member_of_the_year(
    body: MemberOfTheYearIn, runtime: Runtime, caller: BoardOrStaff
) -> BadgeOut:
    """M11: "Member of the year" to a structure that is a member today, for this year or the
    last; one a year (``BadgeAwarded``)."""
    settings = runtime.settings.governance
    async with runtime.transaction() as uow:
        record = await badges.award_member_of_the_year(
            uow, body.siren, body.year, settings, by=caller.principal.subject
        )
    return BadgeOut.of(record, badge_signer(settings).badge(record.award))


@router.post(
    "/badges/{award_id}/withdraw",
    response_model=BadgeOut,
    responses=problem_responses({404: ["not_found"], 409: ["M11", "conflict"]}),
)
async def withdraw(
    award_id: AwardId, body: BadgeWithdrawIn, runtime: Runtime, caller: BoardOrStaff
) -> BadgeOut:
    """The agency withdraws a badge: the revocation list says so from now on
    (``BadgeRevoked``)."""
    async with runtime.transaction() as uow:
        record = await badges.withdraw(uow, award_id, body.reason, by=caller.principal.subject)
    return BadgeOut.of(record)


@router.post(
    "/assemblies/{assembly_id}/badges",
    response_model=list[BadgeOut],
    responses=problem_responses({404: ["not_found"], 409: ["M11", "conflict"]}),
)
async def assembly_badges(
    assembly_id: Annotated[UUID, Path(description="The General Assembly's id")],
    runtime: Runtime,
    caller: BoardOrStaff,
) -> list[BadgeOut]:
    """M11: "Took part in the General Assembly" to every structure present or represented at
    the closed assembly; again, it awards only those not awarded yet."""
    settings = runtime.settings.governance
    async with runtime.transaction() as uow:
        records = await badges.award_assembly_badges(
            uow, assembly_id, settings, by=caller.principal.subject
        )
    signer = badge_signer(settings)
    return [BadgeOut.of(r, signer.badge(r.award)) for r in records]
