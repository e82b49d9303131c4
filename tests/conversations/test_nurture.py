"""The email question through the real Rasa and action server: a cold lead who says yes
gets the welcome at a real SMTP server; one who says no never gets anything."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.leads.db import make_engine, make_session_factory
from bot.leads.models import Consent, Lead
from bot.nurture.handover import SmtpHandOver
from bot.nurture.sender import NurtureSender, NurtureSettings
from bot.nurture.sequences import load_sequences
from bot.nurture.service import CONSENT_NOTICE
from bot.settings import DEV_SECRET_KEY, ROOT
from bot.signing import Signer
from tests.integration.nurture.smtp import SmtpServer, running_smtp_server
from tests.support.stack import Stack

pytestmark = pytest.mark.rasa


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_smtp_server()


@pytest.fixture
async def sessions(lead_store_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(lead_store_url)
    yield make_session_factory(engine)
    await engine.dispose()


def _sender(
    sessions: async_sessionmaker[AsyncSession], server: SmtpServer, at: datetime
) -> NurtureSender:
    """The worker's sender, as the web app runs it, with a clock the test sets."""
    return NurtureSender(
        sessions, SmtpHandOver.from_url(server.url), load_sequences(ROOT / "sequences.yml"),
        Signer(DEV_SECRET_KEY),
        NurtureSettings(public_url="http://127.0.0.1:8080", mail_from="Leadbot <leadbot@localhost>",
                        sender_name="Leadbot"),
        FrozenClock(at),
    )  # fmt: skip


def _cold_lead_until_the_email_question(stack: Stack, me: str, address: str) -> list[str]:
    stack.say(me, "I'd like a demo")
    stack.say(me, "we want to answer questions on our website")
    stack.say(me, "no budget yet")
    stack.say(me, "I'm an intern, my manager decides")
    stack.say(me, "maybe in a year or two")
    stack.say(me, "Ada Lovelace")
    stack.say(me, address)
    return stack.say(me, "Analytical Engines")


async def test_a_cold_lead_who_consents_gets_the_welcome(
    stack: Stack, sessions: async_sessionmaker[AsyncSession], smtp_server: SmtpServer
) -> None:
    me = f"nurture-{uuid.uuid4().hex[:8]}"
    address = f"ada.{uuid.uuid4().hex[:6]}@engines.example"
    replies = _cold_lead_until_the_email_question(stack, me, address)
    assert stack.slots(me)["lead_route"] == "nurture"
    assert replies[-1] == CONSENT_NOTICE  # asked once, in plain words
    replies = stack.say(me, "yes please")
    assert any("first email" in reply for reply in replies), replies

    sender = _sender(sessions, smtp_server, datetime.now(timezone.utc) + timedelta(minutes=1))
    while await sender.deliver_due():
        pass
    (welcome,) = smtp_server.mailbox.to(address)
    assert "Hi Ada," in welcome.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    async with sessions() as session:
        lead = (await session.scalars(select(Lead).where(Lead.email == address))).one()
        consent = (await session.scalars(select(Consent).where(Consent.lead_id == lead.id))).one()
        assert (consent.answer, consent.text, consent.conversation_id) == (
            "granted", CONSENT_NOTICE, me,
        )  # fmt: skip
        assert lead.nurture is not None
        assert lead.nurture["status"] == "enrolled"


async def test_a_cold_lead_who_declines_never_gets_an_email(
    stack: Stack, sessions: async_sessionmaker[AsyncSession], smtp_server: SmtpServer
) -> None:
    me = f"nurture-{uuid.uuid4().hex[:8]}"
    address = f"charles.{uuid.uuid4().hex[:6]}@engines.example"
    replies = _cold_lead_until_the_email_question(stack, me, address)
    assert replies[-1] == CONSENT_NOTICE
    replies = stack.say(me, "no thanks, no emails")
    assert any("won't send" in r or "no emails" in r.lower() for r in replies), replies

    for days in (0, 2, 30, 120):  # whenever the worker runs, nothing goes to them
        sender = _sender(sessions, smtp_server, datetime.now(timezone.utc) + timedelta(days=days))
        while await sender.deliver_due():
            pass
    assert smtp_server.mailbox.to(address) == []
    async with sessions() as session:
        lead = (await session.scalars(select(Lead).where(Lead.email == address))).one()
        assert lead.nurture == {
            "sequence": None,
            "status": "no_consent",
            "reason": "declined",
            "steps": [],
        }
