"""The review queue in the store, on SQLite and PostgreSQL: verdicts queue an order once
(the highest outcome wins while it is open), a reviewer decides it once (audited, a label
in the outbox), and the queue reads filtered, scoped and paged."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from warroom.errors import Conflict, NotFound
from warroom.schemas.decisions import RuleHitRecord, Verdict
from warroom.schemas.reviews import ReviewDecision
from warroom.store import reviewing
from warroom.store.db import Store
from warroom.store.models import AuditEntry, OutboxMessage, Review
from warroom.store.reviewing import ReviewFilter, search
from warroom.store.reviews import queue

BURST, MISMATCH = "risk.same_ip_burst", "risk.payment_mismatch"


def hit(rule_id: str, score: float) -> RuleHitRecord:
    return RuleHitRecord(
        rule_id=rule_id,
        rule_version=1,
        entity="ip:10.0.0.1",
        score=score,
        observed={"orders": 6},
        thresholds={"max_orders": 5},
        explanation=f"{rule_id} fired",
    )


def verdict(
    order_id: str,
    outcome: str = "hold",
    rules: tuple[str, ...] = (BURST,),
    shop: str = "shop-1",
    ago_s: float = 0,
    **over: Any,
) -> Verdict:
    """An enforced verdict on ``order_id`` decided ``ago_s`` seconds ago."""
    at = datetime.now(UTC) - timedelta(seconds=ago_s)
    hits = [hit(r, 60 if outcome == "hold" else 30) for r in rules]
    fields: dict[str, Any] = {
        "key": f"{order_id}|{','.join(rules)}",
        "order_id": order_id,
        "shop_id": shop,
        "outcome": outcome,
        "score": sum(h.score for h in hits),
        "mode": "enforce",
        "hits": hits,
        "entities": [f"order:{order_id}", f"shop:{shop}", "ip:10.0.0.1"],
        "event_ts": at,
        "decided_at": at,
    }
    return Verdict.model_validate(fields | over)


def oid() -> str:
    return f"o-{uuid.uuid4().hex[:8]}"


def queued(store: Store, *verdicts: Verdict) -> int:
    with store.session() as session:
        return queue(session, verdicts)


def row(store: Store, order_id: str) -> Review:
    with store.session() as session:
        return reviewing.get(session, order_id)


def decide(
    store: Store, order_id: str, action: str, actor: str = "wk_risk", note: str = ""
) -> Review:
    with store.session() as session:
        decision = ReviewDecision.model_validate({"action": action, "note": note})
        return reviewing.decide(session, reviewing.get(session, order_id), decision, actor)


def test_a_held_verdict_queues_its_order_with_the_evidence(store: Store) -> None:
    o = oid()
    sent = verdict(o, rules=(BURST, MISMATCH), ago_s=5)

    assert queued(store, sent) == 1

    r = row(store, o)
    assert (r.shop_id, r.outcome, r.score, r.status) == ("shop-1", "hold", 120, "open")
    assert r.rules == [MISMATCH, BURST]
    assert r.verdict == sent.model_dump(mode="json")
    assert abs((reviewing.utc(r.queued_at) - sent.decided_at).total_seconds()) < 0.001
    assert (r.decided_by, r.decided_at, r.note) == (None, None, None)


@pytest.mark.parametrize(
    ("outcome", "mode"), [("approve", "enforce"), ("decline", "enforce"), ("hold", "shadow")]
)
def test_approved_declined_and_shadow_verdicts_queue_nothing(
    store: Store, outcome: str, mode: str
) -> None:
    o = oid()
    assert queued(store, verdict(o, outcome, mode=mode)) == 0
    with pytest.raises(NotFound, match=o):
        row(store, o)


def test_a_later_verdict_raises_the_outcome_and_adds_its_rules_the_first_time_stays(
    store: Store,
) -> None:
    o = oid()
    first = verdict(o, "review", (MISMATCH,), ago_s=30)
    queued(store, first)
    assert queued(store, verdict(o, "hold", (BURST,), ago_s=1)) == 1
    assert queued(store, verdict(o, "review", ("risk.price_deviation",))) == 1

    r = row(store, o)
    assert (r.outcome, r.score, r.verdict["key"]) == ("hold", 60, f"{o}|{BURST}")
    assert r.rules == [MISMATCH, "risk.price_deviation", BURST]  # sorted
    assert abs((reviewing.utc(r.queued_at) - first.decided_at).total_seconds()) < 0.001
    with store.session() as session:
        rows, count = search(session, ReviewFilter(rule_id="risk.price_deviation"), (50, 0))
    assert [x.order_id for x in rows] == [o] and count == 1


def test_a_redelivered_verdict_changes_nothing(store: Store) -> None:
    o = oid()
    sent = verdict(o)
    assert queued(store, sent, sent) == 1
    before = row(store, o)

    assert queued(store, sent) == 0
    assert queued(store, verdict(o, "review", ago_s=9)) == 1  # only its earlier time counts
    assert queued(store, verdict(o, "review", ago_s=9)) == 0

    after = row(store, o)
    assert after.version == before.version + 1
    assert (after.outcome, after.verdict) == (before.outcome, before.verdict)


def test_a_decision_is_recorded_audited_and_queued_as_a_label(store: Store) -> None:
    o = oid()
    queued(store, verdict(o, rules=(BURST, MISMATCH)))

    r = decide(store, o, "confirm_fraud", "wk_risk1", "six orders from one IP")

    assert (r.status, r.decided_by, r.note) == (
        "confirmed_fraud",
        "wk_risk1",
        "six orders from one IP",
    )
    assert r.decided_at is not None
    assert datetime.now(UTC) - reviewing.utc(r.decided_at) < timedelta(seconds=5)
    with store.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.resource_id == o))
        [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.key == o))
    assert (entry.actor, entry.action, entry.resource, entry.shop_id) == (
        "wk_risk1",
        "confirm_fraud",
        "review",
        "shop-1",
    )
    assert entry.before == {"status": "open"}
    assert entry.after is not None and entry.after["status"] == "confirmed_fraud"
    label = orjson.loads(message.payload)
    assert message.topic.endswith(".labels.v1")
    assert (label["kind"], label["key"], label["label"]) == ("review", f"{o}|review", "fraud")
    assert (label["decided_by"], label["rules"]) == ("wk_risk1", [MISMATCH, BURST])
    assert label["entities"] == [f"order:{o}", "shop:shop-1", "ip:10.0.0.1"]


def test_a_decided_order_is_never_decided_again_nor_changed_by_verdicts(store: Store) -> None:
    o = oid()
    queued(store, verdict(o, "review"))
    decide(store, o, "release", "wk_a")

    with pytest.raises(Conflict, match="already released by wk_a"):
        decide(store, o, "confirm_fraud", "wk_b")
    assert queued(store, verdict(o, "hold", (MISMATCH,))) == 0

    r = row(store, o)
    assert (r.status, r.outcome, r.rules, r.decided_by) == ("released", "review", [BURST], "wk_a")


def test_two_reviewers_deciding_at_once_one_wins_the_other_gets_a_conflict(store: Store) -> None:
    orders = [oid() for _ in range(5)]
    queued(store, *(verdict(o) for o in orders))

    def attempt(args: tuple[str, str]) -> str:
        order_id, actor = args
        try:
            decide(store, order_id, "release", actor)
        except Conflict:
            return "conflict"
        return "decided"

    jobs = [(o, actor) for o in orders for actor in ("wk_a", "wk_b")]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(attempt, jobs))

    assert sorted(results) == ["conflict"] * 5 + ["decided"] * 5
    with store.session() as session:
        labels = session.scalars(select(OutboxMessage).where(OutboxMessage.key.in_(orders)))
        assert sorted(m.key for m in labels) == sorted(orders)


def test_two_workers_queueing_the_same_orders_at_once_lose_nothing(store: Store) -> None:
    orders = [oid() for _ in range(40)]
    batches = [
        [verdict(o, "review", (MISMATCH,), shop="unknown") for o in orders],
        [verdict(o, "hold", (BURST,)) for o in orders],
    ]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda batch: queued(store, *batch), batches))

    with store.session() as session:
        rows, count = search(session, ReviewFilter(rule_id=MISMATCH), (100, 0))
    assert count == len(orders)
    assert {(r.outcome, r.shop_id, tuple(r.rules)) for r in rows} == {
        ("hold", "shop-1", (MISMATCH, BURST))
    }


def test_the_queue_reads_open_orders_oldest_first_filtered_scoped_and_paged(store: Store) -> None:
    old, mid, new = oid(), oid(), oid()
    other, decided = oid(), oid()
    queued(
        store,
        verdict(old, ago_s=600),
        verdict(mid, "review", (MISMATCH,), ago_s=120),
        verdict(new, ago_s=1),
        verdict(other, shop="shop-2", ago_s=300),
        verdict(decided, ago_s=900),
    )
    decide(store, decided, "release")

    def ids(
        wanted: ReviewFilter, page: tuple[int, int] = (50, 0), **kw: Any
    ) -> tuple[list[str], int]:
        with store.session() as session:
            rows, count = search(session, wanted, page, **kw)
        return [r.order_id for r in rows], count

    assert ids(ReviewFilter()) == ([old, other, mid, new], 4)
    assert ids(ReviewFilter(), (2, 1)) == ([other, mid], 4)
    assert ids(ReviewFilter(shop_id="shop-1")) == ([old, mid, new], 3)
    assert ids(ReviewFilter(), shops=frozenset({"shop-2"})) == ([other], 1)
    assert ids(ReviewFilter(rule_id=MISMATCH)) == ([mid], 1)
    assert ids(ReviewFilter(older_than_s=200)) == ([old, other], 2)
    assert ids(ReviewFilter(newer_than_s=200)) == ([mid, new], 2)
    assert ids(ReviewFilter(status="released")) == ([decided], 1)
    assert ids(ReviewFilter(status=None), (1, 0)) == ([decided], 5)
