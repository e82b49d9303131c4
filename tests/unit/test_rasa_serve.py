"""scripts/rasa_serve.py validates action-server responses exactly as Rasa does, with the
schema compiled once and each event checked against its own shape. Runs in the rasa
environment (a subprocess: rasa isn't importable here)."""

from __future__ import annotations

import os

import psycopg
import pytest

from tests.support.rasa_env import needs_rasa_env, run_ok

CHECK = r"""
import sys, runpy
sys.argv = ["x"]
module = runpy.run_path("scripts/rasa_serve.py", run_name="rasa_serve")
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
validate = module["_validate_action_result"]
surely_valid = module["_surely_valid"]
assert module["_validators_by_event"]() is not None, "Rasa's event schema changed shape"

def rasa_accepts(payload):
    try:
        RemoteAction._validate_action_result(RemoteAction, payload)
    except ValidationError:
        return False
    return True

good_payloads = (
    {"events": [{"event": "slot", "name": "budget", "value": "50k"}],
     "responses": [{"response": "utter_ask_budget"}]},
    {"events": [
        {"event": "slot", "timestamp": None, "name": "budget_detail",
         "value": {"amount": 50000.0, "currency": "USD"}},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "active_loop", "name": None},
        {"event": "bot", "text": "hi", "data": {}, "metadata": {}},
        {"event": "followup", "name": "action_listen"},
        {"event": "reset_slots"},
        {"event": "action", "name": "utter_greet", "policy": None, "confidence": 1.0},
        {"event": "user", "text": "hi", "parse_data": {}, "metadata": {}},
    ], "responses": []},
    {},
)
bad_payloads = (
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "budget", "value": 1, "timestamp": "noon"}]},
    {"events": [{"name": "budget", "value": 1}]},
)
for good in good_payloads:
    assert rasa_accepts(good), good
    assert surely_valid(good), f"the shortcut refused {good}"
    assert validate(None, good) is True
for bad in bad_payloads:
    assert not rasa_accepts(bad), bad
    assert not surely_valid(bad), f"the shortcut accepted {bad}"
    try:
        validate(None, bad)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
    else:
        raise AssertionError(f"accepted {bad}")
print("ok")
"""


@needs_rasa_env
def test_the_compiled_validator_accepts_and_refuses_what_rasa_does() -> None:
    run_ok("-c", CHECK, timeout=300)


# --- The door and the tracker store (issue 16) -------------------------------------------

STORE_CHECK = r"""
import asyncio, runpy, sys, tempfile
sys.argv = ["x"]
module = runpy.run_path("scripts/rasa_serve.py", run_name="rasa_serve")
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

def tracker(sender):
    t = DialogueStateTracker(sender, slots=[])
    t.update(UserUttered("hi"))
    return t

async def main():
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=f"{tmp}/t.db")
        # Rasa's own session_scope: a lone surrogate in the sender id ends the process
        try:
            await store.save(tracker("\ud800"))
        except SystemExit:
            pass
        else:
            raise AssertionError("Rasa 3.6 no longer exits: the patch may be unnecessary")
        SQLTrackerStore.session_scope = module["_session_scope"]
        failures = []
        module["_store_failures"].set(failures)
        try:
            await store.save(tracker("\ud800"))
        except module["TrackerStoreDataError"] as error:
            assert "\ud800" not in str(error)
        else:
            raise AssertionError("the database accepted a lone surrogate")
        assert failures == ["UnicodeEncodeError"], failures
        # the store still works for everyone else
        await store.save(tracker("visitor-1"))
        assert (await store.retrieve("visitor-1")).sender_id == "visitor-1"
    print("ok")

asyncio.run(main())
"""


@needs_rasa_env
def test_a_database_error_fails_the_request_not_the_process() -> None:
    run_ok("-c", STORE_CHECK, timeout=300)


PG_STORE_CHECK = r"""
import asyncio, os, runpy, sys, uuid
sys.argv = ["x"]
module = runpy.run_path("scripts/rasa_serve.py", run_name="rasa_serve")
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

url = sa.engine.make_url(os.environ["PG_URL"])

def tracker(sender):
    t = DialogueStateTracker(sender, slots=[])
    t.update(UserUttered("hi"))
    return t

async def main():
    name = f"leadbot_rasa_serve_{uuid.uuid4().hex[:8]}"
    store = SQLTrackerStore(
        Domain.empty(), dialect="postgresql", host=url.host, port=url.port or 5432,
        username=url.username, password=url.password, db=name, login_db=url.database,
    )
    try:
        # Rasa's own session_scope: psycopg2's ValueError for a NUL ends the process
        try:
            await store.save(tracker("a\x00b"))
        except SystemExit:
            pass
        else:
            raise AssertionError("Rasa 3.6 no longer exits on a NUL")
        SQLTrackerStore.session_scope = module["_session_scope"]
        try:
            await store.save(tracker("a\x00b"))
        except module["TrackerStoreDataError"]:
            pass
        else:
            raise AssertionError("PostgreSQL accepted a NUL")
        await store.save(tracker("visitor-1"))
        assert (await store.retrieve("visitor-1")).sender_id == "visitor-1"
    finally:
        store.engine.dispose()
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print("ok")

asyncio.run(main())
"""


@needs_rasa_env
@pytest.mark.postgres
def test_a_nul_in_a_sender_id_on_postgresql_fails_the_request_not_the_process() -> None:
    server = os.environ.get(
        "LEADBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
    )
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable ({str(error).strip()[:80]})")
    run_ok("-c", PG_STORE_CHECK, timeout=300, env={"PG_URL": server})


# --- The bound on NLU's work (issue 16) ---------------------------------------------------

BOUND_CHECK = r"""
import asyncio, runpy, sys
sys.argv = ["x"]
module = runpy.run_path("scripts/rasa_serve.py", run_name="rasa_serve")
from bot.limits import TOKEN
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.constants import PLACEHOLDER_MESSAGE
from rasa.shared.nlu.training_data.message import Message

class Graph:
    # Rasa's NLU graph as the processor runs it: what its first component is given
    def __init__(self):
        self.seen = []
    def run(self, inputs, targets):
        [message] = inputs[PLACEHOLDER_MESSAGE]
        self.seen.append(message.text)
        parsed = Message(
            data={"text": message.text, "intent": {"name": "inform", "confidence": 1.0},
                  "entities": []},
            output_properties={"text", "intent", "entities"},
        )
        return {targets[0]: [parsed]}

class Metadata:
    nlu_target = "nlu"

def processor():
    p = object.__new__(MessageProcessor)
    p.graph_runner, p.model_metadata, p.domain, p.http_interpreter = Graph(), Metadata(), None, None
    return p

async def main():
    text = "hi" + " !" * 1000  # UserMessage strips white space at the ends
    before = processor()
    await before.parse_message(UserMessage(text, sender_id="t"))
    assert before.graph_runner.seen == [text], "Rasa itself bounds NLU now"
    module["install"](2000, 256)
    after = processor()
    parse_data = await after.parse_message(UserMessage(text, sender_id="t"))
    [seen] = after.graph_runner.seen
    assert len(TOKEN.findall(seen)) == 256 and text.startswith(seen), seen[-40:]
    assert parse_data["text"] == text
    short = processor()
    assert (await short.parse_message(UserMessage("hi there", sender_id="t")))["text"] == "hi there"
    assert short.graph_runner.seen == ["hi there"]
    print("ok")

asyncio.run(main())
"""


@needs_rasa_env
def test_the_launcher_bounds_what_rasas_nlu_reads() -> None:
    run_ok("-c", BOUND_CHECK, timeout=300)
