"""The pupil detail page and `Pas aanmeldgegevens aan` for one pupil."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx
from sqlmodel import Session

from leerid_app import routes, texts
from leerid_app.models import AccountType, Pupil
from leerid_app.services import accounts, audit, clock, passwords, pupils
from leerid_app.services.accounts import Actor, CredentialChange
from leerid_app.services.audit import AuditAction
from leerid_app.services.credentials import IssuedCredential
from leerid_app.services.dates import dutch_date, dutch_datetime
from leerid_app.services.errors import DomainError, InvalidUsername
from leerid_app.services.exports import export_filename
from leerid_app.services.exports.slips_pdf import build_slips_pdf
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.scope import AdminContext
from leerid_app.state.auth import AuthState
from leerid_app.state.guard import NotLoggedIn, run_for_pupil


@dataclasses.dataclass
class PupilView:
    """Everything the detail page shows, formatted in Dutch."""

    id: int = 0
    first_name: str = ""
    last_name: str = ""
    stamnummer: str = ""
    administrative_group: str = ""
    has_official_data: bool = False
    official_first_name: str = ""
    official_last_name: str = ""
    gender: str = ""
    birth_date: str = ""
    has_account: bool = False
    account_title: str = ""
    status: str = ""
    status_line: str = ""
    username: str = ""
    password_type: str = ""
    must_choose_password: bool = False
    masked_email: str = ""
    created: str = ""
    last_login: str = ""
    is_advanced: bool = False


def pupil_view(detail: pupils.PupilDetail, today: date) -> PupilView:
    """The detail of a pupil as the page shows it."""
    pupil, account = detail.pupil, detail.account
    assert pupil.id is not None
    end = dutch_date(pupil.enrollment_end)
    view = PupilView(
        id=pupil.id,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        stamnummer=pupil.stamnummer,
        administrative_group=pupil.administrative_group,
        has_official_data=detail.has_official_data,
        official_first_name=pupil.official_first_name or "",
        official_last_name=pupil.official_last_name or "",
        gender=pupil.gender or "",
        birth_date=dutch_date(pupil.birth_date),
        status=detail.status.value,
    )
    if account is None:
        return view
    view.has_account = True
    view.account_title = texts.ACCOUNT_CARD_TITLES[account.account_type.value]
    view.status_line = (
        texts.WILL_BECOME_INACTIVE.format(date=end)
        if pupil.enrollment_end >= today
        else texts.BECAME_INACTIVE.format(date=end)
    )
    view.username = account.username
    view.password_type = texts.PASSWORD_TYPE_LABELS[account.password_type.value]
    view.must_choose_password = detail.must_choose_password
    view.masked_email = accounts.mask_email(account.email) if account.email else ""
    view.created = dutch_date(account.created_at)
    view.last_login = (
        dutch_datetime(account.last_login_at) if account.last_login_at else texts.NEVER_LOGGED_IN
    )
    view.is_advanced = account.account_type is AccountType.GEVORDERD
    return view


def _actor(context: AdminContext) -> Actor:
    return Actor(administrator_id=context.administrator_id, username=context.username)


def _slip_download(
    session: Session, context: AdminContext, credential: IssuedCredential
) -> rx.event.EventSpec:
    """The one-pupil PDF slip, built in memory; the download is audited."""
    pdf = build_slips_pdf([credential], school_name=context.school_name)
    audit.record_event(
        session,
        action=AuditAction.SLIPS_DOWNLOADED,
        actor_administrator_id=context.administrator_id,
        actor_username=context.username,
        school_id=context.school_id,
        pupil_id=credential.pupil_id,
        details={"count": 1},
    )
    filename = export_filename(
        f"LeerID-{credential.stamnummer}", context.school_name, clock.today(), "pdf"
    )
    return rx.download(data=pdf, filename=filename, mime_type="application/pdf")


class PupilDetailState(AuthState):
    """The pupil shown on the detail page, and the flash message after saving."""

    pupil: PupilView = PupilView()
    flash: str = ""
    not_found: bool = False

    def _pupil_id_from_route(self) -> object:
        raw = self.router.url.path.strip("/").split("/")
        # /leerling/<id>[/aanpassen]; anything else is not a pupil id.
        if len(raw) >= 2 and raw[0] == "leerling" and raw[1].isascii() and raw[1].isdigit():
            return int(raw[1])
        return raw[1] if len(raw) >= 2 else None

    def _load_view(self, pupil_id: object) -> PupilView | None:
        today = clock.today()

        def work(session: Session, context: AdminContext, pupil: Pupil) -> PupilView:
            self._apply_context(context)
            assert pupil.id is not None
            detail = pupils.get_pupil_detail(
                session, school_id=context.school_id, pupil_id=pupil.id, today=today
            )
            return pupil_view(detail, today)

        try:
            return run_for_pupil(self.session_token or None, pupil_id, work, read_only=True)
        except DomainError as error:
            self.page_error = error.message
            return None

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        """on_load: the pupil of the URL, only within the administrator's school."""
        self.page_error = ""
        try:
            view = self._load_view(self._pupil_id_from_route())
        except NotLoggedIn:
            return self._session_lost()
        if view is None or view.id != self.pupil.id:
            self.flash = ""  # the message belonged to another pupil
        self.not_found = view is None
        self.pupil = view or PupilView()
        return None

    @rx.event
    def activate(self) -> rx.event.EventSpec | None:
        """`Activeer LeerID` for a pupil with `Geen account`; the slip downloads at once."""
        pupil_id = self.pupil.id
        self.flash = ""

        def work(session: Session, context: AdminContext, pupil: Pupil) -> rx.event.EventSpec:
            credential = accounts.activate_account(
                session,
                school_id=context.school_id,
                pupil_id=pupil_id,
                actor=_actor(context),
                hashing=get_password_hashing(),
            )
            return _slip_download(session, context, credential)

        try:
            download = run_for_pupil(self.session_token or None, pupil_id, work)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.page_error = error.message
            return None
        self.flash = texts.ACCOUNT_ACTIVATED
        view = self._load_view(pupil_id)
        self.pupil = view or PupilView()
        return download

    @rx.event
    def clear_flash(self) -> None:
        """Hide the success message."""
        self.flash = ""


