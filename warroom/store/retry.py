"""Retry a call to the SQL store until the store answers again: an outage (a restart, a
failover) delays what a worker writes or reads there, it never loses it or stops the
worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from warroom.streams import stats

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Seconds between tries; the last one repeats.
RETRY_S = (0.1, 0.5, 1.0, 2.0, 5.0)


async def until_answered(call: Callable[[], T], what: str) -> T:
    """``call()`` in a thread, tried again while the store is unreachable; each retry is
    logged and counted as ``store.retries.<what>``."""
    attempt = 0
    while True:
        try:
            return await asyncio.to_thread(call)
        except OperationalError as exc:
            wait = RETRY_S[min(attempt, len(RETRY_S) - 1)]
            log.warning("%s: the SQL store is unavailable (%s); retrying in %gs", what, exc, wait)
            stats.count(f"store.retries.{what}")
            attempt += 1
            await asyncio.sleep(wait)
