"""The widget gateway's settings: origins, limits, greetings, each error naming its variable."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_GREETINGS, GreetingRule, SettingsError, load_settings
from bot.web.routes_widget import widget_config


def test_defaults_need_nothing() -> None:
    settings = load_settings({})
    assert settings.allowed_origins == ()
    assert settings.max_message_chars == 2000
    assert settings.greetings == DEFAULT_GREETINGS


def test_values_are_read() -> None:
    settings = load_settings(
        {
            "ALLOWED_ORIGINS": "https://www.acme.example/, https://shop.acme.example",
            "LEADBOT_MAX_MESSAGE_CHARS": "500",
            "LEADBOT_RATE_PER_VISITOR": "5",
            "LEADBOT_PRIVACY_URL": "https://acme.example/privacy",
            "LEADBOT_GREETINGS": '[{"pattern": "/pricing*", "delay": 4, "text": "Hi"}]',
        }
    )
    assert settings.allowed_origins == ("https://www.acme.example", "https://shop.acme.example")
    assert settings.max_message_chars == 500
    assert settings.rate_per_visitor == 5
    assert settings.greetings == (GreetingRule("/pricing*", 4.0, "Hi"),)
    assert widget_config(settings) == {
        "privacyUrl": "https://acme.example/privacy",
        "maxChars": 500,
        "greetings": [{"pattern": "/pricing*", "delay": 4.0, "text": "Hi"}],
    }
    assert load_settings({"LEADBOT_GREETINGS": "[]"}).greetings == ()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_ORIGINS": "www.acme.example"}, "ALLOWED_ORIGINS"),
        ({"LEADBOT_MAX_MESSAGE_CHARS": "lots"}, "LEADBOT_MAX_MESSAGE_CHARS"),
        ({"LEADBOT_RATE_PER_IP": "0"}, "LEADBOT_RATE_PER_IP must be at least 1"),
        ({"LEADBOT_GREETINGS": '{"pattern": "/"}'}, "LEADBOT_GREETINGS"),
        ({"LEADBOT_GREETINGS": '[{"delay": 3}]'}, "LEADBOT_GREETINGS"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env)
