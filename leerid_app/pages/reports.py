"""Gegevenscontrole and `Wie wordt inactief?`: on screen and as Excel."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import error_callout, page_frame, page_heading
from leerid_app.components.report_parts import (
    count_list,
    report_card,
    section_title,
)
from leerid_app.components.tables import data_table, pager
from leerid_app.state.reports import (
    CountView,
    DataCheckState,
    IssueRowView,
    LeaverRowView,
    LeaversState,
)


def _download_button(on_click) -> rx.Component:
    return rx.button(
        rx.icon("sheet"), texts.DOWNLOAD_REPORT_EXCEL, variant="outline", on_click=on_click
    )


def _issue_row(row: IssueRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.issue),
        rx.table.cell(row.stamnummer),
        rx.table.cell(row.name),
        rx.table.cell(row.group),
        rx.table.cell(row.enrollment),
        rx.table.cell(row.official),
        rx.table.cell(row.related),
    )


def data_check_page() -> rx.Component:
    """Gegevenscontrole."""
    return page_frame(
        page_heading(texts.DATA_CHECK_HEADING),
        rx.text(texts.DATA_CHECK_INTRO),
        report_card(
            count_list(DataCheckState.counts, texts.DATA_CHECK_TABLE),
            rx.box(_download_button(DataCheckState.download_excel)),
        ),
        report_card(
            section_title(texts.DATA_CHECK_TABLE, DataCheckState.total, id="data-check-total"),
            rx.cond(DataCheckState.total == 0, rx.text(texts.DATA_CHECK_NONE)),
            rx.box(
                data_table(
                    texts.DATA_CHECK_TABLE,
                    [
                        texts.COL_ISSUE,
                        texts.COL_STAMNUMMER,
                        texts.COL_PUPIL,
                        texts.COL_GROUP,
                        texts.COL_ENROLLMENT_VALUE,
                        texts.COL_OFFICIAL_VALUE,
                        texts.COL_RELATED,
                    ],
                    DataCheckState.rows,
                    _issue_row,
                ),
                overflow_x="auto",
                width="100%",
            ),
            pager(DataCheckState.page, DataCheckState.page_count, DataCheckState.go_to_page),
        ),
    )


def _group_row(row: CountView) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(row.label), rx.table.cell(row.count))


def _leaver_row(row: LeaverRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.stamnummer, href=f"/leerling/{row.pupil_id}")),
        rx.table.cell(row.name),
        rx.table.cell(row.group),
        rx.table.cell(row.end),
        rx.table.cell(row.username),
        rx.table.cell(row.status),
    )


def _date_field(label: str, value: rx.Var[str], on_change) -> rx.Component:
    return rx.el.label(
        rx.vstack(
            rx.text(label, size="2"),
            rx.input(type="date", value=value, on_change=on_change),
            spacing="1",
        )
    )


def leavers_page() -> rx.Component:
    """Wie wordt inactief?"""
    return page_frame(
        page_heading(texts.LEAVERS_HEADING),
        rx.text(texts.LEAVERS_INTRO),
        error_callout(LeaversState.error),
        report_card(
            rx.hstack(
                _date_field(texts.LEAVERS_FROM, LeaversState.date_from, LeaversState.set_date_from),
                _date_field(texts.LEAVERS_TO, LeaversState.date_to, LeaversState.set_date_to),
                _download_button(LeaversState.download_excel),
                spacing="4",
                align="end",
                wrap="wrap",
            ),
        ),
        report_card(
            section_title(texts.LEAVERS_PER_GROUP),
            data_table(
                texts.LEAVERS_PER_GROUP,
                [texts.COL_GROUP, texts.COL_COUNT],
                LeaversState.per_group,
                _group_row,
            ),
        ),
        report_card(
            section_title(texts.LEAVERS_TABLE, LeaversState.total, id="leavers-total"),
            rx.cond(LeaversState.total == 0, rx.text(texts.LEAVERS_NONE)),
            data_table(
                texts.LEAVERS_TABLE,
                [
                    texts.COL_STAMNUMMER,
                    texts.COL_PUPIL,
                    texts.COL_GROUP,
                    texts.COL_ENROLLMENT_END,
                    texts.COL_USERNAME,
                    texts.COL_STATUS,
                ],
                LeaversState.rows,
                _leaver_row,
            ),
            pager(LeaversState.page, LeaversState.page_count, LeaversState.go_to_page),
        ),
    )
