"""The Logboek page: who did what to which LeerID, and when."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import page_frame, page_heading
from leerid_app.components.tables import data_table, pager, table_heading
from leerid_app.state.logbook import ACTION_OPTIONS, ALL, LogbookState, LogRowView

S = LogbookState


def _labelled(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"), control, spacing="1", max_width="100%"
    )


def filters() -> rx.Component:
    """Pupil, action and date range."""
    return rx.card(
        rx.hstack(
            _labelled(
                texts.COL_PUPIL,
                rx.input(
                    placeholder=texts.LOGBOOK_PUPIL_FILTER,
                    aria_label=texts.LOGBOOK_PUPIL_FILTER,
                    value=S.pupil_query,
                    on_change=S.set_pupil_query.debounce(300),
                    width="20em",
                    max_width="100%",
                    max_length=100,
                ),
            ),
            _labelled(
                texts.LOGBOOK_ACTION,
                rx.select.root(
                    rx.select.trigger(aria_label=texts.LOGBOOK_ACTION, min_width="14em"),
                    rx.select.content(
                        rx.select.item(texts.ALL, value=ALL),
                        *[
                            rx.select.item(label, value=value)
                            for label, value in ACTION_OPTIONS.items()
                        ],
                    ),
                    value=S.action,
                    on_change=S.set_action,
                ),
            ),
            _labelled(
                texts.LOGBOOK_FROM,
                rx.input(
                    type="date",
                    value=S.date_from,
                    on_change=S.set_date_from,
                    aria_label=texts.LOGBOOK_FROM,
                ),
            ),
            _labelled(
                texts.LOGBOOK_TO,
                rx.input(
                    type="date",
                    value=S.date_to,
                    on_change=S.set_date_to,
                    aria_label=texts.LOGBOOK_TO,
                ),
            ),
            spacing="4",
            wrap="wrap",
            align="end",
        ),
        width="100%",
    )


def _row(row: LogRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.when),
        rx.table.cell(row.who),
        rx.table.cell(row.action),
        rx.table.cell(row.pupil),
        rx.table.cell(rx.text(row.details, size="2"), class_name="cell-prose"),
    )


def events_table() -> rx.Component:
    """Newest first, paged on the server."""
    return rx.card(
        rx.vstack(
            table_heading(texts.LOGBOOK_HEADING.upper(), S.total),
            data_table(
                texts.LOGBOOK_HEADING,
                [
                    texts.COL_WHEN,
                    texts.COL_WHO,
                    texts.COL_ACTION,
                    texts.COL_PUPIL,
                    texts.COL_DETAILS,
                ],
                S.rows,
                _row,
            ),
            pager(S.page, S.page_count, S.go_to_page, always=True),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def logbook_page() -> rx.Component:
    """The Logboek."""
    return page_frame(page_heading(texts.LOGBOOK_HEADING), filters(), events_table())
