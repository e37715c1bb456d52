"""``warroom eval --quick`` as a user runs it: a real worker judges a simulated stream with
every kind of attack, the budget policies are compared, a table is printed and the JSON
holds every figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_quick_eval_runs_end_to_end_and_reports_every_figure(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "warroom", "eval", "--quick", "--json", str(tmp_path / "eval.json")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert time.monotonic() - began < 180  # about 40 s on an idle machine
    assert "| `risk.same_ip_burst` |" in done.stdout and "no automation" in done.stdout

    result = json.loads((tmp_path / "eval.json").read_text())
    risk = result["risk"]
    assert risk["events_taken_in"] == risk["events"]  # the worker took in the whole stream
    burst = risk["rules"]["risk.same_ip_burst"]
    assert burst["target_orders"] > 0 and burst["recall"] > 0.8 and burst["precision"] > 0.8
    assert (
        risk["attacks"]["ip_burst.fast"]["detected"] == risk["attacks"]["ip_burst.fast"]["attacks"]
    )
    assert risk["attacks"]["ip_burst.slow_over"]["detected"] > 0
    assert risk["attacks"]["ip_burst.slow_under"]["detected"] == 0  # under the threshold
    for rule in ("risk.price_deviation", "risk.payment_mismatch", "risk.unknown_order_payment"):
        assert risk["rules"][rule]["recall"] > 0.5, rule
    assert risk["overall"]["false_holds_per_10k"] is not None
    assert risk["attacks"]["ip_burst.fast"]["latency_ms_p50"] > 0

    policies = result["budget"]["policies"]
    assert set(policies) == {"none", "sankuai_1m", "every_30m"}
    for figures in policies.values():
        assert {"spend", "wasted_spend", "gmv", "orders", "roi"} <= set(figures)
    assert policies["sankuai_1m"]["wasted_spend"] < policies["none"]["wasted_spend"]


def test_simulate_saves_a_stream_with_its_ground_truth(tmp_path: Path) -> None:
    from warroom.sim.files import load

    path = tmp_path / "day.ndjson"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    args = ["simulate", "--save", str(path), "--hours", "3", "--events", "5000", "--seed", "4"]
    done = subprocess.run(
        [sys.executable, "-m", "warroom", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    stream = load(path)
    assert 4000 < len(stream.events) < 6500 and stream.meta["seed"] == 4
    assert {a["kind"] for a in stream.attacks} >= {"ip_burst", "payment_mismatch", "night_surge"}
