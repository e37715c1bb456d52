"""A small SSE reader for tests: collects events from ``/v1/stream`` in the background."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import orjson


class FeedReader:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.connected = asyncio.Event()
        self._changed = asyncio.Event()

    async def run(self, url: str, headers: dict[str, str] | None = None) -> None:
        async with (
            httpx.AsyncClient(timeout=None, headers=headers) as client,
            client.stream("GET", url) as resp,
        ):
            resp.raise_for_status()
            kind = "message"
            async for line in resp.aiter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    self.events.append((kind, orjson.loads(line[6:])))
                    self._changed.set()

    async def wait_for(
        self, match: Callable[[str, dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any]:
        """The first event that ``match``es, waiting up to ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                for kind, data in self.events:
                    if match(kind, data):
                        return data
                self._changed.clear()
                await self._changed.wait()


@contextlib.asynccontextmanager
async def reading(url: str, headers: dict[str, str] | None = None) -> AsyncIterator[FeedReader]:
    reader = FeedReader()
    task = asyncio.create_task(reader.run(url, headers))
    try:
        async with asyncio.timeout(10):
            await reader.connected.wait()
        yield reader
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await task
