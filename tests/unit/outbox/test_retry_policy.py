from __future__ import annotations

import random
from datetime import timedelta

from bot.outbox.retry import RetryPolicy


def test_backoff_doubles_with_jitter_below_the_cap_then_gives_up() -> None:
    policy = RetryPolicy(max_attempts=5, base=timedelta(seconds=10), cap=timedelta(seconds=50))
    rng = random.Random(7)
    for attempts, ceiling in ((1, 10), (2, 20), (3, 40), (4, 50)):
        delays = [policy.delay(attempts, rng) for _ in range(200)]
        seconds = [d.total_seconds() for d in delays if d is not None]
        assert len(seconds) == 200
        assert all(ceiling / 2 <= s <= ceiling for s in seconds)
        assert len(set(seconds)) > 100  # spread out, not one instant for every row
    assert policy.delay(5, rng) is None
