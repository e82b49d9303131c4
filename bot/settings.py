"""Typed settings, read once from the environment at start-up (the only place that reads it).

Development (the embedded default) needs no variables at all. Production refuses to start
with a missing or placeholder secret, naming the variable to set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Development only: a fixed key so links survive restarts with no setup; production refuses it.
DEV_SECRET_KEY = "leadbot-development-secret-key-not-for-production"
PLACEHOLDERS = frozenset({"", "changeme", "change-me", "secret", "token", "dev", "development"})


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


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
    )
