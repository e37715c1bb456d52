"""Answers for errors that carry more than a message and a field."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from warroom.errors import StaleVersion


async def stale_version(request: Request, exc: Exception) -> JSONResponse:
    """409 with the entity's current version, so the client can reload and retry."""
    current = exc.current_version if isinstance(exc, StaleVersion) else None
    body = {"detail": str(exc), "field": None, "current_version": current}
    return JSONResponse(body, status_code=409)
