"""Nurture on the web: one-click unsubscribe (POST) vs the confirm page (GET), the mail
provider's signed webhooks, the manual stop, and the leads API's `nurture` object."""

from __future__ import annotations

import json
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import build_services
from bot.clock import FrozenClock
from bot.leads.migrate import upgrade_async
from bot.nurture.handover import EmlHandOver
from bot.nurture.models import Enrollment, Suppression
from bot.nurture.sender import NurtureSender, NurtureSettings
from bot.nurture.sequences import load_sequences
from bot.nurture.service import enroll
from bot.nurture.webhooks import SIGNATURE_HEADER, sign
from bot.settings import ROOT, Settings
from bot.signing import Purpose, Signer
from bot.web.app import create_app
from bot.web.routes_nurture import NURTURE, NurtureWeb
from tests.integration.nurture.conftest import MAIL_FROM, T0
from tests.integration.nurture.helpers import stored_lead
from tests.web.conftest import AUTH, AiohttpClient

SECRET = "web-nurture-secret-0123456789abcdef"
HOOK_SECRET = "webhook-secret-0123456789abcdef"
ADDRESS = "sophie@initech.example"


class Nurtured:
    def __init__(
        self, client: TestClient[Any, Any], sender: NurtureSender, enrollment_id: int
    ) -> None:
        self.client = client
        self.sender = sender
        self.enrollment_id = enrollment_id
        self.signer = Signer(SECRET)

    @property
    def sessions(self) -> Any:
        return self.sender.sessions

    def token(
        self, enrollment_id: int | None = None, purpose: Purpose = Purpose.UNSUBSCRIBE
    ) -> str:
        return self.signer.sign(purpose, {"e": enrollment_id or self.enrollment_id})

    async def enrollment(self) -> Enrollment:
        async with self.sessions() as session:
            row = await session.get(Enrollment, self.enrollment_id)
            assert row is not None
            return row

    async def suppressions(self) -> list[tuple[str, str, str]]:
        async with self.sessions() as session:
            rows = (await session.scalars(select(Suppression))).all()
            return [(r.email_key, r.reason, r.source) for r in rows]


@pytest.fixture
async def nurtured(
    aiohttp_client: AiohttpClient, make_settings: Callable[..., Settings], tmp_path: Path
) -> Nurtured:
    settings = make_settings(
        secret_key=SECRET, webhook_secret=HOOK_SECRET, mail_dir=tmp_path / "mail",
        public_url="https://bot.acme.example", mail_from=MAIL_FROM,
    )  # fmt: skip
    await upgrade_async(settings.database_url)
    services = build_services(settings)
    clock = FrozenClock(T0)
    sender = NurtureSender(
        services.session_factory, EmlHandOver(tmp_path / "mail"),
        load_sequences(ROOT / "sequences.yml"), Signer(SECRET),
        NurtureSettings(public_url=settings.public_url, mail_from=MAIL_FROM, sender_name="Acme"),
        clock,
    )  # fmt: skip
    app = create_app(services)
    app[NURTURE] = NurtureWeb(sender=sender, clock=clock, run_worker=False)
    client = await aiohttp_client(app)
    lead_id = await stored_lead(services.session_factory, "chat-web", ADDRESS, clock.now())
    outcome = await enroll(
        services.session_factory, sender.book, lead_id, clock.now(), mail_from=MAIL_FROM
    )
    assert outcome.enrollment_id is not None
    return Nurtured(client, sender, outcome.enrollment_id)


async def test_get_shows_a_confirm_page_and_unsubscribes_no_one(nurtured: Nurtured) -> None:
    response = await nurtured.client.get(f"/nurture/unsubscribe/{nurtured.token()}")
    assert response.status == 200
    page = await response.text()
    assert "Just this series of emails" in page
    assert "Every email from us" in page
    assert page.count("<form method=post>") == 2
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert (await nurtured.enrollment()).status == "active"  # a link scanner changed nothing
    assert await nurtured.suppressions() == []


