"""`Importeer leerlingen`: upload in memory, preview paged on the server, confirm, result."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import reflex as rx
from reflex_components_core.core._upload import UploadChunkIterator
from sqlmodel import Session

from leerid_app import texts
from leerid_app.services import imports
from leerid_app.services.accounts import Actor
from leerid_app.services.auth import AdminContext
from leerid_app.services.dates import school_today
from leerid_app.services.errors import DomainError
from leerid_app.services.imports import Category, ImportFile, ImportPlan, PreviewItem
from leerid_app.services.imports.plan import CATEGORY_LABELS
from leerid_app.services.imports.reading import MAX_FILE_BYTES, ImportFileError
from leerid_app.state.auth import AuthState
from leerid_app.state.guard import NotLoggedIn, log, run_as_admin
from leerid_app.state.off_loop import off_loop, run_blocking

UPLOAD_ID = "import_file"
UPLOAD, PREVIEW, RESULT = "upload", "preview", "result"
TABLE_PAGE_SIZE = 50
CATEGORIES = [category.value for category in Category]
MSG_TOO_LARGE = imports.reading.MSG_TOO_LARGE.format(limit=MAX_FILE_BYTES // (1024 * 1024))


@dataclasses.dataclass
class ImportRowView:
    """One line of a preview table as the browser gets it."""

    row_number: str
    stamnummer: str
    name: str
    administrative_group: str
    details: list[str]


def _row_view(item: PreviewItem) -> ImportRowView:
    return ImportRowView(
        row_number=str(item.row_number) if item.row_number is not None else "",
        stamnummer=item.stamnummer,
        name=item.name,
        administrative_group=item.administrative_group,
        details=list(item.details),
    )


async def _collect(chunks: UploadChunkIterator) -> tuple[bytes, str]:
    """The uploaded bytes, in memory only; stops reading once the size limit is passed."""
    data = bytearray()
    name = ""
    async for chunk in chunks:
        name = name or chunk.filename
        data += chunk.data
        if len(data) > MAX_FILE_BYTES:
            # Returning early ends the upload request; nothing more is read into memory.
            raise ImportFileError(MSG_TOO_LARGE)
    return bytes(data), name


class ImportState(AuthState):
    """The upload, the preview's counts and current table page, and the result."""

    phase: str = UPLOAD
    busy: bool = False
    error: str = ""
    file_name: str = ""
    instellingsnummer: str = ""
    counts: dict[str, int] = {}
    summer_rule: bool = False
    ignored_columns: str = ""
    category: str = Category.NEW.value
    rows: list[ImportRowView] = []
    page_no: int = 1
    page_count: int = 1
    only_valid: bool = False
    result_message: str = ""

    # The checked file and its plan stay on the server; the browser gets one page at a time.
    _file: ImportFile | None = None
    _items: dict[str, list[PreviewItem]] = {}
    _signature: str = ""
    _school_id: int | None = None

    def _clear(self) -> None:
        self._file = None
        self._items = {}
        self._signature = ""
        self._school_id = None
        self.phase = UPLOAD
        self.counts = {}
        self.rows = []
        self.file_name = ""
        self.ignored_columns = ""
        self.summer_rule = False
        self.only_valid = False
        self.category = Category.NEW.value

    def _show(self, plan: ImportPlan, import_file: ImportFile, school_id: int) -> None:
        self._file = import_file
        self._items = {category.value: items for category, items in plan.items.items()}
        self._signature = plan.signature
        self._school_id = school_id
        self.counts = plan.counts
        self.summer_rule = plan.summer_rule
        self.ignored_columns = ", ".join(plan.ignored_columns)
        # Open the first table that has something to show.
        self.category = next(
            (value for value in CATEGORIES if self.counts.get(value)), Category.NEW.value
        )
        self.phase = PREVIEW
        self._show_page(1)

    def _show_page(self, page: int) -> None:
        items = self._items.get(self.category, [])
        self.page_count = max(1, -(-len(items) // TABLE_PAGE_SIZE))
        self.page_no = max(1, min(page, self.page_count))
        start = (self.page_no - 1) * TABLE_PAGE_SIZE
        self.rows = [_row_view(item) for item in items[start : start + TABLE_PAGE_SIZE]]

    async def _stop(self, message: str) -> None:
        """A background run ends with a message instead of a result."""
        async with self:
            self.busy = False
            self.error = message

    def _apply_school(self, context: AdminContext, number: str | None) -> None:
        self._apply_context(context)
        self.instellingsnummer = number or ""

    @rx.event
    @off_loop
    def load(self) -> rx.event.EventSpec | None:
        """on_load: the page starts at the upload, unless a run is busy."""

        def school(session: Session, context: AdminContext) -> tuple[AdminContext, str | None]:
            return context, imports.school_number(session, context.school_id)

        try:
            context, number = self._as_admin(school, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        self._apply_school(context, number)
        if not self.busy:
            self._clear()
            self.error = ""
            self.result_message = ""
        return None

    @rx.event(background=True)
    async def receive_upload(self, chunks: rx.UploadChunkIterator):
        """The chosen file: read in memory (never the upload folder), checked, previewed."""
        if not isinstance(chunks, UploadChunkIterator):
            return  # a client calling the handler over the websocket with made-up arguments
        async with self:
            if self.busy:
                return
            self.busy = True
            self.error = ""
            self.result_message = ""
            self._clear()
            token = self.session_token or None
        today = school_today()
        try:
            # The session first: without one, not a byte of the upload is kept.
            await run_blocking(run_as_admin, token, _context, read_only=True)
            data, name = await _collect(chunks)
            import_file = await run_blocking(imports.read_file, data, today=today)
            del data
            context, plan = await run_blocking(
                run_as_admin, token, _preview(import_file, today), read_only=True
            )
        except NotLoggedIn:
            async with self:
                self.busy = False
                yield self._session_lost()
            return
        except DomainError as error:
            await self._stop(error.message)
            return
        except Exception:
            log.exception("import preview failed")
            await self._stop(texts.UNEXPECTED_ERROR)
            return
        async with self:
            self.busy = False
            self._apply_context(context)
            self._show(plan, import_file, context.school_id)
            self.file_name = imports.reading.shown_file_name(name)

    @rx.event
    def show_category(self, value: str) -> None:
        """Switch the preview table (Nieuw, Gewijzigd, …)."""
        if self.phase == PREVIEW and isinstance(value, str) and value in CATEGORIES:
            self.category = value
            self._show_page(1)

    @rx.event
    def go_to_page(self, page: int) -> None:
        """Page through the current preview table."""
        if self.phase == PREVIEW and type(page) is int:
            self._show_page(page)

    @rx.event
    def set_only_valid(self, checked: bool) -> None:
        """`Importeer enkel de geldige rijen`."""
        if self.phase == PREVIEW and not self.busy:
            self.only_valid = checked is True

    @rx.event
    def cancel(self) -> None:
        """Forget the file; nothing was written."""
        if not self.busy:
            self._clear()
            self.error = ""

    @rx.event(background=True)
    async def confirm(self):
        """Apply the previewed import in one transaction, then show the counts."""
        async with self:
            if self.busy or self.phase != PREVIEW or self._file is None:
                return
            self.busy = True
            self.error = ""
            token = self.session_token or None
            import_file, school_id = self._file, self._school_id
            signature, only_valid = self._signature, self.only_valid
        today = school_today()

        def work(session: Session, context: AdminContext) -> imports.ImportResult:
            if context.school_id != school_id:
                raise DomainError(texts.IMPORT_SCHOOL_CHANGED)
            return imports.apply_import(
                session,
                school_id=context.school_id,
                import_file=import_file,
                today=today,
                only_valid=only_valid,
                confirmed_signature=signature,
                actor=Actor(context.administrator_id, context.username),
            )

        try:
            result = await run_blocking(run_as_admin, token, work)
        except NotLoggedIn:
            async with self:
                self.busy = False
                yield self._session_lost()
            return
        except DomainError as error:
            fresh = None
            if error.message == imports.plan.MSG_OUTDATED:
                # Show what the import would do now, so the administrator confirms that.
                fresh = await run_blocking(
                    run_as_admin, token, _preview(import_file, today), read_only=True
                )
            async with self:
                self.busy = False
                self.error = error.message
                if fresh is not None:
                    context, plan = fresh
                    self._show(plan, import_file, context.school_id)
                elif error.message == texts.IMPORT_SCHOOL_CHANGED:
                    self._clear()
            return
        except Exception:
            log.exception("import failed")
            await self._stop(texts.UNEXPECTED_ERROR)
            return
        async with self:
            self.busy = False
            self._clear()
            self.phase = RESULT
            self.result_message = texts.IMPORT_DONE.format(
                new=result.new,
                changed=result.changed,
                ended=result.ended,
                unchanged=result.unchanged,
                refused=result.refused,
            )


def _context(_session: Session, context: AdminContext) -> AdminContext:
    return context


def _preview(
    import_file: ImportFile, today: date
) -> Callable[[Session, AdminContext], tuple[AdminContext, ImportPlan]]:
    def work(session: Session, context: AdminContext) -> tuple[AdminContext, ImportPlan]:
        plan = imports.build_plan(
            session, school_id=context.school_id, import_file=import_file, today=today
        )
        return context, plan

    return work


CATEGORY_TABS = [(category.value, CATEGORY_LABELS[category]) for category in Category]
