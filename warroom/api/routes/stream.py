"""``GET /v1/stream``: decisions and verdicts as Server-Sent Events, as they happen."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse

from warroom.api.auth import READERS, ActorDep
from warroom.api.deps import FeedDep
from warroom.streams.feed import FeedHub, Filter

router = APIRouter(tags=["feed"])

KINDS = frozenset({"verdict", "decision", "review"})
KEEPALIVE_S = 15.0


async def sse(feed: FeedHub, wants: Filter, backlog: int) -> AsyncIterator[bytes]:
    with feed.subscribe(wants, backlog) as sub:
        yield b": connected\n\n"
        while True:
            try:
                item = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_S)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            yield b"event: " + item.kind.encode() + b"\ndata: " + item.data + b"\n\n"


@router.get("/v1/stream", response_class=StreamingResponse)
async def stream(
    feed: FeedDep,
    actor: ActorDep,
    kind: str | None = Query(None, description="comma-separated: verdict, decision"),
    entity: str | None = Query(None, max_length=200, description="e.g. ip:1.2.3.4, shop:s1"),
    backlog: int = Query(20, ge=0, le=500, description="recent items to send first"),
    access_token: str | None = Query(None, description="API key, for browsers' EventSource"),
) -> StreamingResponse:
    actor.require(*READERS)
    kinds = frozenset(k.strip() for k in (kind or "").split(",") if k.strip())
    if kinds - KINDS:
        unknown = ", ".join(sorted(kinds - KINDS))
        raise HTTPException(422, [{"loc": ["query", "kind"], "msg": f"unknown kind: {unknown}"}])
    return StreamingResponse(
        sse(feed, Filter(kinds, entity, actor.shops), backlog),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
