"""Pages reached without a session: `Wachtwoord vergeten?`, the mailed links, the demo outbox."""

from __future__ import annotations

import dataclasses
import re

import reflex as rx
from sqlmodel import Session

from leerid_app import routes
from leerid_app.db import get_engine
from leerid_app.portal import texts
from leerid_app.portal.state.portal import MAX_PASSWORD_CHARS, PortalState, text_field
from leerid_app.services import mail, pupil_links
from leerid_app.services.dates import dutch_datetime
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import get_password_hashing
from leerid_app.settings import get_settings
from leerid_app.state.off_loop import off_loop, run_blocking

MAX_TOKEN_CHARS = 128


def _query_token(state: rx.State) -> str:
    params = state.router.url.query_parameters
    token = params.get("token", "") if hasattr(params, "get") else ""
    return token if isinstance(token, str) and len(token) <= MAX_TOKEN_CHARS else ""


def _request_reset(identifier: str | None) -> None:
    """Runs in a worker thread: make the links, commit, then send the mails."""
    engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        mails = pupil_links.request_reset(session, identifier)
        session.commit()
    for message in mails:
        mail.deliver(message, engine=engine)


class ForgotState(PortalState):
    """`Wachtwoord vergeten?`: the same answer whatever matched."""

    answer: str = ""
    busy: bool = False

    @rx.event
    def load_forgot(self) -> None:
        """A fresh form."""
        self.answer = ""

    @rx.event
    async def request_reset(self, form_data: dict) -> None:
        """Mail a reset link when an advanced account with a linked e-mail matches."""
        identifier = text_field(form_data, "identifier", pupil_links.MAX_IDENTIFIER_CHARS)
        self.busy = True
        try:
            await run_blocking(_request_reset, identifier)
        finally:
            self.busy = False
        self.answer = pupil_links.MSG_RESET_ANSWER


class ResetState(PortalState):
    """Choosing a new password through a mailed reset link."""

    reset_username: str = ""
    link_error: str = ""
    reset_error: str = ""
    busy: bool = False
    _token: str = ""

    @rx.event
    @off_loop
    def load_reset(self) -> None:
        """Check the link from the URL; the token stays on the server for the form."""
        self._token = _query_token(self)
        self.reset_error = ""
        with Session(get_engine()) as session:
            try:
                self.reset_username = pupil_links.reset_link_username(session, self._token)
                self.link_error = ""
            except DomainError as error:
                self.reset_username = ""
                self.link_error = error.message

    @rx.event
    async def reset_password(self, form_data: dict) -> rx.event.EventSpec | None:
        """Save the new password; every session of the pupil ends."""
        new = text_field(form_data, "new_password", MAX_PASSWORD_CHARS)
        repeat = text_field(form_data, "repeat_password", MAX_PASSWORD_CHARS)
        token, hashing = self._token, get_password_hashing()

        def work() -> str:
            with Session(get_engine(), expire_on_commit=False) as session:
                username = pupil_links.reset_password(session, token, new, repeat, hashing=hashing)
                session.commit()
                return username

        self.busy = True
        try:
            username = await run_blocking(work)
        except DomainError as error:
            self.reset_error = error.message
            return None
        finally:
            self.busy = False
        self._token = ""
        self.reset_error = ""
        self.reset_username = ""
        self.pupil_token = ""
        self.postponed = False
        self.login_notice = texts.RESET_DONE
        self.prefill_username = username
        return rx.redirect(f"{routes.PORTAL_LOGIN}?gebruikersnaam={username}")


class ConfirmEmailState(PortalState):
    """The click on the confirmation link."""

    confirm_message: str = ""
    confirm_error: str = ""

    @rx.event
    @off_loop
    def confirm(self) -> None:
        """Link the address the token stands for; single use."""
        token = _query_token(self)
        self.confirm_message, self.confirm_error = "", ""
        with Session(get_engine()) as session:
            try:
                masked = pupil_links.confirm_email(session, token)
            except DomainError as error:
                self.confirm_error = error.message
                return
            session.commit()
        self.confirm_message = texts.CONFIRM_DONE.format(email=masked)


@dataclasses.dataclass
class OutboxRow:
    """One mail on `/demo/postvak`."""

    id: int
    sent_at: str
    recipient: str
    subject: str
    text: str
    link: str


def _first_link(text: str) -> str:
    found = _LINK.search(text)
    return found.group(0) if found else ""


_LINK = re.compile(r"https?://\S+")


class OutboxState(rx.State):
    """The demo outbox; empty and inert unless the app runs in demo mode."""

    mails: list[OutboxRow] = []

    @rx.event
    @off_loop
    def load_outbox(self) -> None:
        """The newest mails, only in demo mode."""
        if not get_settings().demo_mode:
            self.mails = []
            return
        with Session(get_engine()) as session:
            self.mails = [
                OutboxRow(
                    id=row.id,
                    sent_at=dutch_datetime(row.sent_at),
                    recipient=row.recipient,
                    subject=row.subject,
                    text=row.text,
                    link=_first_link(row.text),
                )
                for row in mail.outbox(session)
            ]
