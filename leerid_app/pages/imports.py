"""`Importeer leerlingen`: choose the export, read the preview, confirm, see the result."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes, texts
from leerid_app.components.layout import error_callout, page_frame, page_heading, success_callout
from leerid_app.components.tables import data_table, pager, remarks
from leerid_app.services.imports.plan import MSG_SUMMER_RULE
from leerid_app.services.imports.reading import MAX_FILE_BYTES
from leerid_app.state.imports import (
    CATEGORY_TABS,
    PREVIEW,
    RESULT,
    UPLOAD_ID,
    ImportRowView,
    ImportState,
)

S = ImportState
ACCEPT = {
    "text/csv": [".csv", ".txt"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
}


def _heading(text: str) -> rx.Component:
    return rx.heading(text, as_="h2", size="3", weight="bold", letter_spacing="0.04em")


def _file_chooser() -> rx.Component:
    """The drop zone with its button; choosing a file sends it to ``receive_upload``."""
    zone = rx.upload.root(
        rx.hstack(
            rx.button(
                rx.icon("upload", size=16),
                texts.IMPORT_CHOOSE_FILE,
                type="button",
                disabled=S.busy,
            ),
            rx.text(
                texts.IMPORT_DROP_HINT.format(mb=MAX_FILE_BYTES // (1024 * 1024)),
                color_scheme="gray",
                size="2",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        id=UPLOAD_ID,
        accept=ACCEPT,
        max_files=1,
        multiple=False,
        # The button inside takes the keyboard; a focusable drop zone around it would be a
        # second tab stop for the same action.
        no_keyboard=True,
        disabled=S.busy,
        on_drop=S.receive_upload(rx.upload_files_chunk(upload_id=UPLOAD_ID)),
        border="1px dashed var(--gray-7)",
        border_radius="var(--radius-3)",
        padding="1em",
        width="100%",
    )
    # rx.upload offers no props for its hidden <input type="file">; name it for assistive
    # technology (the drop zone is the upload's first child, the input the zone's first).
    file_input = zone.children[0].children[0]
    file_input.custom_attrs["aria-label"] = texts.IMPORT_FILE_INPUT
    return zone


def upload_card() -> rx.Component:
    """The file chooser; choosing a file reads it at once and shows the preview."""
    return rx.card(
        rx.vstack(
            _heading(texts.IMPORT_FILE_HEADING),
            _file_chooser(),
            # A live region that exists before the text appears, so the reading is announced.
            rx.box(
                rx.cond(
                    S.busy,
                    rx.hstack(rx.spinner(size="2"), rx.text(texts.IMPORT_READING), align="center"),
                ),
                role="status",
                width="100%",
            ),
            error_callout(S.error),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _count(value: str, label: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(rx.text(label, size="1", color_scheme="gray", weight="medium")),
        rx.el.dd(rx.text(S.counts[value].to(int), size="5", weight="bold"), margin="0"),
    )


def _row(row: ImportRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.row_number),
        rx.table.cell(row.stamnummer),
        rx.table.cell(row.name),
        rx.table.cell(row.administrative_group),
        rx.table.cell(
            rx.vstack(rx.foreach(row.details, lambda line: rx.text(line, size="2")), spacing="0")
        ),
    )


def _table(label: str) -> rx.Component:
    return rx.vstack(
        data_table(
            label,
            [
                texts.IMPORT_COL_ROW,
                texts.COL_STAMNUMMER,
                texts.IMPORT_COL_NAME,
                texts.COL_GROUP,
                texts.IMPORT_COL_DETAILS,
            ],
            S.rows,
            _row,
        ),
        rx.cond(S.rows.length() == 0, rx.text(texts.IMPORT_NOTHING_HERE, color_scheme="gray")),
        pager(S.page_no, S.page_count, S.go_to_page),
        spacing="3",
        width="100%",
    )


def preview_card() -> rx.Component:
    """Counts, the July/August note, the five tables, and the confirmation."""
    refused = S.counts["refused"].to(int)
    return rx.card(
        rx.vstack(
            _heading(texts.IMPORT_PREVIEW_HEADING),
            rx.text(texts.IMPORT_FILE_LINE, rx.text.strong(S.file_name)),
            rx.cond(S.ignored_columns != "", rx.text(texts.IMPORT_IGNORED, S.ignored_columns)),
            rx.el.dl(
                *[_count(value, label) for value, label in CATEGORY_TABS],
                display="flex",
                gap="2em",
                flex_wrap="wrap",
                margin="0",
                id="import-counts",
            ),
            rx.cond(
                S.summer_rule,
                rx.callout(MSG_SUMMER_RULE, icon="info", color_scheme="blue", width="100%"),
            ),
            rx.tabs.root(
                rx.tabs.list(
                    *[
                        rx.tabs.trigger(
                            rx.text(label, " (", S.counts[value].to(int), ")"), value=value
                        )
                        for value, label in CATEGORY_TABS
                    ]
                ),
                *[
                    rx.tabs.content(_table(label), value=value, padding_top="1em")
                    for value, label in CATEGORY_TABS
                ],
                value=S.category,
                on_change=S.show_category,
                width="100%",
            ),
            rx.cond(
                refused > 0,
                rx.vstack(
                    rx.callout(
                        rx.text(refused, texts.IMPORT_REFUSED_HINT),
                        icon="triangle_alert",
                        color_scheme="orange",
                        width="100%",
                    ),
                    rx.checkbox(
                        texts.IMPORT_ONLY_VALID,
                        aria_label=texts.IMPORT_ONLY_VALID,
                        checked=S.only_valid,
                        on_change=S.set_only_valid,
                        disabled=S.busy,
                    ),
                    width="100%",
                ),
            ),
            rx.hstack(
                rx.button(
                    texts.IMPORT_CANCEL,
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.cancel,
                    disabled=S.busy,
                ),
                rx.button(
                    texts.IMPORT_CONFIRM,
                    on_click=S.confirm,
                    disabled=S.busy | ((refused > 0) & ~S.only_valid),
                    loading=S.busy,
                ),
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def result_card() -> rx.Component:
    """What the import changed, and where to go next."""
    return rx.card(
        rx.vstack(
            success_callout(S.result_message),
            rx.text(texts.IMPORT_REMARK_NEW),
            rx.hstack(
                rx.link(texts.IMPORT_TO_LIST, href=routes.PUPILS),
                rx.button(texts.IMPORT_ANOTHER, variant="soft", on_click=S.cancel),
                spacing="4",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def import_page() -> rx.Component:
    """The page `Importeer leerlingen`."""
    return page_frame(
        page_heading(texts.IMPORT_HEADING),
        rx.text(
            S.school_name,
            rx.cond(
                S.instellingsnummer != "",
                rx.text.span(" · ", texts.IMPORT_SCHOOL_NUMBER, S.instellingsnummer),
            ),
            color_scheme="gray",
        ),
        rx.text(texts.IMPORT_INTRO),
        remarks(texts.IMPORT_REMARK_COLUMNS, texts.IMPORT_REMARK_ENDING, texts.IMPORT_REMARK_NEW),
        rx.cond(S.phase == RESULT, result_card(), upload_card()),
        rx.cond(S.phase == PREVIEW, preview_card()),
    )
