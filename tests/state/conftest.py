"""Reflex states in-process on a private demo database, for calling handlers as a client would.

No server and no browser: the tests build the app's state tree the way Reflex's memory state
manager does (``rx.State(_reflex_internal_init=True)`` creates every substate), send events
through the app's session gate and Reflex's own event processing with whatever arguments a
hostile client could send, and read the database afterwards. Every test gets its own copy
of one demo database that is migrated and seeded once per session.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import shutil
import sqlite3
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import reflex as rx
from reflex_base.event import Event
from reflex_base.event.context import EventContext
from reflex_base.event.processor.base_state_processor import process_event
from sqlalchemy import Engine, event
from sqlmodel import Session, select

import leerid_app.db
import leerid_app.state.auth
import leerid_app.state.guard
from leerid_app.db import make_engine
from leerid_app.migrations import upgrade_to_head
from leerid_app.models import (
    AdminSession,
    AuditEvent,
    LeerIDAccount,
    Pupil,
    School,
)
from leerid_app.services import auth
from leerid_app.services.demo import DEMO_ADMIN_PASSWORD, DEMO_SCHOOL, SECOND_SCHOOL, seed_demo
from leerid_app.services.hashing import PasswordHashing
from leerid_app.services.identity import sessions

# Importing the state modules registers every substate under rx.State.
from leerid_app.state.bulk import BulkState  # noqa: F401
from leerid_app.state.logbook import LogbookState  # noqa: F401
from leerid_app.state.pupil_detail import EditCredentialsState  # noqa: F401
from leerid_app.state.pupils import PupilListState  # noqa: F401
from leerid_app.state.readiness import OverviewState, ReadinessState  # noqa: F401
from leerid_app.state.reports import DataCheckState, LeaversState  # noqa: F401
from leerid_app.state.session_gate import guard_state

S = TypeVar("S", bound=rx.State)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, seeded demo database file; tests work on copies of it."""
    path = tmp_path_factory.mktemp("state-demo") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade_to_head(engine)
        with Session(engine) as session:
            seed_demo(session)
            session.commit()
    finally:
        engine.dispose()
    # Fold the write-ahead log into the file, so that copying the file copies everything.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


AccountRow = tuple[Any, ...]


@dataclass
class DemoDb:
    """The copy of the demo database one test works on, with readers for assertions."""

    engine: Engine
    path: Path

    def session(self) -> Session:
        """A read session (the caller closes it)."""
        return Session(self.engine, expire_on_commit=False)

    def school_id(self, name: str) -> int:
        """The id of a demo school by name."""
        with self.session() as session:
            school_id = session.exec(select(School.id).where(School.name == name)).one()
        assert school_id is not None
        return school_id

    @property
    def brussel_id(self) -> int:
        """The manual's school (`beheerder` only)."""
        return self.school_id(DEMO_SCHOOL)

    @property
    def gent_id(self) -> int:
        """The second school (`beheerder` and `beheerder.b`)."""
        return self.school_id(SECOND_SCHOOL)

    def pupil_id(self, stamnummer: str, school: str = DEMO_SCHOOL) -> int:
        """The id of a pupil by stamnummer within a school."""
        with self.session() as session:
            pupil_id = session.exec(
                select(Pupil.id)
                .join(School, School.id == Pupil.school_id)
                .where(Pupil.stamnummer == stamnummer, School.name == school)
            ).one()
        assert pupil_id is not None
        return pupil_id

    def accounts(self) -> dict[int, AccountRow]:
        """Every LeerID by pupil id, with every column that a change could touch."""
        with self.session() as session:
            rows = session.exec(select(LeerIDAccount)).all()
            return {
                row.pupil_id: (
                    row.id,
                    row.username,
                    row.password_hash,
                    row.email,
                    row.account_type,
                    row.password_type,
                    row.must_change_password,
                    row.password_change_deadline,
                    row.password_changed_at,
                )
                for row in rows
            }

    def account(self, pupil_id: int) -> LeerIDAccount | None:
        """One pupil's LeerID as stored now."""
        with self.session() as session:
            return session.exec(
                select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)
            ).first()

    def audit(self, action: str | None = None) -> list[AuditEvent]:
        """The audit events, oldest first, optionally of one action."""
        with self.session() as session:
            statement = select(AuditEvent).order_by(AuditEvent.id)
            if action is not None:
                statement = statement.where(AuditEvent.action == action)
            return list(session.exec(statement).all())

    def current_school_of(self, token: str) -> int | None:
        """The school a live session works in."""
        with self.session() as session:
            context = auth.resolve_session(session, token)
            session.rollback()  # only a look: no touch, no audit
        return context.school_id if context else None

    def login(self, username: str, password: str = DEMO_ADMIN_PASSWORD) -> str:
        """A session token, the way AuthState.log_in gets one (authenticate + start_session)."""
        with self.session() as session:
            result = auth.authenticate(session, username, password)
            assert result.ok, result.error
            assert result.subject_id is not None
            token = auth.start_session(session, result.subject_id)
            session.commit()
        return token

    def end_session(self, token: str) -> None:
        """Log out on the server, as another tab's `Afmelden` would."""
        with self.session() as session:
            auth.end_session(session, token)
            session.commit()

    def idle_session(self, token: str, hours: int = 3) -> None:
        """Make a session look idle for hours (past any idle limit)."""
        with self.session() as session:
            row = session.exec(
                select(AdminSession).where(AdminSession.token_hash == sessions.token_hash(token))
            ).one()
            row.last_seen_at = datetime.now(UTC) - timedelta(hours=hours)
            session.add(row)
            session.commit()

    def raw_bytes(self) -> bytes:
        """The database file and its write-ahead log, as stored on disk."""
        self.engine.dispose()  # closes the pooled connections (the engine reconnects on use)
        data = self.path.read_bytes()
        wal = self.path.with_name(self.path.name + "-wal")
        return data + (wal.read_bytes() if wal.exists() else b"")


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _where() -> str:
    """The app frames of the current stack: which handler did blocking work where."""
    frames = [f for f in traceback.extract_stack() if "/leerid_app/" in f.filename]
    return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


