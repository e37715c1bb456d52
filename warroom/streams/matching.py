"""The 人货匹配度 learner of one worker: it scores each click when it comes (champion, and
the challenger in shadow), holds it until the attribution window says whether it led to
an order, then learns the outcome (progressive validation: every prediction is made
before its outcome is learned). It keeps the scores per campaign and creative, the
creators' fan bases and the creator counters, and says what to publish.
"""

from __future__ import annotations

import os
import socket
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from warroom.models.champion import Contest, Entry, PromotionRule, Switch
from warroom.models.match import match_score
from warroom.models.registry import MATCH_CHALLENGER, MATCH_CHAMPION, spec
from warroom.schemas.events import Click, Order, Refund
from warroom.schemas.models import MatchScore, MatchSnapshot, ModelReport, QualityFigures
from warroom.streams.attribution import Attribution, Pending
from warroom.streams.creator_stats import CreatorStats
from warroom.streams.entities import entities
from warroom.streams.fans import EVERYONE, FanBases

#: This process, as the author of what it publishes (readers merge workers' parts).
SOURCE = f"{socket.gethostname()}:{os.getpid()}"
#: A campaign's or creative's score is the mean over its latest clicks.
RECENT_CLICKS = 200
MAX_USERS = 200_000


@dataclass
class EntityScores:
    campaign_id: str
    shop_id: str
    scores: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT_CLICKS))
    changed: bool = True


def product_facts(product_id: str | None, prices: dict[str, float]) -> tuple[str | None, Any]:
    """The product's category and unit price, from the entity cache (else the last price
    an order paid)."""
    if product_id is None:
        return None, None
    data = entities.get("product", product_id) or {}
    price = data.get("list_price")
    return data.get("category"), float(price) if price is not None else prices.get(product_id)


