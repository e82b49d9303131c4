"""The public door: an aiohttp app serving the leads API, the GDPR endpoints and /healthz.

`create_app` (bot.web.app) builds it; `python -m bot.web` migrates and serves it.
"""
