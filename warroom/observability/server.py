"""``/metrics`` in Prometheus' text format: served by the API, and by a worker on its own
small HTTP server (``WARROOM_METRICS_PORT``; workers in production run without the API)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest, start_http_server

from warroom.observability.collectors import watch_stats

CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    """Every registered metric of this process, in the text format."""
    watch_stats()
    return generate_latest(REGISTRY)


def serve_metrics(host: str, port: int) -> None:
    """Serve ``/metrics`` on ``host:port`` from a daemon thread (prometheus_client's
    server; it answers on any path). Raises ``OSError`` when the port is taken."""
    watch_stats()
    start_http_server(port, addr=host, registry=REGISTRY)
