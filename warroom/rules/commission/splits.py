"""Commission splits: a paid order's commission pool (``pool_rate`` × the amount paid)
shared among up to 6 levels with configurable shares (e.g. creator 50 %, distributor 30 %,
brand 20 %). Each level names its party: the order's creator, its shop (the brand), or
one of its referrers (the distribution chain, nearest first). A level whose party the
order lacks is not paid. Pure; money is exact (``Decimal``, 0.0001 CNY, the last paid
level takes the rounding so the lines sum to the shares they cover).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from warroom.rules.base import RuleParams

RULE_ID = "commission.splits"
MAX_LEVELS = 6
UNIT = Decimal("0.0001")
Party = Literal[
    "creator", "shop", "referrer_1", "referrer_2", "referrer_3", "referrer_4", "referrer_5"
]


class Level(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1, max_length=32, description="e.g. creator, distributor, brand")
    party: Party = Field(description="who the level pays: the order's creator, shop or referrer")
    share: Decimal = Field(gt=0, le=1, max_digits=6, decimal_places=4)


def _default_levels() -> tuple[Level, ...]:
    return (
        Level(role="creator", party="creator", share=Decimal("0.5")),
        Level(role="distributor", party="referrer_1", share=Decimal("0.3")),
        Level(role="brand", party="shop", share=Decimal("0.2")),
    )


class Params(RuleParams):
    pool_rate: Decimal = Field(
        Decimal("0.2"), ge=0, le=1, max_digits=6, decimal_places=4,
        description="the commission pool as a share of the amount paid",
    )  # fmt: skip
    levels: tuple[Level, ...] = Field(
        default_factory=_default_levels, min_length=1, max_length=MAX_LEVELS
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Params:
        total = sum((level.share for level in self.levels), Decimal(0))
        if total != 1:
            raise ValueError(f"the levels' shares must sum to 1, not {total}")
        return self


@dataclass(frozen=True, slots=True)
class PaidOrder:
    order_id: str
    shop_id: str
    paid: Decimal  # the amount paid (successful payments, at most the order amount)
    creator_id: str | None = None
    referrers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Line:
    """One level's commission on one order."""

    level: int  # 1-based
    role: str
    party_id: str
    share: Decimal
    amount: Decimal


def party_of(order: PaidOrder, party: Party) -> str | None:
    if party == "creator":
        return order.creator_id
    if party == "shop":
        return order.shop_id
    index = int(party.rsplit("_", 1)[1]) - 1
    return order.referrers[index] if index < len(order.referrers) else None


def split(order: PaidOrder, params: Params) -> list[Line]:
    """The commission lines of a paid order.

    >>> lines = split(PaidOrder("o1", "s1", Decimal("100"), "cr1", ("d1",)), Params())
    >>> [(line.role, line.party_id, str(line.amount)) for line in lines]
    [('creator', 'cr1', '10.0000'), ('distributor', 'd1', '6.0000'), ('brand', 's1', '4.0000')]
    """
    pool = order.paid * params.pool_rate
    payable = [
        (n, level, party)
        for n, level in enumerate(params.levels, start=1)
        if (party := party_of(order, level.party))
    ]
    covered = sum((level.share for _, level, _ in payable), Decimal(0))
    total = (pool * covered).quantize(UNIT, ROUND_DOWN)
    lines, given = [], Decimal(0)
    for k, (n, level, party) in enumerate(payable):
        last = k == len(payable) - 1
        amount = total - given if last else (pool * level.share).quantize(UNIT, ROUND_DOWN)
        given += amount
        lines.append(Line(n, level.role, party, level.share, amount))
    return lines
