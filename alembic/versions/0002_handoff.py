"""Handoff: meetings (no double booking), round-robin state, lead owners.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def Timestamp() -> sa.DateTime:  # noqa: N802
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.String(64), nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.Column("start_at", Timestamp(), nullable=False),
        sa.Column("end_at", Timestamp(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.Column("cancelled_at", Timestamp(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_meetings_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings") as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_rep_id"), ["rep_id"])
        batch_op.create_index(batch_op.f("ix_meetings_lead_id"), ["lead_id"])
    op.create_index(
        "uq_meetings_rep_active_start",
        "meetings",
        ["rep_id", "start_at"],
        unique=True,
        postgresql_where=sa.text("status = 'booked'"),
        sqlite_where=sa.text("status = 'booked'"),
    )
    op.create_table(
        "routing_state",
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("rep_id", sa.String(64), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("team", "rep_id", name=op.f("pk_routing_state")),
    )
    op.create_table(
        "lead_owners",
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("rep_id", sa.String(64), nullable=False),
        sa.Column("assigned_at", Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_owners_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_owners")),
    )
    with op.batch_alter_table("lead_owners") as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_owners_rep_id"), ["rep_id"])


def downgrade() -> None:
    op.drop_table("lead_owners")
    op.drop_table("routing_state")
    op.drop_index("uq_meetings_rep_active_start", table_name="meetings")
    op.drop_table("meetings")