@pytest.fixture(autouse=True)
def blocking_on_the_loop(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails a test in which a handler ran SQL or argon2 on the event loop's thread.

    Every other client of the worker would wait meanwhile (state/off_loop.py). SQL is
    watched on the demo database's engine (see demo_db), argon2 here.
    """
    found: list[str] = []
    for name in ("hash", "verify"):
        real = getattr(PasswordHashing, name)

        def watched(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            if _on_event_loop():
                found.append(f"argon2 {_name}: {_where()}")
            return _real(*args, **kwargs)

        monkeypatch.setattr(PasswordHashing, name, watched)
    yield found
    assert not found, "blocking work on the event loop:\n" + "\n".join(dict.fromkeys(found))


@pytest.fixture
def demo_db(
    demo_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    blocking_on_the_loop: list[str],
) -> Iterator[DemoDb]:
    """A private copy of the demo database that every state handler of this test uses."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "before_cursor_execute")
    def _not_on_the_loop(*_args: Any) -> None:
        if _on_event_loop():
            blocking_on_the_loop.append(f"SQL: {_where()}")

    def test_engine() -> Engine:
        return engine

    # get_engine is imported by name into the state modules: patch every copy of it.
    monkeypatch.setattr(leerid_app.db, "get_engine", test_engine)
    monkeypatch.setattr(leerid_app.state.guard, "get_engine", test_engine)
    monkeypatch.setattr(leerid_app.state.auth, "get_engine", test_engine)
    yield DemoDb(engine=engine, path=path)
    engine.dispose()


class StateTree:
    """One browser tab's state tree, as the memory state manager holds it.

    Events go through what the running app does with them: the session gate (the app's
    first middleware) and Reflex's own ``process_event``, which converts the JSON arguments
    by the handler's type hints (``"5"`` becomes ``5`` for an ``int``) before calling it.
    """

    def __init__(self) -> None:
        self.root = rx.State(_reflex_internal_init=True)
        self.token = str(uuid.uuid4())
        self.deltas: list[dict[str, Any]] = []

    def get(self, state_cls: type[S]) -> S:
        """The instance of a state class in this tree."""
        state = self.root.get_substate(state_cls.get_full_name().split("."))
        assert isinstance(state, state_cls)
        return state

    def run(self, handler: Any, *args: Any, **kwargs: Any) -> list[Event] | None:
        """Send one event for ``handler`` with raw JSON-like arguments, as a client could.

        Returns:
            The events the handler sent to the browser (redirects, downloads) and queued,
            or None when there were none. Deltas are kept in ``self.deltas``.
        """
        names = [name for name in inspect.signature(handler.fn).parameters if name != "self"]
        payload = dict(zip(names, args, strict=False)) | kwargs
        return self.send(handler, payload)

    def send(self, handler: Any, payload: dict[str, Any]) -> list[Event] | None:
        """Send an event with an exact payload (unknown argument names included)."""
        return asyncio.run(self.arun_payload(handler, payload))

    async def arun(self, handler: Any, *args: Any) -> list[Event] | None:
        """``run`` inside a running event loop (to watch the loop while a handler works)."""
        names = [name for name in inspect.signature(handler.fn).parameters if name != "self"]
        return await self.arun_payload(handler, dict(zip(names, args, strict=False)))

    async def arun_payload(self, handler: Any, payload: dict[str, Any]) -> list[Event] | None:
        """Process one event with an exact payload in the running loop."""
        name = f"{handler.state.get_full_name()}.{handler.fn.__name__}"
        return await self._process(handler, Event(name=name, payload=payload))

    def hydrate(self, browser_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        """A (re)connect: Reflex's hydrate_and_load with the cookies the browser still has.

        Returns:
            The first delta, the full state snapshot the browser receives.
        """
        handler = rx.State.event_handlers["hydrate_and_load"]
        self.deltas = []
        self.send(handler, {"vars": browser_vars or {}})
        return self.deltas[0]

    async def _process(self, handler: Any, event: Event) -> list[Event] | None:
        sent: list[Event] = []

        async def emit_delta(_token: str, delta: Any) -> None:
            self.deltas.append(dict(delta))

        async def emit_event(_token: str, *events: Event) -> None:
            sent.extend(events)

        context = EventContext(
            token=self.token,
            state_manager=None,  # type: ignore[arg-type]  (the tree is all in memory)
            enqueue_impl=emit_event,
            emit_delta_impl=emit_delta,
            emit_event_impl=emit_event,
        )
        reset = EventContext.set(context)
        try:
            await guard_state(self.root, event)
            state = await self.root.get_state(handler.state)
            await process_event(
                handler=handler, payload=event.payload, state=state, root_state=self.root
            )
        finally:
            EventContext.reset(reset)
        # As the browser does: events a handler sends back to the app's states are sent on.
        for follow_up in [e for e in sent if e.name.startswith(f"{rx.State.get_full_name()}.")]:
            path, _, name = follow_up.name.rpartition(".")
            state = self.root.get_substate(path.split("."))
            sent += await self._process(type(state).event_handlers[name], follow_up) or []
        return sent or None


@pytest.fixture
def tree() -> StateTree:
    """A fresh state tree (a new browser tab)."""
    return StateTree()


@pytest.fixture
def new_tree() -> Callable[[], StateTree]:
    """Makes further state trees (more tabs) within one test."""
    return StateTree
