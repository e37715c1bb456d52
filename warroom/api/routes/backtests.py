"""``POST /v1/rules/{id}/backtest``: replay a draft (sent with the request), a published
version, or the rule's saved draft over a window of the warehouse's history, beside the
live version, through the rules' own code. Read access to the rule suffices: nothing
is published or applied."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from warroom.api.auth import Actor, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.api.routes.reports import WarehouseDep
from warroom.api.routes.rules import may_read
from warroom.api.runtime import Runtime
from warroom.backtest.plan import Plan, plan
from warroom.backtest.report import BacktestReport
from warroom.backtest.run import backtest
from warroom.schemas.entities.common import Strict
from warroom.schemas.rules import BUDGET_EXAMPLE
from warroom.store import rulebook

router = APIRouter(prefix="/v1/rules", tags=["rules"])


class BacktestRequest(Strict):
    """The window to replay, and what to replay (default: the rule's saved draft)."""

    model_config = Strict.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "since": "2025-03-01T00:00:00Z",
                    "until": "2025-03-02T00:00:00Z",
                    "draft": BUDGET_EXAMPLE,
                }
            ]
        }
    }

    since: datetime = Field(description="start of the window (ISO, with a zone)")
    until: datetime = Field(description="end of the window, excluded; at most 31 days on")
    draft: dict[str, Any] | None = Field(None, description="a rule body, as a draft or publish")
    version: int | None = Field(None, ge=1, description="a published version to replay")


def _plan(rt: Runtime, actor: Actor, rule_id: str, body: BacktestRequest) -> Plan:
    with rt.store.session() as session:
        may_read(actor, rulebook.get_rule(session, rule_id))
        return plan(session, rule_id, body.draft, body.version)


@router.post("/{rule_id}/backtest", response_model=BacktestReport)
async def backtest_rule(
    rule_id: str, body: BacktestRequest, rt: RuntimeDep, actor: ActorDep, warehouse: WarehouseDep
) -> BacktestReport:
    """What the candidate would have decided over the window, and its impact (budget:
    spend saved, orders forgone; risk: orders held, precision and recall against the
    review labels), beside the live version over the same history."""
    found = await asyncio.to_thread(_plan, rt, actor, rule_id, body)
    return await backtest(warehouse, found, body.since, body.until)
