"""docker-compose.yml cannot run here (no Docker engine): this test keeps it honest.

Every service's command, ports and environment must match what the code and the local
run script read, so the production shape does not drift from the one we test.
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.limits import DEFAULT_MAX_MESSAGE_CHARS, MAX_MESSAGE_CHARS_ENV
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\$\{(\w+)(?::\?[^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    result: dict[str, Any] = compose["services"][name]
    return result


def _supervised(name: str) -> Any:
    """The Service scripts/supervise.py starts under `make run` (default ports)."""
    module = runpy.run_path(str(ROOT / "scripts" / "supervise.py"), run_name="supervise")
    services = module["leadbot_services"](Path("models/m.tar.gz"), {"RASA_TOKEN": "t"})
    return next(s for s in services if s.name == name)


def flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


DEFAULTED = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")


def with_secrets(env: dict[str, str]) -> dict[str, str]:
    """Substitute ${VAR:?...} as Compose would, with long random-looking secrets, and
    ${VAR:-default} with its default (the variable unset)."""
    return {
        k: DEFAULTED.sub(
            lambda m: m.group(1),
            PLACEHOLDER.sub(lambda m: f"{m.group(1).lower()}-0123456789abcdef", str(v)),
        )
        for k, v in env.items()
    }


def test_the_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"rasa", "rasa-2", "actions", "bot", "postgres", "redis"}
    assert service(compose, "rasa-2") == service(compose, "rasa")  # a replica


def test_rasa_matches_the_run_script_and_the_production_endpoints(compose: dict[str, Any]) -> None:
    rasa = service(compose, "rasa")
    command = rasa["command"]
    run_script = (ROOT / "scripts" / "run.sh").read_text()
    # run.sh hands the processes to the supervisor, which builds their command lines
    assert "scripts/supervise.py" in run_script
    local = _supervised("rasa").argv
    for option in ("--enable-api", "--auth-token", "--credentials", "--endpoints", "--port"):
        assert option in command
        assert option in local, f"scripts/supervise.py does not pass {option}"
    assert flag(command, "--port") == "5005"
    assert command[:2] == ["python", "scripts/rasa_serve.py"]
    assert (ROOT / command[1]).exists()
    assert local[1:3] == ("scripts/rasa_serve.py", "run")
    assert flag(list(local), "--port") == "5005"
    assert 'RASA_PORT="${RASA_PORT:-5005}"' in run_script
    endpoints_file = ROOT / flag(command, "--endpoints")
    assert endpoints_file.exists()
    assert (ROOT / flag(command, "--credentials")).exists()
    # every ${VAR} the production endpoints read is provided to the rasa service
    wanted = set(PLACEHOLDER.findall(endpoints_file.read_text()))
    assert wanted <= set(rasa["environment"]), wanted - set(rasa["environment"])
    # Rasa is never published: only the bot web app is
    assert "ports" not in rasa


def test_action_endpoint_points_at_the_action_server(compose: dict[str, Any]) -> None:
    actions = service(compose, "actions")
    port = flag(actions["command"], "--port")
    assert port == "5055"
    url = service(compose, "rasa")["environment"]["ACTION_ENDPOINT_URL"]
    assert url == f"http://actions:{port}/webhook"
    local = yaml.safe_load((ROOT / "endpoints.yml").read_text())["action_endpoint"]["url"]
    assert local.endswith(f":{port}/webhook")
    assert "--actions" in actions["command"]
    assert flag(actions["command"], "--actions") == "actions"


def test_stores_point_at_the_postgres_and_redis_services(compose: dict[str, Any]) -> None:
    rasa_env = service(compose, "rasa")["environment"]
    assert rasa_env["DB_HOST"] == "postgres"
    assert rasa_env["DB_PORT"] == "5432"
    assert rasa_env["REDIS_HOST"] == "redis"
    assert rasa_env["REDIS_PORT"] == "6379"
    postgres = service(compose, "postgres")["environment"]
    assert rasa_env["DB_USER"] == postgres["POSTGRES_USER"]
    for name in ("actions", "bot"):
        url = service(compose, name)["environment"]["DATABASE_URL"]
        assert "@postgres:5432/" + postgres["POSTGRES_DB"] in url


def test_bot_settings_load_in_production_from_the_compose_environment(
    compose: dict[str, Any],
) -> None:
    bot = service(compose, "bot")
    assert bot["command"] == ["python", "-m", "bot.web"]
    settings = load_settings(with_secrets(bot["environment"]))
    assert settings.production
    assert settings.port == 8080
    assert bot["ports"] == [f"{settings.port}:{settings.port}"]
    assert settings.host == "0.0.0.0"
    assert settings.rasa_urls == ("http://rasa:5005", "http://rasa-2:5005")
    assert settings.database_url.startswith("postgresql://")
    assert settings.rasa_tracker_url.endswith("/rasa")
    assert settings.api_token
    assert settings.rasa_token
    settings.require_secrets("LEADBOT_API_TOKEN", "RASA_TOKEN")


def test_action_server_settings_load_in_production(compose: dict[str, Any]) -> None:
    settings = load_settings(with_secrets(service(compose, "actions")["environment"]))
    assert settings.production
    assert settings.database_url.startswith("postgresql://")


def test_dockerfiles_exist_and_install_the_locked_requirements(compose: dict[str, Any]) -> None:
    for name in ("rasa", "actions", "bot"):
        build = service(compose, name)["build"]
        dockerfile = (ROOT / build["dockerfile"]).read_text()
        assert "requirements/" in dockerfile
        assert ".lock" in dockerfile
        assert "python:3.10" in dockerfile


def test_every_service_restarts_and_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, spec in compose["services"].items():
        assert spec.get("restart") in ("unless-stopped", "always"), name
        assert spec.get("healthcheck", {}).get("test"), f"{name} has no health check"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("rasa", "http://127.0.0.1:5005/status?token="),
        ("actions", "http://127.0.0.1:5055/health"),
        ("bot", "http://127.0.0.1:8080/healthz"),
    ],
)
def test_health_checks_probe_the_right_endpoint(
    compose: dict[str, Any], name: str, url: str
) -> None:
    probe = " ".join(service(compose, name)["healthcheck"]["test"])
    assert url in probe
    # the same endpoint the supervisor waits for under `make run`
    local = _supervised(name).health_url
    assert local is not None
    assert local.split("?")[0].rsplit("/", 1)[1] == url.split("?")[0].rsplit("/", 1)[1]
    if name == "rasa":
        assert "RASA_TOKEN" in probe
        assert "RASA_TOKEN" in service(compose, "rasa")["environment"]


def test_the_healthz_route_exists() -> None:
    from bot.web.routes_health import routes

    assert any(getattr(r, "path", None) == "/healthz" for r in routes)


def test_both_doors_share_one_message_cap(compose: dict[str, Any]) -> None:
    rasa = service(compose, "rasa")["environment"][MAX_MESSAGE_CHARS_ENV]
    bot = service(compose, "bot")["environment"][MAX_MESSAGE_CHARS_ENV]
    assert rasa == bot == f"${{{MAX_MESSAGE_CHARS_ENV}:-{DEFAULT_MAX_MESSAGE_CHARS}}}"


def test_services_wait_for_what_they_need_to_be_healthy(compose: dict[str, Any]) -> None:
    depends = service(compose, "rasa")["depends_on"]
    assert depends["actions"]["condition"] == "service_healthy"
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
