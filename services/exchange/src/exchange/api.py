"""The exchange API: the partner document, public like every event document (X3)."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from exchange.service import partners_asyncapi
from shared.webapp import asyncapi_html

router = APIRouter(prefix="/partners", tags=["partners"])


def _namespace(request: Request) -> str:
    namespace: str = request.app.state.runtime.settings.rabbitmq_namespace
    return namespace


@router.get("/asyncapi.json", include_in_schema=False)
async def partner_document(request: Request) -> Response:
    """The AsyncAPI document of the partner events."""
    return Response(partners_asyncapi(_namespace(request)).to_json(), media_type="application/json")


@router.get("/asyncapi", include_in_schema=False)
async def partner_page(request: Request) -> HTMLResponse:
    return asyncapi_html(partners_asyncapi(_namespace(request)))
