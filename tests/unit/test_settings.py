"""Settings: development needs nothing; production refuses missing or placeholder secrets."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_development_needs_no_variables() -> None:
    settings = load_settings({})
    assert not settings.production
    assert settings.database_url.startswith("sqlite:///")
    assert settings.port == 8080
    settings.require_secrets("LEADBOT_API_TOKEN")  # allowed to be absent in development


def test_production_refuses_to_start_without_the_api_token() -> None:
    settings = load_settings({"LEADBOT_ENV": "production"})
    with pytest.raises(SettingsError, match="LEADBOT_API_TOKEN"):
        settings.require_secrets("LEADBOT_API_TOKEN")


@pytest.mark.parametrize("token", ["changeme", "secret", "short"])
def test_production_refuses_placeholder_secrets(token: str) -> None:
    with pytest.raises(SettingsError, match="LEADBOT_API_TOKEN"):
        load_settings({"LEADBOT_ENV": "production", "LEADBOT_API_TOKEN": token})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEADBOT_PORT": "eighty"}, "LEADBOT_PORT must be a port number"),
        ({"LEADBOT_PORT": "70000"}, "between 1 and 65535"),
        ({"LEADBOT_ENV": "prod"}, "LEADBOT_ENV must be"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


def test_several_rasa_urls_for_scale_out() -> None:
    settings = load_settings({"RASA_URLS": "http://a:5005/, http://b:5005"})
    assert settings.rasa_urls == ("http://a:5005", "http://b:5005")
