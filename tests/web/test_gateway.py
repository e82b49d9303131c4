"""The socket.io gateway, driven by a python-socketio client, against a stand-in Rasa
server (tests/web/rasa_double.py): protocol, ids, dedupe, limits, refusals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import socketio
from aiohttp.test_utils import TestClient, TestServer

from bot.web.keys import GATEWAY
from tests.web.conftest import AUTH, StartApp
from tests.web.rasa_double import TOKEN, RasaDouble

PAGE = {
    "page_url": "https://www.example.com/pricing?utm_source=news&utm_campaign=q4",
    "referrer": "https://news.example.org/",
    "utm_source": "news",
    "utm_campaign": "q4",
    "time_zone": "Europe/Paris",
    "language": "fr-FR",
}


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[RasaDouble, str]]:
    double = RasaDouble()
    server = TestServer(double.app())
    await server.start_server()
    yield double, str(server.make_url("")).rstrip("/")
    await server.close()


@pytest.fixture
async def app_client(start_app: StartApp, rasa: tuple[RasaDouble, str]) -> TestClient[Any, Any]:
    _, url = rasa
    return await start_app(rasa_urls=(url,), rasa_token=TOKEN, rate_per_visitor=6)


class Browser:
    """A socket.io client that collects what the gateway sends."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.bot: list[dict[str, Any]] = []
        self.echoes: list[dict[str, Any]] = []
        self.sio.on("bot_uttered", self.bot.append)
        self.sio.on("visitor_uttered", self.echoes.append)

    async def open(
        self, client: TestClient[Any, Any], token: str | None = None, rich: bool = True, **kw: Any
    ) -> str:
        await self.sio.connect(str(client.make_url("/")), transports=["websocket"], **kw)
        request: dict[str, Any] = {"session_id": token, **({"leadbot": 1} if rich else {})}
        confirm = await self.sio.call("session_request", request)
        return str(confirm["session_id"])

    async def say(self, text: str, message_id: str | None = None, **meta: str) -> dict[str, Any]:
        custom = {**PAGE, **meta, **({"message_id": message_id} if message_id else {})}
        answer: dict[str, Any] = await self.sio.call(
            "user_uttered", {"message": text, "customData": custom}
        )
        return answer

    async def close(self) -> None:
        await self.sio.disconnect()


@pytest.fixture
async def browser() -> AsyncIterator[Callable[[], Browser]]:
    opened: list[Browser] = []

    def make() -> Browser:
        opened.append(Browser())
        return opened[-1]

    yield make
    for b in opened:
        await b.close()


async def eventually(check: Callable[[], bool]) -> None:
    """Events are delivered asynchronously; wait (bounded) for them to arrive."""
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the expected event never arrived")


async def test_a_message_goes_to_rasa_with_our_sender_and_the_page_context(
    app_client: TestClient[Any, Any],
    rasa: tuple[RasaDouble, str],
    browser: Callable[[], Browser],
) -> None:
    double, _ = rasa
    b = browser()
    token = await b.open(app_client, token="not-a-token-we-signed")
    assert token != "not-a-token-we-signed"
    answer = await b.say("hello <b>there</b>", "m1", extra="dropped")
    assert answer == {"status": "ok", "id": "m1", "replies": 2}
    sent = double.received[0]
    conversation_id = app_client.app[GATEWAY].tokens.conversation_of(token)
    assert sent["sender"] == conversation_id
    assert sent["sender"].startswith("v")
    assert sent["metadata"] == {**PAGE, "message_id": "m1"}
    await eventually(lambda: len(b.bot) == 2)
    assert b.bot[0] == {"id": "m1:0", "sender": "bot", "text": "you said: hello <b>there</b>"}
    assert b.bot[1]["id"] == "m1:1"
    assert b.bot[1]["quick_replies"] == [
        {"content_type": "text", "title": "Yes", "payload": "/affirm"},
        {"content_type": "text", "title": "No", "payload": "/deny"},
    ]


async def test_reload_resumes_the_same_conversation_with_the_same_ids(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser]
) -> None:
    first = browser()
    token = await first.open(app_client)
    await first.say("/greet", "greet")
    await first.say("/affirm", "m2", display="Yes")
    await eventually(lambda: len(first.bot) == 4)
    await first.close()

    again = browser()
    assert await again.open(app_client, token=token) == token
    answer = await again.sio.call("history", {})
    ids = [m["id"] for m in answer["messages"]]
    # "/greet" was sent by the widget itself: not shown; the button shows its title
    assert ids == ["greet:0", "greet:1", "m2", "m2:0", "m2:1"]
    assert answer["messages"][2] == {"id": "m2", "sender": "visitor", "text": "Yes"}
    assert [m["id"] for m in first.bot] == ["greet:0", "greet:1", "m2:0", "m2:1"]
    assert answer["messages"][3] == {**first.bot[2]}


