"""`Mijn LeerID` and `Kies je eigen wachtwoord`: the logged-in pupil's own account."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from leerid_app import routes
from leerid_app import texts as console_texts
from leerid_app.db import get_engine
from leerid_app.portal import texts
from leerid_app.portal.state.portal import (
    MAX_PASSWORD_CHARS,
    MustChooseFirst,
    PortalState,
    PupilNotLoggedIn,
    text_field,
)
from leerid_app.services import mail, pupil_account, pupil_links
from leerid_app.services.dates import dutch_datetime
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.pupil_account import MyLeerID
from leerid_app.services.pupil_auth import PupilContext
from leerid_app.state.off_loop import off_loop, run_blocking

T = TypeVar("T")
MAX_EMAIL_CHARS = 254


class AccountState(PortalState):
    """What `Mijn LeerID` shows, and the forms on it."""

    full_name: str = ""
    school_name: str = ""
    username: str = ""
    account_type_label: str = ""
    password_type_label: str = ""
    last_login: str = ""
    masked_email: str = ""
    is_advanced: bool = False
    must_choose: bool = False
    may_postpone: bool = False
    days_left_text: str = ""

    page_error: str = ""
    page_notice: str = ""
    password_error: str = ""
    email_error: str = ""
    busy: bool = False

    def _show(self, view: MyLeerID) -> None:
        self.full_name = f"{view.first_name} {view.last_name}"
        self.school_name = view.school_name
        self.username = view.username
        self.account_type_label = texts.ACCOUNT_TYPE_LABELS[view.account_type.value]
        self.password_type_label = console_texts.PASSWORD_TYPE_LABELS[view.password_type.value]
        self.last_login = dutch_datetime(view.last_login_at)
        self.masked_email = view.masked_email
        self.is_advanced = view.account_type.value == "gevorderd"
        self.must_choose = view.must_change.required
        self.may_postpone = view.must_change.may_postpone
        days = view.must_change.days_left
        self.days_left_text = (
            texts.DAY_LEFT if days == 1 else texts.DAYS_LEFT.format(days=days) if days else ""
        )

    def _guarded(
        self, work: Callable[[Session, PupilContext], T], *, choosing: bool = False
    ) -> T | rx.event.EventSpec:
        try:
            return self._as_pupil(work, choosing=choosing)
        except PupilNotLoggedIn:
            return self._session_lost()
        except MustChooseFirst:
            return rx.redirect(routes.PORTAL_CHOOSE_PASSWORD)

    async def _guarded_off_loop(
        self, work: Callable[[Session, PupilContext], T], *, choosing: bool = False
    ) -> T | rx.event.EventSpec:
        """The same from an async handler: on a handler thread (the work may hash)."""
        return await run_blocking(self._guarded, work, choosing=choosing)

    @rx.event
    @off_loop
    def load_account(self) -> rx.event.EventSpec | None:
        """on_load of `Mijn LeerID`: the pupil's account, or off to login / choosing first."""
        result = self._guarded(lambda session, context: pupil_account.my_leerid(session, context))
        if not isinstance(result, MyLeerID):
            return result
        self._show(result)
        self.page_error = ""
        self.password_error = ""
        self.email_error = ""
        return None

    @rx.event
    @off_loop
    def load_choose(self) -> rx.event.EventSpec | None:
        """on_load of `Kies je eigen wachtwoord`: only while the pupil must choose."""
        result = self._guarded(
            lambda session, context: pupil_account.my_leerid(session, context), choosing=True
        )
        if not isinstance(result, MyLeerID):
            return result
        self._show(result)
        self.password_error = ""
        if not result.must_change.required:
            return rx.redirect(routes.PORTAL_ACCOUNT)
        return None

    @rx.event
    @off_loop
    def postpone(self) -> rx.event.EventSpec | None:
        """`Later wijzigen`: allowed within the month after the password was issued."""
        try:
            result = self._guarded(
                lambda session, context: pupil_account.postpone_allowed(session, context),
                choosing=True,
            )
        except DomainError as error:
            self.password_error = error.message
            return None
        if isinstance(result, rx.event.EventSpec):
            return result
        self.postponed = True
        return rx.redirect(routes.PORTAL_ACCOUNT)

    async def _save_password(
        self, work: Callable[[Session, PupilContext], object], *, choosing: bool, notice: str
    ) -> rx.event.EventSpec | None:
        """Run password work off the loop; the Dutch reason on the form when refused."""
        self.busy = True
        try:
            result = await self._guarded_off_loop(work, choosing=choosing)
        except DomainError as error:
            self.password_error = error.message
            return None
        finally:
            self.busy = False
        if isinstance(result, rx.event.EventSpec):
            return result
        self.password_error = ""
        self.page_notice = notice
        if choosing:
            self.postponed = False
            return rx.redirect(routes.PORTAL_ACCOUNT)
        return rx.call_script("document.getElementById('change-password-form')?.reset()")

    @rx.event
    async def choose_password(self, form_data: dict) -> rx.event.EventSpec | None:
        """Save the pupil's own password in place of the generated one."""
        new = text_field(form_data, "new_password", MAX_PASSWORD_CHARS)
        repeat = text_field(form_data, "repeat_password", MAX_PASSWORD_CHARS)
        hashing = get_password_hashing()
        return await self._save_password(
            lambda session, context: pupil_account.choose_password(
                session, context, new, repeat, hashing=hashing
            ),
            choosing=True,
            notice=texts.PASSWORD_CHOSEN,
        )

    @rx.event
    async def change_password(self, form_data: dict) -> rx.event.EventSpec | None:
        """Current password + new one twice; the pupil's other sessions end."""
        current = text_field(form_data, "current_password", MAX_PASSWORD_CHARS)
        new = text_field(form_data, "new_password", MAX_PASSWORD_CHARS)
        repeat = text_field(form_data, "repeat_password", MAX_PASSWORD_CHARS)
        hashing = get_password_hashing()
        return await self._save_password(
            lambda session, context: pupil_account.change_password(
                session, context, current, new, repeat, hashing=hashing
            ),
            choosing=False,
            notice=texts.PASSWORD_CHANGED,
        )

    @rx.event
    async def request_email(self, form_data: dict) -> rx.event.EventSpec | None:
        """Mail a confirmation link to the typed address; linked only once it is clicked."""
        address = text_field(form_data, "email", MAX_EMAIL_CHARS)
        try:
            result = await self._guarded_off_loop(
                lambda session, context: pupil_links.request_email_link(session, context, address)
            )
        except DomainError as error:
            self.email_error = error.message
            return None
        if not isinstance(result, mail.Mail):
            return result
        await run_blocking(mail.deliver, result, engine=get_engine())
        self.email_error = ""
        self.page_notice = texts.EMAIL_SENT.format(email=result.to)
        return None

    @rx.event
    @off_loop
    def remove_email(self) -> rx.event.EventSpec | None:
        """Unlink the e-mail address."""
        try:
            result = self._guarded(
                lambda session, context: pupil_links.remove_email(session, context)
            )
        except DomainError as error:
            self.email_error = error.message
            return None
        if isinstance(result, rx.event.EventSpec):
            return result
        self.email_error = ""
        self.page_notice = texts.EMAIL_REMOVED
        return AccountState.load_account
