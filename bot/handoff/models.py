"""The handoff's tables (same declarative Base as the lead store; migration 0002).

- meetings: one row per booking; a partial unique index on (rep_id, start_at) for the
  meetings still booked makes a double booking impossible, whatever races.
- routing_state: the weighted round robin's counter per team and rep (fair across restarts).
- lead_owners: the rep who owns a lead; a returning lead goes back to them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.leads.models import Base, UtcDateTime, new_id, utcnow

ACTIVE = "booked"


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index(
            "uq_meetings_rep_active_start",
            "rep_id",
            "start_at",
            unique=True,
            postgresql_where=text("status = 'booked'"),
            sqlite_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    rep_id: Mapped[str] = mapped_column(String(64), index=True)
    lead_id: Mapped[str | None] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    start_at: Mapped[datetime] = mapped_column(UtcDateTime())
    end_at: Mapped[datetime] = mapped_column(UtcDateTime())
    time_zone: Mapped[str | None] = mapped_column(String(64))  # the visitor's
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)  # booked | cancelled
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)


class RoutingState(Base):
    __tablename__ = "routing_state"

    team: Mapped[str] = mapped_column(String(64), primary_key=True)
    rep_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)


class LeadOwner(Base):
    __tablename__ = "lead_owners"

    lead_id: Mapped[str] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True
    )
    rep_id: Mapped[str] = mapped_column(String(64), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
