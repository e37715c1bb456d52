"""Reports computed live from the warehouse: traffic, profit and risk.

Each report module is pure: it builds SQL from ``Filters`` (``filters.py``) and shapes
the rows that come back. ``run`` sends the queries to a warehouse (in its thread, never
on the event loop) and returns a ``Report``; ``export.to_csv`` writes one as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from warroom.store.warehouse.base import Warehouse
from warroom.store.warehouse.reports import profit, risk, traffic
from warroom.store.warehouse.reports.filters import Filters
from warroom.store.warehouse.reports.profit import FeeRates

Name = Literal["traffic", "profit", "risk"]
__all__ = ["FeeRates", "Filters", "Name", "Report", "run"]


@dataclass(frozen=True)
class Report:
    name: Name
    rows: list[dict[str, Any]]
    note: str | None = None


async def run(
    warehouse: Warehouse, name: Name, f: Filters, rates: FeeRates | None = None
) -> Report:
    """The report ``name`` over ``f`` (``rates``: the profit report's payment fees)."""
    f = f.check()
    if name == "traffic":
        sql, params = traffic.query(f)
        return Report(name, traffic.shape(await warehouse.aquery(sql, params), f))
    if name == "profit":
        sql, params = profit.query(f)
        rows = profit.shape(await warehouse.aquery(sql, params), f, rates or FeeRates())
        return Report(name, rows, profit.NOTE)
    sql, params = risk.query(f)
    flags = await warehouse.aquery(sql, params)
    sql, params = risk.refunds_query(f)
    return Report(name, risk.shape(flags, await warehouse.aquery(sql, params), f))
