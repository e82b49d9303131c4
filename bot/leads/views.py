"""Read-side shapes: the leads API's responses as pydantic models, built from stored rows.

These models are the one source of truth for the lead's shape: the JSON views below dump
them, the OpenAPI document's schemas are their JSON schemas (bot.web.openapi), and the CSV
export's columns are the fields marked `Csv(...)` (`csv_columns`). `meeting`, `nurture`
and `notifications` are written by the handoff and nurture features; their shapes are here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic.json_schema import models_json_schema
from sqlalchemy import inspect

from bot.leads.models import (
    Base,
    Conversation,
    Lead,
    OutboxMessage,
    ScoreHistory,
    TranscriptMessage,
)


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


@dataclass(frozen=True)
class Csv:
    """Marks a field as a column of the CSV export: its header and its place."""

    header: str
    order: int


# An aware datetime, written as Python writes it (2026-03-02T09:00:00+00:00).
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Text = str | None


class View(BaseModel):
    # Extra keys are not refused: features that add to the lead's JSON stay valid.
    model_config = ConfigDict(frozen=True)


class BudgetView(View):
    amount: Annotated[
        float | None,
        Field(description="The said figure (low end of a range)."),
        Csv("budget_amount", 9),
    ]
    amount_max: float | None = Field(description="The high end of a range.")
    currency: Annotated[Text, Field(description="ISO 4217 code."), Csv("budget_currency", 10)]
    period: Annotated[Literal["year", "month", "one_time"] | None, Csv("budget_period", 11)]
    status: Literal["amount", "none", "unknown"] | None
    raw: Text = Field(description="The visitor's own words.")


class AuthorityView(View):
    decision_maker: Annotated[bool | None, Csv("decision_maker", 13)]
    role: Annotated[Text, Csv("authority_role", 12)]
    level: Literal["decision_maker", "influencer", "none", "unknown"] | None
    raw: Text


class NeedView(View):
    summary: Annotated[Text, Csv("need_summary", 14)]
    level: Literal["concrete", "vague", "none", "unknown"] | None
    raw: Text


class TimelineView(View):
    months: Annotated[
        float | None,
        Field(description="Months from the conversation; 0 is now."),
        Csv("timeline_months", 15),
    ]
    status: Literal["date", "none", "unknown"] | None
    raw: Text


class SourceView(View):
    """First touch: the page and campaign the person first came from."""

    page_url: Annotated[Text, Csv("page_url", 16)]
    referrer: Text
    utm_source: Annotated[Text, Csv("utm_source", 17)]
    utm_medium: Annotated[Text, Csv("utm_medium", 18)]
    utm_campaign: Annotated[Text, Csv("utm_campaign", 19)]
    utm_term: Text
    utm_content: Text


# Points for one BANT criterion, the rule that gave them, the evidence (bot.scoring).
BreakdownItem = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "description": "Points for one BANT criterion, the rule that gave them, the evidence.",
            "properties": {
                "criterion": {"type": "string"},
                "points": {"type": "integer"},
                "max": {"type": "integer"},
                "rule": {"type": "string"},
                "label": {"type": "string"},
                "evidence": {"type": ["string", "null"]},
            },
        }
    ),
]


NurtureStatus = Literal["enrolled", "stopped", "unsubscribed", "suppressed", "no_consent"]
StepStatus = Literal["pending", "sending", "sent", "failed", "cancelled", "unconfirmed"]


class NurtureStepView(View):
    key: str
    due_at: Timestamp
    sent_at: Timestamp | None
    status: StepStatus


class NurtureView(View):
    """The lead's email sequence, as bot.nurture keeps it on the lead."""

    sequence: Text
    status: NurtureStatus
    reason: Text = Field(description="Why it stopped (booked, replied...).")
    time_zone: str | None = Field(default=None, description="Send windows are in this zone.")
    steps: list[NurtureStepView]


class RepRefView(View):
    id: str
    name: str


class MeetingView(View):
    """The meeting booked (or its cancellation): times in UTC, the visitor's zone."""

    id: str
    start: Timestamp
    end: Timestamp
    time_zone: str | None = Field(description="The visitor's IANA time zone.")
    rep: RepRefView
    status: Literal["booked", "cancelled"]


