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


def test_development_signs_with_a_fixed_key_production_refuses_it() -> None:
    from bot.settings import DEV_SECRET_KEY

    assert load_settings({}).secret_key  # links work in development with no setup
    with pytest.raises(SettingsError, match="LEADBOT_SECRET_KEY"):
        load_settings({"LEADBOT_ENV": "production", "LEADBOT_SECRET_KEY": DEV_SECRET_KEY})
    production = load_settings({"LEADBOT_ENV": "production"})
    with pytest.raises(SettingsError, match="LEADBOT_SECRET_KEY"):
        production.require_secrets("LEADBOT_SECRET_KEY")


def test_mail_and_links_settings_are_read() -> None:
    settings = load_settings(
        {
            "SMTP_URL": "smtp://bot@mail.example:587?starttls=true",
            "SMTP_PASSWORD": "pw",
            "LEADBOT_PUBLIC_URL": "https://chat.example.com/",
            "LEADBOT_ADMIN_EMAIL": "ops@example.com",
        }
    )
    assert settings.smtp_url == "smtp://bot@mail.example:587?starttls=true"
    assert settings.smtp_password == "pw"
    assert settings.public_url == "https://chat.example.com"
    assert settings.admin_email == "ops@example.com"
