"""Hostile visitor text is stored on both databases, and reads back exactly as cleaned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from bot.facts import Budget, EmailCheck
from bot.leads import clean
from bot.leads.service import LeadInput, TranscriptEntry, lead_detail, record_lead
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork

T = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)
HOSTILE = [
    "NUL \x00 in the middle",
    "lone surrogates \ud800 \udc00",
    "controls \x01\x02\x1b[2J\x7f\x9b",
    "crlf\r\nand cr\r",
    "emoji 🙂 ZWJ 👩‍💻 RTL \u202e override",
    "'; DROP TABLE leads; --",
    '=HYPERLINK("http://evil.example")',
    "x" * 50_000,
]


async def test_hostile_text_reads_back_as_cleaned(
    new_uow: Callable[[], SqlAlchemyUnitOfWork],
) -> None:
    data = LeadInput(
        conversation_id="conv-\x00hostile",
        name="Ada \x00Lovelace\ud800",
        company="Acme\x1b",
        email=EmailCheck(raw="ada@acme.io\x00", status="ok", normalized="ada@acme.io"),
        budget=Budget(raw="50k\x00 " + "y" * 20_000, status="amount"),
        source={"page_url": "https://acme.example/?q=\x00\ud800", "utm_source": "\x00x"},
        metadata={"note\x00": "v\ud800"},
        transcript=[
            TranscriptEntry(seq=i, sender="visitor", text=text, at=T)
            for i, text in enumerate(HOSTILE)
        ],
    )
    result = await record_lead(new_uow(), data)

    lead = await lead_detail(new_uow(), result.lead_id)
    assert lead is not None
    assert lead["name"] == "Ada Lovelace\ufffd"
    assert lead["company"] == "Acme"
    assert lead["budget"]["raw"] == clean.text("50k\x00 " + "y" * 20_000)
    assert lead["source"]["page_url"] == "https://acme.example/?q=\ufffd"
    [conversation] = lead["conversations"]
    assert conversation["id"] == "conv-hostile"
    assert conversation["metadata"] == {"note": "v\ufffd"}
    assert [m["text"] for m in conversation["transcript"]] == [clean.text(t) for t in HOSTILE]
    assert conversation["transcript"][-1]["text"].endswith("…[cut 40023 characters]")
