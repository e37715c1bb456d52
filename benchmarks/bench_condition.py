"""Budget-rule conditions: compiled closures against a naive tree-walking interpreter.

    .venv/bin/python benchmarks/bench_condition.py [--seconds S]

Both evaluate the same parsed condition with the same semantics (unknown values,
Kleene logic) over the same rotating set of metric snapshots; the naive one walks
the syntax tree with ``match`` on every call. Prints evaluations per second and the
ratio, measured side by side in one run.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

from warroom.rules.condition import compile_condition, parse
from warroom.rules.condition.nodes import (
    Arith,
    Boolean,
    Call,
    Compare,
    Logic,
    Name,
    Negate,
    Node,
    Not,
    Number,
)

CONDITIONS = (
    "spend_30m >= 2 * target_cpa and orders_30m == 0",
    "ctr_5m < 0.01 and impressions_5m >= 5000",
    "roi_15m >= 1.2 * target_roi and orders_15m >= 5",
)
NAMES = (
    "spend_30m",
    "target_cpa",
    "orders_30m",
    "ctr_5m",
    "impressions_5m",
    "roi_15m",
    "target_roi",
    "orders_15m",
)
ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def naive(node: Node, values: Mapping[str, Any]) -> Any:
    """Walk the tree on every call; same results as the compiled closures."""
    match node:
        case Number(value=v) | Boolean(value=v):
            return v
        case Name(id=name):
            x = values.get(name)
            ok = isinstance(x, int | float) and math.isfinite(x)
            return x if ok else None
        case Negate(operand=o):
            a = naive(o, values)
            return None if a is None else -a
        case Not(operand=o):
            a = naive(o, values)
            return None if a is None else not a
        case Arith(op=op, left=left, right=right):
            a, b = naive(left, values), naive(right, values)
            if a is None or b is None or (op == "/" and b == 0):
                return None
            x = ARITH[op](a, b)
            return x if math.isfinite(x) else None
        case Compare(op=op, left=left, right=right):
            a, b = naive(left, values), naive(right, values)
            return None if a is None or b is None else COMPARE[op](a, b)
        case Logic(op=op, left=left, right=right):
            return kleene(op, naive(left, values), naive(right, values))
        case Call(func=func, args=args):
            xs = [naive(arg, values) for arg in args]
            return None if None in xs else {"abs": abs, "min": min, "max": max}[func](*xs)
    raise TypeError(node)


def kleene(op: str, a: bool | None, b: bool | None) -> bool | None:
    if op == "and":
        return False if False in (a, b) else (None if None in (a, b) else True)
    return True if True in (a, b) else (None if None in (a, b) else False)


def snapshots(n: int, seed: int = 7) -> list[dict[str, float | int | None]]:
    """Plausible live metrics, some missing, so every branch is taken."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        row: dict[str, float | int | None] = {
            "spend_30m": rng.uniform(0, 1200),
            "target_cpa": rng.choice([300.0, 250.0, None]),
            "orders_30m": rng.choice([0, 0, 1, 3]),
            "ctr_5m": rng.uniform(0, 0.03),
            "impressions_5m": rng.randrange(0, 20_000),
            "roi_15m": rng.uniform(0, 4),
            "target_roi": 2.0,
            "orders_15m": rng.randrange(0, 12),
        }
        out.append(row)
    return out


def rate(
    evaluate: Callable[[dict[str, Any]], object], rows: list[dict[str, Any]], s: float
) -> float:
    """Evaluations per second over at least ``s`` seconds (best of 3 rounds)."""
    best = 0.0
    for _ in range(3):
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < s / 3:
            for row in rows:
                evaluate(row)
            count += len(rows)
        best = max(best, count / elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="per condition and variant")
    args = parser.parse_args()
    rows = snapshots(1000)
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), ", end="")
    print(f"{len(rows)} metric snapshots, best of 3 rounds, {args.seconds:.1f} s per cell")
    print(f"{'condition':<50} {'compiled/s':>12} {'naive/s':>10} {'ratio':>6}")
    for source in CONDITIONS:
        condition, tree = compile_condition(source, NAMES), parse(source)
        for row in rows:  # same answers before timing anything
            if condition(row) != (naive(tree, row) is True):
                raise SystemExit(f"results differ on {source!r} for {row}")
        fast = rate(condition, rows, args.seconds)
        slow = rate(lambda values, tree=tree: naive(tree, values) is True, rows, args.seconds)
        print(f"{source:<50} {fast:>12,.0f} {slow:>10,.0f} {fast / slow:>5.1f}x")


if __name__ == "__main__":
    main()
