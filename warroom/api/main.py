"""The FastAPI application: routes, error mapping, and the runtime it needs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, OperationalError

from warroom import __version__
from warroom.api.problems import stale_version, store_busy, unstorable
from warroom.api.routes import (
    ab_tests,
    allow_list,
    audiences,
    audit,
    backtests,
    campaigns,
    creatives,
    creators,
    decisions,
    events,
    fan_loop,
    flash_sales,
    funnels,
    health,
    keys,
    match,
    me,
    metrics,
    models,
    products,
    radar,
    reports,
    reviews,
    rules,
    shadow,
    shops,
    stream,
    switches,
)
from warroom.api.runtime import running
from warroom.errors import (
    BrokerError,
    Conflict,
    Forbidden,
    InvalidEntity,
    InvalidEvent,
    NotFound,
    PayloadTooLarge,
    StaleVersion,
    Unauthorized,
    VersionConflict,
    WarroomError,
)
from warroom.settings import Settings
from warroom.streams.watchdog import BrokerWatch
from warroom.web.assets import install_page

STATUS = {
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    VersionConflict: 409,
    PayloadTooLarge: 413,
    InvalidEvent: 422,
    InvalidEntity: 422,
    BrokerError: 503,
}


async def warroom_error(request: Request, exc: Exception) -> JSONResponse:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
    field = getattr(exc, "field", None)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 503:  # the broker is away: the sender retries, nothing was taken
        headers = {"Retry-After": "1"}
    return JSONResponse({"detail": str(exc), "field": field}, status_code=status, headers=headers)


def create_api(settings: Settings, bootstrap: str, watch: BrokerWatch | None = None) -> FastAPI:
    """The API for the Kafka cluster at ``bootstrap``; ``watch``: the broker watch of the
    worker it shares a process with (``warroom serve``), instead of one of its own."""

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        async with running(settings, bootstrap, watch) as runtime:
            api.state.runtime = runtime
            yield

    api = FastAPI(title="warroom", version=__version__, lifespan=lifespan)
    api.add_exception_handler(WarroomError, warroom_error)
    api.add_exception_handler(StaleVersion, stale_version)
    api.add_exception_handler(DataError, unstorable)
    api.add_exception_handler(OperationalError, store_busy)
    entities = (shops, products, creators, campaigns, creatives, audit)
    for module in (
        events,
        stream,
        *entities,
        decisions,
        rules,
        backtests,
        shadow,
        allow_list,
        reviews,
        reports,
        flash_sales,
        radar,
        audiences,
        funnels,
        fan_loop,
        ab_tests,
        match,
        models,
        keys,
        switches,
        health,
        me,
        metrics,
    ):
        api.include_router(module.router)

    install_page(api)
    return api
