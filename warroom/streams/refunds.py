"""What the refund-spike rule counts: per shop and per SKU, orders and refunds by
event-time hour, and each one's usual refund rate.

The usual rate comes from the warehouse's history when a worker starts with some;
otherwise from the stream: the key's own rate before the window once it has enough
orders there, else the rate of every other shop (or SKU) seen, so that one shop whose
refunds jump stands out against the rest from the first day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Literal

from warroom.rules.risk.refund_spike import Params, RefundCounts
from warroom.schemas.internal import ShopSale
from warroom.streams.windows import advanced

Scope = Literal["shop", "sku"]
SCOPES: tuple[Scope, ...] = ("shop", "sku")
#: Hours kept per key (the longest window a rule may ask for plus its own baseline).
KEEP_HOURS = 24 * 7


def _hour(ts: float) -> int:
    return int(ts // 3600)


class RefundTally:
    def __init__(self) -> None:
        self._hours: dict[tuple[Scope, str], dict[int, list[int]]] = defaultdict(dict)
        self._all: dict[tuple[Scope, str], list[int]] = defaultdict(lambda: [0, 0])
        self._totals: dict[Scope, list[int]] = {scope: [0, 0] for scope in SCOPES}
        self.history: dict[tuple[str, str], float] = {}  # (scope, key) -> refunds per order
        self.watermark = 0.0
        self._shop_of: dict[tuple[Scope, str], str] = {}  # whose partition a key is on

    def add(self, sale: ShopSale, now: float | None = None) -> None:
        """Count one order or refund for its shop and its SKU."""
        col = 0 if sale.kind == "order" else 1
        for scope, key in zip(SCOPES, (sale.shop_id, sale.sku), strict=True):
            bucket = self._hours[(scope, key)].setdefault(_hour(sale.ts), [0, 0])
            bucket[col] += 1
            self._all[(scope, key)][col] += 1
            self._totals[scope][col] += 1
            self._shop_of[(scope, key)] = sale.shop_id
        self.watermark = advanced(self.watermark, sale.ts, now)

    def counts(self, scope: Scope, key: str, ts: float, params: Params) -> RefundCounts:
        """The key's orders and refunds in the window ending at ``ts``, and its usual rate."""
        first = _hour(ts - params.window_s) + 1
        hours = self._hours.get((scope, key), {})
        inside = [v for h, v in hours.items() if first <= h <= _hour(ts)]
        before = [v for h, v in hours.items() if h < first]
        orders, refunds = sum(v[0] for v in inside), sum(v[1] for v in inside)
        return RefundCounts(scope, key, orders, refunds, self._baseline(scope, key, before, params))

    def _baseline(
        self, scope: Scope, key: str, before: list[list[int]], params: Params
    ) -> float | None:
        if (scope, key) in self.history:
            return self.history[(scope, key)]
        own_orders = sum(v[0] for v in before)
        if own_orders >= params.min_orders:
            return sum(v[1] for v in before) / own_orders
        mine, total = self._all[(scope, key)], self._totals[scope]
        others_orders = total[0] - mine[0]
        if others_orders < params.min_orders:
            return None
        return (total[1] - mine[1]) / others_orders

    def owned(self, shops: Callable[[str], bool]) -> list[tuple[Scope, str]]:
        """The keys counted for the shops ``shops`` accepts (a partition's keys)."""
        return [ident for ident, shop in self._shop_of.items() if shops(shop)]

    def export(self, idents: Iterable[tuple[Scope, str]]) -> dict[str, Any]:
        keys = [i for i in idents if i in self._shop_of]
        return {
            "keys": {i: (self._hours.get(i, {}), self._all[i], self._shop_of[i]) for i in keys},
            "watermark": self.watermark,
        }

    def restore(self, saved: dict[str, Any]) -> None:
        self.forget(saved["keys"])
        for ident, (hours, counted, shop) in saved["keys"].items():
            self._hours[ident], self._all[ident], self._shop_of[ident] = hours, counted, shop
            self._totals[ident[0]][0] += counted[0]
            self._totals[ident[0]][1] += counted[1]
        self.watermark = max(self.watermark, saved["watermark"])

    def forget(self, idents: Iterable[tuple[Scope, str]]) -> None:
        for ident in list(idents):
            counted = self._all.pop(ident, [0, 0])
            self._totals[ident[0]][0] -= counted[0]
            self._totals[ident[0]][1] -= counted[1]
            self._hours.pop(ident, None)
            self._shop_of.pop(ident, None)

    def expire(self) -> int:
        """Forget hours older than ``KEEP_HOURS`` behind the watermark; returns keys dropped."""
        oldest = _hour(self.watermark) - KEEP_HOURS
        dropped = 0
        for ident in list(self._hours):
            hours = self._hours[ident]
            for h in [h for h in hours if h < oldest]:
                del hours[h]
            if not hours:
                del self._hours[ident]
                dropped += 1
        return dropped
