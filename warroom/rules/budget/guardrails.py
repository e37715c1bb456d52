"""A budget rule's guardrails: may its action go ahead on this entity now? (pure)

Checked in this order; every guardrail that blocks is recorded, the first names the
skip:

- ``kill_switch``: the global kill switch is on;
- ``learning``: the entity is younger than ``learning_minutes`` or has fewer than
  ``learning_conversions`` conversions;
- ``min_data``: spend, impressions or clicks below their minimum, read in the
  condition's evidence window (the longest window it reads; ``today`` when it reads
  none);
- ``match_guard``: a pause on ROI alone (``roi_alone``) of an entity whose match
  score is at or above ``match_score_guard``;
- ``cooldown``: the rule acted on the entity less than ``cooldown_s`` ago;
- ``daily_limit``: the rule acted ``max_actions_per_day`` times since the shop-local
  midnight.

The engine adds ``cap_reached`` (a scale with no room below the cap) and ``shadow``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from warroom.rules.budget.body import Guardrails
from warroom.rules.budget.vocabulary import WINDOWS
from warroom.rules.condition import Condition
from warroom.rules.condition.closures import Values

SkipReason = Literal[
    "kill_switch",
    "learning",
    "min_data",
    "match_guard",
    "cooldown",
    "daily_limit",
    "cap_reached",
    "shadow",
    "not_sustained",
]
ActionType = Literal["pause", "scale", "copy"]
#: History entries kept per (rule, entity): enough for any daily limit (at most 100).
KEPT = 100


@dataclass(frozen=True, slots=True)
class Skip:
    """Why an action does not go ahead, with the values that decided it."""

    reason: SkipReason
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class History:
    """When one rule acted on one entity: (epoch seconds, decision key), oldest first.

    An entry is a decision that was applied, or that would have been (shadow mode);
    the entry of the decision being decided again (same key) is not counted, so that
    evaluating twice in one minute gives the same decision.

    >>> History().record(60.0, "k1").record(120.0, "k2").last(excluding="k2")
    60.0
    """

    entries: tuple[tuple[float, str], ...] = ()

    def record(self, at: float, key: str) -> History:
        if any(k == key for _, k in self.entries):
            return self
        return History(tuple(sorted((*self.entries, (at, key))))[-KEPT:])

    def last(self, excluding: str = "") -> float | None:
        times = [t for t, k in self.entries if k != excluding]
        return max(times) if times else None

    def count_since(self, start: float, excluding: str = "") -> int:
        return sum(t >= start and k != excluding for t, k in self.entries)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the guardrails look at for one rule on one entity at ``now`` (epoch s)."""

    key: str
    values: Values
    history: History
    age_s: float
    conversions: int
    match_score: float | None
    kill_switch: bool
    day_start: float
    now: float


def evidence_window(names: tuple[str, ...]) -> str:
    """The longest window among ``names`` (``today`` counts longest), or ``today``.

    >>> evidence_window(("spend_30m", "orders_5m", "target_cpa")), evidence_window(("bid",))
    ('30m', 'today')
    """
    used = {name.rpartition("_")[2] for name in names}
    return max((w for w in WINDOWS if w in used), key=WINDOWS.index, default="today")


def roi_names(condition: Condition) -> tuple[str, ...]:
    return tuple(n for n in condition.names if n.startswith("roi_"))


def roi_alone(condition: Condition, values: Values) -> bool:
    """The condition holds on ROI alone: it reads ROI metrics (``roi_<window>``), and
    with every one of them unknown it would not hold (the rest of its evidence does
    not suffice). A ratio written by hand (``gmv_30m / spend_30m``) is not an ROI metric.

    >>> from warroom.rules.condition import compile_condition
    >>> c = compile_condition("roi_30m < 1 or orders_30m == 0", {"roi_30m", "orders_30m"})
    >>> roi_alone(c, {"roi_30m": 0.4, "orders_30m": 3}), roi_alone(c, {"roi_30m": 0.4,
    ...                                                                "orders_30m": 0})
    (True, False)
    """
    names = roi_names(condition)
    if not names:
        return False
    without = {**values, **dict.fromkeys(names)}
    return condition.evaluate(without) is not True


