"""A visitor on the demo page talks to the real bot through the widget: a whole
qualification to a stored lead, page context included; hostile text shown as text."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import App, screenshot
from tests.e2e.widget import Widget


def test_a_whole_conversation_on_the_demo_page_becomes_a_lead_with_its_source(
    app: App, page: Page
) -> None:
    landing = f"{app.url}/?utm_source=newsletter&utm_medium=email&utm_campaign=launch"
    page.goto(landing, referer="https://news.example.org/issue-12")
    assert page.evaluate("() => Object.keys(localStorage).length") == 0  # nothing before opening
    assert page.context.cookies() == []
    widget = Widget(page)
    widget.open()
    widget.wait_for_bot(1)  # the greeting
    expect(page.locator("[data-leadbot] .privacy a")).to_have_attribute(
        "href", "https://northwind.example/privacy"
    )
    screenshot(page, "widget-desktop-1280x800")
    widget.say("I'd like to book a demo please", replies=2)
    widget.say("we lose inbound leads at night because nobody answers the chat")
    widget.say("about $60k a year")
    widget.say("I'm the head of sales")
    widget.say("in 3 months")
    widget.say("Sophie Laurent")
    widget.say("sophie@northwind.io")
    final = widget.say("Northwind Traders", replies=2)  # the closing, then meeting slots
    assert "sales team" in final[0]
    assert "pick a time" in final[1]

    token = page.evaluate(
        "() => Object.entries(localStorage).find(([k]) => k.endsWith(':token'))[1]"
    )
    assert token
    leads = app.api("GET", "/api/leads?email=sophie@northwind.io")["items"]
    assert len(leads) == 1
    source = leads[0]["source"]
    assert source["page_url"] == landing
    assert source["referrer"] == "https://news.example.org/issue-12"
    assert source["utm_source"] == "newsletter"
    assert source["utm_campaign"] == "launch"
    assert leads[0]["time_zone"] == "America/New_York"


def test_hostile_markup_from_both_sides_is_shown_as_text(app: App, page: Page) -> None:
    page.goto(app.url)
    widget = Widget(page)
    widget.open()
    widget.wait_for_bot(1)
    hostile = "<img src=x onerror=alert(1)> <script>alert(2)</script> [x](javascript:alert(3))"
    widget.say(hostile)
    expect(widget.visitor_messages().last).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator("[data-leadbot] .log img").count() == 0
    assert page.locator("[data-leadbot] .log script").count() == 0
    assert page.locator("[data-leadbot] .log a[href^='javascript']").count() == 0
