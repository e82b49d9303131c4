"""The gateway's pure parts: rendezvous pinning, tokens, limits, metadata, history ids."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.clock import FrozenClock
from bot.signing import Purpose, Signer
from bot.web.gateway.dedupe import SeenIds
from bot.web.gateway.limits import RateLimiter
from bot.web.gateway.protocol import clean_metadata, history
from bot.web.gateway.rendezvous import pick
from bot.web.gateway.visitors import VisitorTokens

KEYS = [f"v{n:032x}" for n in range(3000)]


def test_rendezvous_is_stable_and_moves_only_the_new_servers_share() -> None:
    two = ["http://a:5005", "http://b:5005"]
    three = [*two, "http://c:5005"]
    before = {k: pick(k, two) for k in KEYS}
    assert before == {k: pick(k, list(reversed(two))) for k in KEYS}  # order doesn't matter
    after = {k: pick(k, three) for k in KEYS}
    moved = [k for k in KEYS if before[k] != after[k]]
    assert all(after[k] == "http://c:5005" for k in moved)
    assert 0.25 < len(moved) / len(KEYS) < 0.42  # about a third
    share = sum(1 for k in KEYS if before[k] == "http://a:5005") / len(KEYS)
    assert 0.45 < share < 0.55


def test_tokens_name_conversations_we_made_only() -> None:
    tokens = VisitorTokens(Signer("k" * 32))
    conversation_id, token = tokens.issue()
    assert tokens.conversation_of(token) == conversation_id
    assert tokens.conversation_of(token[:-2] + "xx") is None
    other_purpose = Signer("k" * 32).sign(Purpose.BOOKING, {"c": conversation_id})
    assert tokens.conversation_of(other_purpose) is None
    forged = Signer("k" * 32).sign(Purpose.VISITOR, {"c": "not-an-id-we-made"})
    assert tokens.conversation_of(forged) is None
    assert tokens.conversation_of(None) is None
    assert VisitorTokens(Signer("other" * 8)).conversation_of(token) is None


def test_rate_limit_refills_with_the_clock() -> None:
    clock = FrozenClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    limiter = RateLimiter(clock, per_minute=6, burst=2)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")  # another key has its own bucket
    clock.advance(10)  # one message every 10 s
    assert limiter.allow("a")
    assert not limiter.allow("a")


def test_seen_ids_forget_a_released_id() -> None:
    seen = SeenIds()
    assert seen.claim("c", "m1")
    assert not seen.claim("c", "m1")
    assert seen.claim("other", "m1")
    seen.release("c", "m1")
    assert seen.claim("c", "m1")


def test_metadata_keeps_known_string_keys_cut_to_size() -> None:
    cleaned = clean_metadata(
        {
            "page_url": "u" * 5000,
            "utm_source": 5,
            "evil": "x",
            "message_id": "m" * 200,
            "time_zone": "Europe/Paris\ud800",
        }
    )
    assert cleaned == {
        "page_url": "u" * 2000,
        "message_id": "m" * 64,
        "time_zone": "Europe/Paris?",
    }
    assert clean_metadata(["not", "a", "dict"]) == {}


def test_history_splits_and_numbers_like_the_rest_channel() -> None:
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "/greet", "metadata": {"message_id": "greet"}},
        {"event": "bot", "text": "Hi!\n\nHow can I help?", "data": {}, "metadata": {}},
        {"event": "user", "text": "/affirm", "metadata": {"message_id": "m2", "display": "Yes"}},
        {
            "event": "bot",
            "text": "Budget?",
            "data": {"buttons": [{"title": "Skip", "payload": "/skip"}], "custom": {"x": 1}},
        },
        {
            "event": "bot",
            "text": "Ana here",
            "metadata": {"message_id": "r1", "sender": "agent", "rep": "Ana"},
        },
        {"event": "user", "text": "no id from an old client", "timestamp": 12.5},
    ]
    assert history(events) == [
        {"id": "greet:0", "sender": "bot", "text": "Hi!"},
        {"id": "greet:1", "sender": "bot", "text": "How can I help?"},
        {"id": "m2", "sender": "visitor", "text": "Yes"},
        {
            "id": "m2:0",
            "sender": "bot",
            "text": "Budget?",
            "quick_replies": [{"content_type": "text", "title": "Skip", "payload": "/skip"}],
        },
        {"id": "m2:1", "sender": "bot", "data": {"x": 1}},
        {"id": "r1", "sender": "agent", "text": "Ana here", "rep": "Ana"},
        {"id": "u12.5", "sender": "visitor", "text": "no id from an old client"},
    ]


def test_a_message_sent_while_a_rep_held_the_conversation_was_silent_on_purpose() -> None:
    from bot.web.gateway.server import paused_at_last_message

    held = [
        {"event": "user", "text": "hi"},
        {"event": "pause"},
        {"event": "user", "text": "thanks Ana"},
        {"event": "resume"},  # the rep released it while Rasa was answering
    ]
    assert paused_at_last_message(held, paused_now=False)
    released = [{"event": "pause"}, {"event": "resume"}, {"event": "user", "text": "hello?"}]
    assert not paused_at_last_message(released, paused_now=False)
    assert paused_at_last_message([{"event": "pause"}], paused_now=True)
