"""The review-queue agent with ``agent.test_context()``: verdict envelopes in, the worker's
SQL store (a real SQLite file, ``open_shared``) holds the queue they make."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.agents.test_agents import eventually
from tests.store.test_reviews import BURST, MISMATCH, oid, verdict
from warroom.agents.queue_reviews import queue_reviews
from warroom.store.db import Store
from warroom.store.models import Review
from warroom.store.reviewing import ReviewFilter, search
from warroom.store.shared import close_shared, open_shared
from warroom.streams.codecs import encode_envelope


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    yield open_shared(f"sqlite:///{tmp_path / 'worker.db'}")
    close_shared()


def open_orders(store: Store) -> dict[str, Review]:
    with store.session() as session:
        rows, _ = search(session, ReviewFilter(), (500, 0))
    return {r.order_id: r for r in rows}


async def test_held_and_review_verdicts_are_queued_others_are_not(store: Store) -> None:
    held, flagged, fine, shadow, declined = oid(), oid(), oid(), oid(), oid()
    envelope = encode_envelope(
        [
            verdict(held, rules=(BURST,)),
            verdict(flagged, "review", (MISMATCH,), shop="shop-2"),
            verdict(fine, "approve"),
            verdict(shadow, mode="shadow"),
            verdict(declined, "decline"),
        ]
    )
    async with queue_reviews.test_context() as agent:
        await agent.put(envelope)
        queued = await eventually(lambda: open_orders(store), timeout=5)

    assert set(queued) == {held, flagged}
    assert (queued[held].outcome, queued[held].rules) == ("hold", [BURST])
    assert (queued[flagged].outcome, queued[flagged].shop_id) == ("review", "shop-2")


async def test_a_redelivered_envelope_changes_nothing_a_later_hold_raises_the_outcome(
    store: Store,
) -> None:
    o, marker = oid(), oid()
    first = encode_envelope([verdict(o, "review", (MISMATCH,))])
    async with queue_reviews.test_context() as agent:
        await agent.put(first)
        await eventually(lambda: o in open_orders(store), timeout=5)
        before = open_orders(store)[o]
        await agent.put(first)
        await agent.put(encode_envelope([verdict(marker)]))
        await eventually(lambda: marker in open_orders(store), timeout=5)
        assert open_orders(store)[o].version == before.version
        await agent.put(encode_envelope([verdict(o, "hold", (BURST,))]))
        await eventually(lambda: open_orders(store)[o].outcome == "hold", timeout=5)

    after = open_orders(store)[o]
    assert (after.outcome, after.rules, after.version) == ("hold", [MISMATCH, BURST], 2)
