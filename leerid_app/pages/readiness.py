"""The Overzicht (numbers per group, logins per day) and `Klaar voor de toets?`."""

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
from leerid_app.state.readiness import (
    OverviewCell,
    OverviewRowView,
    OverviewState,
    ReadinessRowView,
    ReadinessState,
)

OVERVIEW_HEADERS = [texts.COL_GROUP, *texts.OVERVIEW_COLUMNS.values()]


def _cell(cell: OverviewCell) -> rx.Component:
    return rx.table.cell(rx.link(cell.count, href=cell.href, aria_label=cell.label))


def _overview_row(row: OverviewRowView) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(row.group), rx.foreach(row.cells, _cell))


def overview_table() -> rx.Component:
    """Per administrative group every number, each a link to those pupils in the list."""
    return report_card(
        section_title(texts.OVERVIEW_TABLE),
        rx.box(
            data_table(
                texts.OVERVIEW_TABLE,
                OVERVIEW_HEADERS,
                OverviewState.rows,
                _overview_row,
                id="overview-table",
            ),
            overflow_x="auto",
            width="100%",
        ),
    )


def _chart_row(point: rx.Var[dict]) -> rx.Component:
    return rx.table.row(rx.table.row_header_cell(point["day"]), rx.table.cell(point["logins"]))


def login_chart() -> rx.Component:
    """Logins per day over the last 30 days, as a bar chart and, for screen readers, a table."""
    return report_card(
        section_title(texts.LOGIN_CHART_HEADING),
        rx.text(
            texts.LOGIN_CHART_TOTAL, rx.text.strong(OverviewState.chart_total), id="chart-total"
        ),
        rx.cond(
            OverviewState.chart_from_last_login,
            rx.text(texts.LOGIN_CHART_FROM_LAST_LOGIN, size="2"),
        ),
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
                rx.recharts.x_axis(data_key="day", interval="preserveStartEnd"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.graphing_tooltip(),
                rx.recharts.bar(
                    data_key="logins", name=texts.LOGIN_CHART_SERIES, fill="var(--accent-9)"
                ),
                data=OverviewState.chart,
                width="100%",
                height=280,
                # Recharts makes the drawing focusable for its own keyboard layer; it is
                # hidden from assistive technology (the table says it all), so no focus either.
                custom_attrs={"accessibilityLayer": False},
            ),
            # The numbers are in the table below; the drawing itself adds nothing to read.
            aria_hidden="true",
            id="login-chart",
            width="100%",
        ),
        rx.el.details(
            rx.el.summary(texts.LOGIN_CHART_TABLE),
            data_table(
                texts.LOGIN_CHART_TABLE,
                [texts.COL_DAY, texts.COL_LOGINS],
                OverviewState.chart,
                _chart_row,
            ),
        ),
    )


def overview_page() -> rx.Component:
    """The Overzicht."""
    return page_frame(page_heading(texts.OVERVIEW_HEADING), overview_table(), login_chart())


R = ReadinessState


def _group_choice(group: rx.Var[str]) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=R.chosen.contains(group),
                on_change=lambda checked: R.toggle_group(group, checked),
                aria_label=group,
            ),
            rx.text(group),
            spacing="2",
            align="center",
        ),
        margin_right="1.5em",
    )


def scope_picker() -> rx.Component:
    """The groups to check, or the list's selection."""
    return report_card(
        rx.text(texts.READINESS_INTRO),
        rx.el.fieldset(
            rx.el.legend(rx.text(texts.READINESS_GROUPS, weight="bold")),
            rx.flex(rx.foreach(R.groups, _group_choice), wrap="wrap", gap="3"),
            border="none",
            padding="0",
            margin="0",
        ),
        rx.hstack(
            rx.button(
                texts.READINESS_USE_SELECTION,
                variant="outline",
                on_click=R.use_selection,
                disabled=R.selection_count == 0,
            ),
            rx.text(texts.READINESS_SELECTION_SIZE, R.selection_count, size="2"),
            rx.button(texts.READINESS_CLEAR, variant="ghost", on_click=R.clear),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
    )


def _readiness_row(row: ReadinessRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(row.stamnummer, href=f"/leerling/{row.pupil_id}")),
        rx.table.cell(row.name),
        rx.table.cell(row.group),
        rx.table.cell(row.username),
        rx.table.cell(row.reason),
        rx.table.cell(row.fix),
    )


def results() -> rx.Component:
    """Counts per reason, the one action that fixes what can be fixed, and the pupils."""
    return rx.vstack(
        report_card(
            section_title(texts.READINESS_COUNTS),
            rx.box(
                rx.text(texts.READINESS_IN_SCOPE, rx.text.strong(R.total), id="readiness-total"),
                rx.text(texts.READINESS_READY, rx.text.strong(R.ready), id="readiness-ready"),
                role="status",
            ),
            count_list(R.counts, texts.READINESS_COUNTS),
            rx.text(texts.READINESS_FIX_ACTIVATE, rx.text.strong(R.to_activate), id="fix-activate"),
            rx.text(texts.READINESS_FIX_RENEW, rx.text.strong(R.to_renew), id="fix-renew"),
            rx.text(texts.READINESS_FIX_UNTOUCHED, size="2"),
            rx.button(
                texts.READINESS_FIX,
                on_click=R.prepare_fix,
                disabled=(R.to_activate + R.to_renew) == 0,
            ),
        ),
        report_card(
            section_title(texts.READINESS_TABLE, R.concerned, id="readiness-concerned"),
            rx.cond(
                (R.concerned == 0) & (R.total > 0),
                rx.text(texts.READINESS_ALL_READY),
            ),
            data_table(
                texts.READINESS_TABLE,
                [
                    texts.COL_STAMNUMMER,
                    texts.COL_PUPIL,
                    texts.COL_GROUP,
                    texts.COL_USERNAME,
                    texts.COL_REASON,
                    texts.COL_FIX,
                ],
                R.rows,
                _readiness_row,
                id="readiness-table",
            ),
            pager(R.page, R.page_count, R.go_to_page),
        ),
        spacing="4",
        width="100%",
    )


def readiness_page() -> rx.Component:
    """Klaar voor de toets?"""
    return page_frame(
        page_heading(texts.READINESS_HEADING),
        error_callout(R.error),
        scope_picker(),
        results(),
    )
