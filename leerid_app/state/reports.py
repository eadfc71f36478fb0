"""Gegevenscontrole and `Wie wordt inactief?`: the reports on screen and as audited Excel."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from leerid_app import texts
from leerid_app.services import audit, reports
from leerid_app.services.audit import AuditAction
from leerid_app.services.dates import dutch_date, parse_iso_date, school_today, school_year_end
from leerid_app.services.errors import DomainError
from leerid_app.services.exports import export_filename
from leerid_app.services.exports import process as export_process
from leerid_app.services.exports.reports_xlsx import build_data_check_xlsx, build_leavers_xlsx
from leerid_app.services.scope import AdminContext
from leerid_app.state.auth import AuthState
from leerid_app.state.guard import NotLoggedIn
from leerid_app.state.off_loop import off_loop, run_blocking

PAGE_SIZE = 50
T = TypeVar("T")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclasses.dataclass
class CountView:
    """A label and a number (per finding kind, per group)."""

    label: str
    count: int


@dataclasses.dataclass
class IssueRowView:
    """One finding of the Gegevenscontrole."""

    key: str
    issue: str
    stamnummer: str
    name: str
    group: str
    enrollment: str
    official: str
    related: str


@dataclasses.dataclass
class LeaverRowView:
    """A pupil whose enrollment ends in the period."""

    pupil_id: int
    stamnummer: str
    name: str
    group: str
    end: str
    username: str
    status: str


def _shown_value(kind: reports.DataIssueKind, value: str) -> str:
    if kind is reports.DataIssueKind.BIRTH_DATE_DIFFERS and value:
        return dutch_date(date.fromisoformat(value))
    return value


class _ExcelDownload:
    """What both report states share (a plain mixin, not a state): the audited Excel."""

    def _rows(
        self, report: str, query: Callable[[Session, AdminContext], Sequence[T]]
    ) -> tuple[Sequence[T], str] | rx.event.EventSpec | None:
        """Read the rows inside the guard and audit the download in the same transaction."""

        def work(session: Session, context: AdminContext) -> tuple[Sequence[T], str]:
            rows = query(session, context)
            audit.record_event(
                session,
                action=AuditAction.REPORT_DOWNLOADED,
                actor_administrator_id=context.administrator_id,
                actor_username=context.username,
                school_id=context.school_id,
                details={"report": report, "count": len(rows)},
            )
            return rows, context.school_name

        try:
            return self._as_admin(work)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.page_error = error.message
            return None

    async def _download(
        self,
        report: str,
        query: Callable[[Session, AdminContext], Sequence[T]],
        build: Callable[[Sequence[T]], bytes],
    ) -> rx.event.EventSpec | None:
        """The rows on a thread, the workbook in the download process (openpyxl holds the GIL)."""
        result = await run_blocking(self._rows, report, query)
        if not isinstance(result, tuple):
            return result
        rows, school_name = result
        data = await export_process.build(build, list(rows))
        name = export_filename(report, school_name, school_today(), "xlsx")
        return rx.download(data=data, filename=name, mime_type=XLSX_MIME)


class DataCheckState(_ExcelDownload, AuthState):
    """The findings, counted per kind, one page at a time."""

    counts: list[CountView] = []
    rows: list[IssueRowView] = []
    total: int = 0
    page: int = 1
    page_count: int = 1

    _issues: list[reports.DataIssue] = []

    def _show_page(self, page: int) -> None:
        self.page_count = max(1, -(-len(self._issues) // PAGE_SIZE))
        self.page = max(1, min(page, self.page_count))
        start = (self.page - 1) * PAGE_SIZE
        self.rows = [
            IssueRowView(
                key=f"{issue.kind.value}-{issue.pupil_id}",
                issue=texts.ISSUE_LABELS[issue.kind.value],
                stamnummer=issue.stamnummer,
                name=f"{issue.first_name} {issue.last_name}",
                group=issue.administrative_group,
                enrollment=_shown_value(issue.kind, issue.enrollment),
                official=_shown_value(issue.kind, issue.official),
                related=", ".join(issue.related),
            )
            for issue in self._issues[start : start + PAGE_SIZE]
        ]

    def _query(self, session: Session, context: AdminContext) -> None:
        self._apply_context(context)
        self._issues = reports.data_check(
            session, school_id=context.school_id, today=school_today()
        )
        self.total = len(self._issues)
        self.counts = [
            CountView(texts.ISSUE_LABELS[kind.value], count)
            for kind, count in reports.issue_counts(self._issues)
        ]
        self._show_page(1)

    @rx.event
    @off_loop
    def load(self) -> rx.event.EventSpec | None:
        """on_load of the Gegevenscontrole."""
        return self._show(self._query)

    @rx.event
    @off_loop
    def go_to_page(self, page: int) -> rx.event.EventSpec | None:
        """Page through the findings."""
        if type(page) is not int:
            return self._refuse(page)
        if (lost := self._check_session()) is not None:
            return lost  # the findings are kept in state: show them to a live session only
        self._show_page(page)
        return None

    @rx.event
    async def download_excel(self) -> rx.event.EventSpec | None:
        """Every finding as Excel, read fresh; audited."""

        def query(session: Session, context: AdminContext) -> list[reports.DataIssue]:
            return reports.data_check(session, school_id=context.school_id, today=school_today())

        return await self._download("Gegevenscontrole", query, build_data_check_xlsx)


class LeaversState(_ExcelDownload, AuthState):
    """The period, the counts per group and one page of pupils."""

    date_from: str = ""
    date_to: str = ""
    per_group: list[CountView] = []
    rows: list[LeaverRowView] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    error: str = ""

    def _period(self) -> tuple[date, date]:
        today = school_today()
        return (
            parse_iso_date(self.date_from) or today,
            parse_iso_date(self.date_to) or school_year_end(today),
        )

    def _query(self, session: Session, context: AdminContext) -> None:
        self._apply_context(context)
        date_from, date_to = self._period()
        try:
            report = reports.leavers(
                session,
                school_id=context.school_id,
                date_from=date_from,
                date_to=date_to,
                today=school_today(),
                page=self.page,
                page_size=PAGE_SIZE,
            )
        except DomainError as error:
            self.error = error.message
            self.per_group, self.rows, self.total, self.page, self.page_count = [], [], 0, 1, 1
            return
        self.error = ""
        self.per_group = [CountView(group, count) for group, count in report.per_group]
        self.rows = [
            LeaverRowView(
                pupil_id=row.pupil_id,
                stamnummer=row.stamnummer,
                name=f"{row.first_name} {row.last_name}",
                group=row.administrative_group,
                end=dutch_date(row.enrollment_end),
                username=row.username,
                status=row.status.value,
            )
            for row in report.rows
        ]
        self.total, self.page, self.page_count = report.total, report.page, report.page_count

    def _refresh(self) -> rx.event.EventSpec | None:
        return self._show(self._query)

    @rx.event
    @off_loop
    def load(self) -> rx.event.EventSpec | None:
        """on_load: by default from today until 31 August."""
        date_from, date_to = self._period()
        self.date_from, self.date_to = date_from.isoformat(), date_to.isoformat()
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_date_from(self, value: str) -> rx.event.EventSpec | None:
        """Start of the period (a date input's ``YYYY-MM-DD``)."""
        return self._set_date("date_from", value)

    @rx.event
    @off_loop
    def set_date_to(self, value: str) -> rx.event.EventSpec | None:
        """End of the period, included."""
        return self._set_date("date_to", value)

    def _set_date(self, name: str, value: object) -> rx.event.EventSpec | None:
        parsed = parse_iso_date(value)
        if parsed is None:
            self.error = texts.BAD_DATE
            return None
        setattr(self, name, parsed.isoformat())
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def go_to_page(self, page: int) -> rx.event.EventSpec | None:
        """Page through the pupils."""
        if type(page) is not int:
            return self._refuse(page)
        self.page = max(1, min(page, self.page_count))
        return self._refresh()

    @rx.event
    async def download_excel(self) -> rx.event.EventSpec | None:
        """Every pupil of the period as Excel; audited."""
        date_from, date_to = self._period()

        def query(session: Session, context: AdminContext) -> Sequence[reports.Leaver]:
            return reports.leavers(
                session,
                school_id=context.school_id,
                date_from=date_from,
                date_to=date_to,
                today=school_today(),
                page=None,
            ).rows

        return await self._download("Wie-wordt-inactief", query, build_leavers_xlsx)
