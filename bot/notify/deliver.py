"""One outbox row out through its channel: the bridge from bot.outbox to the clients.

An outbox row's payload is `{"channel": {...}, "event": {...}}` (or `"alert"` for the
operator's alert); its idempotency key travels with every attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp

from bot.clock import Clock
from bot.mail.transport import MailTransport
from bot.notify import email
from bot.notify.channels import (
    AdminChannel,
    EmailChannel,
    InviteChannel,
    SlackChannel,
    WebhookChannel,
    channel_from_dict,
)
from bot.notify.errors import PermanentDeliveryError
from bot.notify.slack import send_slack
from bot.notify.webhook import send_webhook

SecretLookup = Callable[[str], str | None]


class Notifier:
    """Delivers outbox payloads; raises Temporary/PermanentDeliveryError on failure."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        mail: MailTransport,
        secrets: SecretLookup,
        clock: Clock,
        *,
        mail_from: str,
    ) -> None:
        self._session = session
        self._mail = mail
        self._secrets = secrets
        self._clock = clock
        self._mail_from = mail_from

    def _secret(self, name: str) -> str:
        value = self._secrets(name)
        if not value:
            raise PermanentDeliveryError(f"environment variable {name} is not set")
        return value

    async def deliver(self, key: str, payload: dict[str, Any]) -> None:
        try:
            channel = channel_from_dict(payload["channel"])
        except (KeyError, ValueError) as error:
            raise PermanentDeliveryError(f"bad outbox payload: {error}") from error
        now = self._clock.now()
        if isinstance(channel, AdminChannel):
            message = email.admin_alert_email(
                payload["alert"], to=channel.to, sender=self._mail_from, key=key, now=now
            )
            await email.send_email(self._mail, message)
            return
        event: dict[str, Any] = payload["event"]
        if isinstance(channel, SlackChannel):
            url = self._secret(channel.webhook_url_env)
            await send_slack(self._session, url, event, key)
        elif isinstance(channel, WebhookChannel):
            secret = self._secret(channel.secret_env)
            await send_webhook(
                self._session, channel.url, secret, event, key, timestamp=int(now.timestamp())
            )
        elif isinstance(channel, EmailChannel):
            message = email.rep_email(
                event, to=channel.to, sender=self._mail_from, key=key, now=now
            )
            await email.send_email(self._mail, message)
        elif isinstance(channel, InviteChannel):
            message = email.visitor_invite_email(
                event, to=channel.to, sender=self._mail_from, key=key, now=now
            )
            await email.send_email(self._mail, message)
