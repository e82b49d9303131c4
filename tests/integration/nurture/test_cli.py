"""The schedule preview: what an enrolled lead gets and when, in UTC and its own zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.nurture.cli import preview
from bot.nurture.sequences import SequenceBook
from bot.nurture.service import enroll
from tests.integration.nurture.conftest import MAIL_FROM
from tests.integration.nurture.helpers import stored_lead


async def test_preview_before_and_after_enrollment(
    sessions: async_sessionmaker[AsyncSession], book: SequenceBook, clock: FrozenClock,
    database_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", database_url)
    lead_id = await stored_lead(sessions, "chat-cli", "ada@engines.example", clock.now())
    planned = await preview("ADA@engines.example", now=clock.now())
    assert planned[1] == "not enrolled; enrolling now would plan pricing_and_roi:"
    assert planned[2] == ("  welcome    due 2027-01-12 15:00 UTC  (Tue 2027-01-12 10:00 EST)")
    assert len(planned) == 7
    await enroll(sessions, book, lead_id, clock.now() + timedelta(hours=1), mail_from=MAIL_FROM)
    stored = await preview(lead_id)
    assert stored[1] == "sequence pricing_and_roi: active"
    assert stored[3].startswith(
        "  reminder   pending     due 2027-01-14 16:00 UTC  (Thu 2027-01-14 11:00 EST)"
    )
    assert await preview("nobody@example.org") == ["no lead 'nobody@example.org'"]
