"""A lead row as the merge rules see it (`bot.leads.merge.LeadState`), and back.

Every column is named as an attribute mypy checks (`lead.budget_raw`), never as a string.
Writing clips text to its column's length (visitor input is unbounded) and leaves a column
that would not change untouched.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.orm import InstrumentedAttribute

from bot.facts import (
    Authority,
    AuthorityLevel,
    Budget,
    BudgetStatus,
    Need,
    NeedLevel,
    Period,
    Timeline,
    TimelineStatus,
)
from bot.leads.merge import LeadState, Scored, Source
from bot.leads.models import Conversation, Lead

T = TypeVar("T")
Row = TypeVar("Row", Lead, Conversation)


def read_state(lead: Lead) -> LeadState:
    return LeadState(
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        status=lead.status,
        budget=None
        if lead.budget_status is None
        else Budget(
            raw=lead.budget_raw or "",
            status=cast(BudgetStatus, lead.budget_status),
            amount=lead.budget_amount,
            amount_max=lead.budget_amount_max,
            currency=lead.budget_currency,
            period=cast("Period | None", lead.budget_period),
        ),
        authority=None
        if lead.authority_level is None
        else Authority(
            raw=lead.authority_raw or "",
            level=cast(AuthorityLevel, lead.authority_level),
            decision_maker=lead.authority_decision_maker,
            role=lead.authority_role,
        ),
        need=None
        if lead.need_level is None
        else Need(
            raw=lead.need_raw or "",
            level=cast(NeedLevel, lead.need_level),
            summary=lead.need_summary,
        ),
        timeline=None
        if lead.timeline_status is None
        else Timeline(
            raw=lead.timeline_raw or "",
            status=cast(TimelineStatus, lead.timeline_status),
            months=lead.timeline_months,
        ),
        name=lead.name,
        company=lead.company,
        time_zone=lead.time_zone,
        scored=None
        if lead.score is None
        or lead.grade is None
        or lead.route is None
        or lead.rubric_version is None
        else Scored(
            score=lead.score,
            grade=lead.grade,
            route=lead.route,
            rubric_version=lead.rubric_version,
            breakdown=list(lead.breakdown or []),
        ),
        source=read_source(lead),
        meeting=lead.meeting,
        nurture=lead.nurture,
    )


def write_state(lead: Lead, state: LeadState) -> None:
    put(lead, Lead.created_at, state.created_at)
    put(lead, Lead.status, state.status)
    budget = state.budget
    put(lead, Lead.budget_amount, budget.amount if budget else None)
    put(lead, Lead.budget_amount_max, budget.amount_max if budget else None)
    put(lead, Lead.budget_currency, budget.currency if budget else None)
    put(lead, Lead.budget_period, budget.period if budget else None)
    put(lead, Lead.budget_status, budget.status if budget else None)
    put(lead, Lead.budget_raw, budget.raw if budget else None)
    authority = state.authority
    put(lead, Lead.authority_decision_maker, authority.decision_maker if authority else None)
    put(lead, Lead.authority_role, authority.role if authority else None)
    put(lead, Lead.authority_level, authority.level if authority else None)
    put(lead, Lead.authority_raw, authority.raw if authority else None)
    need = state.need
    put(lead, Lead.need_summary, need.summary if need else None)
    put(lead, Lead.need_level, need.level if need else None)
    put(lead, Lead.need_raw, need.raw if need else None)
    timeline = state.timeline
    put(lead, Lead.timeline_months, timeline.months if timeline else None)
    put(lead, Lead.timeline_status, timeline.status if timeline else None)
    put(lead, Lead.timeline_raw, timeline.raw if timeline else None)
    put(lead, Lead.name, state.name)
    put(lead, Lead.company, state.company)
    put(lead, Lead.time_zone, state.time_zone)
    write_scored(lead, state.scored)
    write_source(lead, state.source)
    put(lead, Lead.meeting, state.meeting)
    put(lead, Lead.nurture, state.nurture)


def write_scored(lead: Lead, scored: Scored | None) -> None:
    put(lead, Lead.score, scored.score if scored else None)
    put(lead, Lead.grade, scored.grade if scored else None)
    put(lead, Lead.route, scored.route if scored else None)
    put(lead, Lead.rubric_version, scored.rubric_version if scored else None)
    put(lead, Lead.breakdown, scored.breakdown if scored else None)


def read_source(row: Lead | Conversation) -> Source:
    return Source(
        page_url=row.source_page_url,
        referrer=row.source_referrer,
        utm_source=row.source_utm_source,
        utm_medium=row.source_utm_medium,
        utm_campaign=row.source_utm_campaign,
        utm_term=row.source_utm_term,
        utm_content=row.source_utm_content,
    )


def write_source(row: Lead | Conversation, source: Source) -> None:
    model: type[Lead] | type[Conversation] = type(row)
    put(row, model.source_page_url, source.page_url)
    put(row, model.source_referrer, source.referrer)
    put(row, model.source_utm_source, source.utm_source)
    put(row, model.source_utm_medium, source.utm_medium)
    put(row, model.source_utm_campaign, source.utm_campaign)
    put(row, model.source_utm_term, source.utm_term)
    put(row, model.source_utm_content, source.utm_content)


def put(row: Lead | Conversation, column: InstrumentedAttribute[T], value: T) -> None:
    """Set one column, clipping text to the column's length; unchanged values stay put."""
    if isinstance(value, str):
        length: Any = getattr(column.property.columns[0].type, "length", None)
        if isinstance(length, int) and len(value) > length:
            value = cast(T, value[:length])
    if getattr(row, column.key) != value:
        setattr(row, column.key, value)