class EditCredentialsState(PupilDetailState):
    """`LeerID aanmeldgegevens`: the typed username, a generated password, e-mail removal."""

    username_input: str = ""
    username_error: str = ""
    # Shown on screen as the manual does; dropped as soon as the page is left or saved.
    new_password: str = ""
    remove_email_pending: bool = False
    saving: bool = False

    def _reset_form(self) -> None:
        self.username_input = self.pupil.username
        self.username_error = ""
        self.new_password = ""
        self.remove_email_pending = False

    @rx.event
    def load_edit(self) -> rx.event.EventSpec | None:
        """on_load of the edit page."""
        self.page_error = ""
        try:
            view = self._load_view(self._pupil_id_from_route())
        except NotLoggedIn:
            return self._session_lost()
        self.not_found = view is None
        self.pupil = view or PupilView()
        self._reset_form()
        if view is not None and not view.has_account:
            return rx.redirect(routes.pupil_detail(view.id))
        return None

    @rx.event
    def discard(self) -> None:
        """Leaving the edit page forgets a generated, unsaved password (on_load elsewhere)."""
        self.new_password = ""
        self.remove_email_pending = False

    @rx.event
    def set_username_input(self, value: str) -> None:
        """The username field; validated on the server when saving."""
        self.username_input = value[:200] if isinstance(value, str) else ""
        self.username_error = ""

    @rx.event
    def generate_password(self) -> None:
        """`genereer nieuw wachtwoord`: each click shows another one; nothing is saved yet."""
        if not self.pupil.has_account or (
            self.pupil.masked_email and not self.remove_email_pending
        ):
            self.page_error = accounts.MSG_EMAIL_LINKED if self.pupil.masked_email else ""
            return
        account_type = AccountType.GEVORDERD if self.pupil.is_advanced else AccountType.BASIS
        self.new_password = passwords.generate_password(account_type)

    @rx.event
    def confirm_remove_email(self) -> None:
        """After the confirmation dialog: the e-mail goes at saving, with a new password now."""
        if not (self.pupil.is_advanced and self.pupil.masked_email):
            return
        self.remove_email_pending = True
        self.new_password = passwords.generate_password(AccountType.GEVORDERD)

    @rx.event
    def cancel(self) -> rx.event.EventSpec:
        """`Annuleer`: forget everything typed or generated."""
        pupil_id = self.pupil.id
        self._reset_form()
        self.new_password = ""
        return (
            rx.redirect(routes.pupil_detail(pupil_id)) if pupil_id else rx.redirect(routes.PUPILS)
        )

    @rx.event
    def save(self) -> list[rx.event.EventSpec] | rx.event.EventSpec | None:
        """`Bewaren en afdrukken`: one transaction; a new password also downloads the slip."""
        pupil_id = self.pupil.id
        change = CredentialChange(
            username=self.username_input if self.username_input != self.pupil.username else None,
            new_password=self.new_password or None,
            remove_email=self.remove_email_pending,
        )

        def work(
            session: Session, context: AdminContext, pupil: Pupil
        ) -> rx.event.EventSpec | None:
            result = accounts.change_credentials(
                session,
                school_id=context.school_id,
                pupil_id=pupil_id,
                change=change,
                actor=_actor(context),
                hashing=get_password_hashing(),
            )
            if result.credential is None:
                return None
            return _slip_download(session, context, result.credential)

        try:
            download = run_for_pupil(self.session_token or None, pupil_id, work)
        except NotLoggedIn:
            return self._session_lost()
        except InvalidUsername as error:
            self.username_error = error.message
            return None
        except DomainError as error:
            self.page_error = error.message
            return None
        self.new_password = ""
        self.remove_email_pending = False
        self.page_error = ""
        self.flash = texts.SAVED
        self.pupil = self._load_view(pupil_id) or PupilView()  # no old data under the message
        events = [rx.redirect(routes.pupil_detail(pupil_id))]
        return [download, *events] if download else events
