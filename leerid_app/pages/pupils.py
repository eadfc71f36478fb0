"""The start page: filter bar and the table INGESCHREVEN LEERLINGEN with selection and paging."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import live_status, page_frame, page_heading, section_heading
from leerid_app.components.tables import data_table, pager, table_heading
from leerid_app.services.pupils import PupilRow, SortField
from leerid_app.state.pupils import (
    ALL,
    ATTENTION_OPTIONS,
    STATUS_OPTIONS,
    TYPE_OPTIONS,
    PupilListState,
)


def _filter_select(
    label: str, items: list[str] | rx.Var, value: rx.Var[str], on_change
) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.select.root(
            rx.select.trigger(placeholder=texts.ALL, aria_label=label, min_width="12em"),
            rx.select.content(
                rx.select.item(texts.ALL, value=ALL),
                rx.foreach(items, lambda item: rx.select.item(item, value=item)),
            ),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
    )


def filter_bar() -> rx.Component:
    """FILTER LEERLINGEN LIJST: free text, group, status and type."""
    return rx.card(
        rx.vstack(
            section_heading(texts.FILTER_HEADING),
            rx.hstack(
                rx.vstack(
                    rx.text(texts.SEARCH_PLACEHOLDER, size="1", color_scheme="gray"),
                    rx.input(
                        rx.input.slot(rx.icon("search", size=16)),
                        placeholder=texts.SEARCH_PLACEHOLDER,
                        aria_label=texts.SEARCH_PLACEHOLDER,
                        value=PupilListState.search,
                        on_change=PupilListState.set_search.debounce(300),
                        max_length=100,
                        width="22em",
                        max_width="100%",
                        type="search",
                    ),
                    spacing="1",
                    max_width="100%",
                ),
                _filter_select(
                    texts.GROUP_LABEL,
                    PupilListState.groups,
                    PupilListState.group,
                    PupilListState.set_group,
                ),
                _filter_select(
                    texts.STATUS_LABEL,
                    STATUS_OPTIONS,
                    PupilListState.status,
                    PupilListState.set_status,
                ),
                _filter_select(
                    texts.TYPE_LABEL,
                    list(TYPE_OPTIONS),
                    PupilListState.account_type,
                    PupilListState.set_account_type,
                ),
                _filter_select(
                    texts.ATTENTION_LABEL,
                    ATTENTION_OPTIONS,
                    PupilListState.attention,
                    PupilListState.set_attention,
                ),
                spacing="4",
                wrap="wrap",
                align="end",
            ),
            spacing="3",
        ),
        width="100%",
    )


def _sort_header(label: str, field: SortField) -> rx.Component:
    active = PupilListState.sort_field == field.value
    arrow = rx.cond(active, rx.cond(PupilListState.sort_descending, " ▼", " ▲"), "")
    return rx.table.column_header_cell(
        rx.button(
            rx.text(label, arrow),
            variant="ghost",
            color_scheme="gray",
            on_click=PupilListState.sort_by(field.value),
            aria_label=f"Sorteer op {label}",
            high_contrast=True,
            size="2",
        ),
        aria_sort=rx.cond(
            active, rx.cond(PupilListState.sort_descending, "descending", "ascending"), "none"
        ),
    )


def _status_badge(status: rx.Var[str]) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(status, ("Actief", "green"), ("Inactief", "orange"), "gray"),
        variant="soft",
        # Step 12 text: the soft step 11 is 4.2:1 at 12 px.
        high_contrast=True,
    )


def _row(row: PupilRow) -> rx.Component:
    detail = f"/leerling/{row.id}"
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=PupilListState.selected_on_page.contains(row.id),
                on_change=lambda checked: PupilListState.toggle_pupil(row.id, checked),
                aria_label=texts.SELECT_PUPIL.format(name=f"{row.first_name} {row.last_name}"),
            ),
        ),
        rx.table.cell(rx.link(row.stamnummer, href=detail)),
        rx.table.cell(rx.link(row.first_name, href=detail)),
        rx.table.cell(rx.link(row.last_name, href=detail)),
        rx.table.cell(row.administrative_group),
        rx.table.cell(_status_badge(row.status)),
        rx.table.cell(row.account_type),
        class_name="pupil-row",
        _hover={"background": "var(--accent-2)"},
    )


def no_pupils_found() -> rx.Component:
    """An empty result, with a way out when filters caused it."""
    return rx.flex(
        rx.text(texts.NO_PUPILS_FOUND, color_scheme="gray"),
        rx.cond(
            PupilListState.has_filters,
            rx.button(texts.CLEAR_FILTERS, variant="soft", on_click=PupilListState.clear_filters),
        ),
        align="center",
        spacing="3",
        wrap="wrap",
    )


def pupil_table() -> rx.Component:
    """INGESCHREVEN LEERLINGEN with the total, check boxes, sortable columns and paging."""
    return rx.card(
        rx.vstack(
            table_heading(texts.LIST_HEADING, PupilListState.total, id="total"),
            data_table(
                texts.LIST_TABLE_LABEL,
                [
                    rx.table.column_header_cell(
                        rx.checkbox(
                            checked=PupilListState.all_on_page_selected,
                            on_change=PupilListState.toggle_page,
                            aria_label=texts.SELECT_ALL_ON_PAGE,
                        ),
                        width="2.5em",
                    ),
                    _sort_header(texts.COL_STAMNUMMER, SortField.STAMNUMMER),
                    _sort_header(texts.COL_FIRST_NAME, SortField.VOORNAAM),
                    _sort_header(texts.COL_LAST_NAME, SortField.NAAM),
                    _sort_header(texts.COL_GROUP, SortField.GROEP),
                    texts.COL_STATUS,
                    texts.COL_TYPE,
                ],
                PupilListState.rows,
                _row,
            ),
            rx.cond(PupilListState.total == 0, no_pupils_found()),
            pager(
                PupilListState.page,
                PupilListState.page_count,
                PupilListState.go_to_page,
                always=True,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def selection_bar() -> rx.Component:
    """`Aantal geselecteerde leerlingen: N` and the bulk actions."""
    return rx.card(
        rx.hstack(
            live_status(
                texts.SELECTED_COUNT,
                rx.text.strong(PupilListState.selected_count),
                id="selected-count",
            ),
            rx.cond(
                PupilListState.selected_hidden_text != "",
                rx.text(PupilListState.selected_hidden_text, id="selected-hidden"),
            ),
            rx.button(
                PupilListState.select_all_label,
                variant="outline",
                on_click=PupilListState.select_all_matching,
                disabled=PupilListState.total == 0,
            ),
            rx.button(
                texts.CLEAR_SELECTION,
                variant="ghost",
                on_click=PupilListState.clear_selection,
                disabled=PupilListState.selected_count == 0,
            ),
            rx.spacer(),
            rx.button(
                texts.RENEW_PASSWORDS,
                on_click=PupilListState.start_bulk_renewal,
                disabled=PupilListState.selected_count == 0,
            ),
            rx.button(
                texts.ACTIVATE_ACCOUNTS,
                variant="soft",
                on_click=PupilListState.start_bulk_activation,
                disabled=PupilListState.selected_count == 0,
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
    )


def pupils_page() -> rx.Component:
    """The start page."""
    return page_frame(page_heading(texts.NAV_PUPILS), filter_bar(), selection_bar(), pupil_table())