def _number(x: object) -> float:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else 0.0


def _kill_switch(g: Guardrails, c: Condition, a: ActionType, f: Facts) -> Skip | None:
    return Skip("kill_switch", {"kill_switch": True}) if f.kill_switch else None


def _learning(g: Guardrails, c: Condition, a: ActionType, f: Facts) -> Skip | None:
    age_min = round(f.age_s / 60, 1)
    if f.age_s < g.learning_minutes * 60:
        return Skip("learning", {"age_min": age_min, "learning_minutes": g.learning_minutes})
    if f.conversions < g.learning_conversions:
        limit = {"learning_conversions": g.learning_conversions}
        return Skip("learning", {"conversions": f.conversions, **limit})
    return None


def _min_data(g: Guardrails, c: Condition, a: ActionType, f: Facts) -> Skip | None:
    w = evidence_window(c.names)
    for metric in ("spend", "impressions", "clicks"):
        least, seen = getattr(g, f"min_{metric}"), f.values.get(f"{metric}_{w}")
        if least > 0 and _number(seen) < least:
            return Skip("min_data", {f"{metric}_{w}": seen, f"min_{metric}": least})
    return None


def _match_guard(g: Guardrails, c: Condition, a: ActionType, f: Facts) -> Skip | None:
    guard, score = g.match_score_guard, f.match_score
    if a != "pause" or guard is None or score is None or score < guard:
        return None
    if not roi_alone(c, f.values):
        return None
    rois = {name: f.values.get(name) for name in roi_names(c)}
    return Skip("match_guard", {"match_score": score, "match_score_guard": guard, **rois})


def _cooldown(g: Guardrails, c: Condition, a: ActionType, f: Facts) -> Skip | None:
    last = f.history.last(excluding=f.key)
    if last is None or f.now - last >= g.cooldown_s:
        return None
    return Skip(
        "cooldown", {"last_action_s_ago": round(f.now - last, 3), "cooldown_s": g.cooldown_s}
    )


def _daily_limit(g: Guardrails, c: Condition, a: ActionType, f: Facts) -> Skip | None:
    done = f.history.count_since(f.day_start, excluding=f.key)
    if done < g.max_actions_per_day:
        return None
    return Skip(
        "daily_limit", {"actions_today": done, "max_actions_per_day": g.max_actions_per_day}
    )


CHECKS = (_kill_switch, _learning, _min_data, _match_guard, _cooldown, _daily_limit)


def blocking(g: Guardrails, condition: Condition, action: ActionType, facts: Facts) -> list[Skip]:
    """Every guardrail that blocks the action, in the order checked (empty: clear)."""
    return [s for check in CHECKS if (s := check(g, condition, action, facts)) is not None]


def check(g: Guardrails, condition: Condition, action: ActionType, facts: Facts) -> Skip | None:
    """None when the action may go ahead, else the first guardrail that blocks it."""
    for guard in CHECKS:
        skip = guard(g, condition, action, facts)
        if skip is not None:
            return skip
    return None


def state(facts: Facts, skips: list[Skip]) -> dict[str, Any]:
    """The guardrail state a decision records: what blocked it and what was looked at."""
    last = facts.history.last(excluding=facts.key)
    return {
        "clear": not skips,
        "blocked_by": [s.reason for s in skips],
        "checks": {s.reason: s.values for s in skips},
        "kill_switch": facts.kill_switch,
        "age_min": round(facts.age_s / 60, 1),
        "conversions": facts.conversions,
        "match_score": facts.match_score,
        "actions_today": facts.history.count_since(facts.day_start, excluding=facts.key),
        "last_action_s_ago": None if last is None else round(facts.now - last, 3),
    }
