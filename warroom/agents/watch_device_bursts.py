"""Keep a sliding log of orders per device and judge each order with the same-device burst rule.

The log survives restarts and rebalances (checkpoints + replay, ``streams/recovery.py``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from faust.types import StreamT

from warroom.app import app
from warroom.settings import get_settings
from warroom.streams import topics
from warroom.streams.batches import batches
from warroom.streams.bursts import BurstWatch
from warroom.streams.handover import hand_over
from warroom.streams.judging import decide_orders, send_verdicts
from warroom.streams.log_state import LogState, order_entries
from warroom.streams.recovery import Recovery, admitted, follow_partitions

_s = get_settings()
#: Orders per device.
device_bursts = BurstWatch("device")
recovery = Recovery(
    "watch_device_bursts",
    LogState(lambda: device_bursts.log, order_entries(device_bursts.key), _s.partitions),
)
follow_partitions(app, topics.orders_by_device, recovery)


decide = decide_orders(device_bursts.judge)


hand_over(topics.orders_by_device, recovery, decide, send_verdicts)


@app.agent(topics.orders_by_device)
async def watch_device_bursts(stream: StreamT[bytes]) -> None:
    last_expiry = time.monotonic()
    events = batches(stream, _s.batch_max, _s.batch_within_s)
    async for batch in events:
        now = datetime.now(UTC)
        await send_verdicts(decide(await admitted(recovery, batch), now))
        if time.monotonic() - last_expiry > _s.flush_interval_s:
            device_bursts.expire()
            last_expiry = time.monotonic()
        await recovery.checkpoint(now.timestamp())