class NotificationView(View):
    """One delivery to the rep (an outbox row): what, where, how it went."""

    event: str = Field(description="lead.qualified, meeting.booked, ...")
    channel: str
    status: Literal["pending", "sent", "failed", "dead"]
    attempts: int = Field(ge=0)
    delivered_at: Timestamp | None


class LeadView(View):
    """A lead in the shape of the leads API contract (ARCHITECTURE.md)."""

    id: Annotated[str, Csv("id", 1)]
    email: Annotated[Text, Csv("email", 4)]
    email_status: Literal["ok", "free"] | None
    name: Annotated[Text, Csv("name", 3)]
    company: Annotated[Text, Csv("company", 5)]
    status: str
    human_requested: bool = Field(
        description="The visitor asked for a person: a rep should reach out first."
    )
    budget: BudgetView
    authority: AuthorityView
    need: NeedView
    timeline: TimelineView
    score: Annotated[int | None, Field(ge=0, le=100), Csv("score", 6)]
    grade: Annotated[Text, Csv("grade", 7)]
    route: Annotated[Literal["handoff", "nurture"] | None, Csv("route", 8)]
    rubric_version: int | None
    breakdown: list[BreakdownItem]
    meeting: MeetingView | None = Field(
        description="The meeting booked (or its cancellation), if any."
    )
    notifications: list[NotificationView] = Field(
        description="What the rep was told about this lead, oldest first."
    )
    nurture: NurtureView | None = Field(
        description="The email sequence (null: never asked, or not enrolled yet)."
    )
    source: SourceView
    time_zone: Text
    created_at: Annotated[Timestamp, Csv("created_at", 2)]
    updated_at: Timestamp


class LeadPageView(View):
    items: list[LeadView]
    total: int = Field(ge=0, description="All matching leads.")
    limit: int = Field(ge=1, le=500)
    offset: int = Field(ge=0)


class TranscriptMessageView(View):
    seq: int
    sender: Literal["visitor", "bot", "agent"]
    text: str
    at: Timestamp


class ConversationView(View):
    id: str = Field(description="Rasa's sender id.")
    started_at: Timestamp
    last_seen_at: Timestamp
    source: SourceView
    metadata: dict[str, Any]
    transcript: list[TranscriptMessageView]


class ScoreHistoryEntryView(View):
    at: Timestamp
    conversation_id: Text
    score: int
    grade: str
    route: Literal["handoff", "nurture"]
    rubric_version: int
    breakdown: list[BreakdownItem]


class LeadDetailView(LeadView):
    score_history: list[ScoreHistoryEntryView]
    conversations: list[ConversationView]


RESPONSE_MODELS: tuple[type[View], ...] = (LeadPageView, LeadDetailView)


def response_schemas(ref_prefix: str) -> dict[str, Any]:
    """The JSON schemas of the response models and everything they use, named without
    the "View" suffix (Lead, Budget, LeadPage...), their references under `ref_prefix`."""
    _, top = models_json_schema(
        [(model, "serialization") for model in RESPONSE_MODELS],
        ref_template=ref_prefix + "{model}",
    )
    text = json.dumps(top["$defs"])
    for name in top["$defs"]:
        text = text.replace(f'"{ref_prefix}{name}"', f'"{ref_prefix}{name.removesuffix("View")}"')
    return {name.removesuffix("View"): schema for name, schema in json.loads(text).items()}


def csv_columns(model: type[BaseModel] = LeadView) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(header, path into the lead's JSON) for every field marked `Csv`, in column order."""
    found: list[tuple[int, str, tuple[str, ...]]] = []

    def walk(kind: type[BaseModel], path: tuple[str, ...]) -> None:
        for name, info in kind.model_fields.items():
            for mark in info.metadata:
                if isinstance(mark, Csv):
                    found.append((mark.order, mark.header, (*path, name)))
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, (*path, name))

    walk(model, ())
    return tuple((header, path) for _, header, path in sorted(found))


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _source(row: Lead | Conversation) -> SourceView:
    return SourceView(
        page_url=row.source_page_url,
        referrer=row.source_referrer,
        utm_source=row.source_utm_source,
        utm_medium=row.source_utm_medium,
        utm_campaign=row.source_utm_campaign,
        utm_term=row.source_utm_term,
        utm_content=row.source_utm_content,
    )


