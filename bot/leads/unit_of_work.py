"""The unit of work: one session, its repositories, one commit or a rollback.

    async with uow:
        lead = await uow.leads.get(lead_id)
        ...
        await uow.commit()

Leaving the block without `commit()` (or with an exception) rolls everything back. The
same object can be entered again afterwards; each entry gets a fresh session. Objects
loaded inside stay readable afterwards (detached), but nothing is lazy-loaded.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.leads.repository import ConversationRepository, LeadRepository, OutboxRepository


class SqlAlchemyUnitOfWork:
    leads: LeadRepository
    conversations: ConversationRepository
    outbox: OutboxRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use `async with uow:`")
        return self._session

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        self._session = self._session_factory()
        self.leads = LeadRepository(self._session)
        self.conversations = ConversationRepository(self._session)
        self.outbox = OutboxRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        # Closing rolls back whatever was not committed. Unlike rollback() it leaves the
        # loaded objects readable (detached), so callers may use what they fetched.
        await session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
