"""Score a conversation's facts and keep the lead: in the database, or spooled if it is down.

This is the one use case the Rasa action calls when a visitor finishes qualification (or
leaves half-way): it never loses a lead and never claims a lead was kept when it was not.

It never drains the spool: the web app's worker does (one drainer, see bot.leads.spool),
so a visitor's turn never waits for other visitors' leads, and its own file is written in
a thread, off the action server's event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.leads.failures import OUTAGE, classify, reason
from bot.leads.service import LeadInput, ScoreRecord, StoredHook, record_lead
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.scoring import Rubric, Score, score_lead

logger = logging.getLogger(__name__)

# Kept for callers that catch an outage (the web app's entry point).
DATABASE_DOWN: tuple[type[BaseException], ...] = OUTAGE

Kept = Literal["stored", "spooled", "quarantined", "lost"]


@dataclass(frozen=True)
class Capture:
    """The outcome. `kept`: "stored"; "spooled" (lands later); "quarantined" (the database
    refused it, a copy is on disk and an administrator is told); "lost" (no copy anywhere:
    tell the visitor)."""

    score: Score
    kept: Kept
    lead_id: str | None = None
    kept_at: str | None = None  # the spool or quarantine file

    @property
    def safe(self) -> bool:
        """Is the lead kept somewhere (may the visitor be told so)?"""
        return self.kept != "lost"


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
    except Exception as error:
        failure = classify(error)
        if failure == "refused":
            logger.error(
                "lead store refused conversation %s (%s): quarantined",
                data.conversation_id,
                reason(error),
            )
            keep = functools.partial(spool.quarantine_lead, scored, reason(error))
            return await _keep_on_disk(keep, scored.conversation_id, score, "quarantined")
        # An outage, or a failure we can't place: keep the lead and let the worker retry.
        logger.warning(
            "lead store unavailable (%s); spooling conversation %s",
            reason(error),
            data.conversation_id,
        )
        return await _keep_on_disk(
            functools.partial(spool.put, scored), scored.conversation_id, score, "spooled"
        )
    return Capture(score=score, kept="stored", lead_id=result.lead_id)


async def _keep_on_disk(
    write: Callable[[], Path], conversation_id: str, score: Score, kept: Kept
) -> Capture:
    """Write the lead's file in a thread; "lost" if even the disk refuses it."""
    try:
        path = await asyncio.to_thread(write)
    except OSError:
        logger.exception("could not keep conversation %s on disk", conversation_id)
        return Capture(score=score, kept="lost")
    return Capture(score=score, kept=kept, kept_at=str(path))