def lead_view(lead: Lead, notifications: Sequence[dict[str, Any]] | None = None) -> LeadView:
    return LeadView.model_construct(**_lead_fields(lead, notifications or ()))


def _lead_fields(lead: Lead, notifications: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": lead.id,
        "email": lead.email,
        "email_status": lead.email_status,
        "name": lead.name,
        "company": lead.company,
        "status": lead.status,
        "human_requested": bool(lead.human_requested),
        "budget": BudgetView.model_construct(
            amount=_money(lead.budget_amount),
            amount_max=_money(lead.budget_amount_max),
            currency=lead.budget_currency,
            period=lead.budget_period,
            status=lead.budget_status,
            raw=lead.budget_raw,
        ),
        "authority": AuthorityView.model_construct(
            decision_maker=lead.authority_decision_maker,
            role=lead.authority_role,
            level=lead.authority_level,
            raw=lead.authority_raw,
        ),
        "need": NeedView.model_construct(
            summary=lead.need_summary, level=lead.need_level, raw=lead.need_raw
        ),
        "timeline": TimelineView.model_construct(
            months=lead.timeline_months, status=lead.timeline_status, raw=lead.timeline_raw
        ),
        "score": lead.score,
        "grade": lead.grade,
        "route": lead.route,
        "rubric_version": lead.rubric_version,
        "breakdown": lead.breakdown or [],
        # Owned by handoff and nurture, stored as JSON: validated into their views here.
        "meeting": None if lead.meeting is None else MeetingView.model_validate(lead.meeting),
        "notifications": [NotificationView.model_validate(n) for n in notifications],
        "nurture": None if lead.nurture is None else NurtureView.model_validate(lead.nurture),
        "source": _source(lead),
        "time_zone": lead.time_zone,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
    }


def lead_to_dict(
    lead: Lead, notifications: Sequence[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A lead in the shape of the leads API contract (ARCHITECTURE.md)."""
    return lead_view(lead, notifications).model_dump(mode="json")


def conversation_view(
    conversation: Conversation, transcript: Sequence[TranscriptMessage]
) -> ConversationView:
    return ConversationView.model_construct(
        id=conversation.id,
        started_at=conversation.started_at,
        last_seen_at=conversation.last_seen_at,
        source=_source(conversation),
        metadata=conversation.meta or {},
        transcript=[
            TranscriptMessageView.model_construct(seq=m.seq, sender=m.sender, text=m.text, at=m.at)
            for m in transcript
        ],
    )


def conversation_to_dict(
    conversation: Conversation, transcript: Sequence[TranscriptMessage]
) -> dict[str, Any]:
    """A conversation with its transcript, both sides in order (the lead detail's shape)."""
    return conversation_view(conversation, transcript).model_dump(mode="json")


def score_view(row: ScoreHistory) -> ScoreHistoryEntryView:
    return ScoreHistoryEntryView.model_construct(
        at=row.at,
        conversation_id=row.conversation_id,
        score=row.score,
        grade=row.grade,
        route=row.route,
        rubric_version=row.rubric_version,
        breakdown=row.breakdown,
    )


def score_to_dict(row: ScoreHistory) -> dict[str, Any]:
    """One entry of a lead's score history."""
    return score_view(row).model_dump(mode="json")


# -- handoff (issue 12): what the rep was told, and how the delivery went -------------------


def notification_to_dict(row: OutboxMessage) -> dict[str, Any]:
    event = (row.payload or {}).get("event") or {}
    return {
        "event": event.get("type") or row.kind,
        "channel": row.channel,
        "status": row.status,
        "attempts": row.attempts,
        "delivered_at": row.sent_at.isoformat() if row.sent_at else None,
    }


def notifications_by_lead(rows: Sequence[OutboxMessage]) -> dict[str, list[dict[str, Any]]]:
    """Outbox rows (oldest first) as each lead's `notifications`."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row.lead_id is not None:
            out.setdefault(row.lead_id, []).append(notification_to_dict(row))
    return out