async def test_a_resent_message_is_forwarded_once(
    app_client: TestClient[Any, Any],
    rasa: tuple[RasaDouble, str],
    browser: Callable[[], Browser],
) -> None:
    double, _ = rasa
    b = browser()
    token = await b.open(app_client)
    assert (await b.say("budget is 50k", "m7"))["status"] == "ok"
    await b.close()
    again = browser()
    await again.open(app_client, token=token)
    assert await again.say("budget is 50k", "m7") == {"status": "duplicate", "id": "m7"}
    assert [r["message"] for r in double.received] == ["budget is 50k"]


async def test_a_second_tab_sees_both_sides(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser]
) -> None:
    one, two = browser(), browser()
    token = await one.open(app_client)
    await two.open(app_client, token=token)
    await one.say("from tab one", "t1")
    await eventually(lambda: len(two.bot) == 2)
    assert two.echoes == [{"id": "t1", "sender": "visitor", "text": "from tab one"}]
    assert one.echoes == []


async def test_rasa_down_tells_the_visitor_and_a_retry_goes_through(
    app_client: TestClient[Any, Any],
    rasa: tuple[RasaDouble, str],
    browser: Callable[[], Browser],
) -> None:
    double, _ = rasa
    b = browser()
    await b.open(app_client)
    double.down = True
    assert (await b.say("anyone?", "m9"))["status"] == "unavailable"
    await eventually(lambda: len(b.bot) == 1)
    assert b.bot[0]["kind"] == "error"
    assert b.bot[0]["retry"] == "m9"
    assert "can't answer right now" in b.bot[0]["text"]
    double.down = False
    assert (await b.say("anyone?", "m9"))["status"] == "ok"


async def test_too_fast_is_answered_with_slow_down(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser]
) -> None:
    b = browser()
    await b.open(app_client)
    answers = [(await b.say(f"message {n}", f"r{n}"))["status"] for n in range(5)]
    assert answers[:3] == ["ok", "ok", "ok"]  # a burst of rate_per_visitor/2 = 3
    assert answers[3:] == ["rate_limited", "rate_limited"]
    await eventually(lambda: any(m.get("kind") == "notice" for m in b.bot))
    assert any("faster than I can read" in m.get("text", "") for m in b.bot)


async def test_a_too_long_message_is_refused_visibly(
    app_client: TestClient[Any, Any],
    rasa: tuple[RasaDouble, str],
    browser: Callable[[], Browser],
) -> None:
    double, _ = rasa
    b = browser()
    await b.open(app_client)
    assert (await b.say("x" * 2001, "long"))["status"] == "too_long"
    await eventually(lambda: len(b.bot) == 1)
    assert "2000 characters" in b.bot[0]["text"]
    assert double.received == []


@pytest.mark.parametrize(
    "frame",
    [None, "just a string", ["a", "list"], {"message": 42}, {"message": "   "}, {"nothing": 1}],
)
async def test_malformed_frames_are_refused_without_a_crash(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser], frame: Any
) -> None:
    b = browser()
    await b.open(app_client)
    answer = await b.sio.call("user_uttered", frame)
    assert answer["status"] == "refused"
    assert (await b.say("still here", "ok1"))["status"] == "ok"


async def test_a_message_before_the_session_is_refused(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser]
) -> None:
    b = browser()
    await b.sio.connect(str(app_client.make_url("/")), transports=["websocket"])
    answer = await b.sio.call("user_uttered", {"message": "hi"})
    assert answer["status"] == "refused"


async def test_an_oversize_frame_closes_only_that_connection(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser]
) -> None:
    big, other = browser(), browser()
    await big.open(app_client)
    await other.open(app_client)
    await big.sio.emit("user_uttered", {"message": "x" * 100_000})
    await eventually(lambda: not big.sio.connected)
    assert (await other.say("fine", "f1"))["status"] == "ok"


async def test_a_foreign_origin_is_refused(
    start_app: StartApp, rasa: tuple[RasaDouble, str], browser: Callable[[], Browser]
) -> None:
    _, url = rasa
    client = await start_app(
        rasa_urls=(url,), rasa_token=TOKEN, allowed_origins=("https://www.customer.example",)
    )
    allowed = browser()
    await allowed.open(client, headers={"Origin": "https://www.customer.example"})
    refused = browser()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.open(client, headers={"Origin": "https://evil.example"})


