"""The pupil's session in the Leerlingloket: login, logout and the guard every handler passes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from leerid_app import routes
from leerid_app.db import get_engine
from leerid_app.portal import texts
from leerid_app.services import pupil_account, pupil_auth
from leerid_app.services.errors import DomainError
from leerid_app.services.identity.throttle import Client
from leerid_app.services.pupil_auth import PupilContext
from leerid_app.state.at_rest import SealedAtRest
from leerid_app.state.off_loop import off_loop, run_blocking

T = TypeVar("T")

log = logging.getLogger("leerid_app")

MAX_USERNAME_CHARS = 100
MAX_PASSWORD_CHARS = 256


class PupilNotLoggedIn(Exception):
    """No valid pupil session: the browser goes to the Leerlingloket's login page."""


class MustChooseFirst(Exception):
    """The month is over (or not postponed): the pupil must choose a password first."""


def run_as_pupil(
    token: str | None,
    work: Callable[[Session, PupilContext], T],
    *,
    postponed: bool = False,
    choosing: bool = False,
) -> T:
    """Check the pupil session, then run ``work`` in one transaction that commits on success.

    Until a mandatory password choice is made, only the choosing itself may run (``choosing``)
    or, within the month and after `Later wijzigen` (``postponed``), anything else. A
    DomainError rolls back ``work`` but keeps the session touch, then propagates.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        context = pupil_auth.resolve_session(session, token)
        if context is None:
            session.commit()
            raise PupilNotLoggedIn
        if not choosing:
            state = pupil_account.my_leerid(session, context).must_change
            if state.required and not (state.may_postpone and postponed):
                session.commit()
                raise MustChooseFirst
        try:
            with session.begin_nested():
                result = work(session, context)
        except DomainError:
            session.commit()
            raise
        session.commit()
        return result


def text_field(form_data: object, name: str, limit: int) -> str | None:
    """One text field of a submitted form; None when missing, not text or too long."""
    value = form_data.get(name) if isinstance(form_data, dict) else None
    if not isinstance(value, str) or len(value) > limit:
        return None
    return value


class PortalState(SealedAtRest, rx.State):
    """Root of the Leerlingloket: its own cookies, apart from the console's."""

    pupil_token: str = rx.Cookie("", name="leerid_pupil_session", same_site="strict", path="/")
    pupil_device: str = rx.Cookie(
        "", name="leerid_pupil_device", same_site="strict", path="/", max_age=180 * 24 * 3600
    )
    # Set only by `postpone` after the service allowed it; the server's state, not the browser's.
    postponed: bool = False

    prefill_username: str = ""
    login_error: str = ""
    login_notice: str = ""
    logging_in: bool = False

    def _as_pupil(self, work: Callable[[Session, PupilContext], T], *, choosing: bool = False) -> T:
        return run_as_pupil(
            self.pupil_token or None, work, postponed=self.postponed, choosing=choosing
        )

    def _to_login(self, notice: str) -> rx.event.EventSpec:
        self.pupil_token = ""
        self.postponed = False
        self.login_notice = notice
        return rx.redirect(routes.PORTAL_LOGIN)

    def _session_lost(self) -> rx.event.EventSpec:
        return self._to_login(texts.LOGIN_REQUIRED)

    @rx.event
    def load_login(self) -> None:
        """on_load of the login page: `?gebruikersnaam=` (a slip's QR code) fills in the name."""
        params = self.router.url.query_parameters
        name = params.get("gebruikersnaam", "") if hasattr(params, "get") else ""
        self.prefill_username = name.strip()[:50] if isinstance(name, str) else ""
        self.login_error = ""

    @rx.event
    async def log_in(self, form_data: dict) -> rx.event.EventSpec | None:
        """Check the slip's credentials (argon2 off the event loop) and start a pupil session."""
        username = text_field(form_data, "username", MAX_USERNAME_CHARS)
        password = text_field(form_data, "password", MAX_PASSWORD_CHARS)
        if username is None or password is None:
            self.login_error = pupil_auth.MSG_LOGIN_FAILED
            return None
        self.logging_in = True
        try:
            client = pupil_auth.client_of(
                username, self.pupil_device, self.router.session.client_ip
            )
            token, error, device, required = await run_blocking(
                _authenticate, username, password, client
            )
        finally:
            self.logging_in = False
        if token is None:
            self.login_error = error or pupil_auth.MSG_LOGIN_FAILED
            return None
        self.pupil_token = token
        self.pupil_device = device or ""
        self.postponed = False
        self.login_error = ""
        self.login_notice = ""
        return rx.redirect(routes.PORTAL_CHOOSE_PASSWORD if required else routes.PORTAL_ACCOUNT)

    @rx.event
    @off_loop
    def log_out(self) -> rx.event.EventSpec:
        """End the pupil's session on the server, then forget it in the browser."""
        with Session(get_engine()) as session:
            pupil_auth.end_session(session, self.pupil_token or None)
            session.commit()
        return self._to_login(texts.LOGGED_OUT)


def _authenticate(
    username: str, password: str, client: Client
) -> tuple[str | None, str | None, str | None, bool]:
    """Runs in a worker thread: verify, then start a session; commits throttle and audit rows.

    Returns:
        The session token, the Dutch error, the device cookie, and whether the pupil must
        choose a password before anything else.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        result = pupil_auth.authenticate(session, username, password, client=client)
        token, required = None, False
        if result.ok and result.subject_id is not None:
            token = pupil_auth.start_session(session, result.subject_id)
            context = pupil_auth.resolve_session(session, token)
            if context is not None:
                required = pupil_account.my_leerid(session, context).must_change.required
        session.commit()
    return token, result.error, result.device_cookie, required
