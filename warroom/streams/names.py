"""Topic names from the settings alone (no Faust import), for the store and tools."""

from __future__ import annotations

from warroom.settings import get_settings


def topic_name(name: str) -> str:
    """``<app_id>.<name>.v1``, e.g. ``warroom.control.v1``."""
    return f"{get_settings().app_id}.{name}.v1"
