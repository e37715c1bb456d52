"""RunningMean: the SKU's average unit price, seeded from history, kept up to date per order."""

from __future__ import annotations

import math
from statistics import fmean

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.rules.risk.price_stats import RunningMean

PRICES = st.floats(0, 100_000, allow_nan=False)


def fed(samples: list[float], start: RunningMean | None = None) -> RunningMean:
    state = start or RunningMean()
    for x in samples:
        state = state.add(x)
    return state


@pytest.mark.parametrize(
    ("case", "state", "mean", "count"),
    [
        ("nothing seen", RunningMean(), 0.0, 0),
        ("one price", fed([59.9]), 59.9, 1),
        ("plain mean", fed([10, 20, 30, 40]), 25.0, 4),
        (
            "seeded from 3 historical orders at 100, then 80",
            fed([80], RunningMean.seeded(100, 3)),
            95.0,
            4,
        ),
        ("an empty seed is no seed", fed([42], RunningMean.seeded(999, 0)), 42.0, 1),
        ("decay 0.5 leans to the newest", fed([10, 20], RunningMean(decay=0.5)), 50 / 3, 2),
    ],
)
def test_running_mean_on_a_table_of_price_streams(
    case: str, state: RunningMean, mean: float, count: int
) -> None:
    assert state.mean == pytest.approx(mean), case
    assert state.count == count, case


def test_adding_returns_a_new_state_and_keeps_the_old() -> None:
    before = RunningMean.seeded(100, 10)
    after = before.add(50)
    assert (before.mean, before.count) == (100, 10)
    assert after.count == 11


def test_a_decayed_seed_weighs_what_as_many_equal_samples_would() -> None:
    seeded = RunningMean.seeded(100, 30, decay=0.9)
    replayed = fed([100.0] * 30, RunningMean(decay=0.9))
    assert seeded.weight == pytest.approx(replayed.weight)
    assert seeded.add(10).mean == pytest.approx(replayed.add(10).mean)


@pytest.mark.parametrize(
    "bad",
    [
        {"decay": 0.0},
        {"decay": 1.5},
        {"decay": math.nan},
        {"count": -1},
        {"weight": -1.0},
        {"weight": math.nan},
        {"mean": math.inf},
    ],
)
def test_impossible_states_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (the message names the field)
        RunningMean(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("sample", [math.nan, math.inf, -math.inf])
def test_a_non_finite_price_is_refused(sample: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        RunningMean().add(sample)


# -- properties -------------------------------------------------------------------------------


@given(st.lists(PRICES, min_size=1, max_size=60))
def test_without_decay_it_is_the_plain_mean(samples: list[float]) -> None:
    state = fed(samples)
    assert state.count == len(samples) == state.weight
    assert state.mean == pytest.approx(fmean(samples), rel=1e-9, abs=1e-6)


@given(st.lists(PRICES, min_size=1, max_size=40), st.lists(PRICES, max_size=40))
def test_a_seed_stands_for_its_history(history: list[float], stream: list[float]) -> None:
    seeded = fed(stream, RunningMean.seeded(fmean(history), len(history)))
    assert seeded.count == len(history) + len(stream)
    assert seeded.mean == pytest.approx(fmean(history + stream), rel=1e-9, abs=1e-6)


@given(st.lists(PRICES, min_size=1, max_size=80), st.floats(0.01, 0.999))
def test_a_decayed_mean_stays_within_the_prices_and_its_memory(
    samples: list[float], decay: float
) -> None:
    state = fed(samples, RunningMean(decay=decay))
    assert min(samples) - 1e-6 <= state.mean <= max(samples) + 1e-6
    assert 1 <= state.weight <= 1 / (1 - decay) + 1e-9
    assert state.count == len(samples)
