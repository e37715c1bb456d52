"""Typed dependencies for route handlers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from warroom.api.runtime import Runtime
from warroom.schemas.internal import CampaignLive, CreativeLive
from warroom.settings import Settings
from warroom.store.crud import translate_errors
from warroom.streams.feed import FeedHub
from warroom.streams.live import LiveView
from warroom.streams.producer import IngestProducer


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def _settings(rt: RuntimeDep) -> Settings:
    return rt.settings


def _producer(rt: RuntimeDep) -> IngestProducer:
    return rt.producer


def _feed(rt: RuntimeDep) -> FeedHub:
    return rt.feed


def _live(rt: RuntimeDep) -> LiveView[CampaignLive]:
    return rt.live


def _creative_live(rt: RuntimeDep) -> LiveView[CreativeLive]:
    return rt.creative_live


def _session(rt: RuntimeDep) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, before the
    response is sent (scope "function"), rolled back if it raises."""
    with translate_errors(), rt.store.session() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(_settings)]
ProducerDep = Annotated[IngestProducer, Depends(_producer)]
FeedDep = Annotated[FeedHub, Depends(_feed)]
LiveDep = Annotated[LiveView[CampaignLive], Depends(_live)]
CreativeLiveDep = Annotated[LiveView[CreativeLive], Depends(_creative_live)]
SessionDep = Annotated[Session, Depends(_session, scope="function")]
