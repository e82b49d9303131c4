"""An access log without personal data: the route's pattern instead of the path.

`/api/people/jane@acme.io` is logged as `/api/people/{email}`; query strings (which may
carry an email filter) are left out.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class RouteAccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        route = "<unmatched>"
        if isinstance(request, web.Request):
            resource = request.match_info.route.resource
            route = resource.canonical if resource is not None else route
        self.logger.info(
            "%s %s %s %d %.1f ms",
            request.remote,
            request.method,
            route,
            response.status,
            time * 1000,
        )
