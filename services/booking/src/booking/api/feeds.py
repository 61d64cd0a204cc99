"""The calendar feeds (iCalendar) of a structure and of a resource, and their subscription
links: a calendar application subscribes by URL and sends no bearer token (X3)."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from booking.api.deps import Actor, Feed, Runtime, Siren, scope_of
from booking.api.schemas import FeedLinkOut
from booking.domain.feeds import FeedKind, FeedScope, holder_of
from booking.handlers import feeds, reads
from booking.handlers.feeds import IssuedLink
from shared.auth import Caller
from shared.openapi import problem_responses

router = APIRouter(tags=["calendar feeds"])
CALENDAR = "text/calendar"

_FEED_RESPONSES = {
    200: {"content": {CALENDAR: {}}, "description": "An iCalendar document"},
    **problem_responses({404: ["not_found"]}),
}


@router.get("/structures/{siren}/bookings.ics", response_class=Response, responses=_FEED_RESPONSES)
async def structure_feed(siren: Siren, runtime: Runtime, access: Feed) -> Response:
    """The structure's bookings (last 90 days and to come) as iCalendar: with a bearer token
    (a member: its own structure only), or with the token of the feed's link."""
    async with runtime.uow() as uow:
        if access.token is not None:
            body = await feeds.structure_feed(uow, siren, access.token)
        else:
            assert access.caller is not None
            access.caller.ensure_structure(siren)
            body = await reads.structure_feed(uow, siren)
    return Response(body, media_type=CALENDAR)


@router.get(
    "/resources/{resource_id}/bookings.ics", response_class=Response, responses=_FEED_RESPONSES
)
async def resource_feed(resource_id: UUID, runtime: Runtime, access: Feed) -> Response:
    """The resource's bookings as iCalendar; members see busy times only (X3). With a bearer
    token, or with the token of the feed's link (which keeps its holder's view)."""
    async with runtime.uow() as uow:
        if access.token is not None:
            body = await feeds.resource_feed(uow, resource_id, access.token)
        else:
            assert access.caller is not None
            detailed = scope_of(access.caller) is None
            body = await reads.resource_feed(uow, resource_id, detailed=detailed)
    return Response(body, media_type=CALENDAR)


def _scope(kind: FeedKind, target: str, caller: Caller) -> FeedScope:
    scope = scope_of(caller)
    detailed = kind is FeedKind.STRUCTURE or scope is None
    return FeedScope(kind, target, holder_of(scope, caller.principal.subject), detailed)


def _link(request: Request, runtime: Runtime, route: str, issued: IssuedLink, **path: str) -> str:
    base = runtime.settings.public_url or str(request.base_url)
    query = urlencode({"token": issued.token})
    return f"{base.rstrip('/')}{request.app.url_path_for(route, **path)}?{query}"


def _out(url: str, issued: IssuedLink) -> FeedLinkOut:
    scope = issued.grant.scope
    return FeedLinkOut(
        url=url,
        feed=scope.kind,
        target=scope.target,
        detailed=scope.detailed,
        created_at=issued.grant.created_at,
    )


@router.post(
    "/structures/{siren}/feed-link",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedLinkOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def structure_feed_link(
    siren: Siren, request: Request, runtime: Runtime, caller: Actor
) -> FeedLinkOut:
    """A subscription URL of the structure's feed (a member: its own structure only). Each
    call makes a new one and the caller's earlier one stops working; the URL is shown once."""
    caller.ensure_structure(siren)
    async with runtime.transaction() as uow:
        issued = await feeds.issue(
            uow, _scope(FeedKind.STRUCTURE, siren, caller), by=caller.principal.subject
        )
    return _out(_link(request, runtime, "structure_feed", issued, siren=siren), issued)


@router.delete(
    "/structures/{siren}/feed-link",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses({404: ["not_found"]}),
)
async def revoke_structure_feed_link(siren: Siren, runtime: Runtime, caller: Actor) -> Response:
    """Revoke the caller's subscription URL of the structure's feed."""
    caller.ensure_structure(siren)
    scope = _scope(FeedKind.STRUCTURE, siren, caller)
    async with runtime.transaction() as uow:
        await feeds.revoke(uow, scope.kind, scope.target, scope.holder)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/resources/{resource_id}/feed-link",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedLinkOut,
    responses=problem_responses({404: ["not_found"]}),
)
async def resource_feed_link(
    resource_id: UUID, request: Request, runtime: Runtime, caller: Actor
) -> FeedLinkOut:
    """A subscription URL of the resource's feed, in the caller's view (a member: busy times
    only). Each call makes a new one and the caller's earlier one stops working."""
    target = str(resource_id)
    async with runtime.transaction() as uow:
        issued = await feeds.issue(
            uow, _scope(FeedKind.RESOURCE, target, caller), by=caller.principal.subject
        )
    url = _link(request, runtime, "resource_feed", issued, resource_id=target)
    return _out(url, issued)


@router.delete(
    "/resources/{resource_id}/feed-link",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses({404: ["not_found"]}),
)
async def revoke_resource_feed_link(resource_id: UUID, runtime: Runtime, caller: Actor) -> Response:
    """Revoke the caller's subscription URL of the resource's feed."""
    scope = _scope(FeedKind.RESOURCE, str(resource_id), caller)
    async with runtime.transaction() as uow:
        await feeds.revoke(uow, scope.kind, scope.target, scope.holder)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
