"""reps.yml: the shipped demo team loads; mistakes name the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.configfile import ConfigError
from bot.handoff.reps import load_team
from bot.notify.channels import EmailChannel, SlackChannel

ROOT = Path(__file__).resolve().parents[3]

VALID = """\
version: 1
reps:
  - id: ana
    name: Ana
    email: ana@example.com
    time_zone: Europe/Paris
    working_hours:
      mon: ["09:00-12:00", "14:00-18:00"]
    channels:
      - type: slack
        webhook_url_env: SLACK_WEBHOOK_ANA
      - type: email
routing:
  fallback_rep: ana
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reps.yml"
    path.write_text(text)
    return path


def test_the_shipped_demo_team_has_three_reps_in_three_zones() -> None:
    team = load_team(ROOT / "reps.yml")
    assert len(team.reps) == 3
    assert len({rep.time_zone for rep in team.reps.values()}) == 3
    assert team.fallback_rep in team.reps


def test_secrets_are_named_by_variable_and_email_defaults_to_the_rep(tmp_path: Path) -> None:
    team = load_team(_write(tmp_path, VALID))
    assert team.reps["ana"].channels == (
        SlackChannel(webhook_url_env="SLACK_WEBHOOK_ANA"),
        EmailChannel(to="ana@example.com"),
    )


@pytest.mark.parametrize(
    ("change", "line", "key", "message"),
    [
        (("Europe/Paris", "Europe/Pariss"), 6, "reps[0].time_zone", "unknown time zone"),
        (('"14:00-18:00"', '"18:00-14:00"'), 8, "reps[0].working_hours.mon[1]", "time range"),
        (("fallback_rep: ana", "fallback_rep: bob"), 14, "routing.fallback_rep", "no rep"),
        (("webhook_url_env: SLACK_WEBHOOK_ANA", "webhook_url: https://hooks.slack.com/x"),
         11, "reps[0].channels[0].webhook_url", "did you mean 'webhook_url_env'?"),
    ],
)  # fmt: skip
def test_mistakes_name_the_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], line: int, key: str, message: str
) -> None:
    path = _write(tmp_path, VALID.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_team(path)
    error = caught.value
    assert error.path == path
    assert error.line == line
    assert error.key_path == key
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {key}")
