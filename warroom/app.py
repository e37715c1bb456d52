"""The Faust app and nothing else."""

from __future__ import annotations

import faust

from warroom.settings import get_settings


def broker_url(bootstrap: str) -> str:
    """Faust's broker URL for ``host:port[,host:port]``, on warroom's low-latency transport."""
    return "warroom://" + ";".join(part.strip() for part in bootstrap.split(",") if part.strip())


_settings = get_settings()

app = faust.App(
    _settings.app_id,
    # The embedded broker's port is known only once it runs: cli sets conf.broker then.
    broker=broker_url(_settings.kafka_bootstrap or "127.0.0.1:9092"),
    store="memory://",
    datadir=str(_settings.data_dir / _settings.app_id),
    autodiscover=False,
    topic_partitions=_settings.partitions,
    topic_replication_factor=1,
    broker_session_timeout=_settings.session_timeout_s,
    broker_heartbeat_interval=_settings.heartbeat_interval_s,
    consumer_auto_offset_reset="earliest",
    producer_linger=0.005,
    stream_wait_empty=False,
    web_bind=_settings.web_host,
    web_in_thread=False,
)
