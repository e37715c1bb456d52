"""A saved condition: parsed, checked and compiled once, then evaluated per event."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from warroom.rules.condition.check import Kind, check, vocabulary
from warroom.rules.condition.closures import TruthFn, Values
from warroom.rules.condition.compile import compile_truth
from warroom.rules.condition.nodes import Name, Node, walk
from warroom.rules.condition.parser import parse
from warroom.rules.condition.unparse import unparse


@dataclass(frozen=True, slots=True)
class Condition:
    """A valid condition; call it with the current values to get True or False.

    ``names`` are the names it reads, in order of first appearance; ``kinds`` their
    kinds. Pickling recompiles it from its source.
    """

    source: str
    names: tuple[str, ...]
    kinds: tuple[Kind, ...] = field(repr=False)
    node: Node = field(repr=False)
    test: TruthFn = field(repr=False, compare=False)

    def __call__(self, values: Values) -> bool:
        """True when the condition holds; False when it does not or is unknown."""
        return self.test(values) is True

    def evaluate(self, values: Values) -> bool | None:
        """True, False, or None when missing data leaves the condition unknown."""
        return self.test(values)

    def explain(self, values: Values) -> dict[str, float | int | bool | None]:
        """The values of the names it reads, as given (None when absent): the
        observed values a decision records."""
        return {name: values.get(name) for name in self.names}

    @property
    def canonical(self) -> str:
        """The source in canonical form (spacing, minimal parentheses)."""
        return unparse(self.node)

    def __reduce__(self) -> tuple[Any, ...]:
        return compile_condition, (self.source, dict(zip(self.names, self.kinds, strict=True)))


def compile_condition(
    source: str, metrics: Collection[str] | Mapping[str, Kind | str]
) -> Condition:
    """Parse ``source``, check it against the known names and compile it.

    ``metrics`` holds the known names: a collection of numeric names, or a mapping
    from name to ``Kind`` when some are true/false. Raises ConditionError.

    >>> fast_stop = compile_condition("spend_30m >= 2 * target_cpa and orders_30m == 0",
    ...                               {"spend_30m", "target_cpa", "orders_30m"})
    >>> fast_stop({"spend_30m": 620.0, "target_cpa": 300, "orders_30m": 0})
    True
    >>> fast_stop.explain({"spend_30m": 620.0, "orders_30m": 0})
    {'spend_30m': 620.0, 'target_cpa': None, 'orders_30m': 0}
    """
    node = parse(source)
    known = vocabulary(metrics)
    check(node, known)
    names = tuple(dict.fromkeys(n.id for n, _ in walk(node) if isinstance(n, Name)))
    kinds = tuple(known[name] for name in names)
    return Condition(source, names, kinds, node, compile_truth(node, known))
