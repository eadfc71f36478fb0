"""Bulk run liveness: a run that stops beating is reported once, with whether it saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from leerid_app.models import AdminSession, BulkRun
from leerid_app.services import auth, bulk_runs
from tests.services.factories import add_administrator, add_school

START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
STALE = timedelta(seconds=10)


def _login_session(session: Session) -> tuple[int, int]:
    school = add_school(session, "BRUSSEL-STAD - TEST School 2")
    admin = add_administrator(session, "beheerder", school)
    assert admin.id is not None and school.id is not None
    auth.start_session(session, admin.id, now=START)
    session.commit()
    session_id = session.exec(select(AdminSession.id)).one()
    assert session_id is not None
    return session_id, school.id


def _start(session: Session, session_id: int, school_id: int, run_id: str = "run-1") -> None:
    bulk_runs.start_run(
        session,
        run_id=run_id,
        session_id=session_id,
        school_id=school_id,
        mode="renew",
        count=3000,
        now=START,
    )
    session.commit()


def _status(session: Session, session_id: int, seconds: float) -> bulk_runs.RunStatus | None:
    status = bulk_runs.status_of_session(
        session, session_id=session_id, stale_after=STALE, now=START + timedelta(seconds=seconds)
    )
    session.commit()
    return status


def test_a_beating_run_is_alive(session: Session) -> None:
    session_id, school_id = _login_session(session)
    assert _status(session, session_id, 0) is None
    _start(session, session_id, school_id)
    assert _status(session, session_id, 5) == bulk_runs.RunStatus(
        "run-1", "renew", 3000, alive=True, saved=False
    )
    bulk_runs.beat(session, "run-1", now=START + timedelta(seconds=9))
    session.commit()
    status = _status(session, session_id, 18)
    assert status is not None and status.alive


def test_a_silent_run_is_reported_dead_once(session: Session) -> None:
    session_id, school_id = _login_session(session)
    _start(session, session_id, school_id)
    status = _status(session, session_id, 11)
    assert status == bulk_runs.RunStatus("run-1", "renew", 3000, alive=False, saved=False)
    assert _status(session, session_id, 12) is None
    assert session.exec(select(BulkRun)).all() == []


def test_a_run_that_committed_its_save_says_so(session: Session) -> None:
    session_id, school_id = _login_session(session)
    _start(session, session_id, school_id)
    bulk_runs.mark_saved(session, "run-1")
    session.commit()
    status = _status(session, session_id, 60)
    assert status is not None and (status.alive, status.saved) == (False, True)


def test_a_rolled_back_save_leaves_the_run_unsaved(session: Session) -> None:
    session_id, school_id = _login_session(session)
    _start(session, session_id, school_id)
    bulk_runs.mark_saved(session, "run-1")
    session.rollback()
    status = _status(session, session_id, 60)
    assert status is not None and status.saved is False


def test_a_finished_run_leaves_nothing_to_report(session: Session) -> None:
    session_id, school_id = _login_session(session)
    _start(session, session_id, school_id)
    bulk_runs.finish(session, "run-1")
    session.commit()
    assert _status(session, session_id, 60) is None
