"""Prometheus metrics (``metrics``, ``lag``, ``server``) and structured logs (``logs``)."""
