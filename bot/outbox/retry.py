"""When to try a failed delivery again: exponential backoff with jitter, then give up.

Jitter spreads the retries of many rows that failed together (a receiver that was down)
so they don't all come back at the same second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt n (1-based) that failed waits base * 2**(n-1), capped, times a random factor
    in [1 - jitter, 1]; after `max_attempts` attempts the row is dead."""

    max_attempts: int = 12
    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(hours=1)
    jitter: float = 0.5

    def delay(self, attempts: int, rng: random.Random) -> timedelta | None:
        """How long to wait after `attempts` failed attempts; None means give up."""
        if attempts >= self.max_attempts:
            return None
        exponential = self.base * (2 ** max(attempts - 1, 0))
        capped = min(exponential, self.cap)
        delay: timedelta = capped * (1 - self.jitter * rng.random())
        return delay
