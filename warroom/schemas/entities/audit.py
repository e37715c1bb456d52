"""Audit log entries as the API shows them (read-only)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from warroom.schemas.entities.common import UtcTime


class AuditPublic(BaseModel):
    """Who did what to which entity, when, and its state before and after."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "at": "2026-11-22T10:03:00Z",
                    "actor": "wk_3f9a1c2b7d10",
                    "action": "update",
                    "resource": "campaign",
                    "resource_id": "8812",
                    "shop_id": "shop-1",
                    "before": {"status": "active", "version": 3},
                    "after": {"status": "paused", "version": 4},
                }
            ]
        },
    )

    id: int
    at: UtcTime
    actor: str
    action: str
    resource: str
    resource_id: str
    shop_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
