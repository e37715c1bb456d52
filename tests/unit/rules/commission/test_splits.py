"""Commission splits: a paid order's pool shared among up to 6 levels with the rulebook's
shares, exact to 0.0001 CNY, a level without its party unpaid; shares are validated."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.errors import InvalidEntity
from warroom.rules.commission.splits import Level, PaidOrder, Params, split
from warroom.rules.registry import KINDS

ORDER = PaidOrder("o1", "shop-1", Decimal("99.90"), "creator-7", ("d1", "d2"))


def amounts(order: PaidOrder, params: Params) -> list[tuple[str, str, Decimal]]:
    return [(line.role, line.party_id, line.amount) for line in split(order, params)]


def test_creator_distributor_brand() -> None:
    assert amounts(ORDER, Params()) == [
        ("creator", "creator-7", Decimal("9.9900")),
        ("distributor", "d1", Decimal("5.9940")),
        ("brand", "shop-1", Decimal("3.9960")),
    ]


def test_six_levels_down_the_distribution_chain() -> None:
    shares = ["0.3", "0.2", "0.2", "0.1", "0.1", "0.1"]
    parties = ["creator", "referrer_1", "referrer_2", "referrer_3", "referrer_4", "shop"]
    levels = [
        Level(role=f"l{n}", party=p, share=Decimal(s))  # type: ignore[arg-type]
        for n, (p, s) in enumerate(zip(parties, shares, strict=True))
    ]
    params = Params(pool_rate=Decimal("0.1"), levels=tuple(levels))
    order = PaidOrder("o2", "s", Decimal("1000"), "c", ("r1", "r2", "r3", "r4"))

    got = amounts(order, params)

    assert [p for _, p, _ in got] == ["c", "r1", "r2", "r3", "r4", "s"]
    assert [a for _, _, a in got] == [Decimal(v) for v in ("30", "20", "20", "10", "10", "10")]


def test_a_level_without_its_party_is_not_paid() -> None:
    alone = PaidOrder("o3", "shop-1", Decimal("100"), None, ())

    assert amounts(alone, Params()) == [("brand", "shop-1", Decimal("4.0000"))]


@given(
    paid=st.decimals(min_value=0, max_value=100_000, places=2),
    rate=st.decimals(min_value=0, max_value=1, places=3),
    cut=st.integers(1, 999),
)
def test_lines_sum_exactly_and_never_exceed_the_pool(
    paid: Decimal, rate: Decimal, cut: int
) -> None:
    first = Decimal(cut) / 1000
    levels = (
        Level(role="creator", party="creator", share=first),
        Level(role="brand", party="shop", share=1 - first),
    )
    order = PaidOrder("o", "s", paid, "c")
    lines = split(order, Params(pool_rate=rate, levels=levels))

    total = sum((line.amount for line in lines), Decimal(0))
    assert total == (paid * rate).quantize(Decimal("0.0001"), "ROUND_DOWN")
    assert all(line.amount >= 0 for line in lines)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"levels": [{"role": "creator", "party": "creator", "share": "0.5"}]}, "draft.params"),
        (
            {"levels": [{"role": "x", "party": "creator", "share": "0.1"}] * 7},
            "draft.params.levels",
        ),
        (
            {"levels": [{"role": "x", "party": "referrer_9", "share": "1"}]},
            "draft.params.levels.0.party",
        ),
        ({"pool_rate": "1.5"}, "draft.params.pool_rate"),
    ],
)
def test_bad_splits_are_refused_naming_the_field(params: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidEntity) as err:
        KINDS["commission_splits"].validate({"mode": "enforce", "params": params})
    assert err.value.field == field
