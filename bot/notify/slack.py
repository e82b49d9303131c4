"""Slack: the event as Block Kit (slack_sdk's block models), sent by its async webhook client.

Everything the visitor typed is escaped (&, <, >) before it goes into mrkdwn, so a visitor
who types `<!channel>` pings no one and `<https://x|click>` shows as text, not as a link.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.notify.errors import PermanentDeliveryError, TemporaryDeliveryError
from bot.notify.text import EVENT_TITLES, breakdown_lines, format_in_zone, parse_instant, who

SLACK_TEXT_LIMIT = 2900  # a section's text may hold 3000 characters


def escape(text: str) -> str:
    """Slack's own escaping for message text: the three characters it treats as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int = SLACK_TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def build_message(payload: dict[str, Any]) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for an event payload (bot.notify.events.Event.to_payload)."""
    lead: dict[str, Any] = payload["lead"]
    rep: dict[str, Any] = payload["rep"]
    kind = str(payload["type"])
    title = EVENT_TITLES.get(kind, kind)
    if payload.get("urgent"):
        title = f"URGENT: {title}"
    person = escape(who(lead))
    fallback = f"{title}: {person}"

    facts = [
        f"*Lead:* {person}",
        f"*Email:* {escape(str(lead.get('email') or 'not given'))}",
        f"*Score:* grade {escape(str(lead.get('grade') or '-'))}, {lead.get('score', '-')}/100",
    ]
    meeting = payload.get("meeting")
    if meeting:
        when = format_in_zone(parse_instant(str(meeting["start"])), str(rep["time_zone"]))
        facts.append(f"*Meeting:* {escape(when)} ({escape(str(meeting.get('status')))})")
    source = (lead.get("source") or {}).get("page_url")
    if source:
        facts.append(f"*Came from:* {escape(str(source))}")
    if payload.get("note"):
        facts.append(f"*Note:* {escape(str(payload['note']))}")

    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title[:150], emoji=False)),
        SectionBlock(text=MarkdownTextObject(text=_clip("\n".join(facts)))),
    ]
    breakdown = [
        f"• *{escape(head)}*: {escape(label)}" + (f" — “{escape(str(words))}”" if words else "")
        for head, label, words in breakdown_lines(lead)
    ]
    if breakdown:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_clip("\n".join(breakdown)))))
    transcript = payload.get("transcript") or []
    if transcript:
        said = [
            f"*{escape(str(m.get('sender')))}:* {escape(str(m.get('text')))}"
            for m in transcript[-12:]
        ]
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_clip("\n".join(said)))))
    buttons = [ButtonElement(text="Open the lead", url=str(payload["lead_url"]))]
    if payload.get("transcript_url"):
        buttons.append(ButtonElement(text="Transcript", url=str(payload["transcript_url"])))
    blocks.append(ActionsBlock(elements=buttons))
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=f"For {escape(str(rep['name']))}")])
    )
    return fallback, blocks


async def send_slack(
    session: aiohttp.ClientSession, webhook_url: str, payload: dict[str, Any], key: str
) -> None:
    """Post to an incoming webhook; raises Temporary/PermanentDeliveryError."""
    text, blocks = build_message(payload)
    # The outbox retries with backoff: slack_sdk's own retry (which sleeps) is switched off.
    client = AsyncWebhookClient(webhook_url, session=session, retry_handlers=[])
    try:
        response = await client.send(text=text, blocks=blocks, headers={"Idempotency-Key": key})
    except (aiohttp.ClientError, TimeoutError) as error:
        raise TemporaryDeliveryError(f"slack: {type(error).__name__}: {error}") from error
    if 200 <= response.status_code < 300:
        return
    message = f"slack answered {response.status_code}: {str(response.body)[:200]}"
    if response.status_code in (408, 429) or response.status_code >= 500:
        raise TemporaryDeliveryError(message)
    raise PermanentDeliveryError(message)