async def test_one_click_post_unsubscribes_from_everything_idempotently(nurtured: Nurtured) -> None:
    path = f"/nurture/unsubscribe/{nurtured.token()}"
    for _ in range(2):
        response = await nurtured.client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status == 200
        assert "You are unsubscribed" in await response.text()
    enrollment = await nurtured.enrollment()
    assert (enrollment.status, enrollment.stop_reason) == ("unsubscribed", "unsubscribed")
    assert await nurtured.suppressions() == [(ADDRESS, "unsubscribed", "one_click")]


async def test_the_pages_buttons_just_this_sequence_or_everything(nurtured: Nurtured) -> None:
    path = f"/nurture/unsubscribe/{nurtured.token()}"
    response = await nurtured.client.post(path, data={"scope": "sequence"})
    assert response.status == 200
    assert "these emails" in await response.text()
    assert (await nurtured.enrollment()).status == "unsubscribed"
    assert await nurtured.suppressions() == []  # other emails may still come
    await nurtured.client.post(path, data={"scope": "all"})
    assert await nurtured.suppressions() == [(ADDRESS, "unsubscribed", "one_click")]
    assert (await nurtured.client.post(path, data={"scope": "x"})).status == 400


async def test_a_forged_or_foreign_token_is_refused(nurtured: Nurtured) -> None:
    foreign = nurtured.token(purpose=Purpose.BOOKING)  # a valid token made for another link
    for token in ("not-a-token", foreign, nurtured.token()[:-2] + "xx"):
        path = f"/nurture/unsubscribe/{token}"
        assert (await nurtured.client.get(path)).status == 404
        response = await nurtured.client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status == 404
    assert (await nurtured.enrollment()).status == "active"


async def test_the_unsubscribe_link_in_a_sent_email_works_with_one_click(
    nurtured: Nurtured, tmp_path: Path
) -> None:
    assert await nurtured.sender.deliver_due() == 1
    (eml,) = (tmp_path / "mail").glob("*.eml")
    email = message_from_bytes(eml.read_bytes(), policy=policy.default)
    https = str(email["List-Unsubscribe"]).split(",")[0].strip(" <>")
    assert https.startswith("https://bot.acme.example/nurture/unsubscribe/")
    response = await nurtured.client.post(
        urlsplit(https).path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    assert (await nurtured.enrollment()).status == "unsubscribed"


def _signed(payload: Any, secret: str = HOOK_SECRET) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    return {
        "data": body,
        "headers": {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)},
    }


SES_BOUNCE = {
    "Type": "Notification",
    "Message": json.dumps(
        {
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": ADDRESS}]},
        }
    ),
}


async def test_a_bounce_webhook_with_a_bad_signature_is_refused(nurtured: Nurtured) -> None:
    client = nurtured.client
    unsigned = await client.post("/api/nurture/bounces", json=SES_BOUNCE)
    assert unsigned.status == 401
    forged = await client.post("/api/nurture/bounces", **_signed(SES_BOUNCE, "wrong-secret"))
    assert forged.status == 401
    # signed, then altered on the way
    request = _signed(SES_BOUNCE)
    request["data"] = request["data"].replace(b"Permanent", b"Transient")
    assert (await client.post("/api/nurture/bounces", **request)).status == 401
    assert await nurtured.suppressions() == []
    assert (await nurtured.enrollment()).status == "active"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (SES_BOUNCE, "bounced"),
        ({"RecordType": "Bounce", "Type": "HardBounce", "Email": ADDRESS}, "bounced"),
        ({"RecordType": "SpamComplaint", "Email": ADDRESS}, "complained"),
        ([{"email": ADDRESS, "event": "bounce", "type": "bounce", "reason": "550"}], "bounced"),
        ([{"email": ADDRESS, "event": "spamreport"}], "complained"),
    ],
)
async def test_hard_bounces_and_complaints_suppress_the_address(
    nurtured: Nurtured, payload: Any, reason: str
) -> None:
    response = await nurtured.client.post("/api/nurture/bounces", **_signed(payload))
    assert response.status == 200
    assert await response.json() == {"suppressed": 1}
    assert await nurtured.suppressions() == [(ADDRESS, reason, "webhook")]
    assert (await nurtured.enrollment()).status == "suppressed"


