"""Click → order attribution for the match model: a click is a positive example when
the same user orders the clicked product within ``window_s`` after it (last click wins),
a negative one when the window passes without an order.

Every outcome is handed out when its window closes, a conversion too: learning the
positives at once and the negatives a window later would feed the model a surplus of
positives (delayed-feedback bias) and inflate its early predictions.

Event time decides, and the orders' event time at that: the watermark is the latest
order time seen (never past the wall clock), and a click resolves negative once the
watermark is ``window_s + lateness_s`` past it, so a click is never written off because
the clicks ran ahead of the orders (two topics, read independently). An order that
arrives before its click is remembered for the window, so the click finds it.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Pending:
    """A click waiting for its outcome, with what was predicted when it came."""

    click_id: str
    user: str
    product: str
    ts: float
    x: dict[str, Any]
    p: float
    p_shadow: float | None = None
    converted: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


class Attribution:
    def __init__(self, window_s: float = 1800.0, lateness_s: float = 60.0) -> None:
        self.window_s = window_s
        self.lateness_s = lateness_s
        self.watermark = 0.0
        self._pending: dict[str, dict[str, Pending]] = {}  # user -> click id -> click
        self._orders: dict[str, list[tuple[str, float]]] = {}  # user -> (product, ts)
        self._deadlines: list[tuple[float, str, str]] = []  # (deadline, user, click id)
        self._done: OrderedDict[str, None] = OrderedDict()  # resolved click ids
        self.max_done = 200_000

    def __len__(self) -> int:
        return sum(len(v) for v in self._pending.values())

    def _advance(self, ts: float, now: float) -> None:
        self.watermark = max(self.watermark, min(ts, now))

    def click(self, c: Pending, now: float) -> bool:
        """Hold ``c`` until its window closes; True when an order seen already converts it.
        A click seen before (redelivery) is ignored."""
        if c.click_id in self._done or c.click_id in self._pending.get(c.user, {}):
            return False
        for product, ts in self._orders.get(c.user, ()):
            if product == c.product and c.ts <= ts <= c.ts + self.window_s:
                c.converted = True
        self._pending.setdefault(c.user, {})[c.click_id] = c
        deadline = c.ts + self.window_s + self.lateness_s
        heapq.heappush(self._deadlines, (deadline, c.user, c.click_id))
        return c.converted

    def order(self, user: str, product: str, ts: float, now: float) -> Pending | None:
        """The click this order converts (the latest unconverted one before it in the
        window), if any; it stays held until its window closes."""
        self._advance(ts, now)
        orders = self._orders.setdefault(user, [])
        orders.append((product, ts))
        if len(orders) > 50:
            del orders[0]
        candidates = [
            c
            for c in self._pending.get(user, {}).values()
            if not c.converted and c.product == product and c.ts <= ts <= c.ts + self.window_s
        ]
        if not candidates:
            return None
        won = max(candidates, key=lambda c: c.ts)
        won.converted = True
        return won

    def expire(self) -> list[Pending]:
        """The clicks whose window closed (``converted`` says which led to an order);
        forgets old orders."""
        out = []
        while self._deadlines and self._deadlines[0][0] <= self.watermark:
            _, user, click_id = heapq.heappop(self._deadlines)
            clicks = self._pending.get(user)
            if clicks is not None and (c := clicks.pop(click_id, None)) is not None:
                self._finish(click_id)
                out.append(c)
                if not clicks:
                    del self._pending[user]
        self._forget_orders()
        return out

    def _forget_orders(self) -> None:
        horizon = self.watermark - self.window_s - self.lateness_s
        for user in [u for u, o in self._orders.items() if o[-1][1] < horizon]:
            del self._orders[user]

    def _finish(self, click_id: str) -> None:
        self._done[click_id] = None
        if len(self._done) > self.max_done:
            self._done.popitem(last=False)
