"""The evaluation as tables a person reads (Markdown, so the README can show them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _cell(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.2f}" if abs(x) >= 100 else f"{x:.3g}" if x < 1 else f"{x:.2f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


KIND_HEADER = (
    "attack",
    "attacks",
    "detected",
    "order recall",
    "detected after (sim s, p50)",
    "verdict latency p50 / max (ms)",
)


def risk_tables(risk: dict[str, Any]) -> str:
    overall = risk["overall"]
    rules = table(
        ("rule", "flagged orders", "precision", "recall", "meant to catch"),
        [
            (f"`{rule}`", r["flagged_orders"], r["precision"], r["recall"], ", ".join(r["targets"]))
            for rule, r in risk["rules"].items()
        ]
        + [
            (
                "**all rules**",
                overall["flagged_orders"],
                overall["precision"],
                overall["recall"],
                "",
            )
        ],
    )
    kinds = table(KIND_HEADER,
        [
            (
                name, a["attacks"], a["detected"], a["order_recall"], a["detect_sim_s_p50"],
                f"{_cell(a['latency_ms_p50'])} / {_cell(a['latency_ms_max'])}",
            )
            for name, a in risk["attacks"].items()
        ],
    )  # fmt: skip
    why = ", ".join(f"{rule} {n}" for rule, n in overall.get("false_holds_by_rule", {}).items())
    holds = (
        f"False holds: {overall['false_holds']} of {risk['normal_orders']:,} normal orders "
        f"({_cell(overall['false_holds_per_10k'])} per 10,000)"
        + (f"; by rule: {why}." if why else ".")
    )
    return f"{rules}\n\n{kinds}\n\n{holds}"


def budget_table(budget: dict[str, Any]) -> str:
    names = {
        "none": "no automation",
        "sankuai_1m": "三快 rules, every minute (warroom)",
        "every_30m": "the same rules every 30 min",
    }
    rows = []
    for key, p in budget["policies"].items():
        acts = ", ".join(f"{n} {k}" for k, n in p["actions"].items()) or "–"
        rows.append(
            (
                names.get(key, key),
                p["spend"],
                p["wasted_spend"],
                p["gmv"],
                p["orders"],
                p["roi"],
                acts,
            )
        )
    return table(
        ("policy", "spend ¥", "wasted ¥ (true ROI < 1)", "GMV ¥", "orders", "ROI", "actions"), rows
    )


def render(result: dict[str, Any]) -> str:
    parts = [f"warroom eval · seed {result['seed']} · {result['mode']}"]
    if "risk" in result:
        r = result["risk"]
        parts.append(
            f"\nRisk: {r['events']:,} events over {r['hours']:g} simulated hours, sent to a real "
            f"worker in {r['seconds']:.0f} s; {r['verdicts']:,} verdicts\n\n{risk_tables(r)}"
        )
        if r["events_taken_in"] < r["events"]:
            parts.append(
                f"\nPARTIAL: the worker took in {r['events_taken_in']:,} of {r['events']:,} "
                "events before the time limit; later verdicts are missing."
            )
    if "budget" in result:
        b = result["budget"]
        parts.append(
            f"\nBudget: {b['hours']:g} simulated hours from {b['from']} shop time\n\n"
            f"{budget_table(b)}"
        )
    return "\n".join(parts)
