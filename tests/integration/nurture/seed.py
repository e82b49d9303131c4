"""Many due steps at once, inserted in bulk (the exactly-once test and the bench)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.leads.models import Lead
from bot.nurture.compose import new_message_id
from bot.nurture.models import Enrollment, NurtureStep


async def seed_due_steps(
    engine: AsyncEngine, count: int, now: datetime, mail_from: str
) -> list[str]:
    """`count` enrolled leads, each with its welcome step due now; their Message-IDs."""
    leads = [
        {
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "email": f"lead{n}@example.org",
            "email_key": f"lead{n}@example.org",
            "name": f"Lead {n}",
            "status": "new",
            "route": "nurture",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    async with engine.begin() as connection:
        await connection.execute(insert(Lead), leads)
        await connection.execute(
            insert(Enrollment),
            [
                {
                    "lead_id": lead["id"], "sequence": "pricing_and_roi", "status": "active",
                    "time_zone": "UTC", "enrolled_at": now, "updated_at": now,
                }
                for lead in leads
            ],
        )  # fmt: skip
        rows = (await connection.execute(select(Enrollment.id))).scalars().all()
        steps = [
            {
                "enrollment_id": enrollment_id, "step_key": "welcome", "position": 0,
                "due_at": now, "status": "pending", "attempts": 0, "created_at": now,
                "message_id": new_message_id(enrollment_id, "welcome", mail_from),
            }
            for enrollment_id in rows
        ]  # fmt: skip
        await connection.execute(insert(NurtureStep), steps)
        if connection.dialect.name == "postgresql":
            await connection.execute(text("ANALYZE"))  # as a live database would have
    return [str(step["message_id"]) for step in steps]
