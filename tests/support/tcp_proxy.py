"""A loopback TCP proxy a test can cut and restore: the database "goes down" for the code
under test while the real server keeps running for everyone else."""

from __future__ import annotations

import asyncio
import contextlib


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.live = 0  # client connections being relayed now
        self._idle = asyncio.Event()
        self._idle.set()

    async def settled(self, limit: float) -> bool:
        """Wait (up to `limit` seconds) until no connection is relayed: every client that
        died has had its database side closed. False if some are still open."""
        try:
            await asyncio.wait_for(self._idle.wait(), limit)
        except asyncio.TimeoutError:
            return False
        return True

    async def start(self) -> None:
        """Listen (again) on the same port; the first start picks a free one."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every open connection: the database is unreachable."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        self._writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update({writer, up_writer})
        self.live += 1
        self._idle.clear()
        pumps = [
            asyncio.ensure_future(self._pump(reader, up_writer)),
            asyncio.ensure_future(self._pump(up_reader, writer)),
        ]
        self._tasks.update(pumps)
        try:
            # A client that dies (SIGKILL) sends EOF: close the database side at once, as
            # the kernel would for a direct connection. Waiting for both pumps left the
            # server's backend open, idle in a transaction whose row locks then stalled
            # every later writer of the same conversation until its command timeout.
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            self._tasks.difference_update(pumps)
            for w in (writer, up_writer):
                self._writers.discard(w)
                w.transport.abort()
            self.live -= 1
            if self.live == 0:
                self._idle.set()

    @staticmethod
    async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
