"""Dead letters: leads the database refused for their content, kept on disk with the reason.

A lead lands here when the lead store says no to it for what it holds (an integrity or
data error) rather than for being down: retrying would fail forever and, in the spool,
block every lead behind it. Files, not a table: the database just refused this lead, and
a table there might refuse it again (PostgreSQL takes no NUL in JSONB either).

Each entry is one JSON file `{reason, quarantined_at, conversation_id, lead}` under
`<spool>/quarantine/`; `lead` is the spool's own format (or the unreadable file's text), so
an operator can fix it and move it back into the spool. Entries no administrator was told
about yet wait in `new/`; the web app's worker sends the alert and moves them up.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class QuarantineEntry:
    """What the API and the alert show: no personal data, only where and why."""

    file: str
    conversation_id: str | None
    reason: str
    quarantined_at: str


class Quarantine:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.new = directory / "new"

    def put(
        self, name: str, lead: Any, reason: str, *, conversation_id: str | None, now: datetime
    ) -> Path:
        """Write an entry (atomically, synced: it may be the lead's only copy)."""
        entry = {
            "reason": reason,
            "quarantined_at": now.astimezone(timezone.utc).isoformat(),
            "conversation_id": conversation_id,
            "lead": lead,
        }
        return write_atomically(self.new / f"{name}.json", entry)

    def files(self) -> list[Path]:
        """Every entry, the alerted and the new ones, oldest first."""
        found = [
            path
            for folder in (self.directory, self.new)
            if folder.is_dir()
            for path in folder.glob("*.json")
        ]
        return sorted(found, key=file_mtime)

    def count(self) -> int:
        return len(self.files())

    def entries(self) -> list[QuarantineEntry]:
        return [entry for path in self.files() if (entry := read_entry(path)) is not None]

    def unalerted(self) -> list[Path]:
        return sorted(self.new.glob("*.json"), key=file_mtime) if self.new.is_dir() else []

    def mark_alerted(self, path: Path) -> None:
        os.replace(path, self.directory / path.name)


def quarantined_leads(spool_dir: Path) -> int:
    """How many leads wait in the quarantine of this spool (for /readyz and the API)."""
    return Quarantine(spool_dir / "quarantine").count()


def write_atomically(path: Path, content: Any) -> Path:
    """JSON to `path` through a unique temp file, fsync and rename, then the folder synced:
    after a crash the file is whole or absent, never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(content, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)
    return path


def sync_folder(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (the folder's entry is data too)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def read_entry(path: Path) -> QuarantineEntry | None:
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    conversation_id = raw.get("conversation_id")
    return QuarantineEntry(
        file=path.name,
        conversation_id=conversation_id if isinstance(conversation_id, str) else None,
        reason=str(raw.get("reason") or "unknown"),
        quarantined_at=str(raw.get("quarantined_at") or ""),
    )
