"""A risk agent folds its hits into the order's verdict at once where this process judges
the order's risk-hits partition: the verdict leaves in the rule's hop, and the same hit
read back from the topic by ``judge_orders`` is not sent again."""

from __future__ import annotations

import orjson
import pytest

from tests.agents.test_agents import PARTITIONS, Sent, fresh_ip, order
from warroom.agents import judge_orders
from warroom.agents.judge_orders import judge_orders as judge_orders_agent
from warroom.agents.watch_ip_bursts import watch_ip_bursts
from warroom.streams import topics
from warroom.streams.partitioning import partition_for


@pytest.fixture
def risk_hits(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.risk_hits, monkeypatch)


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> Sent:
    return Sent(topics.verdicts, monkeypatch)


def judged_here(monkeypatch: pytest.MonkeyPatch, partitions: set[int]) -> None:
    """This process judges ``partitions`` of risk-hits, restored (as after an assignment)."""
    monkeypatch.setattr(judge_orders.recovery, "next", dict.fromkeys(partitions, 0))


def six(ip: str) -> list[dict[str, object]]:
    """Six orders from ``ip`` in a minute: the sixth completes a burst."""
    return [order(ip, n, seconds_ago=30 - n) for n in range(6)]


async def watch(orders: list[dict[str, object]], risk_hits: Sent) -> dict[str, object]:
    """The IP-burst agent's hit on ``orders`` (sent to risk-hits)."""
    ip = orders[0]["ip"]
    async with watch_ip_bursts.test_context() as agent:
        await agent.put(orjson.dumps(orders))
        [partial] = await risk_hits.wait_for(lambda v: f"ip:{ip}" in v["entities"])
    return partial


async def test_the_verdict_leaves_in_the_rules_hop_and_is_not_sent_again(
    monkeypatch: pytest.MonkeyPatch, risk_hits: Sent, verdicts: Sent
) -> None:
    judged_here(monkeypatch, set(range(PARTITIONS)))
    ip = fresh_ip()
    orders = six(ip)
    partial = await watch(orders, risk_hits)

    [verdict] = await verdicts.wait_for(lambda v: v["order_id"] == partial["order_id"])
    assert partial["order_id"] == orders[5]["order_id"]
    assert (verdict["outcome"], verdict["score"]) == ("hold", partial["score"])
    assert [h["rule_id"] for h in verdict["hits"]] == ["risk.same_ip_burst"]

    # the hit read back from risk-hits, then another rule's hit on the order
    price = {
        **partial,
        "key": "price",
        "hits": [
            {**hit, "rule_id": "risk.price_deviation", "score": 30.0} for hit in partial["hits"]
        ],
    }
    async with judge_orders_agent.test_context() as judge:
        await judge.put(orjson.dumps([partial]))
        await judge.put(orjson.dumps([price]))
        await verdicts.wait_for(lambda v: len(v["hits"]) == 2)
    first, both = verdicts.records  # the burst's hit was not sent again
    assert (first["outcome"], both["outcome"]) == ("hold", "decline")


async def test_hits_on_orders_judged_elsewhere_wait_for_their_judge(
    monkeypatch: pytest.MonkeyPatch, risk_hits: Sent, verdicts: Sent
) -> None:
    ip = fresh_ip()
    orders = six(ip)
    theirs = partition_for(str(orders[5]["order_id"]), PARTITIONS)
    judged_here(monkeypatch, {(theirs + 1) % max(PARTITIONS, 2)})  # another worker has it
    partial = await watch(orders, risk_hits)

    assert partial["order_id"] == orders[5]["order_id"]
    assert verdicts.records == []  # its judge sends it, once the hit reaches it
