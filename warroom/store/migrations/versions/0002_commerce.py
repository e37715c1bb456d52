"""commerce: shops, products, creators, campaigns, creatives

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:59:47.446205
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=4)
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def versioned() -> list[sa.Column[object]]:
    """The optimistic-concurrency version and the timestamps every commerce row has."""
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def restrict(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete="RESTRICT",
    )


def non_negative(table: str, column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} >= 0", name=op.f(f"ck_{table}_{column}_non_negative"))


def index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        *versioned(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
    )
    op.create_table(
        "creators",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("fan_count", sa.BigInteger(), nullable=False),
        sa.Column("fan_profile", DOCUMENT, nullable=True),
        sa.Column("home_city", sa.String(length=64), nullable=True),
        *versioned(),
        non_negative("creators", "fan_count"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creators")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("list_price", MONEY, nullable=False),
        sa.Column("cost_price", MONEY, nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        *versioned(),
        *(non_negative("products", c) for c in ("list_price", "cost_price", "stock")),
        restrict("products", "shop_id", "shops"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    index("products", "category", "shop_id")
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("objective", sa.String(length=32), nullable=False),
        sa.Column("daily_budget", MONEY, nullable=False),
        sa.Column("bid", MONEY, nullable=False),
        sa.Column("target_cpa", MONEY, nullable=True),
        sa.Column("target_roi", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("budget_cap", MONEY, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("origin_campaign_id", sa.String(length=64), nullable=True),
        *versioned(),
        *(
            non_negative("campaigns", c)
            for c in ("bid", "budget_cap", "daily_budget", "target_cpa", "target_roi")
        ),
        restrict("campaigns", "origin_campaign_id", "campaigns"),
        restrict("campaigns", "shop_id", "shops"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    index("campaigns", "origin_campaign_id", "shop_id", "status")
    op.create_table(
        "creatives",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("creator_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("video_length_s", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        *versioned(),
        sa.CheckConstraint("video_length_s > 0", name=op.f("ck_creatives_video_length_s_positive")),
        restrict("creatives", "campaign_id", "campaigns"),
        restrict("creatives", "creator_id", "creators"),
        restrict("creatives", "product_id", "products"),
        restrict("creatives", "shop_id", "shops"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creatives")),
    )
    index("creatives", "campaign_id", "creator_id", "product_id", "shop_id")


def downgrade() -> None:
    for table in ("creatives", "campaigns", "products", "creators", "shops"):
        op.drop_table(table)  # drops the table's indexes with it
