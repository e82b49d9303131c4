"""The whole product for browser tests: Rasa + action server (tests/support/stack.py), the
bot web app as `make run` starts it (`python -m bot.web`), and Debian's chromium driven by
Playwright (no browser download). Started once per test session.

Needs: a trained model, /usr/bin/chromium (or LEADBOT_CHROMIUM) and var/vendor/ from
scripts/browser_setup.sh; a missing part skips these tests, saying which.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from bot.leads.migrate import upgrade
from tests.support.stack import RASA_PY, Stack, _wait_ready, free_port, running_stack, trained_model

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LEADBOT_CHROMIUM", "/usr/bin/chromium"))
VENDOR = ROOT / "var" / "vendor"
ARTIFACTS = ROOT / "var" / "artifacts"
API_TOKEN = "e2e-api-token-3b9d1f0c7a"

pytestmark = pytest.mark.rasa


@dataclass
class App:
    url: str
    stack: Stack
    database_url: str

    def api(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    model = trained_model()
    if model is None or not model.exists() or not RASA_PY.exists():
        pytest.skip("no trained model or rasa environment: run `make train` (make test does)")
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: run scripts/browser_setup.sh")
    workdir = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{workdir / 'leads.db'}"
    upgrade(database_url)
    env = {"DATABASE_URL": database_url, "LEADBOT_SPOOL_DIR": str(workdir / "spool")}
    with running_stack(model, workdir, env=env) as stack:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        app_env = {
            **os.environ,
            **env,
            "LEADBOT_PORT": str(port),
            "LEADBOT_PUBLIC_URL": url,
            "RASA_URLS": stack.rasa_url,
            "RASA_TOKEN": stack.token,
            "ACTIONS_URL": stack.actions_url,
            "RASA_TRACKER_URL": stack.tracker_store_url,
            "LEADBOT_API_TOKEN": API_TOKEN,
            "LEADBOT_SECRET_KEY": "e2e-secret-key-5e8a2c4b9d7f1e3a",
            "LEADBOT_RATE_PER_IP": "100000",
            "LEADBOT_PRIVACY_URL": "https://northwind.example/privacy",
            "LEADBOT_GREETINGS": json.dumps(
                [{"pattern": "/", "delay": 1, "text": "Comparing plans? I can help."}]
            ),
        }
        log = workdir / "web.log"
        with log.open("wb") as out:
            web = subprocess.Popen(
                [sys.executable, "-m", "bot.web"],
                cwd=ROOT,
                env=app_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_ready(f"{url}/readyz", [web], [log], 60)
            yield App(url=url, stack=stack, database_url=database_url)
        finally:
            web.terminate()
            try:
                web.wait(timeout=60)
            except subprocess.TimeoutExpired:
                web.kill()
                web.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One chromium per test module. Not per session: Playwright's sync API keeps its
    event loop running in this thread while it is started, and every async test after it
    (pytest-asyncio) would then fail with "Runner.run() cannot be called from a running
    event loop"; stopping it with each module gives the thread back."""
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: run scripts/browser_setup.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def context(app: App, browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="America/New_York", locale="en-US"
    )
    context.set_default_timeout(60_000)  # a turn through Rasa on a loaded 2-core machine
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    return page


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
