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


async def unstorable(request: Request, exc: Exception) -> JSONResponse:
    """422 for a value the SQL store cannot hold, whichever route it came through (on
    PostgreSQL: a NUL character in text, in a path, a query or a body), never a 500."""
    nul = "NUL" in str(exc) or "\\u0000" in str(exc)
    why = "text may not contain NUL (\\u0000) characters" if nul else "a value cannot be stored"
    return JSONResponse({"detail": why, "field": None}, status_code=422)


async def store_busy(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After when the SQL store is locked or unreachable (SQLite under
    concurrent writers, a PostgreSQL restart): the request changed nothing; send it again."""
    body = {"detail": "the store is busy or unavailable; retry shortly", "field": None}
    return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
