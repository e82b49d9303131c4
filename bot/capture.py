"""Score a conversation's facts and keep the lead: in the database, or spooled if it is down.

This is the one use case the Rasa action calls when a visitor finishes qualification (or
leaves half-way): it never loses a lead and never claims a lead was kept when it was not.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from bot.leads.service import LeadInput, ScoreRecord, StoredHook, record_lead
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.scoring import Rubric, Score, score_lead

logger = logging.getLogger(__name__)

# What a database outage looks like from here: the driver's and the network's errors.
DATABASE_DOWN: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError, TimeoutError)


@dataclass(frozen=True)
class Capture:
    """The outcome: `kept` is "stored", "spooled" (lands later) or "lost" (tell the visitor)."""

    score: Score
    kept: Literal["stored", "spooled", "lost"]
    lead_id: str | None = None
    spooled_to: str | None = None


def score_facts(rubric: Rubric, data: LeadInput) -> Score:
    return score_lead(rubric, data.budget, data.authority, data.need, data.timeline)


async def capture_lead(
    data: LeadInput,
    *,
    rubric: Rubric,
    uow_factory: Callable[[], SqlAlchemyUnitOfWork],
    spool: LeadSpool,
    on_stored: StoredHook | None = None,
) -> Capture:
    score = score_facts(rubric, data)
    scored = dataclasses.replace(data, score=ScoreRecord.from_dict(score.to_dict()))
    try:
        result = await record_lead(uow_factory(), scored, on_stored=on_stored)
    except DATABASE_DOWN:
        logger.warning("lead store unavailable; spooling conversation %s", data.conversation_id)
        try:
            path = spool.put(scored)
        except OSError:
            logger.exception("could not spool conversation %s", data.conversation_id)
            return Capture(score=score, kept="lost")
        return Capture(score=score, kept="spooled", spooled_to=str(path))
    try:
        # The database answers again: deliver what waited while it was down.
        await spool.drain(uow_factory)
    except DATABASE_DOWN:
        logger.warning("spool not drained yet; will retry")
    return Capture(score=score, kept="stored", lead_id=result.lead_id)