async def test_a_soft_bounce_suppresses_no_one(nurtured: Nurtured) -> None:
    soft = {"RecordType": "Bounce", "Type": "SoftBounce", "Email": ADDRESS}
    response = await nurtured.client.post("/api/nurture/bounces", **_signed(soft))
    assert await response.json() == {"suppressed": 0}
    assert (await nurtured.enrollment()).status == "active"


async def test_a_reply_stops_the_sequence(nurtured: Nurtured) -> None:
    reply = {"FromFull": {"Email": "Sophie@Initech.example"}, "Subject": "Re: pricing"}
    unsigned = await nurtured.client.post("/api/nurture/inbound", json=reply)
    assert unsigned.status == 401
    response = await nurtured.client.post("/api/nurture/inbound", **_signed(reply))
    assert await response.json() == {"action": "stopped", "sequences": 1}
    enrollment = await nurtured.enrollment()
    assert (enrollment.status, enrollment.stop_reason) == ("stopped", "replied")


async def test_the_mailto_unsubscribe_arrives_as_inbound_mail(nurtured: Nurtured) -> None:
    mail = {"from": f"Sophie <{ADDRESS}>", "subject": f"unsubscribe {nurtured.token()}"}
    body = "&".join(f"{k}={v}" for k, v in mail.items()).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        SIGNATURE_HEADER: sign(HOOK_SECRET, body),
    }
    response = await nurtured.client.post("/api/nurture/inbound", data=body, headers=headers)
    assert await response.json() == {"action": "unsubscribed"}
    assert await nurtured.suppressions() == [(ADDRESS, "unsubscribed", "one_click")]


async def test_webhooks_are_shut_without_a_secret(
    aiohttp_client: AiohttpClient, make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    await upgrade_async(settings.database_url)
    app = create_app(build_services(settings))
    client = await aiohttp_client(app)
    response = await client.post("/api/nurture/bounces", **_signed(SES_BOUNCE))
    assert response.status == 403


async def test_a_rep_stops_a_lead_and_the_leads_api_shows_nurture(nurtured: Nurtured) -> None:
    client = nurtured.client
    enrollment = await nurtured.enrollment()
    await nurtured.sender.deliver_due()
    lead = await (await client.get(f"/api/leads/{enrollment.lead_id}", headers=AUTH)).json()
    nurture = lead["nurture"]
    assert (nurture["sequence"], nurture["status"], nurture["reason"]) == (
        "pricing_and_roi", "enrolled", None,
    )  # fmt: skip
    assert [(s["key"], s["status"]) for s in nurture["steps"]] == [
        ("welcome", "sent"), ("reminder", "pending"), ("value", "pending"),
        ("check_in", "pending"), ("closure", "pending"),
    ]  # fmt: skip
    assert nurture["steps"][0]["sent_at"] == T0.isoformat()
    path = f"/api/leads/{enrollment.lead_id}/nurture/stop"
    assert (await client.post(path, json={"reason": "talking already"})).status == 401
    response = await client.post(path, json={"reason": "talking already"}, headers=AUTH)
    assert await response.json() == {"stopped": 1}
    lead = await (await client.get(f"/api/leads/{enrollment.lead_id}", headers=AUTH)).json()
    assert (lead["nurture"]["status"], lead["nurture"]["reason"]) == (
        "stopped", "manual: talking already",
    )  # fmt: skip
    assert [s["status"] for s in lead["nurture"]["steps"]][1:] == ["cancelled"] * 4
