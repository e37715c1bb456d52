"""The budget-rule condition language: what an ad buyer writes after "when".

A condition is checked when it is saved (``compile_condition``) and then evaluated
per event by nested closures, never by Python's ``eval``.

>>> metrics = {"spend_30m", "orders_30m", "target_cpa", "ctr_5m", "impressions_5m"}
>>> fast_stop = compile_condition("spend_30m >= 2 * target_cpa and orders_30m == 0", metrics)
>>> fast_stop({"spend_30m": 620.0, "target_cpa": 300.0, "orders_30m": 0})
True
>>> fast_stop({"spend_30m": 620.0, "orders_30m": 0})  # no target CPA: no data, no hit
False
>>> try:
...     compile_condition("ctr_5m < 0.01 and impresions_5m >= 5000", metrics)
... except ConditionError as err:
...     print(err.message)
...     print(err.caret("ctr_5m < 0.01 and impresions_5m >= 5000"))
unknown metric 'impresions_5m'; did you mean 'impressions_5m'?
ctr_5m < 0.01 and impresions_5m >= 5000
                  ^~~~~~~~~~~~~

Syntax, loosest binding first::

    condition  = or
    or         = and { "or" and }
    and        = not { "and" not }
    not        = "not" not | comparison
    comparison = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
    sum        = product { ("+" | "-") product }
    product    = unary { ("*" | "/") unary }
    unary      = "-" unary | primary
    primary    = number | "true" | "false" | name | function "(" [ or { "," or } ] ")"
               | "(" or ")"

- numbers: ``5000``, ``5_000``, ``0.01``, ``1e3``, ``1.5e-3`` (a leading digit is needed);
- names: ``[a-z_][a-z0-9_]*``, the known metrics and entity fields; keywords (``and
  or not true false``) are lower case;
- functions: ``abs(x)``, ``min(a, b, ...)``, ``max(a, b, ...)``;
- comparisons do not chain: ``a < b < c`` is an error, write ``a < b and b < c``;
- at most 2,000 characters and 50 levels of nesting: parentheses, calls, ``not``,
  unary ``-`` and every operator count, so ``a or b or c`` is 3 levels deep.

Kinds, checked when saved: every expression is a number or true/false. Arithmetic,
ordering (``< <= > >=``), functions and unary ``-`` take numbers; ``and or not``
take true/false; ``== !=`` compare two numbers or two true/false values. The whole
condition must be true/false. Names are numbers unless declared true/false.

Evaluation, with ``None`` standing for "unknown":

- a name whose value is absent, None, NaN, infinite or of the wrong kind is unknown;
- arithmetic, comparisons and functions with an unknown operand are unknown;
- ``x / 0`` is unknown, like any arithmetic that overflows (as a CPA without
  orders has no value);
- ``and``, ``or``, ``not`` follow Kleene logic, as SQL does: ``false and unknown``
  is false, ``true or unknown`` is true, ``not unknown`` is unknown;
- a condition that is unknown as a whole does not hold: ``Condition(values)`` is
  False (``Condition.evaluate`` tells False and unknown apart). Evaluation never
  raises.

>>> guard = compile_condition("not (roi_15m < 1) or match_score >= 75",
...                           {"roi_15m", "match_score"})
>>> guard.evaluate({"roi_15m": None, "match_score": 80}), guard.evaluate({"roi_15m": None})
(True, None)
"""

from warroom.rules.condition.check import FUNCTIONS, Kind
from warroom.rules.condition.condition import Condition, compile_condition
from warroom.rules.condition.errors import ConditionError
from warroom.rules.condition.lexer import MAX_LENGTH
from warroom.rules.condition.nodes import Node
from warroom.rules.condition.parser import MAX_DEPTH, parse
from warroom.rules.condition.unparse import unparse

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Condition",
    "ConditionError",
    "Kind",
    "Node",
    "compile_condition",
    "parse",
    "unparse",
]
