"""Score every order with the anomaly model (then learn it) and judge it with the
``model.order_anomaly`` rule; its hits go out like every risk agent's. Reviewers' labels
on orders the rule fired on measure its precision."""

from __future__ import annotations

from datetime import UTC, datetime

from faust.types import StreamT

from warroom.app import app
from warroom.rules.risk.order_anomaly import RULE_ID
from warroom.schemas.events import Order
from warroom.settings import get_settings
from warroom.streams import stats, topics
from warroom.streams.batches import value_batches
from warroom.streams.codecs import decode_envelope, decode_trusted
from warroom.streams.judging import send_verdicts
from warroom.streams.model_state import anomaly_state

_s = get_settings()


@app.agent(topics.orders_by_ip)
async def score_order_anomalies(stream: StreamT[bytes]) -> None:
    async for batch in value_batches(stream, _s.batch_max, _s.batch_within_s):
        now = datetime.now(UTC)
        anomalies = anomaly_state.get()
        orders = (o for raw in batch for o in decode_trusted(Order, raw))
        verdicts = [v for o in orders if (v := anomalies.judge(o, now)) is not None]
        stats.count("models.order_anomaly.hits", len(verdicts))
        await send_verdicts(verdicts)


@app.agent(topics.labels)
async def count_anomaly_labels(stream: StreamT[bytes]) -> None:
    """Reviewed orders the anomaly rule fired on: how many, how many confirmed fraud."""
    async for batch in value_batches(stream, _s.batch_max, _s.background_within_s):
        anomalies = anomaly_state.get()
        for raw in batch:
            for label in decode_envelope(raw):
                if isinstance(label, dict) and RULE_ID in (label.get("rules") or ()):
                    anomalies.review(str(label.get("order_id")), label.get("label") == "fraud")
