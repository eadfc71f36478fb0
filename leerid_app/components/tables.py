"""Shared table pieces: the heading with `Totaal aantal rijen`, a table, and the pager."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import live_status, section_heading

# Hidden on screen, read by screen readers (the usual "visually hidden" recipe).
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def table_heading(title: str | rx.Var, total: rx.Var[int], **props) -> rx.Component:
    """The manual's capitalised title followed by `Totaal aantal rijen: N`."""
    return rx.flex(
        section_heading(title),
        live_status(texts.TOTAL_ROWS, total, **props),
        column_gap="var(--space-4)",
        row_gap="var(--space-1)",
        align="baseline",
        wrap="wrap",
    )


def data_table(
    label: str | rx.Var,
    headers: list[rx.Component | str],
    rows: rx.Var[list],
    render_row: Callable[[rx.Var], rx.Component],
    *,
    caption: str | rx.Var | None = None,
    **props,
) -> rx.Component:
    """A full-width table named by its caption; plain strings become header cells.

    A table wider than the screen scrolls inside its own box (a phone), never the page.
    """
    table = rx.table.root(
        rx.el.caption(label, class_name="sr-only"),
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(header) if isinstance(header, str) else header
                    for header in headers
                ]
            )
        ),
        rx.table.body(rx.foreach(rows, render_row)),
        width="100%",
        variant="surface",
        **props,
    )
    # Focusable and named, so a keyboard can scroll it (axe: scrollable-region-focusable).
    return rx.box(table, class_name="table-scroll", tab_index=0, role="region", aria_label=label)


def pager(
    page: rx.Var[int],
    page_count: rx.Var[int],
    go_to: Callable[[rx.Var[int]], rx.event.EventSpec],
    *,
    always: bool = False,
) -> rx.Component:
    """Vorige / `Pagina p van n` / Volgende; the server clamps out-of-range pages."""
    controls = rx.hstack(
        rx.button(
            texts.PREVIOUS_PAGE, variant="soft", disabled=page <= 1, on_click=go_to(page - 1)
        ),
        rx.text("Pagina ", page, " van ", page_count),
        rx.button(
            texts.NEXT_PAGE,
            variant="soft",
            disabled=page >= page_count,
            on_click=go_to(page + 1),
        ),
        align="center",
        spacing="3",
    )
    return controls if always else rx.cond(page_count > 1, controls)


def remarks(*items: str) -> rx.Component:
    """The manual's OPMERKING box."""
    return rx.callout.root(
        rx.callout.text(
            rx.text.strong(texts.REMARK),
            rx.unordered_list(*[rx.list_item(item) for item in items]),
        ),
        color_scheme="gray",
        variant="surface",
        width="100%",
    )
