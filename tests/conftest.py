"""Shared fixtures: a fixed test pepper, and a fresh database on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Must be set before the app's settings are first read.
os.environ.setdefault("LEERID_PEPPER", "test-pepper-not-for-production-0123456789")

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from leerid_app import models  # noqa: F401  (registers the tables)
from leerid_app.db import make_engine
from leerid_app.services import pupil_auth, pupil_links
from leerid_app.services.identity import throttle
from tests.pg_cluster import PgCluster, start_cluster
from tests.redis_server import RedisServer, start_redis


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One private PostgreSQL cluster for the whole run, removed afterwards."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One private Redis (no persistence, loopback, free port) for the whole run."""
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """An engine on an empty schema; every test using it runs on both databases."""
    if request.param == "sqlite":
        db_engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        db_engine = make_engine(cluster.url)
        SQLModel.metadata.drop_all(db_engine)
    SQLModel.metadata.create_all(db_engine)
    yield db_engine
    if request.param == "postgresql":
        SQLModel.metadata.drop_all(db_engine)
    db_engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database; the test commits what it wants kept."""
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture(autouse=True)
def generous_login_work_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests log in far faster than people do; the global limit has tests of its own."""
    monkeypatch.setattr(throttle, "_work_limit", throttle.WorkLimit(100_000))
    generous = throttle.WorkLimit(100_000)
    monkeypatch.setattr(pupil_auth, "work_limit", lambda: generous)
    # Each test starts with fresh `Wachtwoord vergeten?` budgets (tests of the limits set
    # their own).
    fresh = pupil_links.ResetLimits(3, 30, "memory://")
    monkeypatch.setattr(pupil_links, "reset_limits", lambda: fresh)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running on the main
    thread from its first test to the end of the session, and tests that call asyncio.run
    (bulk hashing, background handlers) cannot run after that."""
    # The import test last of the single app's: it changes the demo school's roster other tests
    # count. The production setup (tests/scale/, its own stacks) after all of them.
    items.sort(
        key=lambda item: (
            item.nodeid.startswith(("tests/e2e/", "tests/scale/")),
            "tests/scale/" in item.nodeid,
            "tests/e2e/test_import" in item.nodeid,
        )
    )
