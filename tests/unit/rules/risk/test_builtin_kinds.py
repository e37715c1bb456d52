"""The risk rules beyond the IP burst as rule kinds: built-in, typed and bounded, validated
with the field path of the first problem, and live in every worker's default rulebook."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.errors import InvalidEntity
from warroom.rules.registry import BUILTIN, KINDS
from warroom.rules.rulebook import Rulebook

NEW = {
    "risk.same_device_burst": ("same_device_burst", "enforce"),
    "risk.same_user_burst": ("same_user_burst", "enforce"),
    "risk.price_deviation": ("price_deviation", "enforce"),
    "risk.night_surge": ("night_surge", "shadow"),
    "risk.payment_failures": ("payment_failures", "enforce"),
}


def test_every_new_rule_is_built_in_and_live_from_the_start() -> None:
    builtin = {rule_id: (kind, mode) for rule_id, kind, mode in BUILTIN}
    book = Rulebook()

    for rule_id, (kind, mode) in NEW.items():
        assert builtin[rule_id] == (kind, mode)
        live = book.current(rule_id)
        assert (live.version, live.mode) == (1, mode)
        assert live.params == KINDS[kind].params()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("same_device_burst", {"max_orders": 0}, "draft.params.max_orders"),
        ("same_user_burst", {"window_s": 7200}, "draft.params.window_s"),
        ("price_deviation", {"max_below_pct": 0}, "draft.params.max_below_pct"),
        ("price_deviation", {"max_ratio": 1}, "draft.params.max_ratio"),
        ("night_surge", {"factor": 0.5}, "draft.params.factor"),
        ("night_surge", {"start": "25:00"}, "draft.params.start"),
        ("night_surge", {"start": "03:00", "end": "03:00"}, "draft.params"),
        ("payment_failures", {"max_failures": 0}, "draft.params.max_failures"),
        ("payment_failures", {"velocity": 3}, "draft.params.velocity"),
    ],
)
def test_out_of_bounds_parameters_are_refused_naming_the_field(
    kind: str, params: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidEntity) as refused:
        KINDS[kind].validate({"mode": "shadow", "params": params})

    assert refused.value.field == field


def test_a_valid_body_comes_back_canonical_with_defaults_filled_in() -> None:
    body = KINDS["night_surge"].validate({"params": {"start": "01:30", "factor": 4}})

    assert body == {
        "mode": "shadow",
        "params": {
            "start": "01:30:00",
            "end": "04:00:00",
            "factor": 4.0,
            "min_orders": 20,
            "score": 30.0,
        },
    }
    mode, params = KINDS["night_surge"].parse(body)
    assert mode == "shadow" and params == KINDS["night_surge"].params.model_validate(  # type: ignore[union-attr]
        body["params"]
    )
