"""The generic JSON webhook (a CRM, Zapier, n8n): the event payload, signed.

Headers: `Idempotency-Key` (the same on every retry of one event to one endpoint) and
`X-Leadbot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, the
scheme Stripe made familiar: the receiver recomputes it with the shared secret and refuses
a body that was changed or a timestamp that is too old.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import aiohttp

from bot.notify.errors import PermanentDeliveryError, TemporaryDeliveryError

SIGNATURE_HEADER = "X-Leadbot-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for `body` sent at `timestamp` (unix seconds)."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> bool:
    """What a receiver does (and the tests): a matching v1 and a fresh timestamp."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


async def send_webhook(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    payload: dict[str, Any],
    key: str,
    *,
    timestamp: int,
    timeout: float = 10.0,
) -> None:
    """POST the signed payload; raises Temporary/PermanentDeliveryError."""
    body = body_bytes(payload)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        "User-Agent": "Leadbot-Webhook/1",
    }
    try:
        async with session.post(
            url, data=body, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            status = response.status
            text = (await response.text(errors="replace"))[:200]
    except (aiohttp.ClientError, TimeoutError) as error:
        raise TemporaryDeliveryError(f"webhook: {type(error).__name__}: {error}") from error
    if 200 <= status < 300:
        return
    message = f"webhook answered {status}: {text}"
    if status in (408, 425, 429) or status >= 500:
        raise TemporaryDeliveryError(message)
    raise PermanentDeliveryError(message)
