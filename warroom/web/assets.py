"""Serve the war-room page: ``/`` is the application shell, ``/web/*`` its modules,
styles and images (static files shipped in this package; no build step)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.staticfiles import PathLike
from starlette.types import Scope

#: The browser revalidates (ETag) but never runs a stale module after an upgrade.
NO_STALE = {"Cache-Control": "no-cache"}


class Assets(StaticFiles):
    """Static files answered with ``Cache-Control: no-cache``."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(NO_STALE)
        return response


def install_page(api: FastAPI) -> None:
    """Add the page at ``/`` and its assets under ``/web`` to ``api``."""
    folder = Path(str(files("warroom.web")))
    page = (folder / "index.html").read_text(encoding="utf-8")

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page, headers=NO_STALE)

    api.mount("/web", Assets(directory=folder), name="web")
