"""The broker restarts on the same port. tansu keeps topics and offsets in memory, so the
new broker has none of them (docs/reliability.md says what is lost and what Apache Kafka
keeps); what is tested: the worker and the API stay up, reconnect once the broker is
back, and process new events."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.auth import ADMIN
from tests.faults.cluster import Cluster
from tests.faults.figures import record
from tests.faults.traffic import Traffic, live_counts, settled, until_counted
from tests.integration.campaigns import new_campaign
from warroom.streams.broker import embedded_broker, free_port

pytestmark = pytest.mark.integration

DOWN_S = 3


@pytest.fixture
def port() -> int:
    return free_port()


@contextlib.contextmanager
def restartable(port: int) -> Iterator[list[contextlib.ExitStack]]:
    """The broker on ``port`` in an exit stack the test can close and reopen."""
    stacks = [contextlib.ExitStack()]
    stacks[0].enter_context(embedded_broker(port=port))
    try:
        yield stacks
    finally:
        stacks[-1].close()


async def test_a_broker_restart_under_running_processes(tmp_path: Path, port: int) -> None:
    with restartable(port) as stacks:
        cluster = Cluster(f"127.0.0.1:{port}", tmp_path)
        try:
            api, worker = cluster.api(), cluster.worker()
            async with httpx.AsyncClient(base_url=api.url, headers=ADMIN, timeout=30) as client:
                shop, campaign = await new_campaign(client, "b")
                traffic = Traffic(client, shop, [campaign])
                await traffic.tick(50)
                before = await settled(client, traffic.sent, timeout=60)
                stacks[0].close()
                await asyncio.sleep(DOWN_S)
                down = Traffic(client, shop, [campaign])
                await down.tick(10)  # refused while no broker runs (503), not lost silently
                stacks.append(contextlib.ExitStack())
                stacks[-1].enter_context(embedded_broker(port=port))
                back = time.monotonic()
                after = Traffic(client, shop, [campaign])
                while not after.sent[campaign] and time.monotonic() - back < 60:
                    await after.tick(10)
                    await asyncio.sleep(0.5)
                accepted_s = time.monotonic() - back
                want = Counter({campaign: before[campaign] + after.sent[campaign]})
                counts, processed_s = await until_counted(client, want, timeout=30)
                health = (await client.get("/v1/health")).status_code
                final = await live_counts(client, [campaign])
            alive = worker.proc.poll() is None and api.proc.poll() is None
        finally:
            cluster.stop_all()
    processed = counts[campaign] >= want[campaign]
    record(
        "broker_restart",
        down_s=DOWN_S,
        impressions_before=before[campaign],
        refused_while_down=down.refused,
        accepted_while_down=sum(down.sent.values()),
        impressions_after=after.sent[campaign],
        counted_after=final[campaign],
        ingest_back_s=round(accepted_s, 1),
        processing_back_s=round(accepted_s + processed_s, 1) if processed else None,
    )
    assert alive and health == 200, "no crash: both processes run and answer"
    assert down.refused == 10 and not down.sent[campaign], "refused (503) while down, not lost"
    assert after.sent[campaign] > 0, "ingest never came back"
    if not processed:
        pytest.xfail(
            "known limitation (docs/reliability.md): tansu restarts empty; the worker does "
            "not recreate its topics nor rejoin, so new events wait for a worker restart"
        )
