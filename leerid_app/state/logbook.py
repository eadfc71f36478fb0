"""The Logboek: the current school's audit events, filtered and paged on the server."""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlmodel import Session

from leerid_app.services import audit
from leerid_app.services.audit import ACTION_LABELS, AuditAction
from leerid_app.services.dates import dutch_datetime, parse_iso_date
from leerid_app.services.scope import AdminContext
from leerid_app.state.auth import AuthState
from leerid_app.state.off_loop import off_loop

ALL = "alle"
ACTION_OPTIONS = {label: action.value for action, label in ACTION_LABELS.items()}


@dataclasses.dataclass
class LogRowView:
    """One audit event as the table shows it."""

    id: int
    when: str
    who: str
    action: str
    pupil: str
    details: str


class LogbookState(AuthState):
    """Filters and the current page of the Logboek."""

    pupil_query: str = ""
    action: str = ALL
    date_from: str = ""
    date_to: str = ""
    page: int = 1
    page_count: int = 1
    total: int = 0
    rows: list[LogRowView] = []

    def _query(self, session: Session, context: AdminContext) -> None:
        self._apply_context(context)
        result = audit.list_events(
            session,
            school_id=context.school_id,
            pupil_query=self.pupil_query,
            action=AuditAction(self.action) if self.action in ACTION_OPTIONS.values() else None,
            date_from=parse_iso_date(self.date_from),
            date_to=parse_iso_date(self.date_to),
            page=self.page,
        )
        self.rows = [
            LogRowView(
                id=row.id,
                when=dutch_datetime(row.occurred_at),
                who=row.actor_username,
                action=row.action_label,
                pupil=f"{row.pupil_name} ({row.stamnummer})" if row.pupil_name else "",
                details=row.details,
            )
            for row in result.rows
        ]
        self.total = result.total
        self.page = result.page
        self.page_count = result.page_count

    def _refresh(self) -> rx.event.EventSpec | None:
        return self._show(self._query)

    @rx.event
    @off_loop
    def load(self) -> rx.event.EventSpec | None:
        """on_load of the Logboek."""
        return self._refresh()

    @rx.event
    @off_loop
    def set_pupil_query(self, value: str) -> rx.event.EventSpec | None:
        """Filter on a pupil's stamnummer or name."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.pupil_query = value[:100]
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_action(self, value: str) -> rx.event.EventSpec | None:
        """Filter on one kind of event."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.action = value if value in ACTION_OPTIONS.values() else ALL
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_date_from(self, value: str) -> rx.event.EventSpec | None:
        """From this day on (a date input's YYYY-MM-DD)."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.date_from = value if parse_iso_date(value) else ""
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_date_to(self, value: str) -> rx.event.EventSpec | None:
        """Up to and including this day."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.date_to = value if parse_iso_date(value) else ""
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def go_to_page(self, page: int) -> rx.event.EventSpec | None:
        """Another page of events."""
        if type(page) is not int:
            return self._refuse(page)
        self.page = max(1, min(page, self.page_count))
        return self._refresh()
