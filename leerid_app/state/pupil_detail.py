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
from leerid_app.services.exports import process as export_process
from leerid_app.services.exports.slips_pdf import build_slips_pdf
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.scope import AdminContext
from leerid_app.services.versions import StaleAccount
from leerid_app.state.auth import AuthState
from leerid_app.state.focus import FLASH_ID, focus_when_shown
from leerid_app.state.guard import NotLoggedIn, run_for_pupil
from leerid_app.state.off_loop import off_loop, run_blocking


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
    version: int = 0
    can_activate: bool = False


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
        if detail.status is pupils.AccountStatus.INACTIEF:
            view.status_line = texts.ENROLLMENT_ENDED.format(date=end)
        view.can_activate = detail.status is pupils.AccountStatus.GEEN_ACCOUNT
        return view
    view.has_account = True
    view.account_title = texts.ACCOUNT_CARD_TITLES[account.account_type.value]
    view.status_line = (
        texts.WILL_BECOME_INACTIVE.format(date=end)
        if detail.status is not pupils.AccountStatus.INACTIEF
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
    view.version = account.version
    return view


def _actor(context: AdminContext) -> Actor:
    return Actor(administrator_id=context.administrator_id, username=context.username)


def _audit_slip(session: Session, context: AdminContext, credential: IssuedCredential) -> str:
    """Audit the one-pupil slip download (in the change's transaction); the school's name."""
    audit.record_event(
        session,
        action=AuditAction.SLIPS_DOWNLOADED,
        actor_administrator_id=context.administrator_id,
        actor_username=context.username,
        school_id=context.school_id,
        pupil_id=credential.pupil_id,
        details={"count": 1},
    )
    return context.school_name


async def _slip_download(credential: IssuedCredential, school_name: str) -> rx.event.EventSpec:
    """The one-pupil PDF slip, built in memory in the download process."""
    pdf = await export_process.build(build_slips_pdf, [credential], school_name=school_name)
    filename = export_filename(f"LeerID-{credential.stamnummer}", school_name, clock.today(), "pdf")
    return rx.download(data=pdf, filename=filename, mime_type="application/pdf")


class PupilDetailState(AuthState):
    """The pupil shown on the detail page, and the flash message after saving."""

    pupil: PupilView = PupilView()
    flash: str = ""
    not_found: bool = False

    @rx.var
    def pupil_name(self) -> str:
        """`Voornaam Naam` of the pupil shown."""
        return f"{self.pupil.first_name} {self.pupil.last_name}".strip()

    @rx.var
    def detail_title(self) -> str:
        """The browser tab's title: whose detail this is."""
        return texts.page_title(self.pupil_name or texts.PUPIL)

    @rx.var
    def edit_title(self) -> str:
        """The browser tab's title on the edit page."""
        return texts.page_title(
            f"{texts.EDIT_CREDENTIALS}: {self.pupil_name}"
            if self.pupil_name
            else texts.EDIT_CREDENTIALS
        )

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
    @off_loop
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
        if view is not None and view.can_activate:
            export_process.start()  # `Activeer LeerID` downloads a slip
        return None

    @rx.event
    async def activate(self) -> rx.event.EventSpec | None:
        """`Activeer LeerID` for a pupil with `Geen account`; the slip downloads at once.

        Hashing and the PDF run in worker threads: other administrators' clicks go on.
        """
        pupil_id = self.pupil.id
        self.flash = ""

        def work(
            session: Session, context: AdminContext, pupil: Pupil
        ) -> tuple[IssuedCredential, str]:
            credential = accounts.activate_account(
                session,
                school_id=context.school_id,
                pupil_id=pupil_id,
                actor=_actor(context),
                hashing=get_password_hashing(),
            )
            return credential, _audit_slip(session, context, credential)

        try:
            token = self.session_token or None
            credential, school_name = await run_blocking(run_for_pupil, token, pupil_id, work)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            if error.message == accounts.MSG_ALREADY_ACTIVE:
                # Activated by someone else meanwhile: show the LeerID they got.
                self.pupil = await run_blocking(self._load_view, pupil_id) or PupilView()
            self.page_error = error.message
            return None
        download = await _slip_download(credential, school_name)
        self.flash = texts.ACCOUNT_ACTIVATED
        view = await run_blocking(self._load_view, pupil_id)
        self.pupil = view or PupilView()
        # The activation button is replaced by the account card: focus the message instead.
        return [download, focus_when_shown(FLASH_ID)]


class EditCredentialsState(PupilDetailState):
    """`LeerID aanmeldgegevens`: the typed username, a generated password, e-mail removal."""

    username_input: str = ""
    username_error: str = ""
    # Shown on screen as the manual does; dropped as soon as the page is left or saved.
    new_password: str = ""
    remove_email_pending: bool = False
    saving: bool = False
    # The account's version when the form was shown: a save is refused if it changed since.
    _seen_version: int = 0

    def _reset_form(self) -> None:
        self.username_input = self.pupil.username
        self.username_error = ""
        self.new_password = ""
        self.remove_email_pending = False

    @rx.var
    def can_generate_password(self) -> bool:
        """`genereer nieuw wachtwoord` is allowed (accounts.new_password_allowed)."""
        return self.pupil.has_account and accounts.new_password_allowed(
            email_linked=bool(self.pupil.masked_email), removing_email=self.remove_email_pending
        )

    @rx.event
    @off_loop
    def load_edit(self) -> rx.event.EventSpec | None:
        """on_load of the edit page."""
        self.page_error = ""
        try:
            view = self._load_view(self._pupil_id_from_route())
        except NotLoggedIn:
            return self._session_lost()
        self.not_found = view is None
        self.pupil = view or PupilView()
        self._seen_version = self.pupil.version
        self._reset_form()
        export_process.start()  # a new password downloads a slip
        if view is not None and not view.has_account:
            return rx.redirect(routes.pupil_detail(view.id))
        return None

    @rx.event
    def discard(self) -> None:
        """Leaving the edit page forgets a generated, unsaved password (on_load elsewhere)."""
        self.new_password = ""
        self.remove_email_pending = False

    @rx.event
    @off_loop
    def set_username_input(self, value: str) -> rx.event.EventSpec | None:
        """The username field; validated on the server when saving."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.username_input = value[:200]
        self.username_error = ""
        return None

    @rx.event
    def generate_password(self) -> None:
        """`genereer nieuw wachtwoord`: each click shows another one; nothing is saved yet."""
        if not self.can_generate_password:
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

    def _show_current_keeping_form(self, pupil_id: int) -> None:
        """After a lost race: the LeerID as it is now under the form the administrator filled.

        The typed username stays; the generated password too, unless the account changed so
        that it no longer fits (an e-mail linked meanwhile). The next save compares with this.
        """
        view = self._load_view(pupil_id) or PupilView()
        self.pupil = view
        self._seen_version = view.version
        if not view.has_account or (view.masked_email and not self.remove_email_pending):
            self.new_password = ""
        if not view.masked_email:
            self.remove_email_pending = False

    @rx.event
    async def save(self) -> list[rx.event.EventSpec] | rx.event.EventSpec | None:
        """`Bewaren en afdrukken`: one transaction; a new password also downloads the slip.

        Hashing and the PDF run in worker threads: other administrators' clicks go on.
        """
        pupil_id, seen_version = self.pupil.id, self._seen_version
        change = CredentialChange(
            username=self.username_input if self.username_input != self.pupil.username else None,
            new_password=self.new_password or None,
            remove_email=self.remove_email_pending,
        )

        def work(
            session: Session, context: AdminContext, pupil: Pupil
        ) -> tuple[IssuedCredential | None, str]:
            result = accounts.change_credentials(
                session,
                school_id=context.school_id,
                pupil_id=pupil_id,
                change=change,
                seen_version=seen_version,
                actor=_actor(context),
                hashing=get_password_hashing(),
            )
            if result.credential is None:
                return None, context.school_name
            return result.credential, _audit_slip(session, context, result.credential)

        try:
            token = self.session_token or None
            credential, school_name = await run_blocking(run_for_pupil, token, pupil_id, work)
        except NotLoggedIn:
            return self._session_lost()
        except InvalidUsername as error:
            self.username_error = error.message
            return None
        except StaleAccount as error:
            await run_blocking(self._show_current_keeping_form, pupil_id)
            self.page_error = error.message
            return None
        except DomainError as error:
            self.page_error = error.message
            return None
        download = await _slip_download(credential, school_name) if credential is not None else None
        self.new_password = ""
        self.remove_email_pending = False
        self.page_error = ""
        self.flash = texts.SAVED
        self.pupil = await run_blocking(self._load_view, pupil_id) or PupilView()  # no old data
        events = [rx.redirect(routes.pupil_detail(pupil_id))]
        return [download, *events] if download else events
