"""Backtests: replay a rule version, or a draft, over a window of the warehouse's history
through the same pure rule code the workers run, and report what it would have done.

- ``series``: a campaign's (or creative's) minutes as prefix sums, compressed into the
  few minutes a condition's windows need;
- ``budget``: the budget engine and its guardrails, minute by minute, with the impact
  of each pause (spend saved, orders forgone);
- ``risk``: the order rules order by order (bursts, price deviation, and night surge as
  the reference for ``night``, its vectorised replay);
- ``payments``: the payment rules (mismatch, unknown order, duplicate id, failures);
- ``refunds``: refund spikes; ``verdicts``: score thresholds over recorded verdicts;
- ``kinds``: which kinds are replayed, and why the others cannot be;
- ``loaders``, ``payment_history``: the history from the warehouse (aggregated or
  filtered in SQL where it pays); ``plan``: the rule versions from the SQL store;
- ``history``: what each risk kind loads and replays; ``report``: the summaries, with
  precision and recall against review labels;
- ``run``: one backtest of a candidate beside the live version.
"""
