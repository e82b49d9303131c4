"""Handoff use cases: route a hot lead to a rep, offer slots, book, cancel, call a human.

Each opens the unit of work it is given and commits once; the notifications the rep
gets are outbox rows in that same transaction (bot.outbox.enqueue). Network I/O (a rep's
busy calendar) happens before the transaction: callers pass the busy time in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.handoff.models import ACTIVE, LeadOwner, Meeting, RoutingState
from bot.handoff.reps import Rep, SalesTeam
from bot.handoff.routing import LeadFacts, choose_team, weighted_pick
from bot.handoff.slots import DayFilter, Interval, free_slots, is_free, next_opening, within_hours
from bot.leads.models import Lead, new_id
from bot.leads.repository import _dialect_insert
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.leads.views import lead_to_dict
from bot.notify.channels import Channel, InviteChannel
from bot.notify.events import Event, EventType, RepRef, event_id
from bot.outbox.enqueue import enqueue_event
from bot.signing import Purpose, Signer

BusyByRep = Mapping[str, Sequence[Interval]]
"""A rep's busy time from their own calendar (bot.handoff.calendar_feed), by rep id."""


@dataclass(frozen=True)
class Handoff:
    """What the use cases need besides a unit of work."""

    team: SalesTeam
    signer: Signer
    public_url: str

    def lead_url(self, lead_id: str | None) -> str:
        return f"{self.public_url}/api/leads/{lead_id}" if lead_id else self.public_url

    def manage_url(self, meeting_id: str) -> str:
        token = self.signer.sign(Purpose.BOOKING, {"meeting": meeting_id})
        return f"{self.public_url}/booking/{token}"


@dataclass(frozen=True)
class Offer:
    rep: Rep
    slots: list[datetime]


@dataclass(frozen=True)
class Booking:
    """`meeting` is set when booked; otherwise the slot was taken and `alternatives` are
    the next free ones."""

    rep: Rep
    meeting: dict[str, Any] | None
    manage_url: str | None = None
    alternatives: list[datetime] = field(default_factory=list)

    @property
    def booked(self) -> bool:
        return self.meeting is not None


@dataclass(frozen=True)
class HumanAnswer:
    rep: Rep
    within_hours: bool
    next_opening: datetime | None
    has_email: bool


def rep_ref(rep: Rep) -> RepRef:
    return RepRef(id=rep.id, name=rep.name, email=rep.email, time_zone=rep.time_zone)


def meeting_to_dict(meeting: Meeting, rep: Rep | None) -> dict[str, Any]:
    """The leads API's `meeting` object."""
    return {
        "id": meeting.id,
        "start": meeting.start_at.isoformat(),
        "end": meeting.end_at.isoformat(),
        "time_zone": meeting.time_zone,
        "rep": {"id": meeting.rep_id, "name": rep.name if rep else meeting.rep_id},
        "status": meeting.status,
    }


# -- routing ------------------------------------------------------------------------------


async def _busy_by_rep(
    uow: SqlAlchemyUnitOfWork, reps: Sequence[Rep], now: datetime, external: BusyByRep
) -> dict[str, list[Interval]]:
    """Each rep's booked meetings (one query for all) plus their own calendar's busy time."""
    busy: dict[str, list[Interval]] = {rep.id: list(external.get(rep.id, ())) for rep in reps}
    statement = select(Meeting.rep_id, Meeting.start_at, Meeting.end_at).where(
        Meeting.rep_id.in_(list(busy)),
        Meeting.status == ACTIVE,
        Meeting.end_at >= now - timedelta(days=1),
    )
    for rep_id, start, end in (await uow.session.execute(statement)).all():
        busy[rep_id].append((start, end))
    return busy


async def _busy(
    uow: SqlAlchemyUnitOfWork, rep: Rep, now: datetime, external: BusyByRep
) -> list[Interval]:
    return (await _busy_by_rep(uow, [rep], now, external))[rep.id]


