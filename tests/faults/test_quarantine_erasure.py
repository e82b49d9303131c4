"""An erasure reaches the quarantine too: a refused lead and an unreadable spool file that
mention the person are deleted with everything else."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.clock import FrozenClock
from bot.facts import EmailCheck
from bot.leads.service import LeadInput
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork

T0 = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)


def never_called() -> SqlAlchemyUnitOfWork:
    raise AssertionError("an unreadable file never reaches the database")


async def test_erasing_a_person_empties_their_quarantine(tmp_path: Path) -> None:
    clock = FrozenClock(T0)
    spool = LeadSpool(tmp_path / "spool", clock=clock)
    ada = LeadInput(
        conversation_id="conv-ada",
        email=EmailCheck(raw="Ada@Acme.io", status="ok", normalized="ada@acme.io"),
    )
    bob = LeadInput(conversation_id="conv-bob")
    spool.quarantine_lead(ada, "IntegrityError: SQLSTATE 23514")
    clock.advance(60)
    spool.quarantine_lead(bob, "IntegrityError: SQLSTATE 23514")
    spool.directory.mkdir(parents=True, exist_ok=True)
    (spool.directory / "torn.json").write_text(
        '{"conversation_id": "conv-ada2", "email": {"raw": "ada@acme.io"'
    )

    report = await spool.drain_pass(never_called)
    assert report.quarantined == 1  # the torn file, set aside as text
    assert spool.quarantine.count() == 3

    deleted = spool.discard(email="ADA@acme.io")

    assert deleted == 2
    [bob_entry] = spool.quarantine.entries()
    assert bob_entry.conversation_id == "conv-bob"
    assert bob_entry.quarantined_at == "2026-03-01T09:01:00+00:00"  # the spool's clock
    assert spool.pending() == []
