"""Enrollment and the send loop against a real SMTP server, with a clock the tests move."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.leads.models import Consent, Lead
from bot.nurture.handover import EmlHandOver
from bot.nurture.models import Enrollment, NurtureStep, SendLog, Suppression
from bot.nurture.sender import MAX_ATTEMPTS, NurtureSender, NurtureSettings
from bot.nurture.sequences import SequenceBook
from bot.nurture.service import enroll, nurture_view, stop_address, stop_lead, unsubscribe
from bot.signing import Signer
from tests.integration.nurture.conftest import MAIL_FROM, PUBLIC_URL
from tests.integration.nurture.helpers import stored_lead
from tests.integration.nurture.smtp import SmtpServer

Sessions = async_sessionmaker[AsyncSession]
MakeSender = Callable[..., NurtureSender]
NEW_YORK = ZoneInfo("America/New_York")


async def _steps(sessions: Sessions, enrollment_id: int) -> list[NurtureStep]:
    async with sessions() as session:
        statement = (
            select(NurtureStep)
            .where(NurtureStep.enrollment_id == enrollment_id)
            .order_by(NurtureStep.position)
        )
        return list((await session.scalars(statement)).all())


async def _enrollment(sessions: Sessions, enrollment_id: int) -> Enrollment:
    async with sessions() as session:
        enrollment = await session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        return enrollment


async def _enrolled(
    sessions: Sessions,
    book: SequenceBook,
    clock: FrozenClock,
    address: str = "sophie@initech.example",
) -> int:
    lead_id = await stored_lead(sessions, f"chat-{address}", address, clock.now())
    outcome = await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
    assert outcome.status == "enrolled"
    assert outcome.enrollment_id is not None
    return outcome.enrollment_id


async def test_the_whole_rhythm_goes_out_once_each_in_the_leads_business_hours(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    sender = make_sender()
    assert await sender.deliver_due() == 1  # the welcome, right away
    inbox = smtp_server.mailbox.to("sophie@initech.example")
    assert [m["Subject"] for m in inbox] == ["The pricing overview you asked about"]
    assert await sender.deliver_due() == 0  # nothing else is due yet
    # On the wire, as a mail client reads it: the one-click headers verbatim (no encoded words)
    raw = smtp_server.mailbox.raw[0]
    assert b"\r\nList-Unsubscribe: <https://bot.acme.example/nurture/unsubscribe/" in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    assert b"=?utf-8?" not in raw.split(b"\r\n\r\n")[0]

    planned = await _steps(sessions, enrollment_id)
    for step in planned[1:]:
        clock.set(step.due_at - timedelta(seconds=1))
        assert await sender.deliver_due() == 0  # not a second early
        clock.set(step.due_at)
        assert await sender.deliver_due() == 1
    subjects = [m["Subject"] for m in smtp_server.mailbox.to("sophie@initech.example")]
    assert len(subjects) == 5 == len(set(subjects))
    after = await _steps(sessions, enrollment_id)
    assert [s.status for s in after] == ["sent"] * 5
    for step in after[1:]:
        local = step.due_at.astimezone(NEW_YORK)
        assert local.weekday() < 5
        assert 9 <= local.hour < 17
    assert (await _enrollment(sessions, enrollment_id)).status == "completed"
    clock.advance(timedelta(days=365))
    assert await sender.deliver_due() == 0
    assert len(smtp_server.mailbox) == 5


async def test_enrollment_is_idempotent_and_a_returning_visitor_is_not_doubled(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock
) -> None:
    lead_id = await stored_lead(sessions, "chat-1", "sophie@initech.example", clock.now())
    first = await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
    again = await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
    # the same person chats again a week later (same email: the same lead)
    clock.advance(timedelta(days=7))
    returning = await stored_lead(sessions, "chat-2", "Sophie@Initech.example", clock.now())
    assert returning == lead_id
    third = await enroll(
        sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM, conversation_id="chat-2"
    )
    assert (first.status, again.status, third.status) == (
        "enrolled",
        "already_enrolled",
        "already_enrolled",
    )
    assert first.enrollment_id == again.enrollment_id == third.enrollment_id
    async with sessions() as session:
        assert len((await session.scalars(select(Enrollment))).all()) == 1
        assert len((await session.scalars(select(NurtureStep))).all()) == 5


async def test_no_consent_no_email_ever(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    declined = await stored_lead(
        sessions, "c1", "no@initech.example", clock.now(), consent="declined"
    )
    never_asked = await stored_lead(
        sessions, "c2", "never@initech.example", clock.now(), consent=None
    )
    no_email = await stored_lead(sessions, "c3", None, clock.now())
    for lead_id in (declined, never_asked):
        assert (
            await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
        ).status == "no_consent"
    assert (
        await enroll(sessions, book, no_email, clock.now(), mail_from=MAIL_FROM)
    ).status == "no_email"
    clock.advance(timedelta(days=90))
    assert await make_sender().deliver_due() == 0
    assert len(smtp_server.mailbox) == 0
    async with sessions() as session:
        lead = await session.get(Lead, declined)
        assert lead is not None
        assert await nurture_view(session, lead) == {
            "sequence": None, "status": "no_consent", "reason": "declined", "steps": [],
        }  # fmt: skip
        consent = (await session.scalars(select(Consent).where(Consent.lead_id == declined))).one()
        assert consent.answer == "declined"
        assert consent.conversation_id == "c1"
        assert consent.text
        assert "unsubscribe any time" in consent.text
        assert consent.notice_version


@pytest.mark.parametrize(
    "rule", ["booked", "replied", "manual", "unsubscribed_sequence", "unsubscribed_all"]
)
async def test_every_stop_rule_stops_the_next_step(
    rule: str, sessions: Sessions, book: SequenceBook, clock: FrozenClock,
    make_sender: MakeSender, smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    sender = make_sender()
    await sender.deliver_due()
    assert len(smtp_server.mailbox) == 1
    enrollment = await _enrollment(sessions, enrollment_id)
    if rule == "booked":  # the booking flow records the meeting on the lead
        async with sessions() as session, session.begin():
            lead = await session.get(Lead, enrollment.lead_id)
            assert lead is not None
            lead.meeting = {"starts_at": "2027-01-20T15:00:00+00:00", "rep": "ana"}
    elif rule == "replied":
        await stop_address(sessions, "SOPHIE@initech.example", "replied", clock.now())
    elif rule == "manual":
        await stop_lead(sessions, enrollment.lead_id, "manual: rep asked", clock.now())
    else:
        scope = "sequence" if rule == "unsubscribed_sequence" else "all"
        await unsubscribe(sessions, enrollment_id, scope, clock.now())  # type: ignore[arg-type]
    clock.advance(timedelta(days=60))
    while await sender.deliver_due():  # a booking seen at send time cancels there
        pass
    assert len(smtp_server.mailbox) == 1  # nothing after the stop
    steps = await _steps(sessions, enrollment_id)
    assert [s.status for s in steps] == ["sent"] + ["cancelled"] * 4
    stopped = await _enrollment(sessions, enrollment_id)
    expected = {
        "booked": ("stopped", "booked"),
        "replied": ("stopped", "replied"),
        "manual": ("stopped", "manual: rep asked"),
        "unsubscribed_sequence": ("unsubscribed", "unsubscribed"),
        "unsubscribed_all": ("unsubscribed", "unsubscribed"),
    }[rule]
    assert (stopped.status, stopped.stop_reason) == expected


async def test_unsubscribe_from_everything_suppresses_the_address_for_every_future_chat(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock
) -> None:
    enrollment_id = await _enrolled(sessions, book, clock)
    assert await unsubscribe(sessions, enrollment_id, "all", clock.now()) == "pricing_and_roi"
    assert (
        await unsubscribe(sessions, enrollment_id, "all", clock.now()) == "pricing_and_roi"
    )  # idempotent
    # A new chat (a handoff this time) with the same mailbox, written differently, consents again.
    lead_id = await stored_lead(
        sessions, "chat-new", "sophie+news@initech.example", clock.now(), route="handoff"
    )
    outcome = await enroll(
        sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM, handoff_declined=True
    )
    assert outcome.status == "suppressed"
    async with sessions() as session:
        rows = (await session.scalars(select(Suppression))).all()
        assert [(r.email_key, r.reason, r.source) for r in rows] == [
            ("sophie@initech.example", "unsubscribed", "one_click")
        ]


async def test_a_hard_bounce_fails_the_step_and_suppresses_the_address(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    smtp_server.mailbox.refuse["gone@initech.example"] = (
        "550 5.1.1 <gone@initech.example>: no such user"
    )
    enrollment_id = await _enrolled(sessions, book, clock, "gone@initech.example")
    assert await make_sender().deliver_due() == 1
    steps = await _steps(sessions, enrollment_id)
    assert steps[0].status == "failed"
    assert "550" in (steps[0].last_error or "")
    assert [s.status for s in steps[1:]] == ["cancelled"] * 4
    assert (await _enrollment(sessions, enrollment_id)).status == "suppressed"
    lead_id = await stored_lead(sessions, "chat-again", "gone@initech.example", clock.now())
    assert (
        await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
    ).status == "suppressed"
    async with sessions() as session:
        assert (await session.scalars(select(SendLog))).all() == []


async def test_temporary_failures_retry_with_backoff_then_fail(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    smtp_server.mailbox.refuse["busy@initech.example"] = "451 4.3.0 try again later"
    enrollment_id = await _enrolled(sessions, book, clock, "busy@initech.example")
    sender = make_sender()
    waits = []
    for _ in range(MAX_ATTEMPTS):
        assert await sender.deliver_due() == 1
        step = (await _steps(sessions, enrollment_id))[0]
        waits.append(step.due_at - clock.now())
        assert await sender.deliver_due() == 0  # waits for its backoff
        clock.set(step.due_at)
    assert waits[:-1] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.attempts) == ("failed", MAX_ATTEMPTS)
    # it recovers for the next step: a deferral is no bounce
    del smtp_server.mailbox.refuse["busy@initech.example"]
    clock.advance(timedelta(days=3))
    assert await sender.deliver_due() == 1
    assert len(smtp_server.mailbox) == 1


class DiesAfterServerAccepted(NurtureSender):
    """The worker process dies right after `250 OK`, before it records the step as sent."""

    async def _record(self, *args: object) -> None:
        raise SystemExit("killed between 250 OK and the commit")


class DiesBeforeHandOver(NurtureSender):
    """The worker dies after sending the whole message but before the end-of-data mark."""

    async def _log_hand_over(self, step_ids: list[int]) -> set[str]:
        raise SystemExit("killed before the commit point")


class DiesInTheGap(NurtureSender):
    """The worker dies in the one gap plain SMTP leaves: its send log committed, the
    end-of-data mark not yet written (bot/nurture/sender.py)."""

    async def _log_hand_over(self, step_ids: list[int]) -> set[str]:
        await super()._log_hand_over(step_ids)
        raise SystemExit("killed after the commit point, before the mark")


def _twin(sender: NurtureSender, kind: type[NurtureSender], worker: str) -> NurtureSender:
    return kind(
        sender.sessions, sender.handover, sender.book, sender.signer, sender.settings,
        sender.clock, worker=worker, lease=timedelta(minutes=5),
    )  # fmt: skip


async def test_death_between_250_and_the_commit_never_sends_twice(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    dying = _twin(make_sender(), DiesAfterServerAccepted, "dying")
    with pytest.raises(SystemExit):
        await dying.deliver_due()
    assert len(smtp_server.mailbox) == 1  # the server has it
    survivor = make_sender("survivor")
    assert await survivor.deliver_due() == 0  # the lease still holds
    clock.advance(timedelta(minutes=6))
    await survivor.deliver_due()
    steps = await _steps(sessions, enrollment_id)
    assert steps[0].status == "unconfirmed"  # handed over, never sent again
    clock.advance(timedelta(days=30))
    while await survivor.deliver_due():
        pass
    ids = smtp_server.mailbox.message_ids()
    assert max(ids.values()) == 1
    assert ids[steps[0].message_id] == 1


async def test_death_before_the_hand_over_sends_once_later_with_the_same_message_id(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    dying = _twin(make_sender(), DiesBeforeHandOver, "dying")
    with pytest.raises(SystemExit):
        await dying.deliver_due()
    assert len(smtp_server.mailbox) == 0  # an unfinished DATA is discarded by the server
    clock.advance(timedelta(minutes=6))
    assert await make_sender("survivor").deliver_due() == 1
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.attempts) == ("sent", 2)
    assert smtp_server.mailbox.message_ids() == {step.message_id: 1}


async def test_death_inside_the_gap_loses_the_message_but_the_log_names_it_and_never_resends(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    dying = _twin(make_sender(), DiesInTheGap, "dying")
    with pytest.raises(SystemExit):
        await dying.deliver_due()
    assert len(smtp_server.mailbox) == 0  # the mark never left: the server dropped it
    clock.advance(timedelta(minutes=6))
    survivor = make_sender("survivor")
    await survivor.deliver_due()
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.last_error) == ("unconfirmed", "worker stopped after hand-over")
    clock.advance(timedelta(days=30))
    while await survivor.deliver_due():
        pass
    assert step.message_id not in smtp_server.mailbox.message_ids()  # at most once


async def test_a_refused_sender_is_our_problem_retried_never_a_bounce_of_the_lead(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    smtp_server.mailbox.refuse_sender = "530 5.7.0 Authentication required"
    enrollment_id = await _enrolled(sessions, book, clock)
    assert await make_sender().deliver_due() == 1
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.due_at - clock.now()) == ("pending", timedelta(minutes=1))
    assert "530" in (step.last_error or "")
    assert (await _enrollment(sessions, enrollment_id)).status == "active"
    async with sessions() as session:
        assert (await session.scalars(select(Suppression))).all() == []


async def test_a_refusal_at_the_end_of_data_mark_is_a_bounce_and_forgets_the_hand_over(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    smtp_server.mailbox.refuse_data["spam@initech.example"] = "554 5.7.1 rejected as spam"
    enrollment_id = await _enrolled(sessions, book, clock, "spam@initech.example")
    assert await make_sender().deliver_due() == 1
    steps = await _steps(sessions, enrollment_id)
    assert (steps[0].status, steps[0].last_error) == ("failed", "554 5.7.1 rejected as spam")
    assert (await _enrollment(sessions, enrollment_id)).status == "suppressed"
    async with sessions() as session:
        assert (await session.scalars(select(SendLog))).all() == []


async def test_a_deferral_at_the_end_of_data_mark_retries_the_step_later(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    smtp_server.mailbox.refuse_data["busy@initech.example"] = "452 4.3.1 out of storage"
    enrollment_id = await _enrolled(sessions, book, clock, "busy@initech.example")
    sender = make_sender()
    assert await sender.deliver_due() == 1
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.due_at - clock.now()) == ("pending", timedelta(minutes=1))
    del smtp_server.mailbox.refuse_data["busy@initech.example"]
    clock.set(step.due_at)
    assert await sender.deliver_due() == 1
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.attempts) == ("sent", 2)
    assert smtp_server.mailbox.message_ids() == {step.message_id: 1}


async def test_no_reply_to_the_end_of_data_mark_is_unconfirmed_and_never_resent(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    smtp_server.mailbox.hang_up_after_data.add("sophie@initech.example")
    enrollment_id = await _enrolled(sessions, book, clock)
    sender = make_sender()
    assert await sender.deliver_due() == 1
    step = (await _steps(sessions, enrollment_id))[0]
    assert step.status == "unconfirmed"
    assert "no reply to the end-of-data mark" in (step.last_error or "")
    clock.advance(timedelta(days=30))
    while await sender.deliver_due():
        pass
    assert smtp_server.mailbox.message_ids()[step.message_id] == 1


async def test_two_workers_whose_leases_overlap_hand_a_step_over_once(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    slow = make_sender("slow")
    claim = await slow.claim()
    clock.advance(timedelta(minutes=6))  # slow's lease ran out; fast takes the step
    fast = make_sender("fast")
    assert await fast.deliver_due() == 1
    outcomes = await slow.send(claim.due)
    assert [o.status for o in outcomes.values()] == ["withheld"]  # never handed over twice
    assert await slow._log_hand_over([d.step_id for d in claim.due]) == set()
    step = (await _steps(sessions, enrollment_id))[0]
    assert (step.status, step.claimed_by) == ("sent", "fast")
    assert smtp_server.mailbox.message_ids() == {step.message_id: 1}


async def test_a_stop_between_the_claim_and_the_hand_over_cancels_at_the_commit_point(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, make_sender: MakeSender,
    smtp_server: SmtpServer,
) -> None:  # fmt: skip
    enrollment_id = await _enrolled(sessions, book, clock)
    sender = make_sender()
    claim = await sender.claim()
    enrollment = await _enrollment(sessions, enrollment_id)
    async with sessions() as session, session.begin():  # the rep's calendar: booked
        lead = await session.get(Lead, enrollment.lead_id)
        assert lead is not None
        lead.meeting = {"starts_at": "2027-01-20T15:00:00+00:00", "rep": "ana"}
    outcomes = await sender.send(claim.due)
    assert [o.status for o in outcomes.values()] == ["withheld"]
    assert len(smtp_server.mailbox) == 0
    steps = await _steps(sessions, enrollment_id)
    assert [s.status for s in steps] == ["cancelled"] * 5
    assert (await _enrollment(sessions, enrollment_id)).stop_reason == "booked"


async def test_without_smtp_url_emails_are_eml_files_named_by_message_id(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock, signer: Signer, tmp_path: Path
) -> None:
    enrollment_id = await _enrolled(sessions, book, clock)
    sender = NurtureSender(
        sessions, EmlHandOver(tmp_path / "mail"), book, signer,
        NurtureSettings(public_url=PUBLIC_URL, mail_from=MAIL_FROM, sender_name="Acme"), clock,
    )  # fmt: skip
    assert await sender.deliver_due() == 1
    step = (await _steps(sessions, enrollment_id))[0]
    files = list((tmp_path / "mail").iterdir())
    assert [f.name for f in files] == [step.message_id.strip("<>").replace("@", "_") + ".eml"]
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in files[0].read_bytes()


async def test_a_handoff_lead_who_did_not_book_gets_book_when_ready_then_moves_once(
    sessions: Sessions, book: SequenceBook, clock: FrozenClock
) -> None:
    lead_id = await stored_lead(
        sessions, "chat-h", "hot@initech.example", clock.now(), route="handoff"
    )
    declined = await enroll(
        sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM, handoff_declined=True
    )
    assert (declined.status, declined.sequence) == ("enrolled", "book_when_ready")
    # Later the same person chats again and is routed to nurture: one sequence at a time.
    clock.advance(timedelta(days=3))
    moved = await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
    assert (moved.status, moved.sequence) == ("enrolled", "pricing_and_roi")
    assert declined.enrollment_id is not None
    old = await _enrollment(sessions, declined.enrollment_id)
    assert (old.status, old.stop_reason) == ("stopped", "moved to pricing_and_roi")
    again = await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
    assert (again.status, again.enrollment_id) == ("already_enrolled", moved.enrollment_id)
