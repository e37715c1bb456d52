"""The side-by-side benchmarks still run, in a tiny quick mode, and print what they promise:
a row per variant and the ratios warroom ÷ each (``benchmarks/README.md``)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
HAS_QUIX = importlib.util.find_spec("quixstreams") is not None


def bench(script: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``benchmarks/<script>`` as a user would; fail with its output if it fails."""
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}"
    return proc


def rate(stdout: str, label: str, from_end: int) -> float:
    """The events/s column (``from_end`` columns from the right) of the row for ``label``."""
    row = next(line for line in stdout.splitlines() if line.startswith(label))
    return float(row.split()[-from_end].replace(",", ""))


def peer_rate(stdout: str, label: str) -> float:
    return rate(stdout, label, 5)  # events/s, worker CPU, events/CPU-s, broker CPU, startup


def test_bench_peers_measures_warroom_next_to_the_naive_faust_and_quix_peers() -> None:
    only = "warroom,naive,quix" if HAS_QUIX else "warroom,naive"
    out = bench("bench_peers.py", "--events", "1000", "--only", only).stdout
    assert peer_rate(out, "warroom serve") > 0
    assert peer_rate(out, "naive Faust per event") > 0
    assert "ratio warroom ÷ naive Faust per event" in out
    # the naive peer implements the same IP-burst rule: as many verdicts as warroom's rule
    said = re.search(r"naive Faust.*: ([\d,]+) verdicts sent .*rule gives ([\d,]+)\)", out)
    assert said and said.group(1) == said.group(2), out
    if HAS_QUIX:
        assert peer_rate(out, "Quix Streams") > 0
        assert "ratio warroom ÷ Quix Streams" in out
    assert "load average at the end" in out


def test_bench_api_ingests_every_event_and_answers_every_crud_request() -> None:
    args = ["--events", "200", "--requests", "20", "--min-requests", "3"]
    out = bench("bench_api.py", *args, "--crud", "10", "--concurrency", "2").stdout
    for size in ("1", "100", "1,000"):
        # events/s, p50, p99, server, broker and client CPU
        assert rate(out, f"POST /v1/events/orders, {size} a request", 6) > 0
    assert "ratio POST /v1/events/orders, 1,000 a request ÷" in out
    assert "PATCH /v1/campaigns/{id}" in out
    assert "FAILED" not in out


def test_warroom_bench_runs_the_chosen_benchmark_and_refuses_an_unknown_one() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "warroom", "bench", "condition", "--seconds", "0.05"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    assert "== bench_condition.py --seconds 0.05" in ran.stdout
    assert "compiled/s" in ran.stdout
    small = [sys.executable, "-m", "warroom", "bench", "checkpoints", "--sizes", "300"]
    checkpoints = subprocess.run([*small, "--rounds", "1"], capture_output=True, text=True)
    assert checkpoints.returncode == 0, checkpoints.stderr
    for name in ("payments", "commissions"):  # dump: today ms, pickled ms, ratio
        dump = next(line for line in checkpoints.stdout.splitlines() if line.startswith(name))
        assert float(dump.split()[2]) > 0 and dump.split()[4].endswith("x")
    refused = subprocess.run(
        [sys.executable, "-m", "warroom", "bench", "nosuch"], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "invalid choice" in refused.stderr
    ambiguous = subprocess.run(
        [sys.executable, "-m", "warroom", "bench", "all", "--events", "5"],
        capture_output=True,
        text=True,
    )
    assert ambiguous.returncode == 2 and "one benchmark's name" in ambiguous.stderr
