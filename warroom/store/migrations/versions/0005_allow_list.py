"""allow_list: entries and snoozes that silence a risk rule for one entity

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allow_list",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allow_list")),
    )
    op.create_index(op.f("ix_allow_list_rule_id"), "allow_list", ["rule_id"])
    op.create_index(op.f("ix_allow_list_entity"), "allow_list", ["entity"])


def downgrade() -> None:
    op.drop_table("allow_list")
