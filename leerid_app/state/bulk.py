"""Bulk renewal and activation: plan, hash in the background with progress, save, download."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from collections.abc import Sequence
from datetime import timedelta

import reflex as rx
from sqlmodel import Session

from leerid_app import routes, texts
from leerid_app.db import session_scope
from leerid_app.models import AccountType, Pupil
from leerid_app.services import audit, bulk, bulk_runs, clock, prehash, readiness
from leerid_app.services.accounts import Actor
from leerid_app.services.audit import AuditAction
from leerid_app.services.bulk import BulkPupil, PlannedPassword
from leerid_app.services.credentials import IssuedCredential
from leerid_app.services.dates import dutch_date
from leerid_app.services.errors import DomainError
from leerid_app.services.exports import export_filename
from leerid_app.services.exports import process as export_process
from leerid_app.services.exports.credentials_xlsx import build_credentials_xlsx
from leerid_app.services.exports.slips_pdf import LARGE, STANDARD, build_slips_pdf
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.scope import AdminContext
from leerid_app.services.versions import RefusedPupil
from leerid_app.settings import get_settings
from leerid_app.state.auth import AuthState
from leerid_app.state.focus import RESULT_HEADING_ID, SKIPPED_LIST_ID, focus_when_shown
from leerid_app.state.guard import NotLoggedIn, log, run_as_admin, run_for_pupil
from leerid_app.state.off_loop import off_loop, run_blocking
from leerid_app.state.pupils import PupilListState
from leerid_app.state.readiness import ReadinessState

RENEW, ACTIVATE = "renew", "activate"
FIX = "fix"  # Klaar voor de toets?: activations and renewals in one run
PAGE_OF_MODE = {RENEW: routes.BULK_RENEW, ACTIVATE: routes.BULK_ACTIVATE, FIX: routes.BULK_FIX}
PLAN, RESULT = "plan", "result"
TABLE_PAGE_SIZE = 50  # keeps every state update small, also for a whole school
SKIPPED_NAMES_SHOWN = 20
CONFIRM_ABOVE = 5  # "more than a few": a class's worth asks for confirmation
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
    # The manual's `nieuw gevorderd wachtwoord` beside a new advanced password in the plan.
    hint: str = ""


@dataclasses.dataclass
class ResultTableView:
    """One table of the result: the new passwords of one account type, a page at a time."""

    account_type: str
    heading: str
    total: int
    page_no: int
    page_count: int
    rows: list[BulkRowView] = dataclasses.field(default_factory=list)


def _planned_row(item: PlannedPassword, excluded: set[int]) -> BulkRowView:
    pupil = item.pupil
    return BulkRowView(
        pupil_id=pupil.pupil_id,
        name_and_stamnummer=pupil.name_and_stamnummer,
        username=pupil.username,
        password=item.password,
        account_type=texts.ACCOUNT_TYPE_LABELS[pupil.account_type.value]
        if pupil.account_type
        else "",
        included=pupil.pupil_id not in excluded,
        hint=texts.NEW_ADVANCED_HINT if pupil.account_type is AccountType.GEVORDERD else "",
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
        account_type=texts.ACCOUNT_TYPE_LABELS[credential.account_type.value],
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
    # Above this many accounts `Bewaren en afdrukken` asks first, naming the number.
    confirm_count: int = 0
    # Each download is marked done; until one happened, leaving the result page warns.
    pdf_downloaded: bool = False
    excel_downloaded: bool = False
    leave_warning: bool = False
    # The dyslexia-friendly slips: bigger type, more spacing, four per page.
    large_slips: bool = False

    # The plan and the result stay on the server; the browser gets one page at a time.
    _planned: list[PlannedPassword] = []
    _email_linked: list[BulkPupil] = []
    _excluded: set[int] = set()
    _issued: list[IssuedCredential] = []
    _school_id: int | None = None
    _run_id: str = ""  # the running save; a reset state no longer matches it
    # The plan's hashes being made while it is read (services/prehash.py), in this process.
    _plan_id: str = ""
    _watching: bool = False  # a watch_run task follows this session's run

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
    _skipped: list[str] = []
    skipped_total: int = 0
    # The whole list only when the administrator asks for it (a whole school may be skipped).
    skipped_all: list[str] = []

    result_tables: list[ResultTableView] = []
    _result_pages: dict[str, int] = {}
    result_total: int = 0
    result_heading: str = ""
    result_lines: list[str] = []
    # Pupils left out because their LeerID changed after the plan was shown.
    refused_message: str = ""
    _refused_ids: set[int] = set()
    renamed_message: str = ""

    def _release(self) -> None:
        """Throw away the hashes made for the plan (see auth.forget_pupil_data).

        A running save still uses them: it discards the job itself when it ends.
        """
        if not self.running:
            prehash.PLANS.discard(self._plan_id)
        self._plan_id = ""

    def _clear(self) -> None:
        """Drop every plain-text password this state holds, and the plan's hashes."""
        self._release()
        self._planned = []
        self._email_linked = []
        self._excluded = set()
        self._issued = []
        self._school_id = None
        self.planned_page = []
        self.linked_page = []
        self.result_tables = []
        self._result_pages = {}
        self.planned_total = self.planned_included = self.linked_total = self.result_total = 0
        self.result_heading = ""
        self.result_lines = []
        self.refused_message = self.renamed_message = ""
        self._refused_ids = set()
        self.skipped_message = ""
        self._skipped = []
        self.skipped_total = 0
        self.skipped_all = []
        self.error = ""
        self.phase = PLAN
        self.confirm_count = 0
        self.pdf_downloaded = self.excel_downloaded = self.leave_warning = False

    def _show_planned(self, page: int) -> None:
        rows, self.planned_page_no, self.planned_page_count = _page_of(self._planned, page)
        self.planned_page = [_planned_row(item, self._excluded) for item in rows]
        self.planned_total = len(self._planned)
        self.planned_included = self.planned_total - len(self._excluded)

    def _show_linked(self, page: int) -> None:
        rows, self.linked_page_no, self.linked_page_count = _page_of(self._email_linked, page)
        self.linked_page = [_linked_row(pupil) for pupil in rows]
        self.linked_total = len(self._email_linked)

    def _show_result(self) -> None:
        """One table per account type present, each on its own page."""
        tables = []
        for account_type in (AccountType.BASIS, AccountType.GEVORDERD):
            issued = [c for c in self._issued if c.account_type is account_type]
            if not issued:
                continue
            rows, page_no, page_count = _page_of(
                issued, self._result_pages.get(account_type.value, 1)
            )
            self._result_pages[account_type.value] = page_no
            tables.append(
                ResultTableView(
                    account_type=account_type.value,
                    heading=result_table_heading(self.mode, account_type),
                    total=len(issued),
                    page_no=page_no,
                    page_count=page_count,
                    rows=[_issued_row(credential) for credential in rows],
                )
            )
        self.result_tables = tables
        self.result_total = len(self._issued)

    async def _prepare(self, mode: str) -> rx.event.EventSpec | None:
        # The session first, also when a result is waiting: it is shown to its own session only.
        stale_after = timedelta(seconds=get_settings().bulk_stale_seconds)

        def check(session: Session, context: AdminContext):
            run = bulk_runs.status_of_session(
                session, session_id=context.session_id, stale_after=stale_after
            )
            return context, run

        try:
            context, run = await run_blocking(self._as_admin, check, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        if run is not None and not run.alive:
            self._show_interrupted(run)
            return None
        if self.running:
            # Back on the page during the run: keep its progress, and follow it in case its
            # worker died (the stored state would say `running` for ever).
            return BulkState.watch_run
        if run is not None and self.phase != RESULT:
            # A run of this session that this state does not follow: the tab reconnected to
            # another worker with a fresh state. Follow it until it ends or goes silent.
            self._clear()
            self.mode = mode
            self.error = texts.BULK_RUN_CHECKING
            return BulkState.watch_run
        if self.running or (
            self.phase == RESULT and self.mode == mode and self._school_id == context.school_id
        ):
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
                    session, school_id=context.school_id, scope=scope, today=clock.today()
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
            result = await run_blocking(self._as_admin, plan, read_only=True)
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
            skipped = [(texts.SKIPPED_WITHOUT_ACCOUNT, result.without_account)]
        else:
            self._planned = result.to_activate
            skipped = [
                (texts.SKIPPED_ALREADY_ACTIVE, result.already_active),
                (texts.SKIPPED_ENROLLMENT_ENDED, result.enrollment_ended),
            ]
        everyone = [pupil for _, rows in skipped for pupil in rows]
        # The full list is sent only when asked for (show_all_skipped): a whole school may be here.
        self._skipped = [pupil.name_and_stamnummer for pupil in everyone]
        self.skipped_total = len(everyone)
        self.skipped_message = " ".join(
            _skipped_text(template, rows) for template, rows in skipped if rows
        )
        self._show_planned(1)
        self._show_linked(1)
        if self._planned:
            # The passwords are on screen now: hash them while the administrator reads.
            self._plan_id = prehash.PLANS.start(
                {item.pupil.pupil_id: item.password for item in self._planned},
                hashing=get_password_hashing(),
            )
        if mode == FIX and not self._planned:
            self.error = texts.READINESS_NOTHING_TO_FIX
        elif mode != FIX and not selection:
            self.error = texts.NOTHING_SELECTED
        return None

    def _show_interrupted(self, run: bulk_runs.RunStatus) -> None:
        """The run's worker died: no spinner, but what happened to the accounts."""
        self._run_id = ""
        self.running = False
        self._clear()
        self.mode = run.mode
        self.error = texts.BULK_RUN_INTERRUPTED_SAVED if run.saved else texts.BULK_RUN_INTERRUPTED

    @rx.event(background=True)
    async def watch_run(self):
        """Follow this session's bulk run (maybe on another worker) until it ends or goes silent.

        A worker killed mid-run leaves `running` in the stored state and no one to reset it;
        its heartbeat stops, and this says so in Dutch instead of a progress bar forever.
        """
        async with self:
            if self._watching:
                return
            self._watching = True
            token = self.session_token or None
        settings = get_settings()
        stale_after = timedelta(seconds=settings.bulk_stale_seconds)
        # A run that never wrote its row (it died at once) is given up after a few stale times.
        deadline = asyncio.get_running_loop().time() + 3 * settings.bulk_stale_seconds
        try:
            while True:
                await asyncio.sleep(settings.bulk_heartbeat_seconds)

                def check(session: Session, context: AdminContext):
                    return bulk_runs.status_of_session(
                        session, session_id=context.session_id, stale_after=stale_after
                    )

                try:
                    run = await run_blocking(run_as_admin, token, check, read_only=True)
                except NotLoggedIn:
                    return
                async with self:
                    if run is not None and not run.alive:
                        self._show_interrupted(run)
                        return
                    if run is None and not self.running:
                        if self.error == texts.BULK_RUN_CHECKING:
                            # It ended well elsewhere: plan this page afresh.
                            self.error = ""
                            yield _prepare_event(self.mode)
                        return
                    if run is None and asyncio.get_running_loop().time() > deadline:
                        self._show_interrupted(
                            bulk_runs.RunStatus("", self.mode, 0, alive=False, saved=False)
                        )
                        return
        finally:
            async with self:
                self._watching = False

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
    @off_loop
    def set_large_slips(self, checked: bool) -> rx.event.EventSpec | None:
        """The dyslexia-friendly layout for the PDF download."""
        if type(checked) is not bool:
            return self._refuse(checked)
        self.large_slips = checked
        return None

    @rx.event
    @off_loop
    def toggle_included(self, pupil_id: int, checked: bool) -> rx.event.EventSpec | None:
        """The check box that leaves one pupil out of the batch; refusals are audited."""
        if type(checked) is not bool:
            return self._refuse(checked)
        if self.phase != PLAN or self.running:
            return None

        def in_plan(_session: Session, context: AdminContext, _pupil: Pupil) -> bool:
            return context.school_id == self._school_id

        try:
            same_school = run_for_pupil(
                self.session_token or None, pupil_id, in_plan, read_only=True
            )
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.error = error.message
            return None
        if not same_school or pupil_id not in {item.pupil.pupil_id for item in self._planned}:
            return self._refuse(pupil_id)  # a pupil of this school, but not in this plan
        assert isinstance(pupil_id, int)
        if checked:
            self._excluded.discard(pupil_id)
            password = next(i.password for i in self._planned if i.pupil.pupil_id == pupil_id)
            prehash.PLANS.want(self._plan_id, {pupil_id: password})
        else:
            self._excluded.add(pupil_id)
            prehash.PLANS.drop(self._plan_id, [pupil_id])  # a left-out pupil's hash goes
        self._show_planned(self.planned_page_no)
        return None

    @rx.event
    @off_loop
    def planned_go_to(self, page: int) -> rx.event.EventSpec | None:
        """Page through the first table."""
        if type(page) is not int:
            return self._refuse(page)
        self._show_planned(page)
        return None

    @rx.event
    @off_loop
    def linked_go_to(self, page: int) -> rx.event.EventSpec | None:
        """Page through the e-mail table."""
        if type(page) is not int:
            return self._refuse(page)
        self._show_linked(page)
        return None

    @rx.event
    @off_loop
    def result_go_to(self, account_type: str, page: int = 1) -> rx.event.EventSpec | None:
        """Page through one of the result tables."""
        if not isinstance(account_type, str):
            return self._refuse(account_type)
        if type(page) is not int:
            return self._refuse(page)
        if account_type in self._result_pages:
            self._result_pages[account_type] = page
            self._show_result()
        return None

    @rx.event
    def show_all_skipped(self) -> rx.event.EventSpec:
        """The full list of skipped pupils, on request; focus moves from the button to it."""
        self.skipped_all = list(self._skipped)
        return focus_when_shown(SKIPPED_LIST_ID)

    async def plan_refused_again(self) -> rx.event.EventSpec | None:
        """`Plan deze leerlingen opnieuw`: a fresh plan for the pupils the save left out."""
        if self.running or self.phase != RESULT or not self._refused_ids:
            return None
        refused, mode = set(self._refused_ids), self.mode
        self._clear()
        (await self.get_state(PupilListState)).select_only(refused)
        return rx.redirect(PAGE_OF_MODE[mode])

    @rx.event
    def discard(self) -> None:
        """Leaving the bulk pages forgets the passwords (on_load of every other page)."""
        if not self.running:
            self._clear()

    @rx.event
    def cancel(self) -> rx.event.EventSpec:
        """`Annuleren`: nothing is saved."""
        return self._leave()

    def _leave(self) -> rx.event.EventSpec:
        if not self.running:
            self._clear()
        return rx.redirect(routes.PUPILS)

    @rx.event(background=True)
    async def save(self, confirmed: bool = False):
        """`Bewaren en afdrukken`: hash on the pool with progress, then save all in one go.

        More than CONFIRM_ABOVE passwords are replaced only after the administrator confirmed
        the number (``confirmed``); ``running`` is reset however the run ends, and a run whose
        state was reset meanwhile (logout, session end) keeps nothing it issued.
        """
        async with self:
            if self.running or self.phase != PLAN:
                return
            items = [p for p in self._planned if p.pupil.pupil_id not in self._excluded]
            if not items:
                if not self._planned:
                    # Nothing planned: a wiped state (dead session) or no selection at all.
                    yield await run_blocking(self._check_session)
                self.error = bulk.MSG_NOTHING_TO_DO
                return
            if len(items) > CONFIRM_ABOVE and confirmed is not True:
                self.confirm_count = len(items)
                return
            token, mode, school_id = self.session_token or None, self.mode, self._school_id
            plan_id = self._plan_id
            run_id = secrets.token_hex(8)
            self._run_id = run_id
            self.confirm_count = 0
            self.running = True
            self.error = ""
            # The bar starts at what was hashed while the plan was read.
            job = prehash.PLANS.get(plan_id)
            ready = job.ready([item.pupil.pupil_id for item in items]) if job else 0
            self.progress_done, self.progress_total = ready, len(items)
            # The downloads come next: their process starts while the passwords hash.
            export_process.start()

        async def report(done: int, total: int) -> None:
            async with self:
                if self._run_id == run_id:
                    self.progress_done = done

        saved: bulk.BulkSaveResult | None = None
        error, lost, cancelled = "", False, False
        heartbeat = asyncio.create_task(_beat(run_id))
        try:
            saved = await self._hash_and_store(
                token, mode, school_id, items, report, run_id, plan_id
            )
        except NotLoggedIn:
            lost = True
        except DomainError as domain_error:
            error = domain_error.message
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception:
            log.exception("bulk run failed")
            error = texts.UNEXPECTED_ERROR
        finally:
            heartbeat.cancel()
            async with self:
                if self._run_id != run_id:
                    prehash.PLANS.discard(plan_id)  # the tab was reset meanwhile
                if self._run_id == run_id:
                    self._run_id = ""
                    self.running = False
                    self.error = error
                    if cancelled:
                        self._clear()  # nothing was saved: the plan's passwords go too
                    elif saved is not None:
                        self._show_saved(mode, saved)
            # The outcome reached the tab's state: nothing left to report about this run.
            await run_blocking(_finish_run, run_id)
        if lost:
            async with self:
                yield self._session_lost()
            return
        if saved is not None:
            if mode != FIX:  # a readiness fix came from groups, not from the list's selection
                async with self:
                    (await self.get_state(PupilListState)).forget_selection()
            yield BulkState.show_result
            # The clicked button is gone with the plan: take keyboard focus to the result.
            yield focus_when_shown(RESULT_HEADING_ID)

    def _show_saved(self, mode: str, saved: bulk.BulkSaveResult) -> None:
        self._release()
        self._issued = issued = saved.issued
        self._planned, self._excluded, self.planned_page = [], set(), []
        self.result_heading, self.result_lines = result_summary(mode, issued)
        self.refused_message = refused_summary(mode, saved.refused)
        self._refused_ids = {row.pupil_id for row in saved.refused}
        self.renamed_message = renamed_summary(saved.renamed)
        self.pdf_downloaded = self.excel_downloaded = False
        self._result_pages = {}
        # The rows, with their passwords, come with show_result, which the browser asks for.
        self.result_tables = []
        self.result_total = len(issued)
        self.phase = RESULT

    @rx.event
    def show_result(self) -> None:
        """The result's tables, sent for by the browser as soon as a run has ended.

        A background run's own updates reach a tab whose websocket moved to another worker
        meanwhile through Redis (pub/sub, pickled by Reflex, not sealed): they carry no
        password. This event is answered by the worker that holds the tab's socket.
        """
        if self.phase == RESULT and not self.running:
            self._show_result()

    @rx.event
    @off_loop
    def finish(self, confirmed: bool = False) -> rx.event.EventSpec | None:
        """`Klaar`: back to the list; before any download only after a second, explicit yes."""
        if type(confirmed) is not bool:
            return self._refuse(confirmed)
        if self.phase == RESULT and not self.downloaded and not confirmed:
            self.leave_warning = True
            return None
        self.leave_warning = False
        return self._leave()

    @rx.event
    def stay(self) -> None:
        """`Blijven` in the leave warning."""
        self.leave_warning = False

    @rx.var
    def confirm_text(self) -> str:
        """What the confirmation says, with the number of accounts."""
        template = {RENEW: texts.CONFIRM_RENEW, FIX: texts.CONFIRM_FIX}.get(
            self.mode, texts.CONFIRM_ACTIVATE
        )
        return template.format(count=self.confirm_count)

    @rx.var
    def confirm_button(self) -> str:
        """The confirming button, naming the number again."""
        template = {RENEW: texts.CONFIRM_RENEW_BUTTON, FIX: texts.CONFIRM_FIX_BUTTON}.get(
            self.mode, texts.CONFIRM_ACTIVATE_BUTTON
        )
        return template.format(count=self.confirm_count)

    @rx.var
    def downloaded(self) -> bool:
        """Whether any download of the result happened (then leaving loses nothing)."""
        return self.pdf_downloaded or self.excel_downloaded

    @rx.var
    def guard_leaving(self) -> bool:
        """The page warns before it is left: a result is shown and nothing was downloaded."""
        return self.phase == RESULT and not (self.pdf_downloaded or self.excel_downloaded)

    @rx.event
    def cancel_confirmation(self) -> None:
        """`Annuleren` in the confirmation: nothing is saved, the plan stays."""
        self.confirm_count = 0

    async def _hash_and_store(
        self,
        token: str | None,
        mode: str,
        school_id: int | None,
        items: list[PlannedPassword],
        report,
        run_id: str,
        plan_id: str = "",
    ) -> bulk.BulkSaveResult:
        # Check the session before the long part, and again (inside the transaction) after.
        def begin(session: Session, context: AdminContext) -> None:
            _same_school(school_id)(session, context)
            bulk_runs.start_run(
                session,
                run_id=run_id,
                session_id=context.session_id,
                school_id=context.school_id,
                mode=mode,
                count=len(items),
            )

        await run_blocking(run_as_admin, token, begin)
        hashes = await prehash.hash_plan(
            plan_id,
            [(item.pupil.pupil_id, item.password) for item in items],
            hashing=get_password_hashing(),
            on_progress=report,
        )
        save = {RENEW: bulk.save_renewal, ACTIVATE: bulk.save_activation, FIX: bulk.save_fix}[mode]

        def store(session: Session, context: AdminContext) -> bulk.BulkSaveResult:
            _same_school(school_id)(session, context)
            result = save(
                session,
                school_id=context.school_id,
                planned=items,
                password_hashes=hashes,
                actor=Actor(context.administrator_id, context.username),
            )
            bulk_runs.mark_saved(session, run_id)  # commits with the accounts, or not at all
            return result

        return await run_blocking(run_as_admin, token, store)

    async def _download(
        self, action: AuditAction, **pdf_options: object
    ) -> rx.event.EventSpec | None:
        """Audit the download, then build the file in the download process (3,000 slips: ~1 s).

        ``pdf_options`` go to build_slips_pdf; they cross to the process with the credentials.
        """
        issued, school_id = _plain(self._issued), self._school_id
        if self.phase != RESULT or not issued:
            return await run_blocking(self._check_session)

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
            school_name = await run_blocking(self._as_admin, record)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.error = error.message
            return None
        if action is AuditAction.SLIPS_DOWNLOADED:
            data = await export_process.build(
                build_slips_pdf, issued, school_name=school_name, **pdf_options
            )
            self.pdf_downloaded = True
        else:
            data = await export_process.build(build_credentials_xlsx, issued)
            self.excel_downloaded = True
        extension, mime_type = DOWNLOAD_TYPES[action]
        name = export_filename("LeerID", school_name, clock.today(), extension)
        return rx.download(data=data, filename=name, mime_type=mime_type)

    @rx.event
    async def download_pdf(self) -> rx.event.EventSpec | None:
        """The slips of the result, a cover sheet per group, built in memory; audited."""
        return await self._download(
            AuditAction.SLIPS_DOWNLOADED,
            layout=LARGE if self.large_slips else STANDARD,
            group_covers=True,
            portal_url=get_settings().portal_base_url,
            printed_on=dutch_date(clock.today()),
        )

    @rx.event
    async def download_excel(self) -> rx.event.EventSpec | None:
        """The nine-column Excel of the result, built in memory; audited."""
        return await self._download(AuditAction.EXCEL_DOWNLOADED)


def _plain(issued: Sequence[IssuedCredential]) -> list[IssuedCredential]:
    """The list itself, not the state's change-tracking proxy around it: it goes to pickle."""
    return list(getattr(issued, "__wrapped__", issued))


def _skipped_text(template: str, skipped: Sequence[BulkPupil]) -> str:
    """A whole school may be skipped: name the first few, count the rest (small updates)."""
    names = ", ".join(p.name_and_stamnummer for p in skipped[:SKIPPED_NAMES_SHOWN])
    if len(skipped) > SKIPPED_NAMES_SHOWN:
        names += texts.AND_MORE.format(count=len(skipped) - SKIPPED_NAMES_SHOWN)
    return template.format(names=names)


def result_summary(mode: str, issued: Sequence[IssuedCredential]) -> tuple[str, list[str]]:
    """The result heading and what the new passwords mean per account type (the manual's text)."""
    kind = {RENEW: texts.KIND_EXISTING, ACTIVATE: texts.KIND_NEW}.get(mode, texts.KIND_FIXED)
    basic = sum(credential.account_type is AccountType.BASIS for credential in issued)
    advanced = len(issued) - basic
    lines = [
        texts.count_text(count, one, many, kind=kind)
        for count, one, many in (
            (basic, texts.RESULT_BASIC_ONE, texts.RESULT_BASIC),
            (advanced, texts.RESULT_ADVANCED_ONE, texts.RESULT_ADVANCED),
        )
        if count
    ]
    one, many = {
        RENEW: (texts.RESULT_RENEWED_ONE, texts.RESULT_RENEWED),
        ACTIVATE: (texts.RESULT_ACTIVATED_ONE, texts.RESULT_ACTIVATED),
    }.get(mode, (texts.RESULT_FIXED_ONE, texts.RESULT_FIXED))
    heading = texts.count_text(len(issued), one, many)
    return heading, lines


def result_table_heading(mode: str, account_type: AccountType) -> str:
    """`LEERID'S MET NIEUW GEVORDERD WACHTWOORD` and its counterparts, as in the manual."""
    kind = texts.PASSWORD_KIND_UPPER[account_type.value]
    template = {RENEW: texts.RESULT_TABLE, ACTIVATE: texts.RESULT_TABLE_ACTIVATED}.get(
        mode, texts.RESULT_TABLE_FIXED
    )
    return template.format(kind=kind)


def _names(names: Sequence[str]) -> str:
    """The first few names, then how many more: a whole school keeps the update small."""
    text = ", ".join(names[:SKIPPED_NAMES_SHOWN])
    if len(names) > SKIPPED_NAMES_SHOWN:
        text += texts.AND_MORE.format(count=len(names) - SKIPPED_NAMES_SHOWN)
    return text


def refused_summary(mode: str, refused: Sequence[RefusedPupil]) -> str:
    """Which pupils were left out as changed meanwhile, and by which administrator."""
    if not refused:
        return ""
    names = [
        texts.REFUSED_BY.format(name=row.name_and_stamnummer, who=row.changed_by)
        if row.changed_by
        else row.name_and_stamnummer
        for row in refused
    ]
    template = texts.REFUSED_ACTIVATED if mode == ACTIVATE else texts.REFUSED_RENEWED
    return template.format(names=_names(names))


def renamed_summary(renamed: Sequence[bulk.RenamedPupil]) -> str:
    """Which planned usernames were taken meanwhile, and what the pupils got instead."""
    if not renamed:
        return ""
    names = [
        texts.RENAMED_ONE.format(name=row.name_and_stamnummer, given=row.given, planned=row.planned)
        for row in renamed
    ]
    return texts.RENAMED_MEANWHILE.format(names=_names(names))


def _prepare_event(mode: str) -> rx.event.EventHandler:
    return BulkState.prepare_renewal if mode == RENEW else BulkState.prepare_activation


async def _beat(run_id: str) -> None:
    """The run's heartbeat while it hashes and saves; a database hiccup only skips a beat."""
    interval = get_settings().bulk_heartbeat_seconds
    while True:
        await asyncio.sleep(interval)
        try:
            await run_blocking(_beat_once, run_id)
        except Exception as error:  # the run itself reports real trouble
            log.warning("bulk run heartbeat skipped: %s", type(error).__name__)


def _beat_once(run_id: str) -> None:
    with session_scope() as session:
        bulk_runs.beat(session, run_id)


def _finish_run(run_id: str) -> None:
    try:
        with session_scope() as session:
            bulk_runs.finish(session, run_id)
    except Exception as error:
        # The row then goes stale and is reported once; the tab already shows the outcome.
        log.warning("bulk run record not removed: %s", type(error).__name__)


def _same_school(school_id: int | None):
    """A guard for run_as_admin: the administrator still works in the school of the plan."""

    def check(_session: Session, context: AdminContext) -> AdminContext:
        if school_id is None or context.school_id != school_id:
            raise DomainError(texts.BULK_SCHOOL_CHANGED)
        return context

    return check
