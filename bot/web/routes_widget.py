"""The public face: widget.js (with its settings baked in) and the demo page at `/`."""

from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from bot.settings import Settings
from bot.web.keys import SERVICES

routes = web.RouteTableDef()

STATIC = Path(__file__).resolve().parent / "static"
CONFIG_PLACEHOLDER = "/*LEADBOT_CONFIG*/null"


def widget_config(settings: Settings) -> dict[str, object]:
    return {
        "privacyUrl": settings.privacy_url,
        "maxChars": settings.max_message_chars,
        "greetings": [
            {"pattern": g.pattern, "delay": g.delay, "text": g.text} for g in settings.greetings
        ],
    }


def render_widget(settings: Settings) -> str:
    source = (STATIC / "widget.js").read_text()
    return source.replace(CONFIG_PLACEHOLDER, json.dumps(widget_config(settings)), 1)


@routes.get("/widget.js", name="widget_js")
async def widget_js(request: web.Request) -> web.Response:
    body = render_widget(request.app[SERVICES].settings)
    response = web.Response(
        text=body,
        content_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )
    response.enable_compression()
    return response


@routes.get("/", name="demo")
async def demo(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "demo.html", headers={"Cache-Control": "no-cache"})
