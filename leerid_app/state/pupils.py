"""The pupil list: filters, sorting, paging and a selection that survives both."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from leerid_app import routes, texts
from leerid_app.models import AccountType, Pupil
from leerid_app.services import clock, pupils
from leerid_app.services.errors import DomainError
from leerid_app.services.pupils import (
    AccountStatus,
    Attention,
    PupilFilter,
    PupilRow,
    SortField,
)
from leerid_app.services.scope import AdminContext
from leerid_app.settings import get_settings
from leerid_app.state.auth import AuthState
from leerid_app.state.guard import NotLoggedIn, run_for_pupil
from leerid_app.state.off_loop import off_loop

ALL = "alle"  # Radix selects cannot hold an empty value
STATUS_OPTIONS = [status.value for status in AccountStatus]
TYPE_OPTIONS = {label: AccountType(value) for value, label in texts.ACCOUNT_TYPE_LABELS.items()}
ATTENTION_OPTIONS = [attention.value for attention in Attention]


class PupilListState(AuthState):
    """Filters, the current page of rows and the selected pupil ids (kept on the server)."""

    search: str = ""
    group: str = ALL
    status: str = ALL
    account_type: str = ALL
    attention: str = ALL
    sort_field: str = SortField.NAAM.value
    sort_descending: bool = False
    page: int = 1

    rows: list[PupilRow] = []
    total: int = 0
    page_count: int = 1
    groups: list[str] = []

    # The selection lives on the server only: thousands of ids need not travel to the browser.
    _selected: set[int] = set()
    _selection_school_id: int | None = None
    selected_count: int = 0
    selected_on_page: list[int] = []
    all_on_page_selected: bool = False
    selected_hidden: int = 0

    def _filters(self) -> PupilFilter:
        return PupilFilter(
            search=self.search,
            administrative_group="" if self.group == ALL else self.group,
            status=AccountStatus(self.status) if self.status in STATUS_OPTIONS else None,
            account_type=TYPE_OPTIONS.get(self.account_type),
            attention=Attention(self.attention) if self.attention in ATTENTION_OPTIONS else None,
        )

    def _query(self, session: Session, context: AdminContext) -> None:
        if self._selection_school_id != context.school_id:
            # Another school: the old selection means nothing here.
            self._selected = set()
            self._selection_school_id = context.school_id
        self._apply_context(context)
        self.groups = pupils.administrative_groups(session, school_id=context.school_id)
        if self.group != ALL and self.group not in self.groups:
            self.group = ALL
        result = pupils.list_pupils(
            session,
            school_id=context.school_id,
            filters=self._filters(),
            today=clock.today(),
            sort=SortField(self.sort_field),
            descending=self.sort_descending,
            page=self.page,
            page_size=get_settings().page_size,
        )
        self.rows = result.rows
        self.total = result.total
        self.page = result.page
        self.page_count = result.page_count
        # A selection survives filtering: say how much of it the filters now hide.
        shown = (
            pupils.count_matching_among(
                session,
                school_id=context.school_id,
                filters=self._filters(),
                today=clock.today(),
                pupil_ids=self._selected,
            )
            if self._selected
            else 0
        )
        self.selected_hidden = len(self._selected) - shown
        self._sync_selection()

    @rx.var
    def selected_hidden_text(self) -> str:
        """`(waarvan N niet zichtbaar met de huidige filters)`, or nothing."""
        hidden = min(self.selected_hidden, self.selected_count)
        return texts.SELECTED_HIDDEN.format(count=hidden) if hidden > 0 else ""

    @rx.var
    def has_filters(self) -> bool:
        """Whether a filter narrows the list (an empty result then offers to clear them)."""
        return bool(self.search) or any(
            value != ALL for value in (self.group, self.status, self.account_type)
        )

    @rx.var
    def select_all_label(self) -> str:
        """`Selecteer alle N leerlingen`, or the singular when only one matches."""
        if self.total == 1:
            return texts.SELECT_THE_ONLY_ONE
        return texts.SELECT_ALL_MATCHING.format(count=self.total)

    def _sync_selection(self) -> None:
        if not self._selected:
            self.selected_hidden = 0
        page_ids = [row.id for row in self.rows]
        self.selected_on_page = [pupil_id for pupil_id in page_ids if pupil_id in self._selected]
        self.all_on_page_selected = bool(page_ids) and len(self.selected_on_page) == len(page_ids)
        self.selected_count = len(self._selected)

    def _refresh(self) -> rx.event.EventSpec | None:
        return self._show(self._query)

    def _apply_link(self) -> None:
        """A link from the Overzicht (``?filter=1&groep=…&status=…&aandacht=…``) sets exactly its
        filters; any left out is `Alle`."""
        params = self.router.url.query_parameters
        if routes.LIST_LINK_MARKER not in params:
            return
        group = params.get(routes.LIST_GROUP_PARAM, "")
        status = params.get(routes.LIST_STATUS_PARAM, "")
        attention = params.get(routes.LIST_ATTENTION_PARAM, "")
        # The group is checked against the school's groups by the query.
        self.group = group[:120] if group else ALL
        self.status = status if status in STATUS_OPTIONS else ALL
        self.attention = attention if attention in ATTENTION_OPTIONS else ALL
        self.search, self.account_type, self.page = "", ALL, 1

    @rx.event
    @off_loop
    def load(self) -> rx.event.EventSpec | None:
        """on_load of the start page; a link from the Overzicht brings its filters."""
        self._apply_link()
        return self._refresh()

    @rx.event
    @off_loop
    def set_attention(self, value: str) -> rx.event.EventSpec | None:
        """Filter on Nog niet aangemeld / Moet wachtwoord kiezen / … / E-mail gekoppeld."""
        self.attention = value if isinstance(value, str) and value in ATTENTION_OPTIONS else ALL
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_search(self, value: str) -> rx.event.EventSpec | None:
        """Free-text search on stamnummer, naam and voornaam."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.search = value[: pupils.MAX_SEARCH_LENGTH]
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_group(self, value: str) -> rx.event.EventSpec | None:
        """Filter on administrative group (checked against the school's groups on query)."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.group = value or ALL
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_status(self, value: str) -> rx.event.EventSpec | None:
        """Filter on Actief / Inactief / Geen account."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.status = value if value in STATUS_OPTIONS else ALL
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def set_account_type(self, value: str) -> rx.event.EventSpec | None:
        """Filter on Basis / Gevorderd."""
        if not isinstance(value, str):
            return self._refuse(value)
        self.account_type = value if value in TYPE_OPTIONS else ALL
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def clear_filters(self) -> rx.event.EventSpec | None:
        """`Wis de filters`: the whole school again (the selection stays)."""
        self.search, self.group, self.status, self.account_type = "", ALL, ALL, ALL
        self.page = 1
        return self._refresh()

    @rx.event
    @off_loop
    def sort_by(self, field: str) -> rx.event.EventSpec | None:
        """Sort on a column; a second click on the same column reverses the order."""
        if not isinstance(field, str) or field not in {sort.value for sort in SortField}:
            return self._refuse(field)
        if field == self.sort_field:
            self.sort_descending = not self.sort_descending
        else:
            self.sort_field, self.sort_descending = field, False
        return self._refresh()

    @rx.event
    @off_loop
    def go_to_page(self, page: int) -> rx.event.EventSpec | None:
        """Jump to a page; out-of-range pages are clamped by the query."""
        if type(page) is not int:
            return self._refuse(page)
        self.page = max(1, min(page, self.page_count))
        return self._refresh()

    @rx.event
    @off_loop
    def toggle_pupil(self, pupil_id: int, checked: bool) -> rx.event.EventSpec | None:
        """The check box of one row; only a pupil of the administrator's school can be selected.

        Another school's pupil, a malformed id or a non-boolean ``checked`` is refused and
        audited, like every handler's bad argument.
        """

        if type(checked) is not bool:
            return self._refuse(checked)

        def in_school(_session: Session, context: AdminContext, _pupil: Pupil) -> int:
            return context.school_id

        try:
            token = self.session_token or None
            school_id = run_for_pupil(token, pupil_id, in_school, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        except DomainError as error:
            self.page_error = error.message
            return None
        if school_id != self._selection_school_id:
            return self._refresh()  # the school changed in another tab: start afresh there
        assert isinstance(pupil_id, int)
        if checked:
            self._selected.add(pupil_id)
        else:
            self._selected.discard(pupil_id)
        self.page_error = ""
        self._sync_selection()
        return None

    @rx.event
    @off_loop
    def toggle_page(self, checked: bool) -> rx.event.EventSpec | None:
        """The check box in the header: every row of this page, as the server lists it now."""

        if type(checked) is not bool:
            return self._refuse(checked)

        def page_ids(session: Session, context: AdminContext) -> set[int]:
            school_before = self._selection_school_id
            self._query(session, context)  # the current school's page, not what the tab holds
            if school_before != context.school_id:
                return set()  # a switch in another tab: this click meant the old school's rows
            return {row.id for row in self.rows}

        try:
            ids = self._as_admin(page_ids, read_only=True)
        except NotLoggedIn:
            return self._session_lost()
        if checked:
            self._selected |= ids
        else:
            self._selected -= ids
        self._sync_selection()
        return None

    @rx.event
    @off_loop
    def select_all_matching(self) -> rx.event.EventSpec | None:
        """Select every pupil matching the filters, on every page."""

        def all_ids(session: Session, context: AdminContext) -> list[int]:
            return pupils.matching_pupil_ids(
                session, school_id=context.school_id, filters=self._filters(), today=clock.today()
            )

        try:
            self._selected |= set(self._as_admin(all_ids, read_only=True))
        except NotLoggedIn:
            return self._session_lost()
        self._sync_selection()
        return None

    @rx.event
    def clear_selection(self) -> None:
        """Deselect everything."""
        self._selected = set()
        self._sync_selection()

    @rx.event
    def start_bulk_renewal(self) -> rx.event.EventSpec | None:
        """`Vernieuw wachtwoord` for the selection."""
        if not self._selected:
            self.page_error = texts.NOTHING_SELECTED
            return None
        self.page_error = ""
        return rx.redirect(routes.BULK_RENEW)

    @rx.event
    def start_bulk_activation(self) -> rx.event.EventSpec | None:
        """`Activeer LeerID` for the selected pupils without account."""
        if not self._selected:
            self.page_error = texts.NOTHING_SELECTED
            return None
        self.page_error = ""
        return rx.redirect(routes.BULK_ACTIVATE)

    def selected_ids(self) -> set[int]:
        """The selection, for the bulk pages (which re-check the school scope)."""
        return set(self._selected)

    def select_only(self, pupil_ids: set[int]) -> None:
        """Replace the selection (the bulk page plans refused pupils again; it re-checks scope)."""
        self._selected = set(pupil_ids)
        self._sync_selection()

    def forget_selection(self) -> None:
        """After a bulk run the selection has served its purpose."""
        self._selected = set()
        self._sync_selection()
