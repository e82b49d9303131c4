"""`python -m bot.web`: migrate, check the configuration, then serve on LEADBOT_HOST:PORT.

A bad setting or operator file prints one line naming it and exits with status 2; a
database that can't be reached at start-up exits with status 1.
"""

from __future__ import annotations

import logging
import sys

from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.bootstrap import build_services, prestart
from bot.capture import DATABASE_DOWN
from bot.configfile import ConfigError
from bot.settings import load_settings
from bot.web.access_log import RouteAccessLogger
from bot.web.app import create_app

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    database_url = "<not read yet>"
    try:
        settings = load_settings()
        settings.require_secrets("LEADBOT_API_TOKEN", "LEADBOT_SECRET_KEY")
        database_url = settings.database_url
        prestart(settings)
        services = build_services(settings)
    except (ConfigError, ValueError, ArgumentError) as error:  # SettingsError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DATABASE_DOWN as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"error: database {_safe_url(database_url)} unavailable: {reason}", file=sys.stderr)
        return 1
    web.run_app(
        create_app(services),
        host=settings.host,
        port=settings.port,
        access_log_class=RouteAccessLogger,
        print=None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