class MatchLearner:
    def __init__(
        self,
        champion: str = MATCH_CHAMPION,
        challenger: str | None = MATCH_CHALLENGER,
        rule: PromotionRule | None = None,
        window_s: float = 1800.0,
    ) -> None:
        shadow = None if challenger is None else Entry(challenger, spec(challenger).build(0))
        self.contest = Contest(
            "match", Entry(champion, spec(champion).build(0)), shadow, rule or PromotionRule()
        )
        self.attribution = Attribution(window_s, lateness_s=min(60.0, window_s))
        self.prefs: OrderedDict[str, dict[str, int]] = OrderedDict()
        self.prices: dict[str, float] = {}
        self.entity_scores: dict[tuple[str, str], EntityScores] = {}
        self.fans = FanBases()
        self.creators = CreatorStats()
        self.order_creators: OrderedDict[str, str] = OrderedDict()
        self.resolved = 0

    # -- examples ----------------------------------------------------------------------

    def example(self, click: Click) -> dict[str, Any]:
        category, price = product_facts(click.product_id, self.prices)
        v = click.viewer
        liked = self.prefs.get(v.viewer_id)
        return {
            "gender": v.gender,
            "age_band": v.age_band,
            "spending_power": v.spending_power,
            "city_tier": v.city_tier,
            "category": category,
            "price": price,
            "preferred": max(liked, key=liked.__getitem__) if liked else None,
            "creator": click.creator_id,
            "product": click.product_id,
        }

    def _prefer(self, user: str, category: str | None) -> None:
        if category is None:
            return
        liked = self.prefs.pop(user, {})
        liked[category] = liked.get(category, 0) + 1
        self.prefs[user] = liked
        if len(self.prefs) > MAX_USERS:
            self.prefs.popitem(last=False)

    # -- the stream --------------------------------------------------------------------

    def on_clicks(self, clicks: Iterable[Click], now: float) -> int:
        """Score each click (kind ``click``) and hold it for its outcome; the number scored."""
        base = self.contest.champion.quality.base_rate()
        n = 0
        for click in clicks:
            if click.kind != "click":
                continue
            x = self.example(click)
            p, shadow = self.contest.predict(x)
            self._score(click, match_score(p, base))
            self.fans.add(EVERYONE, x)
            if click.creator_id is not None:
                self.fans.add(click.creator_id, x)
                self.creators.click(click.creator_id, click.viewer.viewer_id)
            self._prefer(click.viewer.viewer_id, x["category"])
            product = click.product_id or f"campaign:{click.campaign_id}"
            held = Pending(
                click.event_id, click.viewer.viewer_id, product, click.ts.timestamp(), x, p, shadow
            )
            self.attribution.click(held, now)
            n += 1
        return n

    def _score(self, click: Click, score: float) -> None:
        for kind, entity_id in (("campaign", click.campaign_id), ("creative", click.creative_id)):
            held = self.entity_scores.get((kind, entity_id))
            if held is None:
                held = EntityScores(click.campaign_id, click.shop_id)
                self.entity_scores[(kind, entity_id)] = held
            held.scores.append(score)
            held.changed = True

    def on_orders(self, orders: Iterable[Order], now: float) -> None:
        for order in orders:
            if order.order_id in self.order_creators:
                continue  # redelivered
            self.order_creators[order.order_id] = order.creator_id or ""
            if len(self.order_creators) > MAX_USERS:
                self.order_creators.popitem(last=False)
            self.prices[order.sku] = float(order.unit_price)
            ts = order.ts.timestamp()
            keys = [order.sku] + ([f"campaign:{order.campaign_id}"] if order.campaign_id else [])
            for key in keys:
                self.attribution.order(order.user_id, key, ts, now)
            if order.creator_id is not None:
                self.creators.order(order.creator_id, order.user_id, ts, order.city)

    def on_refunds(self, refunds: Iterable[Refund]) -> None:
        for refund in refunds:
            self.creators.refund(self.order_creators.get(refund.order_id) or None)

    def resolve(self) -> int:
        """Learn the clicks whose window closed, converted or not; how many."""
        closed = self.attribution.expire()
        for pending in closed:
            self._learn(pending, pending.converted)
        return len(closed)

    def _learn(self, pending: Pending, converted: bool) -> None:
        self.contest.learn(pending.x, converted, pending.p, pending.p_shadow)
        self.resolved += 1

    # -- what to publish ---------------------------------------------------------------

    def scores(self, now: float) -> list[MatchScore]:
        """The campaigns and creatives whose score moved since the last call."""
        out = []
        for (kind, entity_id), held in self.entity_scores.items():
            if held.changed and held.scores:
                held.changed = False
                out.append(
                    MatchScore(
                        kind=kind,
                        id=entity_id,
                        campaign_id=held.campaign_id,
                        shop_id=held.shop_id,
                        score=round(sum(held.scores) / len(held.scores), 2),
                        clicks=len(held.scores),
                        model=self.contest.champion.version,
                        source=SOURCE,
                        updated_at=now,
                    )
                )
        return out

    def snapshot(self, now: float) -> MatchSnapshot:
        return MatchSnapshot(
            model=self.contest.champion.version,
            weights=self.contest.champion.model.export(),
            base_rate=self.contest.champion.quality.base_rate(),
            fans=self.fans.all(),
            prices=dict(self.prices),
            source=SOURCE,
            updated_at=now,
        )

    def reports(self, now: float, checkpoint: dict[str, str | None]) -> list[ModelReport]:
        out = []
        for role, entry in self.contest.entries():
            figures = QualityFigures.model_validate(entry.quality.report().model_dump())
            out.append(
                ModelReport(
                    **figures.model_dump(),
                    key=f"{entry.version}|{role}|{entry.quality.examples}",
                    model="match",
                    version=entry.version,
                    role=role,
                    title=spec(entry.version).title,
                    pending=len(self.attribution),
                    learned=entry.quality.examples,
                    source=SOURCE,
                    updated_at=now,
                    **checkpoint,
                )
            )
        return out

    def judge(self) -> Switch | None:
        return self.contest.judge()
