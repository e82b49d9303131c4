"""The spool keeps one file per conversation, whatever characters its id holds."""

from __future__ import annotations

import json
from pathlib import Path

from bot.leads.service import LeadInput
from bot.leads.spool import LeadSpool


def test_ids_that_look_alike_as_file_names_keep_their_own_files(tmp_path: Path) -> None:
    spool = LeadSpool(tmp_path)
    ids = ["a/b", "a_b", "a?b", "../a_b", ".hidden", "x" * 300, "x" * 300 + "y"]
    for conversation_id in ids:
        spool.put(LeadInput(conversation_id=conversation_id))
    spool.put(LeadInput(conversation_id="a/b"))  # a newer capture replaces its own file

    files = spool.pending()
    assert sorted(json.loads(p.read_text())["conversation_id"] for p in files) == sorted(
        LeadInput(conversation_id=i).conversation_id for i in ids
    )
    assert all(p.parent == tmp_path and not p.name.startswith(".") for p in files)
