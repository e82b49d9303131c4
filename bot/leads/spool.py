"""A local spool for leads the database could not take yet.

When the lead store is down the visitor still gets a kind reply and the lead is written
here, one JSON file per conversation (the newest capture replaces the older one: it holds
everything the older one did, and record_lead is idempotent per conversation). `drain`
delivers them once the database is back; the file is removed only after the commit, so a
crash between the two delivers the lead again, which record_lead turns into a no-op.

One process drains at a time and an erasure never runs beside a drain, across processes:
both hold `exclusive()`, a file lock (`filelock`, flock(2)) in the spool folder. The lock
is taken without blocking the event loop (tried, then awaited with a sleep), each holder
opens the lock file anew, so two holders in one process exclude each other too. Several
hosts do not share a spool folder: see README, "Reliability".

A lead the database refuses for its content moves to the quarantine (bot.leads.quarantine)
with the reason, and the drain goes on past it; an outage stops the drain (the next file
would fail the same way).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from bot.clock import Clock, SystemClock
from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.leads.failures import classify, reason
from bot.leads.keys import email_key
from bot.leads.quarantine import Quarantine, file_mtime, sync_folder, write_atomically
from bot.leads.service import (
    ConsentInput,
    LeadInput,
    ScoreRecord,
    StoredHook,
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


LOCK_FILE = ".spool.lock"
LOCK_POLL_SECONDS = 0.05
STALE_TEMP_SECONDS = 60.0


@dataclass(frozen=True)
class DrainReport:
    """One pass: leads delivered, moved to the quarantine, left for later; `busy` when
    another drainer (or an erasure) held the spool and this pass did nothing."""

    delivered: int = 0
    quarantined: int = 0
    retried: int = 0
    busy: bool = False
    outage: str | None = None  # what stopped the pass (the database is down)


class LeadSpool:
    def __init__(self, directory: Path, *, clock: Clock | None = None) -> None:
        self.directory = directory
        self.quarantine = Quarantine(directory / "quarantine")
        self.clock: Clock = clock or SystemClock()

    def _path(self, conversation_id: str) -> Path:
        """One file per conversation. An id that is not already a plain file name gets a
        digest of itself, so two ids never share a file ("a/b" and "a_b")."""
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", conversation_id)[:120]
        if safe != conversation_id or safe.startswith("."):
            digest = hashlib.sha256(conversation_id.encode("utf-8", "surrogatepass")).hexdigest()
            safe = f"{safe[:100].lstrip('.')}~{digest[:16]}"
        return self.directory / f"{safe}.json"

    @asynccontextmanager
    async def exclusive(self, *, wait: bool = True) -> AsyncIterator[bool]:
        """Hold the spool against every other drain and erasure, in any process on this
        host. Yields True once held; with `wait=False` yields False at once if busy."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.directory / LOCK_FILE, thread_local=False, preserve_lock_file=True)
        while True:
            try:
                lock.acquire(timeout=0)  # flock with LOCK_NB: never blocks the event loop
                break
            except Timeout:
                if not wait:
                    yield False
                    return
                await asyncio.sleep(LOCK_POLL_SECONDS)
        try:
            yield True
        finally:
            lock.release()

    def put(self, data: LeadInput) -> Path:
        """Writes atomically (temp file, fsync, rename, folder fsync): a crash leaves the
        old file or the new one. Blocking: async callers run it in a thread."""
        return write_atomically(self._path(data.conversation_id), lead_input_to_json(data))

    def quarantine_lead(self, data: LeadInput, why: str) -> Path:
        """Keep a lead the database refused (blocking; see `put`)."""
        return self.quarantine.put(
            self._path(data.conversation_id).stem,
            lead_input_to_json(data),
            why,
            conversation_id=data.conversation_id,
            now=self.clock.now(),
        )

    def pending(self) -> list[Path]:
        if not self.directory.exists():
            return []
        return sorted(self.directory.glob("*.json"), key=file_mtime)

    async def drain(
        self,
        uow_factory: Callable[[], SqlAlchemyUnitOfWork],
        *,
        on_stored: StoredHook | None = None,
    ) -> int:
        """Delivers spooled leads in arrival order, after any other drain or erasure in
        progress; returns how many (see `drain_pass` for the whole report)."""
        report = await self.drain_pass(uow_factory, wait=True, on_stored=on_stored)
        return report.delivered

    async def drain_pass(
        self,
        uow_factory: Callable[[], SqlAlchemyUnitOfWork],
        *,
        wait: bool = False,
        on_stored: StoredHook | None = None,
    ) -> DrainReport:
        """One pass under the spool lock (skipped, `busy`, if another holds it and `wait`
        is False). Stops at an outage (named in the report); quarantines refused leads;
        leaves a lead that failed for another reason for the next pass. File I/O runs in
        threads: the event loop keeps serving while a pass runs."""
        async with self.exclusive(wait=wait) as held:
            if not held:
                return DrainReport(busy=True)
            delivered = quarantined = retried = 0
            await asyncio.to_thread(self._sweep_stale_temp_files)
            for path in await asyncio.to_thread(self.pending):
                try:
                    original = await asyncio.to_thread(path.read_bytes)
                    data = lead_input_from_json(json.loads(original))
                except FileNotFoundError:
                    continue  # discarded or replaced meanwhile
                except (OSError, ValueError, KeyError, TypeError) as error:
                    await asyncio.to_thread(self._set_aside, path, f"unreadable: {reason(error)}")
                    quarantined += 1
                    continue
                try:
                    # `on_stored`: the same hook as a visitor's turn (the rep is told)
                    await record_lead(uow_factory(), data, on_stored=on_stored)
                except Exception as error:
                    failure = classify(error)
                    if failure == "outage":
                        return DrainReport(delivered, quarantined, retried, outage=reason(error))
                    if failure == "refused":
                        logger.error(
                            "lead store refused spooled conversation %s (%s): quarantined",
                            data.conversation_id,
                            reason(error),
                        )
                        await asyncio.to_thread(self._move_refused, path, original, data, error)
                        quarantined += 1
                    else:
                        logger.exception(
                            "spooled conversation %s not delivered; will retry",
                            data.conversation_id,
                        )
                        retried += 1
                    continue
                await asyncio.to_thread(_remove_if_unchanged, path, original)
                delivered += 1
            return DrainReport(delivered=delivered, quarantined=quarantined, retried=retried)

    def _sweep_stale_temp_files(self) -> None:
        """Temp files a crash left before their rename (never delivered: the lead's last
        whole file still is, or the capture never told the visitor it was kept)."""
        stale = time.time() - STALE_TEMP_SECONDS
        for folder in (self.directory, self.quarantine.directory, self.quarantine.new):
            for path in folder.glob(".tmp-*") if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    if path.stat().st_mtime < stale:
                        path.unlink()

    def _move_refused(
        self, path: Path, original: bytes, data: LeadInput, error: BaseException
    ) -> None:
        self.quarantine_lead(data, reason(error))
        _remove_if_unchanged(path, original)

    def _set_aside(self, path: Path, why: str) -> None:
        """An unreadable spool file: its text goes to the quarantine as it is."""
        try:
            text = path.read_bytes().decode("utf-8", "backslashreplace")
        except FileNotFoundError:
            return
        logger.error("unreadable spool file %s quarantined (%s)", path.name, why)
        self.quarantine.put(path.stem, text, why, conversation_id=None, now=self.clock.now())
        path.unlink(missing_ok=True)
        sync_folder(path.parent)

    def discard(self, conversation_ids: Iterable[str] = (), *, email: str | None = None) -> int:
        """Delete spooled and quarantined leads of these conversations and any with this
        email's mailbox (an erasure must not come back with the next drain), also files
        set aside by older versions and temp files a crash left. Returns how many."""
        ids = set(conversation_ids)
        key = _email_key_or_none(email)
        if not self.directory.exists():
            return 0
        deleted = 0
        for path in self._every_file():
            try:
                raw = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue
            if isinstance(raw, dict) and "lead" in raw and "reason" in raw:
                raw = raw["lead"]  # a quarantine entry
                if isinstance(raw, str):  # an unreadable file's text: search it as text
                    mentions = [email.strip().lower()] if email else []
                    if any(m and m.lower() in raw.lower() for m in [*mentions, *ids]):
                        path.unlink(missing_ok=True)
                        deleted += 1
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

    def _every_file(self) -> list[Path]:
        folders = [self.directory, self.quarantine.directory, self.quarantine.new]
        patterns = ("*.json", "*.bad", ".tmp-*", "*.json.tmp")
        return [
            path
            for folder in folders
            if folder.is_dir()
            for pattern in patterns
            for path in folder.glob(pattern)
        ]


def _remove_if_unchanged(path: Path, original: bytes) -> None:
    """Remove a delivered file unless a newer capture of the same conversation replaced
    it meanwhile (that one is delivered next time)."""
    try:
        if path.read_bytes() != original:
            return
    except FileNotFoundError:
        return
    path.unlink(missing_ok=True)
    sync_folder(path.parent)


def _email_key_or_none(address: Any) -> str | None:
    if not isinstance(address, str):
        return None
    try:
        return email_key(address)
    except ValueError:
        return None
