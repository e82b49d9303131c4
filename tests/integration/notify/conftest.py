from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.integration.notify.receiver import HttpReceiver, SmtpReceiver


@pytest.fixture
async def receiver() -> AsyncIterator[HttpReceiver]:
    server = HttpReceiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    server = SmtpReceiver()
    server.start()
    yield server
    server.stop()
