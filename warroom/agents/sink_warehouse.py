"""Write clicks, orders, payments, refunds, verdicts, budget decisions and review labels to the
warehouse, in batches of thousands of rows, off the decision path.

The sink has its own consumer group (``<app id>.warehouse``, see
``store/warehouse/consumer.py``), so a slow or absent ClickHouse never holds up an
agent; it pauses, and catches up from Kafka when ClickHouse is back. Embedded mode
(no ``WARROOM_CLICKHOUSE_DSN``): this worker opens chdb in its data dir and owns it;
a second worker on the same data dir cannot, and keeps retrying (run several workers
against a ClickHouse server). ``WARROOM_WAREHOUSE_SINK=false`` turns the sink off.
"""

from __future__ import annotations

import asyncio
import logging

from mode import Service

from warroom.app import app
from warroom.settings import get_settings
from warroom.store.warehouse import Warehouse, WarehouseError, rows
from warroom.store.warehouse.consumer import SinkConsumer
from warroom.store.warehouse.shared import close_shared_warehouse, shared_warehouse
from warroom.store.warehouse.sink import BatchingSink
from warroom.streams import topics

log = logging.getLogger(__name__)
RETRY_OPEN_S = 5.0

ROUTES = {
    topics.clicks_valid: rows.CLICKS,  # validated by ingest
    topics.orders_by_shop: rows.ORDERS,  # validated by ingest
    topics.payments_by_order: rows.PAYMENTS,
    topics.refunds_by_shop: rows.REFUNDS,  # validated by ingest
    topics.verdicts: rows.VERDICTS,
    topics.decisions: rows.DECISIONS,
    topics.labels: rows.LABELS,
    topics.commissions: rows.COMMISSIONS,
}


@app.service
class SinkWarehouse(Service):
    warehouse: Warehouse | None = None
    consumer: SinkConsumer | None = None

    @Service.task
    async def _open(self) -> None:
        s = get_settings()
        if not s.warehouse_sink:
            return
        while self.warehouse is None and not self.should_stop:
            try:
                self.warehouse = await asyncio.to_thread(shared_warehouse, s)
            except WarehouseError as exc:
                log.error("warehouse unavailable (%s); retrying in %g s", exc, RETRY_OPEN_S)
                await self.sleep(RETRY_OPEN_S)
        if self.warehouse is None:
            return
        routes = {topic.get_topic_name(): spec for topic, spec in ROUTES.items()}
        sink = BatchingSink(self.warehouse, routes, s.sink_flush_rows, s.sink_flush_s)
        bootstrap = s.kafka_bootstrap or "127.0.0.1:9092"
        self.consumer = SinkConsumer(bootstrap, f"{s.app_id}.warehouse", sink, s.session_timeout_s)
        await self.consumer.start()

    async def on_stop(self) -> None:
        if self.consumer is not None:
            await self.consumer.stop()
        if self.warehouse is not None:
            await asyncio.to_thread(close_shared_warehouse)
