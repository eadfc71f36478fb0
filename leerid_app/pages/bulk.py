"""`Bulk: genereer nieuw wachtwoord` and bulk activation: tables, progress, result, downloads."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import error_callout, page_frame
from leerid_app.components.tables import data_table, pager, table_heading
from leerid_app.state.bulk import ACTIVATE, FIX, RENEW, RESULT, BulkRowView, BulkState

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
        rx.table.cell(rx.code(row.password, weight="bold")),
        rx.table.cell(row.account_type),
    )


def planned_table() -> rx.Component:
    """LEERLINGEN ZONDER E-MAILADRES (renewal) or the pupils without LeerID (activation)."""
    title = rx.match(S.mode, (RENEW, texts.WITHOUT_EMAIL), (FIX, texts.TO_FIX), texts.TO_ACTIVATE)
    return rx.card(
        rx.vstack(
            table_heading(title, S.planned_total, id="planned-total"),
            data_table(
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
                width="100%",
            ),
            table_heading(texts.WITH_EMAIL, S.linked_total),
            data_table(
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
                rx.text("Bezig met ", S.progress_done, " van ", S.progress_total, " LeerID's…"),
                rx.progress(value=S.progress_done, max=S.progress_total, width="100%"),
                rx.text(texts.BULK_STAY_ON_PAGE, size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            width="100%",
            role="status",
        ),
    )


def plan_view() -> rx.Component:
    """The tables before saving, with Annuleren / Bewaren en afdrukken."""
    return rx.vstack(
        rx.cond(
            S.skipped_message != "",
            rx.callout(S.skipped_message, icon="info", color_scheme="gray", width="100%"),
        ),
        rx.cond(S.planned_total > 0, planned_table()),
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
        rx.cond((S.mode == RENEW) & (S.linked_total > 0), linked_table()),
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


def result_view() -> rx.Component:
    """`N LeerID's hebben een nieuw wachtwoord`, what it means, the table and the downloads."""
    return rx.vstack(
        rx.callout(
            S.result_heading,
            icon="circle_check",
            color_scheme="green",
            width="100%",
            role="status",
            id="result-heading",
        ),
        rx.unordered_list(rx.foreach(S.result_lines, rx.list_item)),
        rx.el.label(
            rx.hstack(
                rx.checkbox(checked=S.large_slips, on_change=S.set_large_slips),
                rx.text(texts.LARGE_SLIPS),
                spacing="2",
                align="center",
            ),
        ),
        rx.hstack(
            rx.button(rx.icon("file-text"), texts.DOWNLOAD_PDF, on_click=S.download_pdf),
            rx.button(
                rx.icon("sheet"), texts.DOWNLOAD_EXCEL, on_click=S.download_excel, variant="outline"
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.text(texts.RESULT_DISCARDED, size="2", color_scheme="gray"),
        rx.card(
            rx.vstack(
                table_heading(
                    rx.match(
                        S.mode,
                        (RENEW, texts.RESULT_TABLE),
                        (FIX, texts.RESULT_TABLE_FIXED),
                        texts.RESULT_TABLE_ACTIVATED,
                    ),
                    S.result_total,
                ),
                data_table(
                    [
                        texts.COL_NAME_AND_STAMNUMMER,
                        texts.COL_USERNAME,
                        texts.COL_PASSWORD,
                        texts.COL_ACCOUNT_TYPE,
                    ],
                    S.result_page,
                    _result_row,
                    id="result-table",
                ),
                pager(S.result_page_no, S.result_page_count, S.result_go_to),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.button(texts.DONE, variant="soft", on_click=S.cancel),
        spacing="4",
        width="100%",
    )


def bulk_page() -> rx.Component:
    """Both bulk actions share this page; the route decides the mode."""
    return page_frame(
        rx.heading(
            rx.match(
                S.mode,
                (ACTIVATE, texts.BULK_ACTIVATE_HEADING),
                (FIX, texts.BULK_FIX_HEADING),
                texts.BULK_RENEW_HEADING,
            ),
            size="6",
        ),
        error_callout(S.error),
        rx.cond(S.phase == RESULT, result_view(), plan_view()),
    )
