"""Bulk runs in progress: a heartbeat per run, so a run whose worker died is reported, not awaited.

The state of a tab (Redis) still says `running` after its worker was killed, and a reconnect
may even get a fresh state; the database knows which run each session started, whether its
save committed (``saved`` is set in the save's own transaction) and when it last showed life.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from leerid_app.models import BulkRun
from leerid_app.services import clock


@dataclasses.dataclass(frozen=True)
class RunStatus:
    """What a page load learns about a session's run: alive, or dead (and whether it saved)."""

    run_id: str
    mode: str
    count: int
    alive: bool
    saved: bool


def start_run(
    session: Session,
    *,
    run_id: str,
    session_id: int,
    school_id: int,
    mode: str,
    count: int,
    now: datetime | None = None,
) -> None:
    """Record a run about to hash and save ``count`` accounts for this login session."""
    moment = clock.now_or(now)
    session.add(
        BulkRun(
            id=run_id,
            session_id=session_id,
            school_id=school_id,
            mode=mode,
            count=count,
            started_at=moment,
            heartbeat_at=moment,
        )
    )


def beat(session: Session, run_id: str, now: datetime | None = None) -> None:
    """The run's worker is alive."""
    session.exec(
        update(BulkRun).where(col(BulkRun.id) == run_id).values(heartbeat_at=clock.now_or(now))
    )


def mark_saved(session: Session, run_id: str) -> None:
    """Inside the save's transaction: the accounts and this mark commit together."""
    session.exec(update(BulkRun).where(col(BulkRun.id) == run_id).values(saved=True))


def finish(session: Session, run_id: str) -> None:
    """The run ended and its outcome reached the tab: nothing to report any more."""
    session.exec(delete(BulkRun).where(col(BulkRun.id) == run_id))


def status_of_session(
    session: Session, *, session_id: int, stale_after: timedelta, now: datetime | None = None
) -> RunStatus | None:
    """The session's latest run, if any; a dead one is removed as it is reported (once)."""
    run = session.exec(
        select(BulkRun)
        .where(BulkRun.session_id == session_id)
        .order_by(col(BulkRun.started_at).desc())
    ).first()
    if run is None:
        return None
    alive = clock.as_utc(run.heartbeat_at) > clock.now_or(now) - stale_after
    if not alive:
        session.exec(delete(BulkRun).where(BulkRun.session_id == session_id))
    return RunStatus(run.id, run.mode, run.count, alive=alive, saved=run.saved)
