"""Two workers share the stream; one is killed with SIGKILL: the survivor takes over its
partitions (restoring their counters) and processing goes on. The takeover time is
measured: from the kill until the campaigns on every partition count what was sent."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.auth import ADMIN
from tests.faults.cluster import Cluster
from tests.faults.figures import record
from tests.faults.test_kill_worker import impressions_forwarded
from tests.faults.traffic import Traffic, copy_campaign, settled, until_counted
from tests.integration.campaigns import new_campaign
from warroom.streams.broker import embedded_broker
from warroom.streams.partitioning import partition_for

pytestmark = pytest.mark.integration


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """On a broker of its own: killing a group member may leave tansu's group state stuck
    (DESIGN.md), which must not reach the tests after this one."""
    with embedded_broker() as broker:
        cluster = Cluster(broker, tmp_path, env={"WARROOM_CHECKPOINT_INTERVAL_S": "0.5"})
        try:
            yield cluster
        finally:
            cluster.stop_all()


async def campaigns_on_both_partitions(client: httpx.AsyncClient) -> tuple[str, list[str]]:
    """A shop with two campaigns on each partition of the campaign topics."""
    shop, first = await new_campaign(client, "w")
    chosen: dict[int, list[str]] = {partition_for(first, 2): [first]}
    k = 0
    while sum(map(len, chosen.values())) < 4:
        k += 1
        cid, partition = f"{first}-{k}", partition_for(f"{first}-{k}", 2)
        if len(chosen.setdefault(partition, [])) < 2:
            chosen[partition].append(await copy_campaign(client, first, cid))
    return shop, [c for ids in chosen.values() for c in ids]


async def test_the_survivor_takes_over_a_dead_workers_partitions(cluster: Cluster) -> None:
    api = cluster.api()
    first = cluster.worker("worker-a")
    cluster.worker("worker-b")
    async with httpx.AsyncClient(base_url=api.url, headers=ADMIN, timeout=30) as client:
        shop, campaigns = await campaigns_on_both_partitions(client)
        traffic = Traffic(client, shop, campaigns)
        await traffic.tick(10)
        _, joined = await until_counted(client, traffic.sent, timeout=90)  # both are in
        sending = asyncio.create_task(traffic.run(seconds=20))
        await asyncio.sleep(5)
        first.kill()
        killed = time.monotonic()
        await traffic.tick(1)  # what every partition must count after the kill
        probe = Counter(traffic.sent)
        counts, _ = await until_counted(client, probe, timeout=90, poll=0.1)
        takeover = time.monotonic() - killed
        await sending
        final = await settled(client, traffic.sent, timeout=90)
    forwarded = impressions_forwarded(cluster, campaigns)
    record(
        "two_workers",
        events_in=traffic.events_in,
        impressions_in=sum(traffic.sent.values()),
        impressions_counted=sum(final.values()),
        impressions_forwarded_by_ingest=forwarded,
        attacks=len(traffic.attacks),
        takeover_s=round(takeover, 1),
        second_worker_joined_s=round(joined, 1),
    )
    assert traffic.refused == 0
    assert all(counts[c] >= n for c, n in probe.items()), f"no takeover in 90 s: {counts}"
    assert all(final[c] >= n for c, n in traffic.sent.items()), "nothing lost"
    if final != dict(traffic.sent):
        pytest.xfail(
            "known bug (reported, docs/reliability.md): counted twice after a takeover "
            f"({sum(final.values())} counted, {forwarded} forwarded by ingest, "
            f"{sum(traffic.sent.values())} sent)"
        )
    assert final == dict(traffic.sent)  # exact: nothing counted twice
