"""The Overzicht (numbers per group and the login chart) and `Klaar voor de toets?`."""

from __future__ import annotations

import dataclasses

import reflex as rx
from babel.dates import format_date
from sqlmodel import Session

from leerid_app import routes, texts
from leerid_app.services import pupils, readiness
from leerid_app.services.dates import LOCALE, school_today
from leerid_app.services.errors import DomainError
from leerid_app.services.readiness import COLUMN_FILTERS, Column, LoginSource, Reason, Scope
from leerid_app.services.scope import AdminContext
from leerid_app.state.auth import AuthState
from leerid_app.state.off_loop import off_loop, run_blocking
from leerid_app.state.pupils import PupilListState


@dataclasses.dataclass
class OverviewCell:
    """One number of the Overzicht and the list it opens."""

    count: int
    href: str
    label: str  # the link's accessible name: the number alone says nothing to a screen reader


@dataclasses.dataclass
class OverviewRowView:
    """One group's row (or the school's total row)."""

    group: str
    cells: list[OverviewCell]


def _cells(group: str, counts: dict[Column, int]) -> list[OverviewCell]:
    shown_group = group or texts.OVERVIEW_ALL_GROUPS
    cells = []
    for column in Column:
        status, attention = COLUMN_FILTERS[column]
        label = texts.OVERVIEW_LINK.format(
            count=counts[column], group=shown_group, column=texts.OVERVIEW_COLUMNS[column.value]
        )
        href = routes.pupils_filtered(
            group=group,
            status=status.value if status else "",
            attention=attention.value if attention else "",
        )
        cells.append(OverviewCell(counts[column], href, label))
    return cells


class OverviewState(AuthState):
    """The Overzicht's table and chart, read fresh on every visit."""

    rows: list[OverviewRowView] = []
    # Recharts takes plain dicts: {"day": "3 dec.", "logins": 12}.
    chart: list[dict[str, str | int]] = []
    chart_total: int = 0
    chart_from_last_login: bool = False

    def _query(self, session: Session, context: AdminContext) -> None:
        self._apply_context(context)
        today = school_today()
        overview = readiness.group_overview(session, school_id=context.school_id, today=today)
        self.rows = [
            OverviewRowView(
                g.administrative_group or texts.OVERVIEW_ALL_GROUPS,
                _cells(g.administrative_group, g.counts),
            )
            for g in overview
        ]
        chart = readiness.logins_per_day(session, school_id=context.school_id, today=today)
        self.chart = [
            {"day": format_date(day, format="d MMM", locale=LOCALE), "logins": count}
            for day, count in chart.days
        ]
        self.chart_total = chart.total
        self.chart_from_last_login = chart.source is LoginSource.LAST_LOGIN

    @rx.event
    @off_loop
    def load(self) -> rx.event.EventSpec | None:
        """on_load of the Overzicht."""
        return self._show(self._query)


@dataclasses.dataclass
class ReasonCountView:
    """A reason and how many pupils of the scope have it."""

    label: str
    count: int


@dataclasses.dataclass
class ReadinessRowView:
    """A pupil who would not log in smoothly."""

    pupil_id: int
    name: str
    stamnummer: str
    group: str
    username: str
    reason: str
    fix: str


