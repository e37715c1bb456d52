"""``POST /v1/events/{kind}`` (clicks, orders, payments, refunds, stock, searches): JSON array
or NDJSON in, 202 with a report."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from warroom.api.auth import Actor, ActorDep
from warroom.api.deps import ProducerDep, SettingsDep
from warroom.errors import InvalidEvent, PayloadTooLarge
from warroom.observability import metrics
from warroom.streams.codecs import Rejected, decode_body, validate_items

router = APIRouter(prefix="/v1/events", tags=["ingest"])


class RejectedItem(BaseModel):
    index: int
    field: str | None
    message: str


class IngestReport(BaseModel):
    accepted: int
    rejected: list[RejectedItem]


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, refusing it as soon as it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {declared} bytes exceeds the limit of {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def in_scope(
    actor: Actor, items: list[tuple[int, Any]]
) -> tuple[list[tuple[int, Any]], list[Rejected]]:
    """Split off the items of shops outside a shop-scoped key."""
    if actor.shops is None:
        return items, []
    keep: list[tuple[int, Any]] = []
    outside: list[Rejected] = []
    for index, item in items:
        shop = item.get("shop_id") if isinstance(item, dict) else None
        if shop is not None and not actor.sees(str(shop)):
            outside.append(Rejected(index, "shop_id", f"shop {shop!r} is outside this key's shops"))
        else:
            keep.append((index, item))
    return keep, outside


ORDER_EXAMPLE = {
    "event_id": "e-20261122-0001",
    "ts": "2026-11-22T10:00:00Z",
    "order_id": "DY2611220001",
    "user_id": "u-3391",
    "ip": "117.50.3.9",
    "device_id": "d-7f3a",
    "shop_id": "shop-1",
    "sku": "SKU-101",
    "quantity": 2,
    "unit_price": "59.90",
    "amount": "119.80",
    "campaign_id": "8812",
    "creative_id": "cr-9001",
    "channel": "live",
    "city": "杭州",
}
BODY_DOC = {
    "required": True,
    "description": "a JSON array of events, or NDJSON (one event per line); "
    "see the event contract in the README (clicks, orders, payments, refunds)",
    "content": {
        "application/json": {
            "schema": {"type": "array", "items": {"type": "object"}},
            "example": [ORDER_EXAMPLE],
        },
        "application/x-ndjson": {
            "schema": {"type": "string"},
            "example": '{"event_id": "e-1", "...": "..."}\n',
        },
    },
}


@router.post(
    "/{kind}",
    status_code=202,
    response_model=IngestReport,
    openapi_extra={"requestBody": BODY_DOC},
    responses={
        413: {"description": "body too large"},
        422: {"description": "batch too long, or no valid event"},
    },
)
async def ingest(
    kind: Literal[
        "clicks", "orders", "payments", "refunds", "stock", "searches", "messages", "follows"
    ],
    request: Request,
    producer: ProducerDep,
    settings: SettingsDep,
    actor: ActorDep,
) -> JSONResponse:
    actor.require("admin", "ingest")
    body = await read_capped(request, settings.ingest_max_body_bytes)
    if not body.strip():
        raise InvalidEvent("empty body: send a JSON array or NDJSON", field="body")
    items, unreadable = decode_body(body)
    if len(items) + len(unreadable) > settings.ingest_max_batch:
        raise InvalidEvent(
            f"{len(items) + len(unreadable)} events in one request; "
            f"the limit is {settings.ingest_max_batch}",
            field="body",
        )
    items, outside = in_scope(actor, items)
    good, invalid = validate_items(kind, items)
    if good:
        await producer.send(kind, good)
    rejected = sorted(unreadable + outside + invalid, key=lambda r: r.index)
    metrics.http_ingest(kind, len(good), len(rejected))
    report = IngestReport(
        accepted=len(good),
        rejected=[RejectedItem(index=r.index, field=r.field, message=r.message) for r in rejected],
    )
    return JSONResponse(report.model_dump(), status_code=202 if good or not rejected else 422)
