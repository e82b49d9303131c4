"""Lead store use cases: record a lead, list leads, export and erase a person.

Plain data in, plain data out. Every use case opens the unit of work it is given,
commits once, and leaves nothing half-written when it fails.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.leads import clean, merge
from bot.leads.keys import email_key, normalize_email
from bot.leads.lead_columns import (
    put,
    read_source,
    read_state,
    write_scored,
    write_source,
    write_state,
)
from bot.leads.models import Consent, Conversation, Lead, ScoreHistory, new_id, utcnow
from bot.leads.repository import LeadFilter
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.leads.views import (
    conversation_to_dict,
    lead_to_dict,
    notifications_by_lead,
    row_to_dict,
    score_to_dict,
)

Route = Literal["handoff", "nurture"]
# Handoff (issue 12): runs inside record_lead's transaction, just before the commit, so what
# it writes (the rep's lead.qualified outbox row) commits with the lead or not at all.
StoredHook = Callable[[SqlAlchemyUnitOfWork, Lead, str, datetime], Awaitable[object]]
Sender = Literal["visitor", "bot", "agent"]

SOURCE_FIELDS = (
    "page_url",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
)
_STORED_EMAIL_STATUSES = ("ok", "free")
_SENDERS = ("visitor", "bot", "agent")
_ROUTES = ("handoff", "nurture")


@dataclass(frozen=True)
class ScoreRecord:
    """A score as the lead store keeps it (bot.scoring's `Score.to_dict()` shape)."""

    score: int
    grade: str
    route: Route
    rubric_version: int
    breakdown: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.route not in _ROUTES:
            raise ValueError(f"route must be one of {_ROUTES}, not {self.route!r}")
        # The breakdown quotes the visitor's words as evidence.
        evidence = clean.json_like(self.breakdown, clean.MAX_MESSAGE_CHARS)
        object.__setattr__(self, "breakdown", evidence)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreRecord:
        return cls(
            score=int(data["score"]),
            grade=str(data["grade"]),
            route=data["route"],
            rubric_version=int(data["rubric_version"]),
            breakdown=list(data.get("breakdown") or []),
        )


@dataclass(frozen=True)
class TranscriptEntry:
    """One message; `seq` is its position in the conversation (re-sends share it)."""

    seq: int
    sender: Sender
    text: str
    at: datetime

    def __post_init__(self) -> None:
        if self.sender not in _SENDERS:
            raise ValueError(f"sender must be one of {_SENDERS}, not {self.sender!r}")
        _require_aware(self.at, "TranscriptEntry.at")
        object.__setattr__(self, "text", clean.text(self.text))


@dataclass(frozen=True)
class ConsentInput:
    kind: str  # privacy_notice | marketing_email | ...
    notice_version: str
    given_at: datetime
    text: str | None = None  # the notice as shown

    def __post_init__(self) -> None:
        _require_aware(self.given_at, "ConsentInput.given_at")
        object.__setattr__(self, "text", clean.optional(self.text))


@dataclass(frozen=True)
class LeadInput:
    """What one conversation told us so far. None means "not asked / not said".

    `source` is the page context: page_url, referrer, utm_* and time_zone; other keys are
    kept in the conversation's metadata. `transcript` may be the whole conversation or
    only its new messages: messages already stored (same seq) are skipped.
    """

    conversation_id: str
    budget: Budget | None = None
    authority: Authority | None = None
    need: Need | None = None
    timeline: Timeline | None = None
    name: str | None = None
    company: str | None = None
    email: EmailCheck | None = None
    score: ScoreRecord | None = None
    source: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    transcript: Sequence[TranscriptEntry] = ()
    consents: Sequence[ConsentInput] = ()
    # The visitor asked to talk to a person (kept once set: a later conversation that
    # did not ask never clears it).
    human_requested: bool = False

    def __post_init__(self) -> None:
        """Cleans every text once, here (bot.leads.clean): what is stored, spooled and
        read back is the same text on every database."""
        if not self.conversation_id:
            raise ValueError("conversation_id is required")
        cleaned = {
            "conversation_id": clean.identifier(self.conversation_id),
            "budget": clean.fact(self.budget),
            "authority": clean.fact(self.authority),
            "need": clean.fact(self.need),
            "timeline": clean.fact(self.timeline),
            "email": clean.fact(self.email),
            "name": clean.optional(self.name),
            "company": clean.optional(self.company),
            "source": clean.json_like(self.source),
            "metadata": clean.json_like(self.metadata),
            "transcript": tuple(self.transcript),
            "consents": tuple(self.consents),
        }
        for name, value in cleaned.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class LeadResult:
    lead_id: str
    created: bool  # this call created the lead
    returning: bool  # matched by email a lead that an earlier conversation created
    merged_lead_ids: tuple[str, ...]  # leads folded into this one (same person)
    score_recorded: bool  # a score_history row was added
    messages_added: int
    consents_added: int


@dataclass(frozen=True)
class ErasureReport:
    email_key: str
    lead_ids: tuple[str, ...]
    conversation_ids: tuple[str, ...]  # also erase these from Rasa's tracker store
    rows_deleted: dict[str, int]


@dataclass(frozen=True)
class LeadPage:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


async def record_lead(
    uow: SqlAlchemyUnitOfWork,
    data: LeadInput,
    *,
    now: datetime | None = None,
    on_stored: StoredHook | None = None,
) -> LeadResult:
    """Store what a conversation told us, merged into the person's lead.

    Idempotent per conversation: a retry updates the same lead. A known email (by its
    dedupe key) joins the conversation to that person's lead, also when two
    conversations race to create it. Known values are never replaced by unknown ones;
    newer known values replace older ones. Every new score is kept in the history.
    """
    now = _require_aware(now or utcnow(), "now")
    email, key = _email_and_key(data.email)
    page = _page_context(data.source)
    async with uow:
        conversation, _ = await uow.conversations.ensure(data.conversation_id, now)
        current = (
            await uow.leads.get(conversation.lead_id, for_update=True)
            if conversation.lead_id
            else None
        )
        created = False
        merged: tuple[str, ...] = ()
        if key is not None and email is not None:
            lead = await uow.leads.get_by_email_key(key, for_update=True)
            if lead is None and current is not None:
                if await uow.leads.claim_email_key(current, key, email):
                    lead = current
                else:  # a concurrent conversation took the key first
                    lead = await uow.leads.get_by_email_key(key, for_update=True)
            if lead is None:
                created = await uow.leads.insert_if_email_key_absent(key, email, now)
                lead = await uow.leads.get_by_email_key(key, for_update=True)
            assert lead is not None
            if current is not None and current.id != lead.id:
                await _absorb(uow, winner=lead, loser=current)
                merged = (current.id,)
            lead.email = email
            lead.email_status = data.email.status if data.email else None
        elif current is not None:
            lead = current
        else:
            lead = Lead(id=new_id(), status="new", created_at=now, updated_at=now)
            await uow.leads.add(lead)
            created = True
        returning = not created and (current is None or current.id != lead.id)

        conversation.lead_id = lead.id
        conversation.last_seen_at = now
        _merge_page_context(conversation, lead, page, data.metadata)
        _merge_facts(lead, data)
        score_recorded = await _record_score(uow, lead, conversation, data.score, now)
        messages_added = await uow.conversations.append_messages(
            conversation.id,
            [
                {"seq": m.seq, "sender": m.sender, "text": m.text, "at": m.at}
                for m in data.transcript
            ],
        )
        consents_added = await _record_consents(uow, lead, conversation, data.consents)
        lead.updated_at = now
        if on_stored is not None:
            await on_stored(uow, lead, conversation.id, now)
        await uow.commit()
        return LeadResult(
            lead_id=lead.id,
            created=created,
            returning=returning,
            merged_lead_ids=merged,
            score_recorded=score_recorded,
            messages_added=messages_added,
            consents_added=consents_added,
        )


async def list_leads(uow: SqlAlchemyUnitOfWork, filters: LeadFilter) -> LeadPage:
    """One page of leads (API shape), newest first, with the total matching."""
    async with uow:
        leads = await uow.leads.list(filters)
        total = await uow.leads.count(filters)
        sent = notifications_by_lead(await uow.outbox.for_lead([lead.id for lead in leads]))
        return LeadPage(
            items=[lead_to_dict(lead, sent.get(lead.id)) for lead in leads],
            total=total,
            limit=filters.limit,
            offset=filters.offset,
        )


async def lead_detail(uow: SqlAlchemyUnitOfWork, lead_id: str) -> dict[str, Any] | None:
    """One lead (API shape) with its score history and every conversation's transcript,
    oldest conversation first; None if there is no such lead."""
    async with uow:
        lead = await uow.leads.get(lead_id)
        if lead is None:
            return None
        conversations = [
            conversation_to_dict(conversation, await uow.conversations.transcript(conversation.id))
            for conversation in await uow.conversations.for_lead(lead.id)
        ]
        history = [score_to_dict(row) for row in await uow.leads.score_history(lead.id)]
        sent = notifications_by_lead(await uow.outbox.for_lead([lead.id])).get(lead.id)
        return {
            **lead_to_dict(lead, sent),
            "score_history": history,
            "conversations": conversations,
        }


async def person_conversation_ids(uow: SqlAlchemyUnitOfWork, email: str) -> tuple[str, ...]:
    """The conversations stored for the person with this email (read only): an erasure
    clears them from the stores this one does not own before erasing the person here."""
    async with uow:
        lead = await uow.leads.get_by_email_key(email_key(email))
        if lead is None:
            return ()
        return tuple(conversation.id for conversation in await uow.conversations.for_lead(lead.id))


async def export_person(uow: SqlAlchemyUnitOfWork, email: str) -> dict[str, Any]:
    """Everything stored about the person with this email (any spelling of the mailbox):
    leads, conversations with transcripts, score history, consents, outbox messages."""
    key = email_key(email)
    async with uow:
        lead = await uow.leads.get_by_email_key(key)
        leads = [lead] if lead is not None else []
        conversations: list[dict[str, Any]] = []
        scores: list[dict[str, Any]] = []
        consents: list[dict[str, Any]] = []
        for item in leads:
            for conversation in await uow.conversations.for_lead(item.id):
                transcript = await uow.conversations.transcript(conversation.id)
                conversations.append(
                    {
                        **row_to_dict(conversation),
                        "transcript": [row_to_dict(m) for m in transcript],
                    }
                )
            scores += [row_to_dict(row) for row in await uow.leads.score_history(item.id)]
            consents += [row_to_dict(row) for row in await uow.leads.consents(item.id)]
        outbox = await uow.outbox.for_lead([item.id for item in leads])
        return {
            "email_key": key,
            "exported_at": utcnow().isoformat(),
            "leads": [row_to_dict(item) for item in leads],
            "conversations": conversations,
            "score_history": scores,
            "consents": consents,
            "outbox": [row_to_dict(message) for message in outbox],
        }


async def erase_person(uow: SqlAlchemyUnitOfWork, email: str) -> ErasureReport:
    """Delete everything stored about the person with this email, in one transaction.

    Returns the conversation ids erased: the caller also erases them from Rasa's tracker
    store, which this store does not own."""
    key = email_key(email)
    async with uow:
        lead = await uow.leads.get_by_email_key(key, for_update=True)
        lead_ids = [lead.id] if lead is not None else []
        conversation_ids = [
            conversation.id
            for lead_id in lead_ids
            for conversation in await uow.conversations.for_lead(lead_id)
        ]
        counts: dict[str, int] = {"outbox": await uow.outbox.delete_for_leads(lead_ids)}
        counts.update(await uow.conversations.delete_with_transcripts(conversation_ids))
        for table, deleted in (await uow.leads.delete_person_rows(lead_ids)).items():
            counts[table] = counts.get(table, 0) + deleted
        await uow.commit()
        return ErasureReport(
            email_key=key,
            lead_ids=tuple(lead_ids),
            conversation_ids=tuple(conversation_ids),
            rows_deleted=counts,
        )


# -- merging (the rules themselves: bot.leads.merge) ----------------------------------------


def _merge_facts(lead: Lead, data: LeadInput) -> None:
    new = merge.Answers(
        budget=data.budget,
        authority=data.authority,
        need=data.need,
        timeline=data.timeline,
        name=_text(data.name),
        company=_text(data.company),
    )
    write_state(lead, merge.answers(read_state(lead), new))
    if data.human_requested:
        lead.human_requested = True


def _merge_page_context(
    conversation: Conversation, lead: Lead, page: dict[str, Any], metadata: Mapping[str, Any]
) -> None:
    """First touch for the conversation and the lead; the newest time zone; metadata
    merged key by key (newer values win)."""
    source = merge.Source.from_page(page)
    write_source(conversation, merge.first_touch(read_source(conversation), source))
    write_source(lead, merge.first_touch(read_source(lead), source))
    put(lead, Lead.time_zone, merge.newer_text(lead.time_zone, _text(page.get("time_zone"))))
    extra = {k: v for k, v in page.items() if k not in SOURCE_FIELDS and k != "time_zone"}
    update = {k: v for k, v in {**extra, **metadata}.items() if v is not None}
    if update:
        merged = {**(conversation.meta or {}), **_jsonable(update)}
        if merged != conversation.meta:
            conversation.meta = merged


async def _absorb(uow: SqlAlchemyUnitOfWork, *, winner: Lead, loser: Lead) -> None:
    """Fold `loser` (the same person, found to be so by email) into `winner`."""
    write_state(winner, merge.absorb(read_state(winner), read_state(loser)))
    winner.human_requested = bool(winner.human_requested or loser.human_requested)
    await uow.leads.move_belongings(loser.id, winner.id)
    await uow.leads.delete(loser)


async def _record_score(
    uow: SqlAlchemyUnitOfWork,
    lead: Lead,
    conversation: Conversation,
    score: ScoreRecord | None,
    now: datetime,
) -> bool:
    """The lead shows the latest score; the history gets a row unless this exact score
    is already the conversation's latest (a retried call)."""
    if score is None:
        return False
    breakdown = _jsonable(score.breakdown)
    values = {
        "score": score.score,
        "grade": score.grade,
        "route": score.route,
        "rubric_version": score.rubric_version,
        "breakdown": breakdown,
    }
    write_scored(
        lead,
        merge.Scored(score.score, score.grade, score.route, score.rubric_version, breakdown),
    )
    if lead.status == "new":
        lead.status = "qualified"
    last = await uow.leads.last_score(lead.id, conversation.id)
    if last is not None and all(getattr(last, k) == v for k, v in values.items()):
        return False
    uow.leads.add_score(
        ScoreHistory(lead_id=lead.id, conversation_id=conversation.id, at=now, **values)
    )
    return True


async def _record_consents(
    uow: SqlAlchemyUnitOfWork,
    lead: Lead,
    conversation: Conversation,
    consents: Sequence[ConsentInput],
) -> int:
    if not consents:
        return 0
    seen = {
        (c.kind, c.notice_version, c.conversation_id) for c in await uow.leads.consents(lead.id)
    }
    added = 0
    for consent in consents:
        identity = (consent.kind, consent.notice_version, conversation.id)
        if identity in seen:
            continue
        seen.add(identity)
        uow.leads.add_consent(
            Consent(
                lead_id=lead.id,
                conversation_id=conversation.id,
                kind=consent.kind,
                notice_version=consent.notice_version,
                given_at=consent.given_at,
                text=consent.text,
            )
        )
        added += 1
    return added


# -- small helpers -------------------------------------------------------------------------


def _email_and_key(check: EmailCheck | None) -> tuple[str | None, str | None]:
    """The address to store and its dedupe key; (None, None) for none or one we refuse."""
    if check is None or check.status not in _STORED_EMAIL_STATUSES:
        return None, None
    email = normalize_email(check.normalized or check.raw)
    return email, email_key(email)


def _page_context(source: Mapping[str, Any]) -> dict[str, Any]:
    """The page context with its known fields as trimmed text (None when empty)."""
    page = dict(source)
    for key in (*SOURCE_FIELDS, "time_zone"):
        value = page.get(key)
        page[key] = None if value is None else _text(str(value))
    return page


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _jsonable(value: Any) -> Any:
    """The value as it comes back from a JSON column (tuples become lists, and so on)."""
    return json.loads(json.dumps(value, default=str))


def _require_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")
    return value.astimezone(timezone.utc)
