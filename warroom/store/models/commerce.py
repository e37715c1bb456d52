"""The commerce entities: shops, products, creators, campaigns and creatives.

Ids are the platforms' own (client-supplied). Every row carries a ``version`` for
optimistic concurrency (an UPDATE or DELETE only matches the version it read), and
references are ``ON DELETE RESTRICT``: a referenced row cannot disappear.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, Numeric, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from warroom.store.db import Base
from warroom.store.models.types import Document, Timestamp, utcnow

#: Money is CNY with 4 decimals, never negative (checked by the tables too).
Money = Numeric(14, 4)


def _restrict(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="RESTRICT")


def _non_negative(*columns: str) -> tuple[CheckConstraint, ...]:
    return tuple(CheckConstraint(f"{c} >= 0", name=f"{c}_non_negative") for c in columns)


def _created(context: DefaultExecutionContext) -> Any:
    """A new row's ``updated_at``: the very time of its ``created_at``."""
    return context.get_current_parameters()["created_at"]


class Entity(Base):
    """A client-identified row with a ``version`` (bumped by every UPDATE, checked by
    UPDATE and DELETE) and timestamps."""

    __abstract__ = True

    if TYPE_CHECKING:
        id: Mapped[str]  # every entity declares its own primary key

    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=_created, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class Shop(Entity):
    __tablename__ = "shops"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))  # kuaishou | douyin
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. Asia/Shanghai
    currency: Mapped[str] = mapped_column(String(3), default="CNY")


class Product(Entity):
    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the SKU
    shop_id: Mapped[str] = mapped_column(_restrict("shops.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64), index=True)
    list_price: Mapped[Decimal] = mapped_column(Money)
    cost_price: Mapped[Decimal] = mapped_column(Money)
    stock: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = _non_negative("list_price", "cost_price", "stock")


class Creator(Entity):
    __tablename__ = "creators"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    handle: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    fan_count: Mapped[int] = mapped_column(BigInteger, default=0)
    fan_profile: Mapped[dict[str, Any] | None] = mapped_column(Document)
    home_city: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = _non_negative("fan_count")


class Campaign(Entity):
    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[str] = mapped_column(_restrict("shops.id"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    objective: Mapped[str] = mapped_column(String(32))
    daily_budget: Mapped[Decimal] = mapped_column(Money)
    bid: Mapped[Decimal] = mapped_column(Money)
    target_cpa: Mapped[Decimal | None] = mapped_column(Money)
    target_roi: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    budget_cap: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16), index=True)  # active | paused | ended
    origin_campaign_id: Mapped[str | None] = mapped_column(_restrict("campaigns.id"), index=True)

    __table_args__ = _non_negative("daily_budget", "bid", "target_cpa", "target_roi", "budget_cap")


class Creative(Entity):
    __tablename__ = "creatives"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(_restrict("campaigns.id"), index=True)
    shop_id: Mapped[str] = mapped_column(_restrict("shops.id"), index=True)  # the campaign's
    product_id: Mapped[str] = mapped_column(_restrict("products.id"), index=True)
    creator_id: Mapped[str | None] = mapped_column(_restrict("creators.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    video_length_s: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # active | paused | ended

    __table_args__ = (CheckConstraint("video_length_s > 0", name="video_length_s_positive"),)
