"""Typed settings, read once from the environment at start-up (the only place that reads it).

Development (the embedded default) needs no variables at all. Production refuses to start
with a missing or placeholder secret, naming the variable to set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.limits import DEFAULT_MAX_MESSAGE_CHARS

ROOT = Path(__file__).resolve().parent.parent
# Development only: a fixed key so links survive restarts with no setup; production refuses it.
DEV_SECRET_KEY = "leadbot-development-secret-key-not-for-production"
PLACEHOLDERS = frozenset({"", "changeme", "change-me", "secret", "token", "dev", "development"})


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class GreetingRule:
    """Proactive greeting: on pages whose path matches `pattern` (`*` any characters:
    `/pricing*`), the widget shows `text` next to its launcher after `delay` seconds. The
    first matching rule wins; at most once a page, never after the visitor dismissed one
    (in that tab), never to a visitor already chatting."""

    pattern: str
    delay: float
    text: str


DEFAULT_GREETINGS = (
    GreetingRule("/", 12.0, "Comparing plans? I can help you find the right one in a minute."),
)


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'leadbot.db'}"
    rasa_tracker_url: str = f"sqlite:///{ROOT / 'var' / 'rasa_tracker.db'}"
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    rasa_token: str | None = None
    api_token: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    scoring_file: Path = ROOT / "scoring.yml"
    spool_dir: Path = ROOT / "var" / "spool"
    # Links and tokens a visitor holds (booking, unsubscribe, widget) are signed with this.
    secret_key: str | None = None
    public_url: str = "http://127.0.0.1:8080"
    # Email: SMTP when smtp_url is set, otherwise .eml files under mail_dir.
    smtp_url: str | None = None
    smtp_password: str | None = None
    mail_dir: Path = ROOT / "var" / "mail"
    mail_from: str = "Leadbot <leadbot@localhost>"
    admin_email: str | None = None
    reps_file: Path = ROOT / "reps.yml"
    sequences_file: Path = ROOT / "sequences.yml"
    # The widget gateway (bot/web/gateway). Origins allowed to open the chat besides our
    # own; "*" allows every site (the demo's default is our own origin only).
    allowed_origins: tuple[str, ...] = ()
    actions_url: str = "http://127.0.0.1:5055"
    # A visitor's message is cut off here before NLU (Rasa's email regex is quadratic).
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    rate_per_visitor: int = 20  # messages a minute per conversation
    rate_per_ip: int = 60  # messages a minute per address (shared by a whole office)
    privacy_url: str | None = None
    greetings: tuple[GreetingRule, ...] = DEFAULT_GREETINGS
    # Signs the mail provider's webhooks (bounces, inbound replies); unset: they answer 503.
    webhook_secret: str | None = None

    @property
    def production(self) -> bool:
        return self.env == "production"

    def require_secrets(self, *names: str) -> None:
        """Each process asks for the secrets it uses (the web app: LEADBOT_API_TOKEN).

        In production a missing secret stops start-up; in development it may be absent.
        """
        values = {
            "LEADBOT_API_TOKEN": self.api_token,
            "RASA_TOKEN": self.rasa_token,
            "LEADBOT_SECRET_KEY": self.secret_key,
        }
        for name in names:
            if self.production and not values[name]:
                raise SettingsError(f"{name} must be set in production (a random secret)")


def env_secret(name: str) -> str | None:
    """A secret an operator file names by its variable (reps.yml: webhook_url_env, ...).

    Read when it is used, not at start-up, so a rotated secret needs no restart."""
    return os.environ.get(name) or None


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a port number, got {raw!r}") from None
    if not 0 < port < 65536:
        raise SettingsError(f"{name} must be between 1 and 65535, got {port}")
    return port


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, got {value}")
    return value


def _greetings(env: Mapping[str, str]) -> tuple[GreetingRule, ...]:
    """LEADBOT_GREETINGS: a JSON list of {"pattern", "delay", "text"}; "[]" turns them off."""
    raw = env.get("LEADBOT_GREETINGS")
    if raw is None or raw.strip() == "":
        return DEFAULT_GREETINGS
    try:
        items = json.loads(raw)
        rules = tuple(
            GreetingRule(str(item["pattern"]), float(item.get("delay", 10)), str(item["text"]))
            for item in items
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        raise SettingsError(
            'LEADBOT_GREETINGS must be a JSON list like [{"pattern": "/pricing*", '
            '"delay": 10, "text": "..."}]'
        ) from None
    return rules


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise SettingsError(
                f"ALLOWED_ORIGINS: {origin!r} must look like https://www.example.com (or *)"
            )
    return origins


def _secret(name: str, value: str | None, *, production: bool) -> str | None:
    """A secret, if given; in production a given one must not be a placeholder."""
    value = value or None
    if (
        production
        and value is not None
        and (value.lower() in PLACEHOLDERS or value == DEV_SECRET_KEY or len(value) < 16)
    ):
        raise SettingsError(
            f"{name} must be a random secret of at least 16 characters in production"
        )
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Reads LEADBOT_* and friends; see the README's table of variables."""
    env = os.environ if env is None else env
    mode = env.get("LEADBOT_ENV", "development")
    if mode not in ("development", "production"):
        raise SettingsError(f"LEADBOT_ENV must be 'development' or 'production', got {mode!r}")
    production = mode == "production"
    defaults = Settings()
    rasa_token = env.get("RASA_TOKEN") or None
    if rasa_token is None and not production:
        token_file = ROOT / "var" / "rasa_token"
        rasa_token = token_file.read_text().strip() if token_file.exists() else None
    secret_key = env.get("LEADBOT_SECRET_KEY") or None
    if secret_key is None and not production:
        key_file = ROOT / "var" / "secret_key"
        secret_key = key_file.read_text().strip() if key_file.exists() else DEV_SECRET_KEY
    rasa_urls = tuple(
        u.strip().rstrip("/") for u in env.get("RASA_URLS", "").split(",") if u.strip()
    )
    return Settings(
        env=mode,
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        rasa_tracker_url=env.get("RASA_TRACKER_URL") or defaults.rasa_tracker_url,
        rasa_urls=rasa_urls or defaults.rasa_urls,
        rasa_token=_secret("RASA_TOKEN", rasa_token, production=production),
        api_token=_secret("LEADBOT_API_TOKEN", env.get("LEADBOT_API_TOKEN"), production=production),
        host=env.get("LEADBOT_HOST", defaults.host),
        port=_port(env, "LEADBOT_PORT", defaults.port),
        scoring_file=Path(env.get("LEADBOT_SCORING_FILE") or defaults.scoring_file),
        spool_dir=Path(env.get("LEADBOT_SPOOL_DIR") or defaults.spool_dir),
        secret_key=_secret("LEADBOT_SECRET_KEY", secret_key, production=production),
        public_url=(env.get("LEADBOT_PUBLIC_URL") or defaults.public_url).rstrip("/"),
        smtp_url=env.get("SMTP_URL") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        mail_dir=Path(env.get("LEADBOT_MAIL_DIR") or defaults.mail_dir),
        mail_from=env.get("LEADBOT_MAIL_FROM") or defaults.mail_from,
        admin_email=env.get("LEADBOT_ADMIN_EMAIL") or None,
        reps_file=Path(env.get("LEADBOT_REPS_FILE") or defaults.reps_file),
        sequences_file=Path(env.get("LEADBOT_SEQUENCES_FILE") or defaults.sequences_file),
        allowed_origins=_origins(env.get("ALLOWED_ORIGINS", "")),
        actions_url=(env.get("ACTIONS_URL") or defaults.actions_url).rstrip("/"),
        max_message_chars=_positive_int(
            env, "LEADBOT_MAX_MESSAGE_CHARS", defaults.max_message_chars
        ),
        rate_per_visitor=_positive_int(env, "LEADBOT_RATE_PER_VISITOR", defaults.rate_per_visitor),
        rate_per_ip=_positive_int(env, "LEADBOT_RATE_PER_IP", defaults.rate_per_ip),
        privacy_url=env.get("LEADBOT_PRIVACY_URL") or None,
        greetings=_greetings(env),
        webhook_secret=_secret(
            "LEADBOT_WEBHOOK_SECRET", env.get("LEADBOT_WEBHOOK_SECRET"), production=production
        ),
    )
