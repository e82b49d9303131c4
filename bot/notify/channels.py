"""Where a notification goes: a rep's channels as reps.yml names them, plus two of our own.

Secrets never live here: a Slack webhook URL or a webhook signing secret is named by the
environment variable that holds it, and looked up only when the message leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ChannelKind = Literal["slack", "email", "webhook", "invite", "admin"]


@dataclass(frozen=True)
class SlackChannel:
    webhook_url_env: str
    kind: Literal["slack"] = "slack"


@dataclass(frozen=True)
class EmailChannel:
    """An email to the rep (the event, with the ICS invite when there is a meeting)."""

    to: str
    kind: Literal["email"] = "email"


@dataclass(frozen=True)
class WebhookChannel:
    url: str
    secret_env: str
    kind: Literal["webhook"] = "webhook"


@dataclass(frozen=True)
class InviteChannel:
    """The visitor's calendar invite (or its cancellation) for a meeting event."""

    to: str
    kind: Literal["invite"] = "invite"


@dataclass(frozen=True)
class AdminChannel:
    """The operator's alert that a notification could not be delivered at all."""

    to: str
    kind: Literal["admin"] = "admin"


Channel = SlackChannel | EmailChannel | WebhookChannel | InviteChannel | AdminChannel


def channel_to_dict(channel: Channel) -> dict[str, Any]:
    if isinstance(channel, SlackChannel):
        return {"kind": "slack", "webhook_url_env": channel.webhook_url_env}
    if isinstance(channel, WebhookChannel):
        return {"kind": "webhook", "url": channel.url, "secret_env": channel.secret_env}
    return {"kind": channel.kind, "to": channel.to}


def channel_from_dict(data: dict[str, Any]) -> Channel:
    kind = data.get("kind")
    if kind == "slack":
        return SlackChannel(webhook_url_env=str(data["webhook_url_env"]))
    if kind == "webhook":
        return WebhookChannel(url=str(data["url"]), secret_env=str(data["secret_env"]))
    if kind == "email":
        return EmailChannel(to=str(data["to"]))
    if kind == "invite":
        return InviteChannel(to=str(data["to"]))
    if kind == "admin":
        return AdminChannel(to=str(data["to"]))
    raise ValueError(f"unknown channel kind {kind!r}")


def channel_label(channel: Channel) -> str:
    """A short, stable name for the channel (part of the idempotency key, shown in the API)."""
    if isinstance(channel, SlackChannel):
        return f"slack:{channel.webhook_url_env}"
    if isinstance(channel, WebhookChannel):
        return f"webhook:{channel.url}"
    return f"{channel.kind}:{channel.to.lower()}"
