"""JSON error bodies: every 4xx and 5xx the app sends looks like `{"error": ...}`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

ERROR_MEDIA_TYPE = "application/json"


class BadParameter(ValueError):
    """A query or path parameter the API can't take; answered with 400 naming it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def json_error(
    status: int, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


def bad_parameter(error: BadParameter) -> web.Response:
    return json_error(400, f"{error.parameter}: {error.message}", parameter=error.parameter)
