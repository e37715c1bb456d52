"""The global kill switch stops every budget action on the running worker at once, is
audited, and lets actions through again when switched off."""

from __future__ import annotations

import httpx
import pytest

from tests.auth import ADMIN
from tests.conftest import Server
from tests.integration.campaigns import impressions, new_campaign
from tests.sse import reading

pytestmark = pytest.mark.integration


async def test_the_kill_switch_holds_back_every_budget_action(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=ADMIN) as client:
        assert (await client.get("/v1/kill-switch")).json()["on"] is False
        flipped = await client.put("/v1/kill-switch", json={"on": True, "reason": "drill"})
        assert flipped.status_code == 200
        try:
            shop, campaign = await new_campaign(client, "k")
            clicks = impressions(shop, campaign, 40)
            url = f"{server.url}/v1/stream?kind=decision&entity=campaign:{campaign}&backlog=0"
            async with reading(url, ADMIN) as feed:
                await client.post("/v1/events/clicks", json=clicks)
                decision = await feed.wait_for(
                    lambda k, d: d["rule_id"] == "budget.fast_stop_no_orders", timeout=15
                )
            assert (decision["result"], decision["reason"]) == ("skipped", "kill_switch")
            state = (await client.get("/v1/kill-switch")).json()
            assert (state["on"], state["reason"]) == (True, "drill")
        finally:
            await client.put("/v1/kill-switch", json={"on": False, "reason": "drill over"})
        audit = (await client.get("/v1/audit", params={"resource": "kill_switch"})).json()
        assert [e["after"]["on"] for e in audit["data"][:2]] == [False, True]