class ReadinessState(AuthState):
    """The chosen groups (or the list's selection), the counts and one page of pupils."""

    groups: list[str] = []
    chosen: list[str] = []
    using_selection: bool = False
    selection_count: int = 0
    total: int = 0
    ready: int = 0
    concerned: int = 0
    to_activate: int = 0
    to_renew: int = 0
    counts: list[ReasonCountView] = []
    rows: list[ReadinessRowView] = []
    page: int = 1
    page_count: int = 1
    error: str = ""

    # The selection's ids stay on the server; the bulk fix reads the scope from here.
    _selection: frozenset[int] = frozenset()

    def _scope(self) -> Scope:
        if self.using_selection:
            return Scope.of(pupil_ids=self._selection)
        return Scope.of(groups=self.chosen)

    def fix_scope(self) -> Scope:
        """The scope the bulk fix prepares (read again from the database there)."""
        return self._scope()

    def _query(self, session: Session, context: AdminContext) -> None:
        self._apply_context(context)
        self.groups = pupils.administrative_groups(session, school_id=context.school_id)
        # Groups of another school (after `Wijzig instelling`) mean nothing here.
        self.chosen = [group for group in self.chosen if group in self.groups]
        report = readiness.check_readiness(
            session,
            school_id=context.school_id,
            scope=self._scope(),
            today=school_today(),
            page=self.page,
        )
        self.total, self.ready, self.concerned = report.total, report.ready, report.concerned
        self.to_activate, self.to_renew = report.to_activate, report.to_renew
        self.counts = [
            ReasonCountView(texts.REASON_LABELS[reason.value], count)
            for reason, count in readiness.reason_counts_in_order(report)
        ]
        self.rows = [
            ReadinessRowView(
                pupil_id=row.pupil_id,
                name=f"{row.first_name} {row.last_name}",
                stamnummer=row.stamnummer,
                group=row.administrative_group,
                username=row.username,
                reason=texts.REASON_LABELS[row.reason.value],
                fix=texts.FIX_LABELS[row.fix.value],
            )
            for row in report.rows
        ]
        self.page, self.page_count = report.page, report.page_count

    def _refresh(self) -> rx.event.EventSpec | None:
        try:
            return self._show(self._query)
        except DomainError as error:
            self.error = error.message
            return None

    @rx.event
    async def load(self) -> rx.event.EventSpec | None:
        """on_load: the groups, the size of the list's selection, and the check so far."""
        self.selection_count = len((await self.get_state(PupilListState)).selected_ids())
        self.error = ""
        return await run_blocking(self._refresh)

    @rx.event
    @off_loop
    def toggle_group(self, group: str, checked: bool) -> rx.event.EventSpec | None:
        """Add or drop one group; only the school's own groups can be chosen."""
        if not isinstance(group, str) or type(checked) is not bool:
            return self._refuse(group if not isinstance(group, str) else checked)
        if group not in self.groups:
            return self._refuse(group)  # after the session check: a wiped state has no groups
        chosen = [g for g in self.chosen if g != group]
        self.chosen = sorted([*chosen, group]) if checked else chosen
        self.using_selection = False
        self.page = 1
        return self._refresh()

    @rx.event
    async def use_selection(self) -> rx.event.EventSpec | None:
        """Check the pupils selected in the list instead of whole groups."""
        if (lost := await run_blocking(self._check_session)) is not None:
            return lost
        selected = (await self.get_state(PupilListState)).selected_ids()
        self.selection_count = len(selected)
        if not selected:
            self.error = texts.NOTHING_SELECTED
            return None
        self._selection = frozenset(selected)
        self.using_selection = True
        self.chosen = []
        self.page = 1
        self.error = ""
        return await run_blocking(self._refresh)

    @rx.event
    @off_loop
    def clear(self) -> rx.event.EventSpec | None:
        """Start again with nothing chosen."""
        self.chosen, self.using_selection, self._selection = [], False, frozenset()
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def go_to_page(self, page: int) -> rx.event.EventSpec | None:
        """Page through the pupils concerned."""
        if type(page) is not int:
            return self._refuse(page)
        self.page = max(1, min(page, self.page_count))
        return self._refresh()

    @rx.event
    @off_loop
    def prepare_fix(self) -> rx.event.EventSpec | None:
        """`Zet klaar voor de toets`: to the bulk plan of exactly the pupils that need it."""
        if (lost := self._check_session()) is not None:
            return lost
        if self._scope().empty:
            self.error = texts.READINESS_CHOOSE_FIRST
            return None
        if self.to_activate + self.to_renew == 0:
            self.error = texts.READINESS_NOTHING_TO_FIX
            return None
        self.error = ""
        return rx.redirect(routes.BULK_FIX)


REASONS_IN_ORDER = [texts.REASON_LABELS[reason.value] for reason in Reason]
