"""``/v1/reports``: traffic, profit and risk, computed live from the warehouse.

Every report takes the same filters: ``shop_id``, ``campaign_id``, ``creative_id``,
``creator_id``, ``since`` / ``until`` (default: the last 24 hours; 7 days for profit),
``granularity`` hour or day (default: hour; day for profit), ``tz`` for the buckets and
``limit``. It answers ``{data, count}`` (profit adds a ``note``), or CSV with
``format=csv``. A bad filter is a 422 naming its field. A shop-scoped key sees its
shops only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from pydantic import BaseModel

from warroom.api.auth import READERS, Actor, ActorDep
from warroom.api.deps import RuntimeDep
from warroom.store.warehouse import Warehouse, WarehouseError, WarehouseUnavailable
from warroom.store.warehouse.reports import FeeRates, Filters, Name, run
from warroom.store.warehouse.reports.export import to_csv
from warroom.store.warehouse.reports.filters import MAX_ROWS, window
from warroom.store.warehouse.shared import shared_warehouse

router = APIRouter(prefix="/v1/reports", tags=["reports"])
DEFAULT_SPAN = {
    "traffic": timedelta(days=1),
    "profit": timedelta(days=7),
    "risk": timedelta(days=1),
}


class ReportPage(BaseModel):
    """A report's rows, how many, and what the numbers leave out (``note``)."""

    data: list[dict[str, Any]]
    count: int
    note: str | None = None
    since: datetime
    until: datetime
    granularity: Literal["hour", "day"]


async def get_warehouse(rt: RuntimeDep) -> Warehouse:
    """This process's warehouse (opened on first use, in a thread); 503 when unreachable."""
    try:
        return await asyncio.to_thread(shared_warehouse, rt.settings)
    except WarehouseError as exc:
        raise HTTPException(503, f"the warehouse is unavailable: {exc}") from None


WarehouseDep = Annotated[Warehouse, Depends(get_warehouse)]


def _shops(actor: Actor, shop_id: str | None) -> tuple[str, ...] | None:
    actor.require(*READERS)
    if shop_id is not None:
        actor.require_shop(shop_id)
        return (shop_id,)
    return None if actor.shops is None else tuple(sorted(actor.shops))


def filters_for(name: Name) -> Callable[..., Filters]:
    """The dependency reading the filters every report takes (``since``: per report)."""

    def report_filters(
        actor: ActorDep,
        shop_id: Annotated[str | None, Query(max_length=64)] = None,
        campaign_id: Annotated[str | None, Query(max_length=64)] = None,
        creative_id: Annotated[str | None, Query(max_length=64)] = None,
        creator_id: Annotated[str | None, Query(max_length=64)] = None,
        since: Annotated[datetime | None, Query(description="ISO time with a zone")] = None,
        until: Annotated[datetime | None, Query(description="ISO time, excluded")] = None,
        granularity: Literal["hour", "day"] = "day" if name == "profit" else "hour",
        tz: Annotated[str, Query(max_length=64, description="IANA zone of the buckets")] = "UTC",
        limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 10_000,
    ) -> Filters:
        start, end = window(since, until, datetime.now(UTC), DEFAULT_SPAN[name])
        return Filters(
            since=start,
            until=end,
            shops=_shops(actor, shop_id),
            campaign_id=campaign_id,
            creative_id=creative_id,
            creator_id=creator_id,
            granularity=granularity,
            tz=tz,
            limit=limit,
        )

    return report_filters


Format = Literal["json", "csv"]


async def _answer(
    warehouse: Warehouse, name: Name, f: Filters, fmt: Format, rates: FeeRates | None = None
) -> ReportPage | Response:
    try:
        report = await run(warehouse, name, f, rates)
    except WarehouseUnavailable as exc:
        raise HTTPException(503, f"the warehouse is unavailable: {exc}") from None
    if fmt == "csv":
        headers = {"content-disposition": f'attachment; filename="{name}.csv"'}
        return Response(to_csv(report.rows), media_type="text/csv", headers=headers)
    return ReportPage(
        data=report.rows,
        count=len(report.rows),
        note=report.note,
        since=f.since,
        until=f.until,
        granularity=f.granularity,
    )


@router.get("/traffic", response_model=ReportPage)
async def traffic(
    f: Annotated[Filters, Depends(filters_for("traffic"))],
    warehouse: WarehouseDep,
    format: Format = "json",
) -> ReportPage | Response:
    """Exposure → play → click → order by creative, audience segment and hour (or day)."""
    return await _answer(warehouse, "traffic", f, format)


#: A payment method's fee, as a share of the amount paid (defaults: ``FeeRates``).
FeeRate = Annotated[
    Decimal, Query(ge=0, le=0.2, description="share of the amount paid (0.006 = 0.6 %)")
]
FEES = FeeRates()


def fee_rates(
    fee_alipay: FeeRate = FEES.alipay,
    fee_wechat: FeeRate = FEES.wechat,
    fee_card: FeeRate = FEES.card,
    fee_balance: FeeRate = FEES.balance,
    fee_other: FeeRate = FEES.other,
) -> FeeRates:
    """The profit report's payment fee per method (a report parameter, not a setting)."""
    return FeeRates(
        alipay=fee_alipay, wechat=fee_wechat, card=fee_card, balance=fee_balance, other=fee_other
    )


@router.get("/profit", response_model=ReportPage)
async def profit(
    f: Annotated[Filters, Depends(filters_for("profit"))],
    warehouse: WarehouseDep,
    rates: Annotated[FeeRates, Depends(fee_rates)],
    format: Format = "json",
) -> ReportPage | Response:
    """GMV − refunds − ad spend − commissions − payment fees = net margin, by shop,
    campaign and day (or hour); payment fees at ``fee_<method>`` per method."""
    return await _answer(warehouse, "profit", f, format, rates)


@router.get("/risk", response_model=ReportPage)
async def risk(
    f: Annotated[Filters, Depends(filters_for("risk"))],
    warehouse: WarehouseDep,
    format: Format = "json",
) -> ReportPage | Response:
    """Flagged, held and declined orders by shop, SKU and rule, with precision from review
    labels; refunds against each SKU's usual rate (rule ``risk.refund_spike``)."""
    return await _answer(warehouse, "risk", f, format)
