"""Builds the object graph once: settings, rubric, database engine, spool.

Entry points (the action server, the web app, the run script) ask here; nothing else
creates engines or reads settings. `python -m bot.bootstrap` is the pre-start step of
`make run`: it validates the operator files and migrates the database, so a bad rubric or
an unreachable database stops start-up with a clear message before anything listens.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.configfile import ConfigError
from bot.leads.db import make_engine, make_session_factory
from bot.leads.migrate import upgrade
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.nurture.sequences import load_sequences
from bot.scoring import Rubric, load_rubric
from bot.settings import Settings, SettingsError, load_settings


@dataclass
class Services:
    settings: Settings
    rubric: Rubric
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    spool: LeadSpool

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)

    async def close(self) -> None:
        await self.engine.dispose()


def build_services(settings: Settings | None = None) -> Services:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    return Services(
        settings=settings,
        rubric=load_rubric(settings.scoring_file),
        engine=engine,
        session_factory=make_session_factory(engine),
        spool=LeadSpool(settings.spool_dir),
    )


def prestart(settings: Settings | None = None) -> None:
    """Validate operator files, then bring the database schema up to date."""
    settings = settings or load_settings()
    load_rubric(settings.scoring_file)
    load_sequences(settings.sequences_file)  # nurture: templates checked before anything runs
    upgrade(settings.database_url)


def main() -> int:
    try:
        prestart()
    except (ConfigError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
