"""Builds the gateway from the settings (the app factory calls this once)."""

from __future__ import annotations

from bot.settings import DEV_SECRET_KEY, Settings
from bot.signing import Signer
from bot.web.gateway.rasa_client import RasaClient
from bot.web.gateway.server import Gateway
from bot.web.gateway.visitors import VisitorTokens


def build_gateway(settings: Settings) -> Gateway:
    settings.require_secrets("LEADBOT_SECRET_KEY")
    signer = Signer(settings.secret_key or DEV_SECRET_KEY)
    return Gateway(
        settings, RasaClient(settings.rasa_urls, settings.rasa_token), VisitorTokens(signer)
    )
