"""``GET /metrics``: this process's Prometheus metrics (a worker's too, when it runs here).

It needs a key of any role, like every route but the health check: Prometheus sends one
with ``authorization: {type: Bearer, credentials_file: ...}`` in its scrape config. Left
out of the OpenAPI document: it is text for Prometheus, not part of the JSON API.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from warroom.api.auth import ActorDep
from warroom.observability.server import CONTENT_TYPE, exposition

router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=False)
async def metrics(actor: ActorDep) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE)
