"""The logged-in administrator: login, logout, the current school and the session check."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from leerid_app import routes, texts
from leerid_app.db import get_engine
from leerid_app.services import auth
from leerid_app.services.errors import DomainError
from leerid_app.services.identity.throttle import Client
from leerid_app.services.scope import AdminContext
from leerid_app.settings import get_settings
from leerid_app.state.at_rest import SealedAtRest
from leerid_app.state.focus import PAGE_HEADING_ID, focus_when_shown
from leerid_app.state.guard import NotLoggedIn, log, refuse_argument, run_as_admin
from leerid_app.state.off_loop import off_loop, run_blocking

T = TypeVar("T")
# Served over https: the cookies go over https only.
_HTTPS = get_settings().public_url.startswith("https://")


@dataclasses.dataclass
class SchoolOption:
    """A school in the `Wijzig instelling` menu."""

    id: int
    name: str


class AuthState(SealedAtRest, rx.State):
    """Session token (cookie), who is logged in, and the current school."""

    # Only a random token lives in the browser; the session itself is in the database.
    session_token: str = rx.Cookie(
        "", name="leerid_session", same_site="strict", path="/", secure=_HTTPS
    )
    # Proof that this browser logged in before: its failures do not count against the name
    # as a whole, so someone else's guessing cannot lock the owner out (identity/throttle.py).
    device_cookie: str = rx.Cookie(
        "",
        name="leerid_device",
        same_site="strict",
        path="/",
        max_age=180 * 24 * 3600,
        secure=_HTTPS,
    )

    admin_name: str = ""
    school_name: str = ""
    schools: list[SchoolOption] = []
    login_error: str = ""
    login_notice: str = ""
    page_error: str = ""
    logging_in: bool = False

    # Whose data this tab's state holds: session and school (see state/session_gate.py).
    _gate_token: str = ""
    # Set by the first event the server sees of this tab; a fresh state that is not asked to
    # hydrate first was lost by the server (session_gate.py).
    _tab_known: bool = False

    def _auth_state(self) -> AuthState:
        root = self._get_root_state()
        state = root.get_substate(AuthState.get_full_name().split("."))
        assert isinstance(state, AuthState)
        return state

    def _apply_context(self, context: AdminContext) -> None:
        self.admin_name = context.display_name
        self.school_name = context.school_name
        self.schools = [SchoolOption(id=s.id, name=s.name) for s in context.schools]

    def _forget_login(self, notice: str) -> rx.event.EventSpec:
        forget_pupil_data(self._auth_state())
        self.session_token = ""
        self.login_notice = notice
        return rx.redirect(routes.LOGIN)

    def _as_admin(
        self, work: Callable[[Session, AdminContext], T], *, read_only: bool = False
    ) -> T:
        """Run work for the logged-in administrator; see guard.run_as_admin."""
        return run_as_admin(self.session_token or None, work, read_only=read_only)

    def _show(self, query) -> rx.event.EventSpec | None:
        """Run a read-only query that fills this page's vars; off to login without a session."""
        try:
            self._as_admin(query, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        return None

    def _refuse(self, argument: object) -> rx.event.EventSpec | None:
        """Refuse a malformed argument the way every handler does: audited, Dutch message."""
        try:
            refuse_argument(self.session_token or None, argument)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.page_error = error.message
        return None

    def _check_session(self) -> rx.event.EventSpec | None:
        """Off to the login page when the session is gone (handlers with nothing to act on)."""
        try:
            self._as_admin(lambda _session, context: context, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        return None

    def _session_lost(self) -> rx.event.EventSpec:
        had_token = bool(self.session_token)
        notice = texts.SESSION_EXPIRED if had_token else texts.LOGIN_REQUIRED
        if self.login_notice == texts.STATE_LOST:
            notice = texts.STATE_LOST  # the session gate saw the server lose this tab's state
        return self._forget_login(notice)

    @rx.event
    def clear_page_error(self) -> None:
        """on_load of every page: a refusal belongs to the page that caused it."""
        self.page_error = ""

    @rx.event
    async def log_in(self, form_data: dict) -> rx.event.EventSpec | None:
        """Check the credentials (argon2 off the event loop) and start a server-side session."""
        username = form_data.get("username") if isinstance(form_data, dict) else None
        password = form_data.get("password") if isinstance(form_data, dict) else None
        if not isinstance(username, str) or not isinstance(password, str):
            self.login_error = texts.LOGIN_FAILED
            return None
        self.logging_in = True
        try:
            client = auth.client_of(username, self.device_cookie, self.router.session.client_ip)
            token, error, device = await run_blocking(_authenticate, username, password, client)
        finally:
            self.logging_in = False
        if token is None:
            self.login_error = error or texts.LOGIN_FAILED
            return None
        self.session_token = token
        self.device_cookie = device or ""
        self.login_error = ""
        self.login_notice = ""
        return rx.redirect(routes.PUPILS)

    @rx.event
    @off_loop
    def log_out(self) -> rx.event.EventSpec:
        """End the session on the server, then forget it in the browser."""
        token = self.session_token
        with Session(get_engine()) as session:
            auth.end_session(session, token or None)
            session.commit()
        return self._forget_login(texts.LOGGED_OUT)

    @rx.event
    @off_loop
    def switch_school(self, school_id: int) -> list[rx.event.EventSpec] | rx.event.EventSpec | None:
        """`Wijzig instelling`: only to a school this administrator administers."""
        token = self.session_token or None
        try:
            self._as_admin(lambda _session, context: context)  # a dead session goes to login
            with Session(get_engine()) as session:
                try:
                    context = auth.switch_school(session, token, school_id)
                finally:
                    session.commit()  # keeps the audit of a refused switch
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.page_error = error.message
            return None
        self._apply_context(context)
        self.page_error = ""
        # Usually on the list already, so no page change moves focus: do it here.
        return [rx.redirect(routes.PUPILS), focus_when_shown(PAGE_HEADING_ID)]


def forget_pupil_data(auth_state: AuthState) -> None:
    """Reset every page's state (pupil rows, selections, plans, passwords) and who is logged in.

    Only the cookies stay: the session token is the caller's business, and the device cookie
    keeps this browser trusted by the login throttle.
    """
    for substate in auth_state.substates.values():
        # Work kept outside the state for it (a plan's hashes) goes with it.
        release = getattr(substate, "_release", None)
        if callable(release):
            release()
        substate.reset()
    auth_state.admin_name = ""
    auth_state.school_name = ""
    auth_state.schools = []
    auth_state.page_error = ""
    auth_state._gate_token = ""


def _authenticate(
    username: str, password: str, client: Client
) -> tuple[str | None, str | None, str | None]:
    """Runs in a worker thread: verify, then start a session; commits throttle and audit rows.

    Returns:
        The session token, the Dutch error, and the device cookie after a success.
    """
    with Session(get_engine()) as session:
        result = auth.authenticate(session, username, password, client=client)
        token = None
        if result.ok and result.subject_id is not None:
            token = auth.start_session(session, result.subject_id)
        session.commit()
    if token is None:
        log.info("failed administrator login")
    return token, result.error, result.device_cookie
