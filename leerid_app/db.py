"""The database engine and sessions, for SQLite (embedded) and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from leerid_app.settings import get_settings


def make_engine(db_url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(db_url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(
        db_url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        # A list query takes about a millisecond; starting a parallel worker costs 2-4 ms more.
        connect_args={"options": "-c max_parallel_workers_per_gather=0"},
    )


def _begin_sqlite(connection: Connection) -> None:
    # pysqlite defers BEGIN on its own; we emit it. A writing transaction takes the write lock
    # up front (IMMEDIATE), so a read-then-write cannot fail halfway on a stale snapshot. Reads
    # marked READ_ONLY begin deferred: in WAL mode they never wait for a writer.
    deferred = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


READ_ONLY = "leerid_read_only"


def _configure_sqlite(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see make_engine)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().db_url)


def get_read_engine() -> Engine:
    """The same engine and pool for units of work that mostly read: deferred BEGIN on SQLite."""
    return get_engine().execution_options(**{READ_ONLY: True})


def is_busy(error: OperationalError) -> bool:
    """Whether SQLite refused a deferred transaction's write because another writer was first."""
    return "database is locked" in str(error.orig) or "SQLITE_BUSY" in str(error.orig)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
