"""rules.candidate_version: the version that runs beside the live one in shadow

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 07:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rules") as batch:
        batch.add_column(sa.Column("candidate_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rules") as batch:
        batch.drop_column("candidate_version")
