"""Read-side shapes: stored rows as JSON-ready dicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from bot.leads.models import Base, Conversation, Lead, ScoreHistory, TranscriptMessage


def json_value(value: Any) -> Any:
    """Datetimes as ISO 8601, decimals as exact strings; everything else as is."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_to_dict(row: Base) -> dict[str, Any]:
    """Every column of a row, keyed by column name (used by the personal-data export)."""
    mapper = inspect(row).mapper
    return {
        attr.columns[0].name: json_value(getattr(row, attr.key)) for attr in mapper.column_attrs
    }


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def lead_to_dict(lead: Lead) -> dict[str, Any]:
    """A lead in the shape of the leads API contract (ARCHITECTURE.md)."""
    return {
        "id": lead.id,
        "email": lead.email,
        "email_status": lead.email_status,
        "name": lead.name,
        "company": lead.company,
        "status": lead.status,
        "human_requested": bool(lead.human_requested),
        "budget": {
            "amount": _money(lead.budget_amount),
            "amount_max": _money(lead.budget_amount_max),
            "currency": lead.budget_currency,
            "period": lead.budget_period,
            "status": lead.budget_status,
            "raw": lead.budget_raw,
        },
        "authority": {
            "decision_maker": lead.authority_decision_maker,
            "role": lead.authority_role,
            "level": lead.authority_level,
            "raw": lead.authority_raw,
        },
        "need": {"summary": lead.need_summary, "level": lead.need_level, "raw": lead.need_raw},
        "timeline": {
            "months": lead.timeline_months,
            "status": lead.timeline_status,
            "raw": lead.timeline_raw,
        },
        "score": lead.score,
        "grade": lead.grade,
        "route": lead.route,
        "rubric_version": lead.rubric_version,
        "breakdown": lead.breakdown or [],
        "meeting": lead.meeting,
        "nurture": lead.nurture,
        "source": {
            "page_url": lead.source_page_url,
            "referrer": lead.source_referrer,
            "utm_source": lead.source_utm_source,
            "utm_medium": lead.source_utm_medium,
            "utm_campaign": lead.source_utm_campaign,
            "utm_term": lead.source_utm_term,
            "utm_content": lead.source_utm_content,
        },
        "time_zone": lead.time_zone,
        "created_at": lead.created_at.isoformat(),
        "updated_at": lead.updated_at.isoformat(),
    }


def conversation_to_dict(
    conversation: Conversation, transcript: Sequence[TranscriptMessage]
) -> dict[str, Any]:
    """A conversation with its transcript, both sides in order (the lead detail's shape)."""
    return {
        "id": conversation.id,
        "started_at": conversation.started_at.isoformat(),
        "last_seen_at": conversation.last_seen_at.isoformat(),
        "source": {
            "page_url": conversation.source_page_url,
            "referrer": conversation.source_referrer,
            "utm_source": conversation.source_utm_source,
            "utm_medium": conversation.source_utm_medium,
            "utm_campaign": conversation.source_utm_campaign,
            "utm_term": conversation.source_utm_term,
            "utm_content": conversation.source_utm_content,
        },
        "metadata": conversation.meta or {},
        "transcript": [
            {"seq": m.seq, "sender": m.sender, "text": m.text, "at": m.at.isoformat()}
            for m in transcript
        ],
    }


def score_to_dict(row: ScoreHistory) -> dict[str, Any]:
    """One entry of a lead's score history."""
    return {
        "at": row.at.isoformat(),
        "conversation_id": row.conversation_id,
        "score": row.score,
        "grade": row.grade,
        "route": row.route,
        "rubric_version": row.rubric_version,
        "breakdown": row.breakdown,
    }