async def owner_of(uow: SqlAlchemyUnitOfWork, team: SalesTeam, lead_id: str) -> Rep | None:
    owner = await uow.session.get(LeadOwner, lead_id)
    return team.rep(owner.rep_id) if owner is not None else None


async def _round_robin(uow: SqlAlchemyUnitOfWork, team_name: str, candidates: list[Rep]) -> Rep:
    """Weighted round robin with its counters in the database, locked while we pick."""
    session = uow.session
    insert = _dialect_insert(session, RoutingState)
    await session.execute(
        insert.values(
            [{"team": team_name, "rep_id": rep.id, "counter": 0} for rep in candidates]
        ).on_conflict_do_nothing(index_elements=[RoutingState.team, RoutingState.rep_id])
    )
    rows = (
        await session.scalars(
            select(RoutingState)
            .where(
                RoutingState.team == team_name, RoutingState.rep_id.in_([r.id for r in candidates])
            )
            .order_by(RoutingState.rep_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    counters = {row.rep_id: row.counter for row in rows}
    winner, updated = weighted_pick(candidates, counters)
    for row in rows:
        row.counter = updated[row.rep_id]
    return winner


async def assign_rep(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    lead: Lead,
    now: datetime,
    external: BusyByRep | None = None,
) -> Rep:
    """The lead's rep: its owner; else a team by the rules, then weighted round robin among
    members with a free slot; else the fallback rep. The choice is saved as the owner."""
    team = handoff.team
    owner = await owner_of(uow, team, lead.id)
    if owner is not None:
        return owner
    facts = LeadFacts.from_lead(lead_to_dict(lead))
    team_name = choose_team(team, facts)
    candidates = [
        rep
        for rep in team.members(team_name)
        if free_slots(
            rep, now, await _busy(uow, rep, now, external or {}), step=team.slot_step, count=1
        )
    ]
    if candidates:
        rep = await _round_robin(uow, team_name, candidates)
    else:
        rep = team.reps[team.fallback_rep]
    uow.session.add(LeadOwner(lead_id=lead.id, rep_id=rep.id, assigned_at=now))
    await uow.session.flush()
    return rep


def _event(
    handoff: Handoff,
    kind: EventType,
    rep: Rep,
    lead: Lead | None,
    now: datetime,
    *,
    about: Sequence[str],
    conversation_id: str | None = None,
    meeting: dict[str, Any] | None = None,
    **extra: Any,
) -> Event:
    lead_dict = lead_to_dict(lead) if lead is not None else {"id": None}
    lead_url = handoff.lead_url(lead.id if lead else None)
    return Event(
        id=event_id(kind, *about),
        type=kind,
        occurred_at=now,
        rep=rep_ref(rep),
        lead=lead_dict,
        lead_url=lead_url,
        conversation_id=conversation_id,
        transcript_url=f"{lead_url}#conversation-{conversation_id}" if conversation_id else None,
        meeting=meeting,
        **extra,
    )


async def on_lead_stored(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    lead: Lead,
    conversation_id: str,
    now: datetime,
    external: BusyByRep | None = None,
) -> Rep | None:
    """Called by the lead store inside its transaction: a lead routed to `handoff` gets its
    rep, who is told (lead.qualified) in the same commit. Others: nothing."""
    if lead.route != "handoff":
        return None
    rep = await assign_rep(uow, handoff, lead, now, external)
    event = _event(
        handoff, "lead.qualified", rep, lead, now,
        about=(lead.id, conversation_id), conversation_id=conversation_id,
    )  # fmt: skip
    await enqueue_event(uow, event, rep.channels, now=now)
    return rep


# -- slots and booking --------------------------------------------------------------------


async def offer_slots(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    conversation_id: str,
    now: datetime,
    *,
    external: BusyByRep | None = None,
    after: datetime | None = None,
    count: int = 3,
    day_filter: DayFilter | None = None,
    visitor_zone: ZoneInfo | None = None,
) -> Offer | None:
    """The next free slots of the conversation's lead's rep; None if there is no lead."""
    async with uow:
        lead = await uow.leads.get_by_conversation(conversation_id)
        if lead is None:
            return None
        rep = await assign_rep(uow, handoff, lead, now, external)
        busy = await _busy(uow, rep, now, external or {})
        slots = free_slots(
            rep, now, busy, step=handoff.team.slot_step, after=after, count=count,
            day_filter=day_filter, filter_zone=visitor_zone,
        )  # fmt: skip
        await uow.commit()
        return Offer(rep=rep, slots=slots)


async def offer_slots_for_rep(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    rep: Rep,
    now: datetime,
    *,
    external: BusyByRep | None = None,
    count: int = 3,
) -> list[datetime]:
    """The rep's next free slots (the booking page's "pick another time")."""
    async with uow:
        busy = await _busy(uow, rep, now, external or {})
    return free_slots(rep, now, busy, step=handoff.team.slot_step, count=count)


async def _book_in(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    lead: Lead,
    rep: Rep,
    start: datetime,
    now: datetime,
    *,
    conversation_id: str | None,
    visitor_zone: str | None,
    external: BusyByRep,
) -> Booking:
    busy = await _busy(uow, rep, now, external)
    if is_free(rep, start, now, busy, handoff.team.slot_step):
        meeting = Meeting(
            id=new_id(), rep_id=rep.id, lead_id=lead.id, conversation_id=conversation_id,
            start_at=start, end_at=start + rep.meeting, time_zone=visitor_zone,
            status=ACTIVE, created_at=now,
        )  # fmt: skip
        try:
            async with uow.session.begin_nested():
                uow.session.add(meeting)
                await uow.session.flush()
        except IntegrityError:  # a concurrent booking of this very slot committed first
            pass  # the savepoint's rollback dropped the row; offer the next slots instead
        else:
            details = meeting_to_dict(meeting, rep)
            lead.meeting = details
            manage_url = handoff.manage_url(meeting.id)
            event = _event(
                handoff, "meeting.booked", rep, lead, now, about=(meeting.id,),
                conversation_id=conversation_id, meeting=details, manage_url=manage_url,
            )  # fmt: skip
            await enqueue_event(uow, event, _with_invite(rep.channels, lead), now=now)
            return Booking(rep=rep, meeting=details, manage_url=manage_url)
    busy = await _busy(uow, rep, now, external)
    alternatives = free_slots(rep, now, busy, step=handoff.team.slot_step, after=start)
    return Booking(rep=rep, meeting=None, alternatives=alternatives)


def _with_invite(channels: Sequence[Channel], lead: Lead) -> list[Channel]:
    return [*channels, InviteChannel(lead.email)] if lead.email else list(channels)


async def book(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    conversation_id: str,
    start: datetime,
    now: datetime,
    *,
    visitor_zone: str | None = None,
    external: BusyByRep | None = None,
) -> Booking | None:
    """Book `start` with the lead's rep, atomically: the slot is re-checked inside the
    transaction and the unique index settles a race. None if the conversation has no lead."""
    async with uow:
        lead = await uow.leads.get_by_conversation(conversation_id, for_update=True)
        if lead is None:
            return None
        rep = await assign_rep(uow, handoff, lead, now, external)
        result = await _book_in(
            uow, handoff, lead, rep, start, now,
            conversation_id=conversation_id, visitor_zone=visitor_zone, external=external or {},
        )  # fmt: skip
        await uow.commit()
        return result


async def _cancel_in(
    uow: SqlAlchemyUnitOfWork, handoff: Handoff, meeting: Meeting, lead: Lead | None, now: datetime
) -> dict[str, Any]:
    rep = handoff.team.rep(meeting.rep_id) or handoff.team.reps[handoff.team.fallback_rep]
    meeting.status = "cancelled"
    meeting.cancelled_at = now
    await uow.session.flush()
    details = meeting_to_dict(meeting, rep)
    if lead is not None:
        lead.meeting = details
    event = _event(
        handoff, "meeting.cancelled", rep, lead, now, about=(meeting.id,),
        conversation_id=meeting.conversation_id, meeting=details,
    )  # fmt: skip
    channels = _with_invite(rep.channels, lead) if lead is not None else list(rep.channels)
    await enqueue_event(uow, event, channels, now=now)
    return details


async def meeting_details(
    uow: SqlAlchemyUnitOfWork, handoff: Handoff, meeting_id: str
) -> dict[str, Any] | None:
    async with uow:
        meeting = await uow.session.get(Meeting, meeting_id)
        if meeting is None:
            return None
        return meeting_to_dict(meeting, handoff.team.rep(meeting.rep_id))


async def cancel(
    uow: SqlAlchemyUnitOfWork, handoff: Handoff, meeting_id: str, now: datetime
) -> dict[str, Any] | None:
    """Cancel a booked meeting (the rep and the visitor are told); None if not booked."""
    async with uow:
        meeting = await _locked_meeting(uow, meeting_id)
        if meeting is None or meeting.status != ACTIVE:
            return None
        lead = await uow.leads.get(meeting.lead_id, for_update=True) if meeting.lead_id else None
        details = await _cancel_in(uow, handoff, meeting, lead, now)
        await uow.commit()
        return details


async def reschedule(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    meeting_id: str,
    start: datetime,
    now: datetime,
    *,
    external: BusyByRep | None = None,
) -> Booking | None:
    """Move a booked meeting to `start` in one transaction (the old one is cancelled only
    if the new one is booked). None if the meeting is not booked."""
    async with uow:
        meeting = await _locked_meeting(uow, meeting_id)
        if meeting is None or meeting.status != ACTIVE or meeting.lead_id is None:
            return None
        lead = await uow.leads.get(meeting.lead_id, for_update=True)
        rep = handoff.team.rep(meeting.rep_id)
        if lead is None or rep is None:
            return None
        await _cancel_in(uow, handoff, meeting, lead, now)
        result = await _book_in(
            uow, handoff, lead, rep, start, now, conversation_id=meeting.conversation_id,
            visitor_zone=meeting.time_zone, external=external or {},
        )  # fmt: skip
        if result.booked:
            await uow.commit()
        return result


async def _locked_meeting(uow: SqlAlchemyUnitOfWork, meeting_id: str) -> Meeting | None:
    statement = (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await uow.session.scalars(statement)).first()


# -- a person, now ------------------------------------------------------------------------


def rep_on_duty(team: SalesTeam, now: datetime) -> Rep:
    """The first rep of the default team at work now; else whoever opens first; else the
    fallback rep."""
    members = team.members(team.default_team) or list(team.reps.values())
    at_work = [rep for rep in members if within_hours(rep, now)]
    if at_work:
        return at_work[0]
    openings = [(opening, rep.id) for rep in members if (opening := next_opening(rep, now))]
    if openings:
        return team.reps[min(openings)[1]]
    return team.reps[team.fallback_rep]


async def request_human(
    uow: SqlAlchemyUnitOfWork,
    handoff: Handoff,
    conversation_id: str,
    transcript: list[dict[str, Any]],
    now: datetime,
    *,
    note: str | None = None,
) -> HumanAnswer:
    """An urgent human.requested to the lead's owner or the rep on duty, with the
    conversation so far; says whether a person is at work now, else when one will be."""
    async with uow:
        lead = await uow.leads.get_by_conversation(conversation_id)
        owner = await owner_of(uow, handoff.team, lead.id) if lead is not None else None
        rep = owner or rep_on_duty(handoff.team, now)
        event = _event(
            handoff, "human.requested", rep, lead, now,
            about=(conversation_id, now.isoformat()), conversation_id=conversation_id,
            transcript=transcript, urgent=True, note=note,
        )  # fmt: skip
        await enqueue_event(uow, event, rep.channels, now=now)
        await uow.commit()
    at_work = within_hours(rep, now)
    return HumanAnswer(
        rep=rep,
        within_hours=at_work,
        next_opening=None if at_work else next_opening(rep, now),
        has_email=bool(lead is not None and lead.email),
    )
