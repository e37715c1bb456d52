"""stream_checkpoints: agents' per-partition state, for restarts and rebalances

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 07:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_checkpoints",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("next_offset", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", "partition", name=op.f("pk_stream_checkpoints")),
    )


def downgrade() -> None:
    op.drop_table("stream_checkpoints")
