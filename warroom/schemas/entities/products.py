"""Products: a SKU a shop sells, with its prices and stock."""

from __future__ import annotations

from pydantic import ConfigDict, Field
from pydantic.json_schema import JsonDict

from warroom.schemas.entities.common import (
    STAMPS_EXAMPLE,
    EntityId,
    Label,
    Name,
    Patch,
    Stamped,
    Strict,
)
from warroom.schemas.types import Money

Stock = Field(0, ge=0, le=2_147_483_647, description="units on hand")

EXAMPLE: JsonDict = {
    "id": "SKU-101",
    "shop_id": "shop-1",
    "title": "West Lake Longjing tea, 250 g",
    "category": "tea",
    "list_price": "59.90",
    "cost_price": "21.50",
    "stock": 1200,
}


class ProductBase(Strict):
    id: EntityId = Field(description="the SKU")
    shop_id: EntityId = Field(description="the shop selling it; fixed once created")
    title: Name
    category: Label
    list_price: Money
    cost_price: Money
    stock: int = Stock


class ProductCreate(ProductBase):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})


class ProductUpdate(Patch):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"version": 3, "list_price": "49.90", "stock": 800}]}
    )

    title: Name | None = None
    category: Label | None = None
    list_price: Money | None = None
    cost_price: Money | None = None
    stock: int | None = Field(None, ge=0, le=2_147_483_647)


class ProductPublic(Stamped, ProductBase):
    model_config = ConfigDict(json_schema_extra={"examples": [{**EXAMPLE, **STAMPS_EXAMPLE}]})
