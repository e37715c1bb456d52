"""Which campaigns sell a SKU, and the stock a SKU starts from when no stock level came:
read from the worker's entity cache (products, creatives, campaigns on the control topic)."""

from __future__ import annotations

from datetime import datetime

from warroom.rules.flash.stop import CampaignRef
from warroom.streams.entities import Entities
from warroom.streams.stock_state import SkuStock


def campaigns_of(sku: str, stock: SkuStock, known: Entities) -> list[CampaignRef]:
    """Campaigns with a creative for ``sku``, and those that brought its orders; their
    status as the store last announced it (unknown to the store: assumed active, and the
    actuator settles the pause as ``gone``)."""
    ids = set(stock.campaigns)
    for creative in known.all("creative").values():
        if creative.get("product_id") == sku and creative.get("campaign_id"):
            ids.add(str(creative["campaign_id"]))
    refs = []
    for campaign_id in sorted(ids):
        data = known.get("campaign", campaign_id) or {}
        shop = str(data.get("shop_id") or stock.shop_id)
        refs.append(CampaignRef(campaign_id, shop, str(data.get("status", "active"))))
    return refs


def level_from_store(sku: str, stock: SkuStock, known: Entities) -> None:
    """Without a stock level, count down from the product's stock in the store, as of its
    last change."""
    if stock.available is not None:
        return
    product = known.get("product", sku)
    if not product or product.get("stock") is None:
        return
    since = _epoch(product.get("updated_at"))
    if since is not None:
        stock.set_level(int(product["stock"]), since)


def _epoch(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
