"""The send loop's SQL, built once: Core statements with bound parameters.

The loop runs these for every batch; building them anew each time (and through the ORM's
bulk-update path) cost more CPU than the email itself. Built once, SQLAlchemy also reuses
their compiled form. The comment above each names its parameters (`:name`).
"""

from __future__ import annotations

import typing

from sqlalchemy import Table, Text, bindparam, cast, exists, func, insert, select, tuple_, update

from bot.leads.models import Lead
from bot.nurture.compose import LEAD_FACTS
from bot.nurture.models import (
    ACTIVE,
    COMPLETED,
    PENDING,
    SENDING,
    SENT,
    UNCONFIRMED,
    Enrollment,
    NurtureStep,
    SendLog,
    Suppression,
)

steps = typing.cast(Table, NurtureStep.__table__)
send_log = typing.cast(Table, SendLog.__table__)
enrollments = typing.cast(Table, Enrollment.__table__)
leads = typing.cast(Table, Lead.__table__)
suppressions = typing.cast(Table, Suppression.__table__)

_logged = exists().where(
    send_log.c.enrollment_id == steps.c.enrollment_id,
    send_log.c.step_key == steps.c.step_key,
)
_expired = (steps.c.status == SENDING) & (steps.c.lease_until < bindparam("now"))

# A worker died holding steps (:now): with a send log row the message was handed over
# (never send it twice); without one nothing went out (claim it again).
SETTLE_HANDED_OVER = (
    update(steps)
    .where(_expired, _logged)
    .values(status=UNCONFIRMED, lease_until=None, last_error="worker stopped after hand-over")
)
SETTLE_UNSENT = (
    update(steps)
    .where(_expired, ~_logged)
    .values(status=PENDING, lease_until=None, claimed_by=None)
)

# Up to :limit steps due at :now, oldest first, none another worker holds. (Ordered as
# the (status, due_at) index is, so the scan stops after :limit rows, even in a backlog
# of steps all due at the same time.)
PICK_DUE = (
    select(steps.c.id)
    .where(steps.c.status == PENDING, steps.c.due_at <= bindparam("now"))
    .order_by(steps.c.due_at)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)

# The steps :ids are :worker's until :lease_end.
TAKE = (
    update(steps)
    .where(steps.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        status=SENDING,
        lease_until=bindparam("lease_end"),
        claimed_by=bindparam("worker"),
        attempts=steps.c.attempts + 1,
    )
)

# What the emails of the steps :ids need, their stop rules' inputs included.
CLAIMED = (
    select(
        steps.c.id,
        steps.c.enrollment_id,
        steps.c.step_key,
        steps.c.message_id,
        enrollments.c.sequence,
        enrollments.c.status.label("enrollment_status"),
        enrollments.c.lead_id,
        suppressions.c.reason.label("suppressed"),
        *(leads.c[name] for name in LEAD_FACTS),
    )
    .join(enrollments, enrollments.c.id == steps.c.enrollment_id)
    .join(leads, leads.c.id == enrollments.c.lead_id)
    .outerjoin(suppressions, suppressions.c.email_key == leads.c.email_key)
    .where(steps.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(steps.c.due_at, steps.c.id)
)

# The commit point (:ids, :worker, :now): a send log row for each step still :worker's
# whose enrollment is active, whose lead has no meeting and whose address is not
# suppressed, unless the step has one already; returns their Message-IDs.
LOG_HAND_OVER = (
    insert(send_log)
    .from_select(
        ["enrollment_id", "step_key", "message_id", "worker", "started_at"],
        select(
            steps.c.enrollment_id,
            steps.c.step_key,
            steps.c.message_id,
            bindparam("worker", type_=send_log.c.worker.type),
            bindparam("now", type_=send_log.c.started_at.type),
        )
        .join(enrollments, enrollments.c.id == steps.c.enrollment_id)
        .join(leads, leads.c.id == enrollments.c.lead_id)
        .where(
            steps.c.id.in_(bindparam("ids", expanding=True)),
            steps.c.status == SENDING,
            steps.c.claimed_by == bindparam("worker"),
            enrollments.c.status == ACTIVE,
            func.coalesce(cast(leads.c.meeting, Text), "null") == "null",
            ~exists().where(suppressions.c.email_key == leads.c.email_key),
            ~_logged,
        ),
    )
    .returning(send_log.c.message_id)
)

# The server accepted :ids (at :now).
MARK_SENT = (
    update(steps)
    .where(steps.c.id.in_(bindparam("ids", expanding=True)))
    .values(status=SENT, sent_at=bindparam("now"), lease_until=None, last_error=None)
)
CONFIRM_LOG = (
    update(send_log)
    .where(
        tuple_(send_log.c.enrollment_id, send_log.c.step_key).in_(
            select(steps.c.enrollment_id, steps.c.step_key).where(
                steps.c.id.in_(bindparam("ids", expanding=True))
            )
        )
    )
    .values(confirmed_at=bindparam("now"))
)

# Enrollments among :ids with no step left to send are `completed` (at :now).
COMPLETE = (
    update(enrollments)
    .where(
        enrollments.c.id.in_(bindparam("ids", expanding=True)),
        enrollments.c.status == ACTIVE,
        ~exists().where(
            steps.c.enrollment_id == enrollments.c.id,
            steps.c.status.in_((PENDING, SENDING)),
        ),
    )
    .values(status=COMPLETED, updated_at=bindparam("now"))
)

# The leads API's `nurture` object (:view) of lead :lead.
SET_LEAD_NURTURE = (
    update(leads).where(leads.c.id == bindparam("lead")).values(nurture=bindparam("view"))
)
