"""Nurture: enrollments, steps, send log, suppression list; consents keep the answer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigIntPk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def Timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "nurture_enrollments",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("sequence", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stop_reason", sa.String(64), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("enrolled_at", Timestamp(), nullable=False),
        sa.Column("updated_at", Timestamp(), nullable=False),
        sa.Column("stopped_at", Timestamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_nurture_enrollments_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurture_enrollments")),
        sa.UniqueConstraint(
            "lead_id", "sequence", name=op.f("uq_nurture_enrollments_lead_id_sequence")
        ),
    )
    with op.batch_alter_table("nurture_enrollments") as batch_op:
        batch_op.create_index(batch_op.f("ix_nurture_enrollments_lead_id"), ["lead_id"])

    op.create_table(
        "nurture_steps",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("enrollment_id", BigIntPk, nullable=False),
        sa.Column("step_key", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_at", Timestamp(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", Timestamp(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", Timestamp(), nullable=True),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["nurture_enrollments.id"],
            name=op.f("fk_nurture_steps_enrollment_id_nurture_enrollments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurture_steps")),
        sa.UniqueConstraint(
            "enrollment_id", "step_key", name=op.f("uq_nurture_steps_enrollment_id_step_key")
        ),
        sa.UniqueConstraint("message_id", name=op.f("uq_nurture_steps_message_id")),
    )
    with op.batch_alter_table("nurture_steps") as batch_op:
        batch_op.create_index("ix_nurture_steps_status_due_at", ["status", "due_at"])

    op.create_table(
        "nurture_send_log",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("enrollment_id", BigIntPk, nullable=False),
        sa.Column("step_key", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("started_at", Timestamp(), nullable=False),
        sa.Column("confirmed_at", Timestamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["nurture_enrollments.id"],
            name=op.f("fk_nurture_send_log_enrollment_id_nurture_enrollments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurture_send_log")),
        sa.UniqueConstraint(
            "enrollment_id", "step_key", name=op.f("uq_nurture_send_log_enrollment_id_step_key")
        ),
    )

    op.create_table(
        "nurture_suppressions",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurture_suppressions")),
        sa.UniqueConstraint("email_key", name=op.f("uq_nurture_suppressions_email_key")),
    )

    with op.batch_alter_table("consents") as batch_op:
        batch_op.add_column(sa.Column("answer", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("answer_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch_op:
        batch_op.drop_column("answer_text")
        batch_op.drop_column("answer")
    op.drop_table("nurture_suppressions")
    op.drop_table("nurture_send_log")
    op.drop_table("nurture_steps")
    op.drop_table("nurture_enrollments")
