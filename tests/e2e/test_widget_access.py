"""Accessibility and reach: keyboard only end to end, axe-core (the npm package, vendored
by scripts/browser_setup.sh) with no serious or critical violation, a phone-sized screen,
a rep taking over, and the community rasa-webchat widget against the same gateway."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.conftest import VENDOR, App, screenshot
from tests.e2e.test_widget_resume import _conversation_id
from tests.e2e.widget import Widget


def test_keyboard_only_end_to_end(app: App, page: Page) -> None:
    page.goto(app.url)
    widget = Widget(page)
    for _ in range(10):  # Tab through the page's links to the launcher
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.hasAttribute('data-leadbot')"):
            break
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    widget.wait_for_bot(1)
    page.keyboard.type("I'd like to book a demo please")
    page.keyboard.press("Enter")
    widget.wait_for_bot(3)
    expect(widget.input).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("[data-leadbot] .panel")).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(VENDOR / "axe.min.js"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation(app: App, page: Page) -> None:
    if not (VENDOR / "axe.min.js").exists():
        pytest.skip("axe-core not vendored: run scripts/browser_setup.sh")
    page.goto(app.url)
    widget = Widget(page)
    widget.open()
    widget.wait_for_bot(1)
    widget.say("I'd like to book a demo please", replies=2)
    violations = _axe(page)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]


def test_a_phone_gets_a_full_screen_chat(app: App, browser: Browser) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(app.url)
        widget = Widget(page)
        expect(page.locator("[data-leadbot] .greet")).to_be_visible()  # proactive greeting
        screenshot(page, "widget-phone-greeting-375x667")
        widget.open()
        widget.wait_for_bot(1)
        box = page.locator("[data-leadbot] .panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
        form = page.locator("[data-leadbot] form").bounding_box()
        assert form is not None
        assert form["y"] + form["height"] <= 667
        screenshot(page, "widget-phone-375x667")
    finally:
        context.close()


def test_a_dismissed_greeting_stays_dismissed(app: App, page: Page) -> None:
    page.goto(app.url)
    greet = page.locator("[data-leadbot] .greet")
    expect(greet).to_be_visible()
    page.locator("[data-leadbot] .greet .x").click()
    expect(greet).to_be_hidden()
    page.reload()
    page.wait_for_timeout(2500)  # longer than the greeting's delay: it must not come back
    expect(greet).to_be_hidden()
    assert page.evaluate("() => Object.keys(localStorage).length") == 0


def test_a_rep_takes_over_and_the_bot_stays_silent(app: App, page: Page) -> None:
    page.goto(app.url)
    widget = Widget(page)
    widget.open()
    widget.wait_for_bot(1)
    conversation = _conversation_id(app, page)
    base = f"/api/conversations/{conversation}"
    app.api("POST", f"{base}/claim", {"rep": "Ana Ruiz"})
    app.api("POST", f"{base}/messages", {"rep": "Ana Ruiz", "text": "Hi, **Ana** here <b>x</b>"})
    widget.wait_for_bot(3)
    agent = page.locator("[data-leadbot] .m.agent").last
    expect(agent.locator(".who")).to_have_text("Ana Ruiz")
    expect(agent.locator("strong")).to_have_text("Ana")
    expect(agent).to_contain_text("<b>x</b>")
    widget.input.fill("thanks Ana")
    widget.input.press("Enter")
    expect(widget.visitor_messages().last).to_contain_text("thanks Ana")
    app.api("POST", f"{base}/release", {"rep": "Ana Ruiz"})
    widget.wait_for_bot(4)  # only the "left the conversation" notice: the bot said nothing
    assert "left the conversation" in widget.texts()[-1]
    page.reload()
    widget.wait_for_bot(4)  # the rep's messages survive a reload
    expect(page.locator("[data-leadbot] .m.agent .who")).to_have_text("Ana Ruiz")


WEBCHAT_PAGE = """<!doctype html><html lang="en"><head><title>rasa-webchat</title></head>
<body><div id="webchat"></div><script src="/test-vendor/rasa-webchat.js"></script>
<script>WebChat.default({selector: "#webchat", initPayload: "/greet",
 customData: {language: "en", time_zone: "Europe/Paris"}, socketUrl: location.origin,
 socketPath: "/socket.io/", title: "Community widget", params: {storage: "local"}}, null);
</script></body></html>"""


def test_the_community_rasa_webchat_widget_works_unmodified(app: App, page: Page) -> None:
    bundle = VENDOR / "rasa-webchat.js"
    if not bundle.exists():
        pytest.skip("rasa-webchat not vendored: run scripts/browser_setup.sh")

    def serve(route: Route) -> None:
        if route.request.url.endswith("/test-vendor/rasa-webchat.js"):
            route.fulfill(path=str(bundle), content_type="text/javascript")
        else:
            route.fulfill(body=WEBCHAT_PAGE, content_type="text/html")

    page.route(f"{app.url}/test-*/**", serve)
    page.route(f"{app.url}/test-webchat", serve)
    page.goto(f"{app.url}/test-webchat")
    page.locator(".rw-launcher").click()
    responses = page.locator(".rw-response")
    expect(responses).to_have_count(1, timeout=90_000)  # the greeting, from initPayload
    page.locator(".rw-new-message").fill("I'd like to book a demo please")
    page.locator(".rw-new-message").press("Enter")
    expect(responses).to_have_count(3, timeout=90_000)
    page.reload()  # the session id (our signed token) resumes the same conversation
    expect(page.locator(".rw-new-message")).to_be_visible()  # it reopens by itself
    page.locator(".rw-new-message").fill("we lose inbound leads at night")
    page.locator(".rw-new-message").press("Enter")
    expect(page.locator(".rw-response").last).to_contain_text("budget", ignore_case=True)
