"""A local spool for leads the database could not take yet.

When the lead store is down the visitor still gets a kind reply and the lead is written
here, one JSON file per conversation (the newest capture replaces the older one: it holds
everything the older one did, and record_lead is idempotent per conversation). `drain`
delivers them once the database is back; the file is removed only after the commit.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.leads.keys import email_key
from bot.leads.service import (
    ConsentInput,
    LeadInput,
    ScoreRecord,
    TranscriptEntry,
    record_lead,
)
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork

logger = logging.getLogger(__name__)
SPOOL_FORMAT = 1


def lead_input_to_json(data: LeadInput) -> dict[str, Any]:
    return {
        "format": SPOOL_FORMAT,
        "conversation_id": data.conversation_id,
        "budget": data.budget.to_slot() if data.budget else None,
        "authority": data.authority.to_slot() if data.authority else None,
        "need": data.need.to_slot() if data.need else None,
        "timeline": data.timeline.to_slot() if data.timeline else None,
        "name": data.name,
        "company": data.company,
        "email": data.email.to_slot() if data.email else None,
        "score": asdict(data.score) if data.score else None,
        "source": dict(data.source),
        "metadata": dict(data.metadata),
        "transcript": [
            {"seq": t.seq, "sender": t.sender, "text": t.text, "at": t.at.isoformat()}
            for t in data.transcript
        ],
        "consents": [{**asdict(c), "given_at": c.given_at.isoformat()} for c in data.consents],
        "human_requested": data.human_requested,
    }


def lead_input_from_json(raw: Mapping[str, Any]) -> LeadInput:
    def fact(key: str, kind: Any) -> Any:
        value = raw.get(key)
        return kind.from_slot(value) if value else None

    return LeadInput(
        conversation_id=str(raw["conversation_id"]),
        budget=fact("budget", Budget),
        authority=fact("authority", Authority),
        need=fact("need", Need),
        timeline=fact("timeline", Timeline),
        name=raw.get("name"),
        company=raw.get("company"),
        email=fact("email", EmailCheck),
        human_requested=bool(raw.get("human_requested", False)),
        score=ScoreRecord.from_dict(raw["score"]) if raw.get("score") else None,
        source=dict(raw.get("source") or {}),
        metadata=dict(raw.get("metadata") or {}),
        transcript=tuple(
            TranscriptEntry(
                seq=int(t["seq"]),
                sender=t["sender"],
                text=t["text"],
                at=datetime.fromisoformat(t["at"]),
            )
            for t in raw.get("transcript") or ()
        ),
        consents=tuple(
            ConsentInput(
                kind=c["kind"],
                notice_version=c["notice_version"],
                given_at=datetime.fromisoformat(c["given_at"]),
                text=c.get("text"),
            )
            for c in raw.get("consents") or ()
        ),
    )


class LeadSpool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, conversation_id: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", conversation_id)[:120]
        return self.directory / f"{safe}.json"

    def put(self, data: LeadInput) -> Path:
        """Writes atomically (temp file, fsync, rename): a crash leaves the old or the new."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(data.conversation_id)
        tmp = path.with_suffix(".json.tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(lead_input_to_json(data), f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return path

    def pending(self) -> list[Path]:
        if not self.directory.exists():
            return []
        return sorted(self.directory.glob("*.json"), key=lambda p: p.stat().st_mtime)

    async def drain(self, uow_factory: Callable[[], SqlAlchemyUnitOfWork]) -> int:
        """Delivers spooled leads in arrival order; stops at the first failure (still down)."""
        delivered = 0
        for path in self.pending():
            try:
                original = path.read_bytes()
                data = lead_input_from_json(json.loads(original))
            except (OSError, ValueError, KeyError, TypeError):
                logger.exception("unreadable spool file kept aside: %s", path)
                path.rename(path.with_suffix(".bad"))
                continue
            await record_lead(uow_factory(), data)
            # A newer capture of the same conversation may have replaced the file meanwhile.
            if path.exists() and path.read_bytes() == original:
                path.unlink()
            delivered += 1
        return delivered

    def discard(self, conversation_ids: Iterable[str] = (), *, email: str | None = None) -> int:
        """Delete spooled leads of these conversations and any spooled lead with this
        email's mailbox (an erasure must not come back with the next drain), also files
        set aside as unreadable when they can be read. Returns how many were deleted."""
        ids = set(conversation_ids)
        key = _email_key_or_none(email)
        if not self.directory.exists():
            return 0
        deleted = 0
        for path in [*self.directory.glob("*.json"), *self.directory.glob("*.bad")]:
            try:
                raw = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if not isinstance(raw, dict):
                continue
            spooled_email = raw.get("email")
            if not isinstance(spooled_email, dict):
                spooled_email = {}
            spooled_key = _email_key_or_none(
                spooled_email.get("normalized") or spooled_email.get("raw")
            )
            if raw.get("conversation_id") in ids or (key is not None and spooled_key == key):
                path.unlink(missing_ok=True)
                deleted += 1
        return deleted


def _email_key_or_none(address: Any) -> str | None:
    if not isinstance(address, str):
        return None
    try:
        return email_key(address)
    except ValueError:
        return None
