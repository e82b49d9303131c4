"""The lead store: SQLAlchemy models, repositories, unit of work and use cases.

SQLite by default, PostgreSQL by URL; schema changes go through Alembic (`migrate.upgrade`).
"""
