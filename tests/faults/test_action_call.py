"""The kill loop posts hand-built action calls to the real action server; Rasa itself
(in the rasa environment) checks here that it would send exactly these: every event
parses into Rasa's own event and writes back the same, and the tracker Rasa rebuilds from
them gives the same `current_state`, `RemoteAction`'s request the same tracker and keys."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.action_call import finished_qualification
from tests.support.rasa_env import needs_rasa_env, run_ok

CHECK = """
import json, sys
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

domain = Domain.load("domain.yml")

def check(call):
    events = [Event.from_parameters(e) for e in call["tracker"]["events"]]
    for sent, parsed in zip(call["tracker"]["events"], events, strict=True):
        assert parsed.as_dict() == sent, (sent, parsed.as_dict())
    tracker = DialogueStateTracker.from_events(call["sender_id"], events, domain.slots)
    remote = RemoteAction(call["next_action"], EndpointConfig("http://127.0.0.1:1/webhook"))
    rasa_call = json.loads(json.dumps(remote._action_call_format(tracker, domain)))
    theirs, ours = rasa_call["tracker"], call["tracker"]
    for key in sorted(set(theirs) | set(ours)):
        assert theirs.get(key) == ours.get(key), (key, theirs.get(key), ours.get(key))
    assert set(rasa_call) == set(call), (sorted(rasa_call), sorted(call))
    assert rasa_call["version"] == call["version"]
    assert set(rasa_call["domain"]["slots"]) <= set(ours["slots"])

for path in sys.argv[1:]:
    check(json.load(open(path)))
print("ok")
"""


@needs_rasa_env
def test_rasa_would_send_these_action_calls(tmp_path: Path) -> None:
    paths = []
    for kind in ("hot", "cool"):
        call = finished_qualification("visitor-7", "sophie@northwind.example", hot=kind == "hot")
        paths.append(tmp_path / f"{kind}.json")
        paths[-1].write_text(json.dumps(call))
    run_ok("-c", CHECK, *map(str, paths), timeout=300)
