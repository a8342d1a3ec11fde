"""One engine per app, one Session per app context, and the schema's migration state."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from . import storage

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseNotMigrated(RuntimeError):
    """The database schema is older than the code (or missing)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer,
    # and the busy timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


# Statements after which pysqlite holds SQLite's write lock until commit or rollback.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN")
_queued = threading.local()  # the connection of this thread that holds the queue, if any


class QueuedWriterConnection(sqlite3.Connection):
    """A SQLite connection that waits its turn to write in a queue the kernel keeps.

    SQLite lets one writer in at a time, and a second writer's busy handler sleeps in growing
    steps (up to 100 ms) between tries, so a writer that has waited a while keeps losing the
    lock to newcomers: a few submits waited half a second behind page saves of a few ms each.
    An flock on `<database>.lock`, taken before the first write of a transaction and let go
    after its commit or rollback, wakes the next writer as soon as the lock is free.
    """

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._queue = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._holding = False

    def wait_to_write(self) -> None:
        """Queue for the write lock (unless this thread's other connection holds it: waiting
        there could never end, so SQLite's busy timeout decides, as without the queue)."""
        other = getattr(_queued, "holder", None)
        if self._holding or (other is not None and other._holding):
            return
        fcntl.flock(self._queue, fcntl.LOCK_EX)
        self._holding, _queued.holder = True, self

    def _leave_queue(self) -> None:
        if self._holding:
            fcntl.flock(self._queue, fcntl.LOCK_UN)
            self._holding = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()
            if self._queue >= 0:
                os.close(self._queue)
                self._queue = -1


def _queue_writes(_conn: Any, cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
    connection = cursor.connection
    if not connection.in_transaction and statement.lstrip()[:7].upper().startswith(_WRITES):
        connection.wait_to_write()


def make_engine(url: str) -> sa.Engine:
    """Create an engine for url; SQLite gets its pragmas, in-memory SQLite one shared connection."""
    kwargs: dict[str, Any] = {}
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url in ("sqlite://", "sqlite:///:memory:"):
        kwargs = {"connect_args": {"check_same_thread": False}, "poolclass": StaticPool}
    elif url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False, "factory": QueuedWriterConnection}}
    else:
        kwargs = {"pool_pre_ping": True}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        if "factory" in kwargs["connect_args"]:
            sa.event.listen(engine, "before_cursor_execute", _queue_writes)
    return engine


def init_app(app: Flask) -> None:
    """Bind an engine to the app and close the request's session at teardown."""
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def get_engine() -> sa.Engine:
    return current_app.extensions["engine"]


def get_session() -> Session:
    """Return this app context's Session, creating it on first use.

    The session knows the upload folder, so that deleting rows that own files removes the
    files once the deletion commits (see storage).
    """
    if "db_session" not in g:
        folder = {storage.FOLDER: storage.upload_dir(current_app)}
        g.db_session = Session(get_engine(), expire_on_commit=False, info=folder)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def refresh_statistics(session: Session, tables: tuple[str, ...]) -> None:
    """Have the database re-read the sizes and spreads of tables that just grew by many rows,
    and commit. Without current statistics both planners pick poor plans for the lists that
    join a large run's flags: SQLite, which never gathers them by itself, drove the supplier
    list's open-flag filter through all 400k flags of a 100k chain (0.4 s a query, 4 ms with
    them); PostgreSQL, until autovacuum comes round, joins them in nested loops. SQLite reads
    a sample of each index (analysis_limit), so this stays well under a second at 100k."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(sa.text("PRAGMA analysis_limit = 2000"))
    for table in tables:
        session.execute(sa.text(f'ANALYZE "{table}"'))
    session.commit()


def alembic_config(engine: sa.Engine) -> AlembicConfig:
    """An Alembic configuration bound to engine, with no alembic.ini needed."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema up to revision."""
    command.upgrade(alembic_config(engine), revision)


def create_all_and_stamp(engine: sa.Engine) -> None:
    """Create the schema straight from the models and mark it migrated (throwaway databases)."""
    SQLModel.metadata.create_all(engine)
    command.stamp(alembic_config(engine), "head")


def schema_revisions(engine: sa.Engine) -> tuple[str | None, str | None]:
    """Return (the database's revision, the code's head revision)."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head


def ensure_migrated(engine: sa.Engine) -> None:
    """Raise DatabaseNotMigrated with a message saying what to run, unless the schema is current."""
    current, head = schema_revisions(engine)
    if current != head:
        state = "has no schema yet" if current is None else f"is at revision {current}"
        raise DatabaseNotMigrated(
            f"The database {engine.url.render_as_string(hide_password=True)} {state}; "
            f"this version of supplychain needs revision {head}. "
            "Run `supplychain db upgrade` first."
        )
