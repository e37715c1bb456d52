"""Backtests: replay a rule version, or a draft, over a window of the warehouse's history
through the same pure rule code the workers run, and report what it would have done.

- ``series``: a campaign's (or creative's) minutes as prefix sums, compressed into the
  few minutes a condition's windows need;
- ``budget``: the budget engine and its guardrails, minute by minute, with the impact
  of each pause (spend saved, orders forgone);
- ``risk``: the risk rules order by order (bursts, price deviation, night surge) or
  payment by payment (mismatch), with precision and recall against review labels;
- ``loaders``: the history from the warehouse (aggregated per minute in SQL where it
  pays) and the entities and rule versions from the SQL store;
- ``run``: one backtest of a candidate beside the live version.
"""
