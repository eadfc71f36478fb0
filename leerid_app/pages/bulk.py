"""`Bulk: genereer nieuw wachtwoord` and bulk activation: tables, progress, result, downloads."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import (
    error_callout,
    live_status,
    page_frame,
    page_heading,
    success_callout,
)
from leerid_app.components.tables import data_table, pager, table_heading
from leerid_app.state.bulk import (
    ACTIVATE,
    RENEW,
    RESULT,
    SKIPPED_NAMES_SHOWN,
    BulkRowView,
    BulkState,
    ResultTableView,
)
from leerid_app.state.focus import RESULT_HEADING_ID, SKIPPED_LIST_ID

S = BulkState


def _planned_row(row: BulkRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=row.included,
                on_change=lambda checked: S.toggle_included(row.pupil_id, checked),
                disabled=S.running,
                aria_label=f"Neem {row.name_and_stamnummer} op",
            )
        ),
        rx.table.cell(row.name_and_stamnummer),
        rx.table.cell(rx.cond(row.username != "", row.username, "(nieuw)")),
        rx.table.cell(
            rx.hstack(
                rx.code(row.password, weight="bold"),
                rx.cond(row.hint != "", rx.text(row.hint, size="1", color_scheme="gray")),
                align="baseline",
                spacing="2",
            )
        ),
        rx.table.cell(row.account_type),
    )


def planned_table(mode: str) -> rx.Component:
    """LEERLINGEN ZONDER E-MAILADRES (renewal) or the pupils without LeerID (activation)."""
    title = texts.WITHOUT_EMAIL if mode == RENEW else texts.TO_ACTIVATE
    return rx.card(
        rx.vstack(
            table_heading(title, S.planned_total, id="planned-total"),
            data_table(
                title,
                [
                    rx.table.column_header_cell("", width="2.5em"),
                    texts.COL_NAME_AND_STAMNUMMER,
                    texts.COL_USERNAME,
                    texts.COL_PASSWORD,
                    texts.COL_ACCOUNT_TYPE,
                ],
                S.planned_page,
                _planned_row,
                id="planned-table",
            ),
            pager(S.planned_page_no, S.planned_page_count, S.planned_go_to),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _linked_row(row: BulkRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.name_and_stamnummer),
        rx.table.cell(row.username),
        rx.table.cell(row.masked_email),
    )


def linked_table() -> rx.Component:
    """LEERID'S MET GEKOPPELD E-MAILADRES, with the manual's explanation."""
    return rx.card(
        rx.vstack(
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.callout.text(rx.text.strong(texts.EMAIL_LINKED_TITLE)),
                rx.callout.text(texts.EMAIL_LINKED_EXPLANATION),
                color_scheme="blue",
                high_contrast=True,
                width="100%",
            ),
            table_heading(texts.WITH_EMAIL, S.linked_total),
            data_table(
                texts.WITH_EMAIL,
                [texts.COL_NAME_AND_STAMNUMMER, texts.COL_USERNAME, texts.COL_EMAIL],
                S.linked_page,
                _linked_row,
                id="linked-table",
            ),
            pager(S.linked_page_no, S.linked_page_count, S.linked_go_to),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def progress() -> rx.Component:
    """The live progress bar while the passwords are hashed and saved."""
    return rx.cond(
        S.running,
        rx.card(
            rx.vstack(
                live_status("Bezig met ", S.progress_done, " van ", S.progress_total, " LeerID's…"),
                rx.progress(
                    value=S.progress_done,
                    max=S.progress_total,
                    width="100%",
                    aria_label=texts.PROGRESS_LABEL,
                ),
                rx.text(texts.BULK_STAY_ON_PAGE, size="2", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )


def skipped() -> rx.Component:
    """The selected pupils that are skipped; the full list on request."""
    return rx.cond(
        S.skipped_message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text(S.skipped_message),
            rx.cond(
                (S.skipped_total > SKIPPED_NAMES_SHOWN) & (S.skipped_all.length() == 0),
                rx.button(
                    texts.SHOW_ALL_SKIPPED,
                    variant="outline",
                    color_scheme="gray",
                    size="1",
                    on_click=S.show_all_skipped,
                ),
            ),
            rx.cond(
                S.skipped_all.length() > 0,
                rx.box(
                    rx.unordered_list(rx.foreach(S.skipped_all, rx.list_item)),
                    max_height="20em",
                    overflow_y="auto",
                    width="100%",
                    tab_index=0,
                    role="region",
                    aria_label=texts.SKIPPED_LIST_LABEL,
                    id=SKIPPED_LIST_ID,
                ),
            ),
            color_scheme="gray",
            width="100%",
        ),
    )


def plan_view(mode: str) -> rx.Component:
    """The tables before saving, with Annuleren / Bewaren en afdrukken."""
    return rx.vstack(
        skipped(),
        rx.cond(S.planned_total > 0, planned_table(mode)),
        progress(),
        rx.hstack(
            rx.button(
                texts.CANCEL_BULK,
                variant="soft",
                color_scheme="gray",
                on_click=S.cancel,
                disabled=S.running,
            ),
            rx.button(
                texts.SAVE_AND_PRINT,
                on_click=S.save,
                loading=S.running,
                disabled=S.running | (S.planned_included == 0),
            ),
            spacing="3",
        ),
        rx.cond(S.linked_total > 0, linked_table()) if mode == RENEW else rx.fragment(),
        spacing="4",
        width="100%",
    )


def _result_row(row: BulkRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.name_and_stamnummer),
        rx.table.cell(row.username),
        rx.table.cell(rx.code(row.password, weight="bold")),
        rx.table.cell(row.account_type),
    )


def result_table(table: ResultTableView) -> rx.Component:
    """`LEERID'S MET NIEUW GEVORDERD WACHTWOORD` (or basis): the new passwords of one type."""
    return rx.card(
        rx.vstack(
            table_heading(table.heading, table.total),
            data_table(
                table.heading,
                [
                    texts.COL_NAME_AND_STAMNUMMER,
                    texts.COL_USERNAME,
                    texts.COL_PASSWORD,
                    texts.COL_ACCOUNT_TYPE,
                ],
                table.rows,
                _result_row,
            ),
            pager(
                table.page_no,
                table.page_count,
                lambda page: S.result_go_to(table.account_type, page),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def result_view() -> rx.Component:
    """`N LeerID's hebben een nieuw wachtwoord`, what it means, the tables and the downloads."""
    return rx.vstack(
        success_callout(S.result_heading, id=RESULT_HEADING_ID, tab_index=-1),
        rx.unordered_list(rx.foreach(S.result_lines, rx.list_item)),
        rx.hstack(
            rx.button(rx.icon("file-text"), texts.DOWNLOAD_PDF, on_click=S.download_pdf),
            rx.button(
                rx.icon("sheet"), texts.DOWNLOAD_EXCEL, on_click=S.download_excel, variant="outline"
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.text(texts.RESULT_DISCARDED, size="2", color_scheme="gray"),
        rx.foreach(S.result_tables, result_table),
        rx.button(texts.DONE, variant="soft", on_click=S.cancel),
        spacing="4",
        width="100%",
    )


def _bulk_page(mode: str) -> rx.Component:
    # The route fixes the mode: the heading is right before the server has answered.
    heading = texts.BULK_ACTIVATE_HEADING if mode == ACTIVATE else texts.BULK_RENEW_HEADING
    return page_frame(
        page_heading(heading),
        error_callout(S.error),
        rx.cond(S.phase == RESULT, result_view(), plan_view(mode)),
    )


def bulk_renew_page() -> rx.Component:
    """`Bulk: genereer nieuw wachtwoord`."""
    return _bulk_page(RENEW)


def bulk_activate_page() -> rx.Component:
    """`Bulk: activeer LeerID's`."""
    return _bulk_page(ACTIVATE)
