"""decisions: the actuator's log of budget decisions and their results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 06:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("entity_kind", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("campaign_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("record", DOCUMENT, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reverted_by", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_decisions")),
        sa.UniqueConstraint("id", name=op.f("uq_decisions_id")),
    )
    op.create_index("ix_decisions_entity", "decisions", ["entity_kind", "entity_id"])
    op.create_index(op.f("ix_decisions_rule_id"), "decisions", ["rule_id"])
    op.create_index(op.f("ix_decisions_shop_id"), "decisions", ["shop_id"])
    op.create_index(op.f("ix_decisions_campaign_id"), "decisions", ["campaign_id"])
    op.create_index(op.f("ix_decisions_decided_at"), "decisions", ["decided_at"])


def downgrade() -> None:
    op.drop_table("decisions")
