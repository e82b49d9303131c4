"""Each channel against a real receiver: an aiohttp server for Slack and webhooks, aiosmtpd."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone

import aiohttp
import pytest
from icalendar import Calendar

from bot.clock import FrozenClock
from bot.mail.transport import SmtpTransport
from bot.notify.channels import (
    EmailChannel,
    InviteChannel,
    SlackChannel,
    WebhookChannel,
    channel_to_dict,
)
from bot.notify.deliver import Notifier
from bot.notify.errors import PermanentDeliveryError, TemporaryDeliveryError
from bot.notify.webhook import SIGNATURE_HEADER, verify
from tests.integration.notify.receiver import HttpReceiver, SmtpReceiver, free_port
from tests.integration.notify.samples import sample_event

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
SECRET = "whsec-0123456789abcdef"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def _notifier(session: aiohttp.ClientSession, smtp_url: str, env: dict[str, str]) -> Notifier:
    return Notifier(
        session, SmtpTransport(smtp_url, timeout=5), env.get, FrozenClock(NOW),
        mail_from="Leadbot <bot@example.com>",
    )  # fmt: skip


async def test_webhook_is_signed_and_carries_the_key_and_versioned_payload(
    session: aiohttp.ClientSession, receiver: HttpReceiver, smtp: SmtpReceiver
) -> None:
    notifier = _notifier(session, smtp.url, {"CRM_SECRET": SECRET})
    event = sample_event("meeting.booked")
    channel = WebhookChannel(url=receiver.url("/crm"), secret_env="CRM_SECRET")
    await notifier.deliver(
        "key-1", {"channel": channel_to_dict(channel), "event": event.to_payload()}
    )

    (request,) = receiver.requests
    assert request.path == "/crm"
    assert request.headers["Idempotency-Key"] == "key-1"
    assert verify(SECRET, request.headers[SIGNATURE_HEADER], request.body, now=int(NOW.timestamp()))
    body = json.loads(request.body)
    assert body["version"] == 1
    assert body["type"] == "meeting.booked"
    assert body["lead"]["email"] == "sophie@acme.io"
    assert body["meeting"]["start"] == "2026-12-02T14:00:00+00:00"
    assert body["transcript_url"].endswith("#conv-1")


async def test_slack_gets_block_kit_through_the_webhook_client(
    session: aiohttp.ClientSession, receiver: HttpReceiver, smtp: SmtpReceiver
) -> None:
    notifier = _notifier(session, smtp.url, {"SLACK_URL": receiver.url("/services/T/B/X")})
    event = sample_event("lead.qualified")
    channel = SlackChannel(webhook_url_env="SLACK_URL")
    await notifier.deliver(
        "key-2", {"channel": channel_to_dict(channel), "event": event.to_payload()}
    )
    (request,) = receiver.requests
    body = json.loads(request.body)
    assert body["text"] == "New qualified lead: Sophie Laurent (Acme)"
    assert [b["type"] for b in body["blocks"]][:2] == ["header", "section"]


async def test_email_to_the_rep_has_the_invite_attached(
    session: aiohttp.ClientSession, smtp: SmtpReceiver
) -> None:
    notifier = _notifier(session, smtp.url, {})
    event = sample_event("meeting.booked")
    await notifier.deliver("key-3", {"channel": channel_to_dict(EmailChannel("ana@example.com")),
                                     "event": event.to_payload()})  # fmt: skip
    await notifier.deliver("key-4", {"channel": channel_to_dict(InviteChannel("sophie@acme.io")),
                                     "event": event.to_payload()})  # fmt: skip
    assert [to for _, to, _ in smtp.messages] == [["ana@example.com"], ["sophie@acme.io"]]
    for _, _, message in smtp.messages:
        (ics,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        cal = Calendar.from_ical(ics.get_payload(decode=True))
        assert cal["method"] == "REQUEST"


@pytest.mark.parametrize(("status", "error"), [(503, TemporaryDeliveryError),
                                                (429, TemporaryDeliveryError),
                                                (400, PermanentDeliveryError),
                                                (410, PermanentDeliveryError)])  # fmt: skip
async def test_receiver_answers_map_to_retry_or_give_up(
    session: aiohttp.ClientSession,
    receiver: HttpReceiver,
    smtp: SmtpReceiver,
    status: int,
    error: type[Exception],
) -> None:
    receiver.status = status
    notifier = _notifier(session, smtp.url, {"S": SECRET})
    channel = WebhookChannel(url=receiver.url(), secret_env="S")
    with pytest.raises(error):
        await notifier.deliver("k", {"channel": channel_to_dict(channel),
                                     "event": sample_event().to_payload()})  # fmt: skip


async def test_refused_connection_is_temporary_and_a_missing_secret_permanent(
    session: aiohttp.ClientSession, smtp: SmtpReceiver
) -> None:
    notifier = _notifier(session, smtp.url, {"S": SECRET})
    nobody = WebhookChannel(url=f"http://127.0.0.1:{free_port()}/hook", secret_env="S")
    with pytest.raises(TemporaryDeliveryError):
        await notifier.deliver("k", {"channel": channel_to_dict(nobody),
                                     "event": sample_event().to_payload()})  # fmt: skip
    unset = SlackChannel(webhook_url_env="NOT_SET_ANYWHERE")
    with pytest.raises(PermanentDeliveryError, match="NOT_SET_ANYWHERE"):
        await notifier.deliver("k", {"channel": channel_to_dict(unset),
                                     "event": sample_event().to_payload()})  # fmt: skip
