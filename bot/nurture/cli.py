"""Preview a lead's nurture schedule from the command line.

    python -m bot.nurture.cli preview jane@acme.io        # by email or lead id
    python -m bot.nurture.cli preview <lead-id> --sequence later_timeline

An enrolled lead shows its stored steps (due, sent, status) in UTC and in the lead's time
zone. A lead not enrolled shows the schedule enrollment would plan now: the sequence its
weakest criterion picks (or --sequence), each step's due time after the send windows.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from sqlalchemy import or_, select

from bot.leads.db import make_engine, make_session_factory
from bot.leads.keys import email_key
from bot.leads.models import Lead
from bot.nurture.models import Enrollment, NurtureStep
from bot.nurture.schedule import lead_zone, plan
from bot.nurture.sequences import SequenceBook, load_sequences
from bot.nurture.service import weakest_criterion
from bot.settings import load_settings


def _when(at: datetime | None, zone: str, book: SequenceBook) -> str:
    if at is None:
        return "-"
    local = at.astimezone(lead_zone(zone, book.default_time_zone))
    return f"{at:%Y-%m-%d %H:%M} UTC  ({local:%a %Y-%m-%d %H:%M} {local.tzname()})"


async def preview(
    who: str, *, sequence: str | None = None, now: datetime | None = None
) -> list[str]:
    """The lines to print for the lead `who` (an email or a lead id)."""
    settings = load_settings()
    book = load_sequences(settings.sequences_file)
    engine = make_engine(settings.database_url)
    now = now or datetime.now(timezone.utc)
    try:
        async with make_session_factory(engine)() as session:
            key = email_key(who) if "@" in who else None
            lead = (
                await session.scalars(
                    select(Lead).where(or_(Lead.id == who, Lead.email_key == key))
                )
            ).first()
            if lead is None:
                return [f"no lead {who!r}"]
            zone = lead.time_zone or book.default_time_zone
            head = f"lead {lead.id} <{lead.email or 'no email'}>, time zone {zone}"
            enrollment = (
                await session.scalars(
                    select(Enrollment)
                    .where(Enrollment.lead_id == lead.id)
                    .order_by(Enrollment.enrolled_at.desc())
                )
            ).first()
            if enrollment is not None and sequence is None:
                steps = (
                    await session.scalars(
                        select(NurtureStep)
                        .where(NurtureStep.enrollment_id == enrollment.id)
                        .order_by(NurtureStep.position)
                    )
                ).all()
                reason = f" ({enrollment.stop_reason})" if enrollment.stop_reason else ""
                lines = [head, f"sequence {enrollment.sequence}: {enrollment.status}{reason}"]
                for step in steps:
                    sent = f"  sent {step.sent_at:%Y-%m-%d %H:%M} UTC" if step.sent_at else ""
                    due = _when(step.due_at, zone, book)
                    lines.append(f"  {step.step_key:<10} {step.status:<11} due {due}{sent}")
                return lines
            route = "handoff" if lead.route == "handoff" else "nurture"
            chosen = (
                book.get(sequence)
                if sequence
                else book.pick(route=route, weakest=weakest_criterion(lead.breakdown))
            )
            lines = [head, f"not enrolled; enrolling now would plan {chosen.name}:"]
            for planned in plan(chosen, now, lead_zone(lead.time_zone, book.default_time_zone)):
                lines.append(f"  {planned.key:<10} due {_when(planned.due_at, zone, book)}")
            return lines
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nurture.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("preview", help="a lead's nurture schedule")
    show.add_argument("lead", help="the lead's email or id")
    show.add_argument("--sequence", help="plan this sequence instead of the one picked")
    args = parser.parse_args(argv)
    lines = asyncio.run(preview(args.lead, sequence=args.sequence))
    print("\n".join(lines))
    return 0 if not lines[0].startswith("no lead") else 1


if __name__ == "__main__":
    sys.exit(main())
