"""Builds the object graph once: settings, rubric, database engine, spool.

Entry points (the action server, the web app, the run script) ask here; nothing else
creates engines or reads settings. `python -m bot.bootstrap` is the pre-start step of
`make run`: it validates the operator files and migrates the database, so a bad rubric or
an unreachable database stops start-up with a clear message before anything listens.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.configfile import ConfigError
from bot.handoff.calendar_feed import BusyCalendars
from bot.handoff.reps import load_team
from bot.handoff.service import Handoff, on_lead_stored
from bot.leads.db import make_engine, make_session_factory
from bot.leads.failures import OUTAGE
from bot.leads.migrate import upgrade
from bot.leads.models import Lead
from bot.leads.service import StoredHook
from bot.leads.spool import LeadSpool
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.mail.transport import MailTransport, transport_from_settings
from bot.nurture.sequences import load_sequences
from bot.scoring import Rubric, load_rubric
from bot.settings import DEV_SECRET_KEY, Settings, SettingsError, env_secret, load_settings
from bot.signing import Signer


@dataclass
class Services:
    settings: Settings
    rubric: Rubric
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    spool: LeadSpool
    handoff: Handoff
    calendars: BusyCalendars
    clock: Clock
    _mail: MailTransport | None = field(default=None, repr=False)

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)

    def lead_stored_hook(self) -> StoredHook:
        """Runs inside the lead's commit, wherever a lead is stored (a visitor's turn, or
        the spool's drain after an outage): a hot lead gets its rep and a lead.qualified
        outbox row. No network inside the transaction: busy calendars come from the cache."""

        async def hook(
            uow: SqlAlchemyUnitOfWork, lead: Lead, conversation_id: str, now: datetime
        ) -> None:
            external = {
                rep.id: self.calendars.cached(rep) for rep in self.handoff.team.reps.values()
            }
            await on_lead_stored(uow, self.handoff, lead, conversation_id, now, external)

        return hook

    def mail(self) -> MailTransport:
        """The mail transport, made on first use (the action server never sends mail)."""
        if self._mail is None:
            self._mail = transport_from_settings(self.settings)
        return self._mail

    async def close(self) -> None:
        await self.calendars.close()
        await self.engine.dispose()


def build_services(settings: Settings | None = None) -> Services:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    clock = SystemClock()
    handoff = Handoff(
        team=load_team(settings.reps_file),
        signer=Signer(settings.secret_key or DEV_SECRET_KEY),
        public_url=settings.public_url,
    )
    return Services(
        settings=settings,
        rubric=load_rubric(settings.scoring_file),
        engine=engine,
        session_factory=make_session_factory(engine),
        spool=LeadSpool(settings.spool_dir),
        handoff=handoff,
        calendars=BusyCalendars(env_secret, clock),
        clock=clock,
    )


def prestart(settings: Settings | None = None) -> None:
    """Validate operator files, then bring the database schema up to date."""
    settings = settings or load_settings()
    load_rubric(settings.scoring_file)
    load_team(settings.reps_file)
    load_sequences(settings.sequences_file)  # nurture: templates checked before anything runs
    upgrade(settings.database_url)


DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, *OUTAGE)


def safe_url(url: str) -> str:
    """The URL for a message: the password hidden, an unparseable one not echoed."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main() -> int:
    """One line and a status, never a traceback: 2 for a bad setting, operator file or
    database URL, 1 for a database that can't be reached."""
    database_url = "<not read yet>"
    try:
        settings = load_settings()
        database_url = settings.database_url
        prestart(settings)
    except (ConfigError, SettingsError, ArgumentError, ValueError) as error:
        # ArgumentError: an unparseable URL; ValueError: a scheme we don't run.
        print(f"error: {first_line(error)}", file=sys.stderr)
        return 2
    except DATABASE_ERRORS as error:
        print(
            f"error: database {safe_url(database_url)} unavailable: {first_line(error)}",
            file=sys.stderr,
        )
        return 1
    except Exception as error:  # the driver's own (asyncpg: no such database, role...)
        print(
            f"error: database {safe_url(database_url)} unavailable: "
            f"{type(error).__name__}: {first_line(error)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
