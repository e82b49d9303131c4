"""A stand-in for Rasa's REST channel that answers at once (two replies, as a form turn
does), so bench.gateway measures the gateway and nothing else. Its own process."""

from __future__ import annotations

import argparse

from aiohttp import web


async def webhook(request: web.Request) -> web.Response:
    body = await request.json()
    sender = body.get("sender", "")
    return web.json_response(
        [
            {"recipient_id": sender, "text": "Got it."},
            {"recipient_id": sender, "text": "Roughly what budget are you working with?"},
        ]
    )


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="Hello from a stand-in for Rasa")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/", hello)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
