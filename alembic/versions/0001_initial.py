"""Lead store: leads, conversations, transcripts, score history, consents, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model types (migrations never import application code).
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BigIntPk = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Money = sa.Numeric(14, 2)


def Timestamp() -> sa.DateTime:  # noqa: N802
    return sa.DateTime(timezone=True)


def _source_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("source_page_url", sa.Text(), nullable=True),
        sa.Column("source_referrer", sa.Text(), nullable=True),
        sa.Column("source_utm_source", sa.String(255), nullable=True),
        sa.Column("source_utm_medium", sa.String(255), nullable=True),
        sa.Column("source_utm_campaign", sa.String(255), nullable=True),
        sa.Column("source_utm_term", sa.String(255), nullable=True),
        sa.Column("source_utm_content", sa.String(255), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("email_key", sa.String(320), nullable=True),
        sa.Column("email_status", sa.String(16), nullable=True),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("company", sa.String(255), nullable=True),
        sa.Column("budget_amount", Money, nullable=True),
        sa.Column("budget_amount_max", Money, nullable=True),
        sa.Column("budget_currency", sa.String(3), nullable=True),
        sa.Column("budget_period", sa.String(16), nullable=True),
        sa.Column("budget_status", sa.String(16), nullable=True),
        sa.Column("budget_raw", sa.Text(), nullable=True),
        sa.Column("authority_decision_maker", sa.Boolean(), nullable=True),
        sa.Column("authority_role", sa.String(255), nullable=True),
        sa.Column("authority_level", sa.String(16), nullable=True),
        sa.Column("authority_raw", sa.Text(), nullable=True),
        sa.Column("need_summary", sa.Text(), nullable=True),
        sa.Column("need_level", sa.String(16), nullable=True),
        sa.Column("need_raw", sa.Text(), nullable=True),
        sa.Column("timeline_months", sa.Float(), nullable=True),
        sa.Column("timeline_status", sa.String(16), nullable=True),
        sa.Column("timeline_raw", sa.Text(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(8), nullable=True),
        sa.Column("route", sa.String(16), nullable=True),
        sa.Column("rubric_version", sa.Integer(), nullable=True),
        sa.Column("breakdown", Json, nullable=True),
        *_source_columns(),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("meeting", Json, nullable=True),
        sa.Column("nurture", Json, nullable=True),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.Column("updated_at", Timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("email_key", name=op.f("uq_leads_email_key")),
    )
    with op.batch_alter_table("leads") as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_leads_grade"), ["grade"])
        batch_op.create_index(batch_op.f("ix_leads_route"), ["route"])
        batch_op.create_index(batch_op.f("ix_leads_updated_at"), ["updated_at"])

    op.create_table(
        "conversations",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=True),
        sa.Column("started_at", Timestamp(), nullable=False),
        sa.Column("last_seen_at", Timestamp(), nullable=False),
        *_source_columns(),
        sa.Column("metadata", Json, nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_conversations_lead_id_leads"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.create_index(batch_op.f("ix_conversations_lead_id"), ["lead_id"])

    op.create_table(
        "transcript_messages",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_transcript_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_messages")),
        sa.UniqueConstraint(
            "conversation_id", "seq", name=op.f("uq_transcript_messages_conversation_id_seq")
        ),
    )

    op.create_table(
        "score_history",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(8), nullable=False),
        sa.Column("route", sa.String(16), nullable=False),
        sa.Column("rubric_version", sa.Integer(), nullable=False),
        sa.Column("breakdown", Json, nullable=False),
        sa.Column("at", Timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_score_history_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_score_history_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_history")),
    )
    with op.batch_alter_table("score_history") as batch_op:
        batch_op.create_index(batch_op.f("ix_score_history_conversation_id"), ["conversation_id"])
        batch_op.create_index(batch_op.f("ix_score_history_lead_id"), ["lead_id"])

    op.create_table(
        "consents",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("notice_version", sa.String(64), nullable=False),
        sa.Column("given_at", Timestamp(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", Timestamp(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_consents_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_consents_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents") as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_conversation_id"), ["conversation_id"])
        batch_op.create_index(batch_op.f("ix_consents_lead_id"), ["lead_id"])

    op.create_table(
        "outbox",
        sa.Column("id", BigIntPk, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("payload", Json, nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("lead_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Timestamp(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", Timestamp(), nullable=False),
        sa.Column("claimed_at", Timestamp(), nullable=True),
        sa.Column("sent_at", Timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_idempotency_key")),
    )
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_lead_id"), ["lead_id"])
        batch_op.create_index("ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("consents")
    op.drop_table("score_history")
    op.drop_table("transcript_messages")
    op.drop_table("conversations")
    op.drop_table("leads")
