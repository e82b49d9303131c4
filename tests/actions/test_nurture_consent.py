"""validate_nurture_consent_form with real rasa_sdk objects: yes, no, in between."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.nurture import ActionAskNurtureConsent, ValidateNurtureConsentForm
from bot.nurture.service import CONSENT_NOTICE
from tests.support.rasa_objects import make_tracker, responses

FORM = ValidateNurtureConsentForm()
NURTURE_LEAD = {"email": "ada@engines.example", "lead_route": "nurture"}


async def _answer(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], text: str, intent: str, **slots: Any
) -> dict[str, Any]:
    tracker = make_tracker(
        text=text, intent=intent, form="nurture_consent_form", requested_slot="nurture_consent",
        slots={**NURTURE_LEAD, **slots}, candidates={"nurture_consent": text},
    )  # fmt: skip
    events = await FORM.run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_yes_and_no_are_read_from_the_words(dispatcher, domain) -> None:
    assert (await _answer(dispatcher, domain, "sure, why not", "affirm"))[
        "nurture_consent"
    ] == "granted"
    assert (await _answer(dispatcher, domain, "no emails please", "deny"))[
        "nurture_consent"
    ] == "declined"
    assert responses(dispatcher) == []


async def test_an_unclear_answer_is_asked_once_more_then_taken_as_no(dispatcher, domain) -> None:
    first = await _answer(dispatcher, domain, "what kind of emails?", "faq")
    assert first["nurture_consent"] is None
    assert first["nurture_consent_tries"] == 1
    assert responses(dispatcher) == ["utter_nurture_consent_unclear"]
    second = await _answer(dispatcher, domain, "hmm", "inform", nurture_consent_tries=1)
    assert second["nurture_consent"] == "declined"


async def test_only_leads_we_may_email_are_asked(dispatcher, domain) -> None:
    form_slots = ["nurture_consent"]
    for slots, asked in (
        (NURTURE_LEAD, True),
        ({"email": None, "lead_route": "nurture"}, False),
        ({"email": "a@b.example", "lead_route": "handoff"}, False),
        ({"email": "a@b.example", "lead_route": "handoff", "booking_status": "declined"}, True),
    ):
        tracker = make_tracker(text="x", form="nurture_consent_form", slots=dict(slots))
        required = await FORM.required_slots(form_slots, dispatcher, tracker, domain)
        assert required == (form_slots if asked else [])


async def test_the_question_is_the_stored_notice_word_for_word(dispatcher, domain) -> None:
    await ActionAskNurtureConsent().run(dispatcher, make_tracker(text="x"), domain)
    assert [m["text"] for m in dispatcher.messages] == [CONSENT_NOTICE]
