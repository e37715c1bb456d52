"""reviews: the queue of held and reviewed orders, and the rules that fired on each

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rules", DOCUMENT, nullable=False),
        sa.Column("verdict", DOCUMENT, nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_reviews")),
    )
    op.create_index(op.f("ix_reviews_shop_id"), "reviews", ["shop_id"])
    op.create_index("ix_reviews_status_queued", "reviews", ["status", "queued_at"])
    op.create_table(
        "review_rules",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["reviews.order_id"],
            name=op.f("fk_review_rules_order_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", "rule_id", name=op.f("pk_review_rules")),
    )
    op.create_index(op.f("ix_review_rules_rule_id"), "review_rules", ["rule_id"])


def downgrade() -> None:
    op.drop_table("review_rules")
    op.drop_table("reviews")
