"""Per-key rate limits (token buckets) on the injected clock: per visitor and per address."""

from __future__ import annotations

from collections import OrderedDict

from bot.clock import Clock

MAX_KEYS = 100_000  # the least recently used buckets are forgotten beyond this


class RateLimiter:
    """`per_minute` messages a minute on average, bursts of up to `burst`."""

    def __init__(self, clock: Clock, per_minute: int, burst: int | None = None) -> None:
        self._clock = clock
        self._rate = per_minute / 60.0
        self._burst = float(burst if burst is not None else max(per_minute // 2, 1))
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        now = self._clock.now().timestamp()
        tokens, last = self._buckets.pop(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > MAX_KEYS:
            self._buckets.popitem(last=False)
        return allowed
