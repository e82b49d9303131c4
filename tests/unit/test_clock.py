"""The clock tests control."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.clock import FrozenClock, SystemClock


def test_frozen_clock_moves_only_when_told() -> None:
    start = datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)
    clock = FrozenClock(start)
    assert clock.now() == start
    assert clock.advance(90) == start + timedelta(seconds=90)
    assert clock.advance(timedelta(hours=1)) == start + timedelta(seconds=90, hours=1)


def test_frozen_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FrozenClock(datetime(2026, 1, 1))


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().utcoffset() == timedelta(0)
