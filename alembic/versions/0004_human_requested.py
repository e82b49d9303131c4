"""Leads: the visitor asked to talk to a person (human_requested).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite supports it, also in offline --sql mode).
    op.add_column(
        "leads",
        sa.Column("human_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # SQLite drops a column only by copying the table: batch mode.
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("human_requested")
