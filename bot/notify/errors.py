"""How a delivery failed: try again later, or never (the outbox marks the row dead)."""

from __future__ import annotations


class DeliveryError(Exception):
    """A channel did not take the message."""


class TemporaryDeliveryError(DeliveryError):
    """The receiver is down, busy or answered 408/429/5xx: retry with backoff."""


class PermanentDeliveryError(DeliveryError):
    """The receiver refused for good (4xx), or the channel is misconfigured (no secret)."""
