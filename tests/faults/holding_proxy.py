"""A TCP proxy that can hold new connections at the door: the code under test has read
what it is about to write and waits on the database, for as long as the test likes."""

from __future__ import annotations

import asyncio
import contextlib

from tests.support.tcp_proxy import TcpProxy


class HoldingProxy(TcpProxy):
    def __init__(self, target_host: str, target_port: int) -> None:
        super().__init__(target_host, target_port)
        self.opened = asyncio.Event()  # a client connected (and is being held)
        self._gate = asyncio.Event()
        self._gate.set()

    def hold(self) -> None:
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened.set()
        await self._gate.wait()
        await super()._handle(reader, writer)

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Forward until one side closes, then close the other (the base proxy waits for
        both: a client that closes by waiting for the server's EOF would hang)."""
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()
