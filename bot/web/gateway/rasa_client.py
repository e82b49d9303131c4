"""A client for the Rasa servers: the REST channel for visitors' messages, the HTTP API
(token) for a conversation's tracker and for events a rep's desk adds (pause, resume,
a rep's message). Each conversation always goes to the same server (rendezvous hashing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp

from bot.web.gateway.rendezvous import pick

TURN_TIMEOUT_SECONDS = 60.0  # Rasa under load answers in seconds; a dead one fails fast
API_TIMEOUT_SECONDS = 10.0


class RasaUnavailable(Exception):
    """Rasa did not answer (down, restarting, timed out or an error status)."""


class RasaClient:
    def __init__(self, urls: Sequence[str], token: str | None) -> None:
        if not urls:
            raise ValueError("at least one Rasa URL is needed")
        self.urls = tuple(urls)
        self._token = token
        self._session: aiohttp.ClientSession | None = None

    def server_for(self, conversation_id: str) -> str:
        return pick(conversation_id, self.urls)

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200, limit_per_host=100)
            )
        return self._session

    async def _request(
        self, method: str, url: str, *, timeout: float, api: bool = False, body: Any = None
    ) -> Any:
        params = {"token": self._token} if api and self._token else None
        try:
            async with self._http().request(
                method,
                url,
                json=body,
                params=params,
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                if response.status >= 400:
                    raise RasaUnavailable(f"Rasa answered {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def send(
        self, conversation_id: str, text: str, metadata: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """One visitor message through the REST channel; Rasa's replies."""
        url = f"{self.server_for(conversation_id)}/webhooks/rest/webhook"
        body = {"sender": conversation_id, "message": text, "metadata": dict(metadata)}
        replies = await self._request("POST", url, timeout=TURN_TIMEOUT_SECONDS, body=body)
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa's reply was not a list")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        url = f"{self.server_for(conversation_id)}/conversations/{conversation_id}/tracker"
        tracker = await self._request("GET", url, timeout=API_TIMEOUT_SECONDS, api=True)
        if not isinstance(tracker, dict):
            raise RasaUnavailable("Rasa's tracker was not an object")
        return tracker

    async def append_events(self, conversation_id: str, events: list[dict[str, Any]]) -> None:
        url = f"{self.server_for(conversation_id)}/conversations/{conversation_id}/tracker/events"
        await self._request("POST", url, timeout=API_TIMEOUT_SECONDS, api=True, body=events)

    async def alive(self, url: str) -> None:
        """Does the Rasa server at `url` answer? (`/` answers with or without the HTTP API.)"""
        try:
            async with self._http().get(
                f"{url}/", timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_SECONDS)
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa answered {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
