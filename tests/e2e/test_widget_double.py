"""The widget's own behaviour where the real bot can't show it today: buttons (the domain
has none yet) and Rasa being down. Rasa is the stand-in server of the gateway tests
(tests/web/rasa_double.py, a real HTTP server answering like Rasa's REST channel and HTTP
API, with buttons); the bot web app and chromium are the real ones."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.sync_api import Browser, Page, expect

from bot.bootstrap import build_services
from bot.leads.migrate import upgrade_async
from bot.settings import Settings
from bot.web.app import create_app
from tests.e2e.conftest import CHROMIUM
from tests.e2e.widget import Widget
from tests.web.rasa_double import TOKEN, RasaDouble


class Servers:
    """The stand-in Rasa and the bot web app on loopback, in a thread with its own loop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rasa = RasaDouble()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runners: list[web.AppRunner] = []
        self.url = ""

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    async def _serve(self, app: web.Application) -> str:
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.runners.append(runner)
        host, port = runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def _start(self) -> str:
        rasa_url = await self._serve(self.rasa.app())
        settings = Settings(
            database_url=f"sqlite:///{self.folder}/leads.db",
            rasa_tracker_url=f"sqlite:///{self.folder}/tracker.db",
            spool_dir=self.folder / "spool",
            mail_dir=self.folder / "mail",
            rasa_urls=(rasa_url,),
            rasa_token=TOKEN,
            greetings=(),
        )
        await upgrade_async(settings.database_url)
        return await self._serve(create_app(build_services(settings)))

    async def _cancel_the_rest(self) -> None:
        """engine.io's ping tasks of sockets closed by the browser outlive the app."""
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def __enter__(self) -> Servers:
        self.thread.start()
        self.url = self.run(self._start())
        return self

    def __exit__(self, *exc: object) -> None:
        for runner in reversed(self.runners):
            self.run(runner.cleanup())
        self.run(self._cancel_the_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: run scripts/browser_setup.sh")
    with Servers(tmp_path_factory.mktemp("double")) as running:
        yield running


@pytest.fixture
def tab(servers: Servers, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def test_a_clicked_button_is_the_visitors_message_and_the_set_is_disabled(
    servers: Servers, tab: Page
) -> None:
    tab.goto(servers.url)
    widget = Widget(tab)
    widget.open()
    widget.wait_for_bot(2)  # the stand-in answers the greeting with text, then buttons
    buttons = tab.locator("[data-leadbot] .replies button")
    expect(buttons).to_have_count(2)
    buttons.get_by_text("Yes").click()
    expect(widget.visitor_messages().last).to_have_text("You said: Yes")
    widget.wait_for_bot(4)
    expect(buttons.nth(0)).to_be_disabled()
    expect(buttons.nth(1)).to_be_disabled()
    expect(buttons.nth(2)).to_be_enabled()  # the new question's set
    sent = servers.rasa.received[-1]
    assert sent["message"] == "/affirm"
    assert sent["metadata"]["display"] == "Yes"
    tab.reload()
    widget.wait_for_bot(4)
    expect(widget.visitor_messages()).to_have_text(["You said: Yes"])
    expect(buttons.nth(0)).to_be_disabled()


def test_rasa_down_is_told_kindly_and_retry_delivers_once(servers: Servers, tab: Page) -> None:
    tab.goto(servers.url)
    widget = Widget(tab)
    widget.open()
    widget.wait_for_bot(2)
    servers.rasa.down = True
    try:
        widget.input.fill("is anyone there?")
        widget.input.press("Enter")
        expect(tab.locator("[data-leadbot] .m.error")).to_contain_text("can't answer right now")
        retry = widget.visitor_messages().last.get_by_role("button", name="Retry")
        expect(retry).to_be_visible()
    finally:
        servers.rasa.down = False
    retry.click()
    expect(widget.bot_messages().filter(has_text="you said: is anyone there?")).to_have_count(1)
    expect(retry).to_be_hidden()
    said = [r["message"] for r in servers.rasa.received]
    assert said.count("is anyone there?") == 1
