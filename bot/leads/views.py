"""Read-side shapes: stored rows as JSON-ready dicts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from bot.leads.models import Base, Lead


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
