"""Bulk renewal and activation: plan, hash in the background with progress, save, download."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

import reflex as rx
from sqlmodel import Session

from leerid_app import routes, texts
from leerid_app.models import AccountType
from leerid_app.services import audit, bulk, readiness
from leerid_app.services.accounts import Actor
from leerid_app.services.audit import AuditAction
from leerid_app.services.auth import AdminContext
from leerid_app.services.bulk import BulkPupil, PlannedPassword
from leerid_app.services.clock import school_today
from leerid_app.services.credentials import IssuedCredential
from leerid_app.services.dates import dutch_date
from leerid_app.services.errors import DomainError
from leerid_app.services.exports import export_filename
from leerid_app.services.exports.credentials_xlsx import build_credentials_xlsx
from leerid_app.services.exports.slips_pdf import LARGE, STANDARD, build_slips_pdf
from leerid_app.services.hashing import get_password_hashing
from leerid_app.settings import get_settings
from leerid_app.state.auth import AuthState
from leerid_app.state.guard import NotLoggedIn, log, run_as_admin
from leerid_app.state.pupils import PupilListState
from leerid_app.state.readiness import ReadinessState

RENEW, ACTIVATE = "renew", "activate"
FIX = "fix"  # Klaar voor de toets?: activations and renewals in one run
PLAN, RESULT = "plan", "result"
TABLE_PAGE_SIZE = 50  # keeps every state update small, also for a whole school
SKIPPED_NAMES_SHOWN = 20
TYPE_LABELS = {AccountType.BASIS: "Basis", AccountType.GEVORDERD: "Gevorderd"}
DOWNLOAD_TYPES = {
    AuditAction.SLIPS_DOWNLOADED: ("pdf", "application/pdf"),
    AuditAction.EXCEL_DOWNLOADED: (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@dataclasses.dataclass
class BulkRowView:
    """One row of a bulk table as the browser gets it."""

    pupil_id: int
    name_and_stamnummer: str
    username: str
    password: str = ""
    masked_email: str = ""
    account_type: str = ""
    included: bool = True


def _planned_row(item: PlannedPassword, excluded: set[int]) -> BulkRowView:
    pupil = item.pupil
    return BulkRowView(
        pupil_id=pupil.pupil_id,
        name_and_stamnummer=pupil.name_and_stamnummer,
        username=pupil.username,
        password=item.password,
        account_type=TYPE_LABELS.get(pupil.account_type, "") if pupil.account_type else "",
        included=pupil.pupil_id not in excluded,
    )


def _linked_row(pupil: BulkPupil) -> BulkRowView:
    return BulkRowView(
        pupil_id=pupil.pupil_id,
        name_and_stamnummer=pupil.name_and_stamnummer,
        username=pupil.username,
        masked_email=pupil.masked_email,
    )


def _issued_row(credential: IssuedCredential) -> BulkRowView:
    return BulkRowView(
        pupil_id=credential.pupil_id,
        name_and_stamnummer=f"{credential.full_name} ({credential.stamnummer})",
        username=credential.username,
        password=credential.password,
        account_type=TYPE_LABELS[credential.account_type],
    )


def _page_of(items: Sequence, page: int) -> tuple[Sequence, int, int]:
    page_count = max(1, -(-len(items) // TABLE_PAGE_SIZE))
    page = max(1, min(page, page_count))
    start = (page - 1) * TABLE_PAGE_SIZE
    return items[start : start + TABLE_PAGE_SIZE], page, page_count


class BulkState(AuthState):
    """The two tables before saving, the progress while hashing, the result and downloads."""

    mode: str = RENEW
    phase: str = PLAN
    running: bool = False
    progress_done: int = 0
    progress_total: int = 0
    error: str = ""
    large_slips: bool = False

    # The plan and the result stay on the server; the browser gets one page at a time.
    _planned: list[PlannedPassword] = []
    _email_linked: list[BulkPupil] = []
    _excluded: set[int] = set()
    _issued: list[IssuedCredential] = []
    _school_id: int | None = None

    planned_page: list[BulkRowView] = []
    planned_total: int = 0
    planned_included: int = 0
    planned_page_no: int = 1
    planned_page_count: int = 1
    linked_page: list[BulkRowView] = []
    linked_total: int = 0
    linked_page_no: int = 1
    linked_page_count: int = 1
    skipped_message: str = ""

    result_page: list[BulkRowView] = []
    result_total: int = 0
    result_page_no: int = 1
    result_page_count: int = 1
    result_heading: str = ""
    result_lines: list[str] = []

    def _clear(self) -> None:
        """Drop every plain-text password this state holds."""
        self._planned = []
        self._email_linked = []
        self._excluded = set()
        self._issued = []
        self._school_id = None
        self.planned_page = []
        self.linked_page = []
        self.result_page = []
        self.planned_total = self.planned_included = self.linked_total = self.result_total = 0
        self.result_heading = ""
        self.result_lines = []
        self.skipped_message = ""
        self.error = ""
        self.phase = PLAN

    def _show_planned(self, page: int) -> None:
        rows, self.planned_page_no, self.planned_page_count = _page_of(self._planned, page)
        self.planned_page = [_planned_row(item, self._excluded) for item in rows]
        self.planned_total = len(self._planned)
        self.planned_included = self.planned_total - len(self._excluded)

    def _show_linked(self, page: int) -> None:
        rows, self.linked_page_no, self.linked_page_count = _page_of(self._email_linked, page)
        self.linked_page = [_linked_row(pupil) for pupil in rows]
        self.linked_total = len(self._email_linked)

    def _show_result(self, page: int) -> None:
        rows, self.result_page_no, self.result_page_count = _page_of(self._issued, page)
        self.result_page = [_issued_row(credential) for credential in rows]
        self.result_total = len(self._issued)

    async def _prepare(self, mode: str) -> rx.event.EventSpec | None:
        if self.running or (self.phase == RESULT and self.mode == mode):
            # Back on the page during or right after a run: its passwords must still be shown.
            return None
        self._clear()
        self.mode = mode
        selection = (await self.get_state(PupilListState)).selected_ids()
        try:
            scope = (await self.get_state(ReadinessState)).fix_scope() if mode == FIX else None
        except DomainError as error:
            self.error = error.message
            return None

        def plan(session: Session, context: AdminContext):
            self._apply_context(context)
            self._school_id = context.school_id
            if scope is not None:
                targets = readiness.fix_targets(
                    session, school_id=context.school_id, scope=scope, today=school_today()
                )
                return bulk.plan_fix(
                    session,
                    school_id=context.school_id,
                    activate_ids=targets.activate,
                    renew_ids=targets.renew,
                )
            if mode == RENEW:
                return bulk.plan_renewal(session, school_id=context.school_id, pupil_ids=selection)
            return bulk.plan_activation(session, school_id=context.school_id, pupil_ids=selection)

        try:
            result = self._as_admin(plan, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.error = error.message
            return None
        if mode == FIX:
            self._planned, skipped = result.planned, []
        elif mode == RENEW:
            self._planned = result.renewable
            self._email_linked = result.email_linked
            skipped = result.without_account
        else:
            self._planned = result.to_activate
            skipped = result.already_active
        if skipped:
            # A whole school may be skipped: name the first few, count the rest (small updates).
            names = ", ".join(p.name_and_stamnummer for p in skipped[:SKIPPED_NAMES_SHOWN])
            if len(skipped) > SKIPPED_NAMES_SHOWN:
                names += texts.AND_MORE.format(count=len(skipped) - SKIPPED_NAMES_SHOWN)
            template = (
                texts.SKIPPED_WITHOUT_ACCOUNT if mode == RENEW else texts.SKIPPED_ALREADY_ACTIVE
            )
            self.skipped_message = template.format(names=names)
        self._show_planned(1)
        self._show_linked(1)
        if mode == FIX and not self._planned:
            self.error = texts.READINESS_NOTHING_TO_FIX
        elif mode != FIX and not selection:
            self.error = texts.NOTHING_SELECTED
        return None

    @rx.event
    async def prepare_renewal(self) -> rx.event.EventSpec | None:
        """on_load of `Bulk: genereer nieuw wachtwoord`: the selection split in two tables."""
        return await self._prepare(RENEW)

    @rx.event
    async def prepare_activation(self) -> rx.event.EventSpec | None:
        """on_load of the activation page: the selected pupils without a LeerID."""
        return await self._prepare(ACTIVATE)

    @rx.event
    async def prepare_fix(self) -> rx.event.EventSpec | None:
        """on_load of `Bulk: klaarzetten voor de toets`: activations and renewals together."""
        return await self._prepare(FIX)

    @rx.event
    def set_large_slips(self, checked: bool) -> None:
        """The dyslexia-friendly layout for the PDF download."""
        self.large_slips = checked is True

    @rx.event
    def toggle_included(self, pupil_id: int, checked: bool) -> None:
        """The check box that leaves one pupil out of the batch."""
        if self.phase != PLAN or self.running or type(pupil_id) is not int:
            return
        if pupil_id not in {item.pupil.pupil_id for item in self._planned}:
            return
        if checked is True:
            self._excluded.discard(pupil_id)
        else:
            self._excluded.add(pupil_id)
        self._show_planned(self.planned_page_no)

    @rx.event
    def planned_go_to(self, page: int) -> None:
        """Page through the first table."""
        if type(page) is int:
            self._show_planned(page)

    @rx.event
    def linked_go_to(self, page: int) -> None:
        """Page through the e-mail table."""
        if type(page) is int:
            self._show_linked(page)

    @rx.event
    def result_go_to(self, page: int) -> None:
        """Page through the result table."""
        if type(page) is int:
            self._show_result(page)

    @rx.event
    def discard(self) -> None:
        """Leaving the bulk pages forgets the passwords (on_load of every other page)."""
        if not self.running:
            self._clear()

    @rx.event
    def cancel(self) -> rx.event.EventSpec:
        """`Annuleren`: nothing is saved."""
        if not self.running:
            self._clear()
        return rx.redirect(routes.PUPILS)

    @rx.event(background=True)
    async def save(self):
        """`Bewaren en afdrukken`: hash on the pool with progress, then save all in one go."""
        async with self:
            if self.running or self.phase != PLAN:
                return
            items = [p for p in self._planned if p.pupil.pupil_id not in self._excluded]
            if not items:
                self.error = bulk.MSG_NOTHING_TO_DO
                return
            token, mode, school_id = self.session_token or None, self.mode, self._school_id
            self.running = True
            self.error = ""
            self.progress_done, self.progress_total = 0, len(items)

        async def report(done: int, total: int) -> None:
            async with self:
                self.progress_done = done

        try:
            issued = await self._hash_and_store(token, mode, school_id, items, report)
        except NotLoggedIn:
            async with self:
                self.running = False
                yield self._session_lost()
            return
        except DomainError as error:
            async with self:
                self.running = False
                self.error = error.message
            return
        except Exception:
            log.exception("bulk run failed")
            async with self:
                self.running = False
                self.error = texts.UNEXPECTED_ERROR
            return
        async with self:
            self._issued = issued
            self._planned, self._excluded, self.planned_page = [], set(), []
            self.result_heading, self.result_lines = result_summary(mode, issued)
            self._show_result(1)
            self.phase = RESULT
            self.running = False
            if mode != FIX:
                (await self.get_state(PupilListState)).forget_selection()

    async def _hash_and_store(
        self,
        token: str | None,
        mode: str,
        school_id: int | None,
        items: list[PlannedPassword],
        report,
    ) -> list[IssuedCredential]:
        # Check the session before the long part, and again (inside the transaction) after.
        await asyncio.to_thread(run_as_admin, token, _same_school(school_id))
        hashes = await bulk.hash_passwords(
            [item.password for item in items], hashing=get_password_hashing(), on_progress=report
        )
        save = {RENEW: bulk.save_renewal, ACTIVATE: bulk.save_activation, FIX: bulk.save_fix}[mode]

        def store(session: Session, context: AdminContext) -> list[IssuedCredential]:
            _same_school(school_id)(session, context)
            return save(
                session,
                school_id=context.school_id,
                planned=items,
                password_hashes=hashes,
                actor=Actor(context.administrator_id, context.username),
            )

        return await asyncio.to_thread(run_as_admin, token, store)

    async def _download(
        self, action: AuditAction, build: Callable[[list[IssuedCredential], str], bytes]
    ) -> rx.event.EventSpec | None:
        """Audit the download, then build the file off the event loop (3,000 slips: ~0.6 s)."""
        issued, school_id = self._issued, self._school_id
        if self.phase != RESULT or not issued:
            return None

        def record(session: Session, context: AdminContext) -> str:
            _same_school(school_id)(session, context)
            audit.record_event(
                session,
                action=action,
                actor_administrator_id=context.administrator_id,
                actor_username=context.username,
                school_id=context.school_id,
                details={"count": len(issued)},
            )
            return context.school_name

        try:
            school_name = self._as_admin(record)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.error = error.message
            return None
        data = await asyncio.to_thread(build, issued, school_name)
        extension, mime_type = DOWNLOAD_TYPES[action]
        name = export_filename("LeerID", school_name, date.today(), extension)
        return rx.download(data=data, filename=name, mime_type=mime_type)

    @rx.event
    async def download_pdf(self) -> rx.event.EventSpec | None:
        """The slips of the result, built in memory; audited."""
        layout = LARGE if self.large_slips else STANDARD
        portal_url = get_settings().portal_base_url
        printed_on = dutch_date(school_today())
        return await self._download(
            AuditAction.SLIPS_DOWNLOADED,
            lambda issued, school_name: build_slips_pdf(
                issued,
                school_name=school_name,
                layout=layout,
                group_covers=True,
                portal_url=portal_url,
                printed_on=printed_on,
            ),
        )

    @rx.event
    async def download_excel(self) -> rx.event.EventSpec | None:
        """The nine-column Excel of the result, built in memory; audited."""
        return await self._download(
            AuditAction.EXCEL_DOWNLOADED, lambda issued, _school: build_credentials_xlsx(issued)
        )


def result_summary(mode: str, issued: Sequence[IssuedCredential]) -> tuple[str, list[str]]:
    """The result heading and what the new passwords mean per account type (the manual's text)."""
    heading = {RENEW: texts.RESULT_RENEWED, ACTIVATE: texts.RESULT_ACTIVATED}.get(
        mode, texts.RESULT_FIXED
    )
    kind = {RENEW: texts.KIND_EXISTING, ACTIVATE: texts.KIND_NEW}.get(mode, texts.KIND_FIXED)
    basic = sum(credential.account_type is AccountType.BASIS for credential in issued)
    advanced = len(issued) - basic
    lines = [
        template.format(count=count, kind=kind)
        for template, count in ((texts.RESULT_BASIC, basic), (texts.RESULT_ADVANCED, advanced))
        if count
    ]
    return heading.format(count=len(issued)), lines


def _same_school(school_id: int | None):
    """A guard for run_as_admin: the administrator still works in the school of the plan."""

    def check(_session: Session, context: AdminContext) -> AdminContext:
        if school_id is None or context.school_id != school_id:
            raise DomainError(texts.BULK_SCHOOL_CHANGED)
        return context

    return check
