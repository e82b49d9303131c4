"""The load generator: scripted conversations over Rasa's REST channel, N at a time.

Each conversation has its own sender id and plays the whole script, one turn after the
other (a visitor waits for the reply before typing again). A level runs a fixed number of
whole conversations with `concurrency` of them in flight, so every level has the same mix
of turns; a deadline bounds it (no new conversation starts after it).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.stats import percentile


@dataclass(frozen=True)
class Turn:
    """One request and its reply, as the visitor saw it."""

    step: int
    text: str
    latency_ms: float
    ok: bool
    replies: tuple[str, ...]
    error: str | None = None


@dataclass
class LevelResult:
    """Every measured turn of one concurrency level."""

    concurrency: int
    conversations_planned: int
    conversations_done: int = 0
    wall_s: float = 0.0
    turns: list[Turn] = field(default_factory=list)
    stopped_by_deadline: bool = False

    @property
    def latencies_ms(self) -> list[float]:
        return [t.latency_ms for t in self.turns if t.ok]

    @property
    def errors(self) -> int:
        return sum(1 for t in self.turns if not t.ok)

    @property
    def empty_replies(self) -> int:
        return sum(1 for t in self.turns if t.ok and not t.replies)

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms
        ok_turns = len(lat)
        steps = sorted({t.step for t in self.turns})
        per_step = {
            str(step): percentile([t.latency_ms for t in self.turns if t.ok and t.step == step], 50)
            for step in steps
        }
        error_samples = sorted({t.error for t in self.turns if t.error})[:5]
        return {
            "concurrency": self.concurrency,
            "conversations_planned": self.conversations_planned,
            "conversations_done": self.conversations_done,
            "stopped_by_deadline": self.stopped_by_deadline,
            "turns": len(self.turns),
            "ok_turns": ok_turns,
            "errors": self.errors,
            "error_samples": error_samples,
            "empty_replies": self.empty_replies,
            "wall_s": round(self.wall_s, 3),
            "throughput_tps": round(ok_turns / self.wall_s, 2) if self.wall_s > 0 else None,
            "p50_ms": _round(percentile(lat, 50)),
            "p95_ms": _round(percentile(lat, 95)),
            "p99_ms": _round(percentile(lat, 99)),
            "max_ms": _round(max(lat) if lat else None),
            "mean_ms": _round(sum(lat) / ok_turns if ok_turns else None),
            "p50_ms_by_step": {k: _round(v) for k, v in per_step.items()},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class Client:
    """Talks to one Rasa server's REST channel."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, run_id: str) -> None:
        self._session = session
        self._url = f"{base_url}/webhooks/rest/webhook"
        self._run_id = run_id

    def sender(self, label: str, index: int) -> str:
        return f"bench-{self._run_id}-{label}-{index}-{uuid.uuid4().hex[:8]}"

    @staticmethod
    def personalize(text: str, sender: str) -> str:
        """Fills "{n}" with a token unique to the conversation (e.g. a distinct email)."""
        return text.replace("{n}", sender.rsplit("-", 1)[-1])

    async def turn(self, sender: str, step: int, text: str) -> Turn:
        started = time.perf_counter()
        try:
            async with self._session.post(
                self._url, json={"sender": sender, "message": text}
            ) as response:
                body: Any = await response.json(content_type=None)
                elapsed = (time.perf_counter() - started) * 1000.0
                if response.status != 200 or not isinstance(body, list):
                    return Turn(
                        step, text, elapsed, False, (), f"HTTP {response.status}: {str(body)[:120]}"
                    )
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            elapsed = (time.perf_counter() - started) * 1000.0
            return Turn(step, text, elapsed, False, (), f"{type(exc).__name__}: {exc}"[:160])
        replies = tuple(_reply_text(item) for item in body)
        return Turn(step, text, elapsed, True, replies)

    async def conversation(self, sender: str, script: Sequence[str]) -> list[Turn]:
        """Plays the script; stops at the first failed turn (the dialogue state is unknown)."""
        turns: list[Turn] = []
        for step, text in enumerate(script):
            turn = await self.turn(sender, step, self.personalize(text, sender))
            turns.append(turn)
            if not turn.ok:
                break
        return turns


def _reply_text(item: Any) -> str:
    if isinstance(item, dict):
        if "text" in item:
            return str(item["text"])
        return "<" + ",".join(sorted(str(k) for k in item if k != "recipient_id")) + ">"
    return str(item)


async def run_level(
    client: Client,
    script: Sequence[str],
    *,
    label: str,
    concurrency: int,
    conversations: int,
    max_seconds: float,
) -> LevelResult:
    """Runs `conversations` whole conversations, `concurrency` at a time, within max_seconds."""
    result = LevelResult(concurrency=concurrency, conversations_planned=conversations)
    claimed = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    async def worker() -> None:
        nonlocal claimed
        while claimed < conversations:
            if time.perf_counter() >= deadline:
                result.stopped_by_deadline = True
                return
            index = claimed
            claimed += 1
            turns = await client.conversation(client.sender(label, index), script)
            result.turns.extend(turns)
            result.conversations_done += 1

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, conversations)))))
    result.wall_s = time.perf_counter() - started
    return result


async def warm_up(
    client: Client, script: Sequence[str], *, conversations: int, concurrency: int
) -> list[Turn]:
    """Unmeasured conversations (TensorFlow traces its graphs on the first calls).

    Returns the turns of the first conversation, played alone first, as a transcript.
    """
    transcript = await client.conversation(client.sender("transcript", 0), script)
    rest = max(0, conversations - 1)
    if rest:
        await run_level(
            client,
            script,
            label="warmup",
            concurrency=concurrency,
            conversations=rest,
            max_seconds=120.0,
        )
    return transcript


async def parse_probe(
    session: aiohttp.ClientSession,
    base_url: str,
    token: str,
    texts: Sequence[str],
    rounds: int = 3,
) -> dict[str, Any]:
    """NLU alone: /model/parse of each script text, one at a time (HTTP API, token).

    Set against the turn latency at concurrency 1, it splits a turn's cost into NLU and
    the rest (tracker, policies, action server calls).
    """
    url = f"{base_url}/model/parse"
    latencies: list[float] = []
    errors = 0
    for _ in range(rounds):
        for text in (Client.personalize(t, "probe-0") for t in texts):
            started = time.perf_counter()
            try:
                async with session.post(url, params={"token": token}, json={"text": text}) as r:
                    await r.read()
                    ok = r.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                ok = False
            if ok:
                latencies.append((time.perf_counter() - started) * 1000.0)
            else:
                errors += 1
    return {
        "requests": rounds * len(texts),
        "errors": errors,
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
        "mean_ms": _round(sum(latencies) / len(latencies) if latencies else None),
    }
