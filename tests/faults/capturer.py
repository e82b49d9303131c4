"""The action server's capture, in a process of its own that a test kills with SIGKILL:
`python -m tests.faults.capturer DATABASE_URL SPOOL_DIR PREFIX COUNT`.

Runs the real action (actions.leads.ActionScoreAndStoreLead) over COUNT finished
conversations PREFIX-0, PREFIX-1, ... and prints `captured <id>` once the visitor was told
the lead is kept (`lost <id>` if told it was not): what the kill loop counts as captured.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher

from actions.leads import ActionScoreAndStoreLead
from actions.services import use_services
from bot.bootstrap import build_services
from bot.settings import Settings
from tests.integration.test_lead_capture import finished_conversation

KEPT = ("utter_lead_handoff", "utter_lead_nurture")


async def main(url: str, spool_dir: str, prefix: str, count: int) -> None:
    folder = Path(spool_dir)
    services = build_services(
        Settings(
            database_url=url,
            spool_dir=folder,
            mail_dir=folder.parent / "mail",
            rasa_tracker_url=f"sqlite:///{folder.parent / 'tracker.db'}",
        )
    )
    use_services(services)
    action = ActionScoreAndStoreLead()
    print("ready", flush=True)
    for n in range(count):
        conversation = f"{prefix}-{n}"
        dispatcher = CollectingDispatcher()
        tracker = finished_conversation(conversation, f"{conversation}@kill.example")
        await action.run(dispatcher, tracker, {})
        told = [message.get("response") for message in dispatcher.messages]
        verdict = "captured" if told and told[0] in KEPT else "lost"
        # One write of a whole line: a kill never leaves half a verdict.
        sys.stdout.write(f"{verdict} {conversation}\n")
        sys.stdout.flush()
    await services.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
