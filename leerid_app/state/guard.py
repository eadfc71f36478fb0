"""Runs handler work as the logged-in administrator, session and school checked server-side."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from leerid_app.db import get_engine
from leerid_app.models import Pupil
from leerid_app.services import auth
from leerid_app.services.auth import AdminContext
from leerid_app.services.errors import DomainError

T = TypeVar("T")

log = logging.getLogger("leerid_app")


class NotLoggedIn(Exception):
    """No valid session: the browser goes to the login page."""


def run_as_admin(
    token: str | None,
    work: Callable[[Session, AdminContext], T],
) -> T:
    """Check the session, then run ``work`` in one transaction that commits on success.

    A DomainError from ``work`` rolls its changes back (a savepoint) but keeps the session
    touch and any audit of a refusal, then propagates for the handler to show.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        context = auth.resolve_session(session, token)
        if context is None:
            session.commit()  # keeps the audit of an expired session
            raise NotLoggedIn
        try:
            with session.begin_nested():
                result = work(session, context)
        except DomainError:
            session.commit()
            raise
        session.commit()
        return result


def run_for_pupil(
    token: str | None,
    pupil_id: object,
    work: Callable[[Session, AdminContext, Pupil], T],
) -> T:
    """Like run_as_admin, after checking the pupil id (any JSON the browser sent) is in scope."""
    with Session(get_engine(), expire_on_commit=False) as session:
        context = auth.resolve_session(session, token)
        if context is None:
            session.commit()
            raise NotLoggedIn
        try:
            # Refusals are audited here, outside the savepoint, so the audit event survives.
            pupil = auth.require_pupil_in_scope(session, context, pupil_id)
            with session.begin_nested():
                result = work(session, context, pupil)
        except DomainError:
            session.commit()
            raise
        session.commit()
        return result
