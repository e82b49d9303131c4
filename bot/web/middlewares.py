"""Errors and authentication, the same for every route.

`error_middleware` (outermost) gives each request an id, turns every HTTP error into a JSON
body, a database outage into 503 and anything unexpected into 500 with the request id, and
logs the details without the request's path (it may hold an email address).
`auth_middleware` guards /api with the bearer token LEADBOT_API_TOKEN.
"""

from __future__ import annotations

import hmac
import logging
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.leads.failures import classify
from bot.web.keys import SERVICES
from bot.web.responses import BadParameter, bad_parameter, json_error

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# The mail provider's webhooks carry a signature instead of the token (bot.nurture.webhooks).
PUBLIC_API_PATHS = frozenset({"/api/openapi.json", "/api/nurture/inbound", "/api/nurture/bounces"})
REQUEST_ID_HEADER = "X-Request-ID"
CLIENT_MAX_SIZE = 64 * 1024  # no route takes a body; a bigger one is refused unread

# What a database (or its network) being down looks like from a handler.
DATABASE_DOWN: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
    OSError,
    TimeoutError,
)


def route_name(request: web.Request) -> str:
    """The route's pattern (`/api/people/{email}`), never the path with its values."""
    info = request.match_info.route.resource
    return info.canonical if info is not None else "<no route>"


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = uuid.uuid4().hex
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        response = _json_http_error(error)
    except BadParameter as error:
        response = bad_parameter(error)
    except Exception as error:
        if request.writer.output_size > 0:
            # A streamed response broke off (or the client left): too late for a JSON
            # body; aiohttp logs it and closes the connection.
            if not is_outage(error):
                logger.exception(
                    "error in a streamed %s [request %s]", route_name(request), request_id
                )
            raise
        response = _error_response(error, request, request_id)
    if not response.prepared:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def is_outage(error: BaseException) -> bool:
    """The database (or its network) is down: also a driver error whose SQLSTATE says so
    (asyncpg reports a connection closed mid-statement as a plain DBAPIError)."""
    return isinstance(error, DATABASE_DOWN) or classify(error) == "outage"


def _error_response(error: Exception, request: web.Request, request_id: str) -> web.Response:
    """503 for an outage, 500 for anything else; neither body says more than that."""
    if is_outage(error):
        logger.warning(
            "database unavailable in %s %s [request %s]: %s",
            request.method,
            route_name(request),
            request_id,
            type(error).__name__,
        )
        return json_error(503, "database unavailable", request_id=request_id)
    logger.exception(
        "unhandled error in %s %s [request %s]", request.method, route_name(request), request_id
    )
    return json_error(500, "internal error", request_id=request_id)


def _json_http_error(error: web.HTTPException) -> web.Response:
    """aiohttp's own errors (404, 405, 413...) as JSON, keeping headers such as Allow."""
    headers = {k: v for k, v in error.headers.items() if k.lower() not in _BODY_HEADERS}
    return json_error(error.status, error.reason.lower(), headers=headers)


_BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding"})


@web.middleware
async def size_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """413 for a declared body over the limit, even on routes that never read it."""
    size = request.content_length
    if size is not None and size > CLIENT_MAX_SIZE:
        raise web.HTTPRequestEntityTooLarge(max_size=CLIENT_MAX_SIZE, actual_size=size)
    return await handler(request)


def _needs_token(request: web.Request) -> bool:
    return request.path.startswith(API_PREFIX) and request.path not in PUBLIC_API_PATHS


def _bearer(request: web.Request) -> bytes | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip().encode("utf-8", "surrogateescape")


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not _needs_token(request):
        return await handler(request)
    expected = request.app[SERVICES].settings.api_token
    if not expected:
        # Development with no token: the API stays shut; there is never a default token.
        return json_error(
            503, "the leads API is disabled: set LEADBOT_API_TOKEN to a random secret to enable it"
        )
    given = _bearer(request)
    if given is None:
        return json_error(
            401, "missing bearer token", headers={"WWW-Authenticate": 'Bearer realm="leadbot"'}
        )
    if not hmac.compare_digest(given, expected.encode("utf-8")):
        return json_error(
            401,
            "invalid bearer token",
            headers={"WWW-Authenticate": 'Bearer realm="leadbot", error="invalid_token"'},
        )
    return await handler(request)
