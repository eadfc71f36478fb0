"""Runs handler work as the logged-in administrator, session and school checked server-side."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from leerid_app.db import get_engine, get_read_engine, is_busy
from leerid_app.models import Pupil
from leerid_app.services import auth, scope
from leerid_app.services.errors import DomainError
from leerid_app.services.scope import AdminContext

T = TypeVar("T")

log = logging.getLogger("leerid_app")


class NotLoggedIn(Exception):
    """No valid session: the browser goes to the login page."""


def _session(read_only: bool) -> Session:
    if read_only:
        # Nothing is flushed before the commit: a deferred SQLite transaction then reads its
        # snapshot undisturbed by a running bulk write, and writes (a session touch, an audit
        # event) only at the very end.
        return Session(get_read_engine(), expire_on_commit=False, autoflush=False)
    return Session(get_engine(), expire_on_commit=False)


def _run(
    token: str | None,
    pupil_id: object,
    work: Callable[..., T],
    *,
    read_only: bool,
    for_pupil: bool,
) -> T:
    with _session(read_only) as session:
        context = auth.resolve_session(session, token)
        if context is None:
            session.commit()  # keeps the audit of an expired session
            raise NotLoggedIn
        try:
            args: tuple[object, ...] = (context,)
            if for_pupil:
                # Refusals are audited here, outside the savepoint, so the audit event survives.
                args += (scope.require_pupil_in_scope(session, context, pupil_id),)
            with session.begin_nested():
                result = work(session, *args)
        except DomainError:
            session.commit()
            raise
        session.commit()
        return result


def _run_with_retry(
    token: str | None,
    pupil_id: object,
    work: Callable[..., T],
    *,
    read_only: bool,
    for_pupil: bool,
) -> T:
    if read_only:
        try:
            return _run(token, pupil_id, work, read_only=True, for_pupil=for_pupil)
        except OperationalError as error:
            # Another writer got in between this read and its small write: do it all again,
            # this time holding the write lock from the start.
            if not is_busy(error):
                raise
            log.debug("read-only unit of work retried as a writing one")
    return _run(token, pupil_id, work, read_only=False, for_pupil=for_pupil)


def run_as_admin(
    token: str | None,
    work: Callable[[Session, AdminContext], T],
    *,
    read_only: bool = False,
) -> T:
    """Check the session, then run ``work`` in one transaction that commits on success.

    A DomainError from ``work`` rolls its changes back (a savepoint) but keeps the session
    touch and any audit of a refusal, then propagates for the handler to show. ``read_only``
    work (lists, detail pages) never waits for a bulk write on SQLite.
    """
    return _run_with_retry(token, None, work, read_only=read_only, for_pupil=False)


def run_for_pupil(
    token: str | None,
    pupil_id: object,
    work: Callable[[Session, AdminContext, Pupil], T],
    *,
    read_only: bool = False,
) -> T:
    """Like run_as_admin, after checking the pupil id (any JSON the browser sent) is in scope."""
    return _run_with_retry(token, pupil_id, work, read_only=read_only, for_pupil=True)


def refuse_argument(token: str | None, argument: object) -> None:
    """Audit a malformed argument for the logged-in administrator, then raise NotAllowed.

    The same refusal every handler gives a bad argument: ACCESS_DENIED with the argument's
    repr in the details, and the Dutch "Ongeldige aanvraag." for the page.
    """
    with _session(read_only=False) as session:
        context = auth.resolve_session(session, token)
        if context is None:
            session.commit()
            raise NotLoggedIn
        try:
            scope.refuse_argument(session, context, argument)
        finally:
            session.commit()