async def test_a_rep_claims_speaks_and_releases(
    app_client: TestClient[Any, Any],
    rasa: tuple[RasaDouble, str],
    browser: Callable[[], Browser],
) -> None:
    double, _ = rasa
    b = browser()
    token = await b.open(app_client)
    await b.say("I need a human", "h1")
    await eventually(lambda: len(b.bot) == 2)
    conversation_id = app_client.app[GATEWAY].tokens.conversation_of(token)
    base = f"/api/conversations/{conversation_id}"

    early = await app_client.post(
        f"{base}/messages", json={"rep": "Ana", "text": "hi"}, headers=AUTH
    )
    assert early.status == 409
    claimed = await app_client.post(f"{base}/claim", json={"rep": "Ana"}, headers=AUTH)
    assert claimed.status == 200
    said = await app_client.post(
        f"{base}/messages", json={"rep": "Ana", "text": "Hi, I'm Ana <script>"}, headers=AUTH
    )
    assert said.status == 200
    assert (await b.say("thanks Ana", "h2"))["replies"] == 0  # the bot stays silent
    await eventually(lambda: len(b.bot) == 4)
    assert b.bot[2]["text"] == "Ana joined the conversation."
    assert b.bot[3]["sender"] == "agent"
    assert b.bot[3]["rep"] == "Ana"
    assert b.bot[3]["text"] == "Hi, I'm Ana <script>"

    released = await app_client.post(f"{base}/release", json={"rep": "Ana"}, headers=AUTH)
    assert released.status == 200
    assert (await b.say("back to the bot", "h3"))["replies"] == 2
    history = (await b.sio.call("history", {}))["messages"]
    assert [m["id"] for m in history][:4] == ["h1", "h1:0", "h1:1", b.bot[2]["id"]]
    assert history[4] == b.bot[3]
    assert double.trackers[conversation_id]["paused"] is False


async def test_claim_needs_the_token_and_a_known_conversation(
    app_client: TestClient[Any, Any],
) -> None:
    unknown = "/api/conversations/v" + "0" * 32 + "/claim"
    assert (await app_client.post(unknown, json={"rep": "Ana"})).status == 401
    assert (await app_client.post(unknown, json={"rep": "Ana"}, headers=AUTH)).status == 404
    bad = "/api/conversations/not-ours/claim"
    assert (await app_client.post(bad, json={"rep": "Ana"}, headers=AUTH)).status == 404


async def test_readyz_names_what_is_down(
    app_client: TestClient[Any, Any],
) -> None:
    response = await app_client.get("/readyz")
    body = await response.json()
    assert response.status == 503  # no action server listens at the test's actions_url
    assert body["database"] == "ok"
    assert body["action_server"].startswith("unavailable")
    assert [v for k, v in body.items() if k.startswith("rasa ")] == ["ok"]


Waiter = Callable[[], Awaitable[None]]


async def test_the_community_widget_gets_messages_with_the_protocol_keys_only(
    app_client: TestClient[Any, Any], browser: Callable[[], Browser]
) -> None:
    """rasa-webchat tells text from buttons by the exact set of keys."""
    ours, theirs = browser(), browser()
    token = await ours.open(app_client)
    await theirs.open(app_client, token=token, rich=False)
    await theirs.say("hello", "w1")
    await eventually(lambda: len(theirs.bot) == 2 and len(ours.bot) == 2)
    assert theirs.bot == [
        {"text": "you said: hello"},
        {
            "text": "Shall we go on?",
            "quick_replies": [
                {"content_type": "text", "title": "Yes", "payload": "/affirm"},
                {"content_type": "text", "title": "No", "payload": "/deny"},
            ],
        },
    ]
    assert [m["id"] for m in ours.bot] == ["w1:0", "w1:1"]
    conversation_id = app_client.app[GATEWAY].tokens.conversation_of(token)
    base = f"/api/conversations/{conversation_id}"
    await app_client.post(f"{base}/claim", json={"rep": "Ana"}, headers=AUTH)
    await app_client.post(f"{base}/messages", json={"rep": "Ana", "text": "Hello!"}, headers=AUTH)
    await eventually(lambda: len(theirs.bot) == 4)
    assert theirs.bot[2:] == [{"text": "Ana joined the conversation."}, {"text": "Ana: Hello!"}]


async def test_silence_from_rasa_is_answered_kindly(
    app_client: TestClient[Any, Any],
    rasa: tuple[RasaDouble, str],
    browser: Callable[[], Browser],
) -> None:
    double, _ = rasa
    b = browser()
    await b.open(app_client)
    double.silent = True  # what Rasa answers when the action server is down
    assert (await b.say("hello?", "s1"))["replies"] == 0
    await eventually(lambda: len(b.bot) == 1)
    assert b.bot[0]["kind"] == "notice"
    assert "couldn't answer that just now" in b.bot[0]["text"]
