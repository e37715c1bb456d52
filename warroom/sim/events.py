"""The events the simulator sends, as warroom's public contract has them (JSON-ready dicts):
clicks (impression / play / click), orders, payments and refunds (and the playbook's,
``playbook``)."""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime
from typing import Any

from warroom.sim.economics import QUANTITIES
from warroom.sim.world import Campaign, Viewer

Event = dict[str, Any]
#: Seconds of every simulated video.
VIDEO_S = 30.0


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def viewer_of(viewer: Viewer) -> dict[str, Any]:
    return {
        "viewer_id": viewer.viewer_id,
        "gender": viewer.gender,
        "age_band": viewer.age_band,
        "spending_power": viewer.spending_power,
        "city": viewer.city,
        "city_tier": viewer.city_tier,
    }


class Maker:
    """Builds events with ids unique to the seed (``o-7-123``), in one sequence; another
    maker of the same seed needs a ``space`` of its own (``o-7-pb12``)."""

    def __init__(self, seed: int, rng: random.Random, space: str = "") -> None:
        self.seed, self.rng, self.space = seed, rng, space
        self._seq = 0

    def id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}-{self.seed}-{self.space}{self._seq}"

    def click(
        self, ts: float, camp: Campaign, creative: str, viewer: Viewer, kind: str, cost: float
    ) -> Event:
        return {
            "event_id": self.id("clk"),
            "ts": iso(ts),
            "kind": kind,
            "shop_id": camp.shop_id,
            "campaign_id": camp.campaign_id,
            "creative_id": creative,
            "creator_id": camp.creator_id,
            "product_id": camp.product.sku,
            "viewer": viewer_of(viewer),
            "cost": f"{cost:.4f}",
            "video_length_s": VIDEO_S,
            "watch_time_s": self._watched() if kind == "play" else None,
        }

    def _watched(self) -> float:
        """Seconds of a play: about a third watch to the end (完播), the rest drop off."""
        return VIDEO_S if self.rng.random() < 0.3 else round(self.rng.uniform(1, VIDEO_S), 1)

    def order(
        self,
        ts: float,
        camp: Campaign,
        viewer: Viewer,
        ip: str,
        unit_price: float,
        creative: str | None = None,
    ) -> Event:
        qty = self.rng.choice(QUANTITIES)
        return {
            "event_id": self.id("ord"),
            "ts": iso(ts),
            "order_id": self.id("o"),
            "user_id": viewer.viewer_id,
            "ip": ip,
            "device_id": viewer.device_id,
            "shop_id": camp.shop_id,
            "sku": camp.product.sku,
            "quantity": qty,
            "unit_price": f"{unit_price:.2f}",
            "amount": f"{round(unit_price, 2) * qty:.2f}",
            "campaign_id": camp.campaign_id,
            "creative_id": creative or self.rng.choice(camp.creatives),
            "creator_id": camp.creator_id,
            "channel": "live",
            "city": viewer.city,
        }

    def payment(self, ts: float, order_id: str, amount: str, user_id: str) -> Event:
        return {
            "event_id": self.id("pay"),
            "ts": iso(ts),
            "payment_id": self.id("p"),
            "order_id": order_id,
            "amount": amount,
            "method": self.rng.choice(("alipay", "wechat", "card")),
            "status": "success",
            "card_hash": f"h{zlib.crc32(user_id.encode()):08x}",
        }

    def refund(self, ts: float, order: Event, reason: str) -> Event:
        return {
            "event_id": self.id("ref"),
            "ts": iso(ts),
            "refund_id": self.id("r"),
            "order_id": order["order_id"],
            "shop_id": order["shop_id"],
            "sku": order["sku"],
            "amount": order["amount"],
            "user_id": order["user_id"],
            "reason": reason,
        }
