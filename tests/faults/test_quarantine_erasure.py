"""An erasure reaches the quarantine too: a refused lead and an unreadable spool file that
mention the person are deleted with everything else."""

from __future__ import annotations

from pathlib import Path

from bot.facts import EmailCheck
from bot.leads.service import LeadInput
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork


def never_called() -> SqlAlchemyUnitOfWork:
    raise AssertionError("an unreadable file never reaches the database")


async def test_erasing_a_person_empties_their_quarantine(tmp_path: Path) -> None:
    spool = LeadSpool(tmp_path / "spool")
    ada = LeadInput(
        conversation_id="conv-ada",
        email=EmailCheck(raw="Ada@Acme.io", status="ok", normalized="ada@acme.io"),
    )
    bob = LeadInput(conversation_id="conv-bob")
    spool.quarantine_lead(ada, "IntegrityError: SQLSTATE 23514")
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
    assert [entry.conversation_id for entry in spool.quarantine.entries()] == ["conv-bob"]
    assert spool.pending() == []
