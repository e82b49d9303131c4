"""A second process draining the spool, as another web app process on the host would:
`python -m tests.faults.drainer DATABASE_URL SPOOL_DIR`. Prints `ready`, then the leads
delivered.

It waits patiently for the database (a test holds its connection at the door) and uses
only what every version of the spool offers: `LeadSpool(dir).drain(uow_factory)`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.leads.db import make_engine, make_session_factory
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork

PATIENT = {"timeout": 120, "command_timeout": 120}


async def main(url: str, spool_dir: str) -> None:
    engine = make_engine(url, connect_args=PATIENT)
    sessions = make_session_factory(engine)
    print("ready", flush=True)
    try:
        delivered = await LeadSpool(Path(spool_dir)).drain(lambda: SqlAlchemyUnitOfWork(sessions))
    finally:
        await engine.dispose()
    print(delivered, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
