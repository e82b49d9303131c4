"""Driving the widget as a visitor does: through its shadow root (Playwright pierces open
shadow roots with its CSS engine)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class Widget:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def launcher(self) -> Locator:
        return self.page.locator("[data-leadbot] .launch")

    @property
    def log(self) -> Locator:
        return self.page.locator("[data-leadbot] .log")

    @property
    def input(self) -> Locator:
        return self.page.locator("[data-leadbot] textarea")

    def bot_messages(self) -> Locator:
        return self.page.locator("[data-leadbot] .log .m.bot, [data-leadbot] .log .m.agent")

    def visitor_messages(self) -> Locator:
        return self.page.locator("[data-leadbot] .log .m.visitor")

    def open(self) -> None:
        self.launcher.click()
        expect(self.page.locator("[data-leadbot] .panel")).to_be_visible()

    def wait_for_bot(self, count: int) -> None:
        expect(self.bot_messages()).to_have_count(count, timeout=90_000)

    def say(self, text: str, *, replies: int = 1) -> list[str]:
        """Send, wait until `replies` more bot messages arrived, return their texts."""
        before = self.bot_messages().count()
        self.input.fill(text)
        self.input.press("Enter")
        self.wait_for_bot(before + replies)
        return [" ".join(t.split()) for t in self.bot_messages().all_inner_texts()[before:]]

    def texts(self) -> list[str]:
        """Every message's text, white space collapsed (as a screen reader reads it)."""
        return [
            " ".join(t.split())
            for t in self.page.locator("[data-leadbot] .log .m").all_inner_texts()
        ]
