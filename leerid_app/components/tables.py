"""Shared table pieces: the heading with `Totaal aantal rijen`, a table, and the pager."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import section_heading

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
    return rx.hstack(
        section_heading(title),
        rx.text(texts.TOTAL_ROWS, total, **props),
        spacing="4",
        align="baseline",
    )


def data_table(
    headers: list[rx.Component | str],
    rows: rx.Var[list],
    render_row: Callable[[rx.Var], rx.Component],
    *,
    caption: str | rx.Var | None = None,
    **props,
) -> rx.Component:
    """A full-width table; plain strings become header cells; ``caption`` names it for screen
    readers (visually hidden: the heading above already shows it)."""
    named = [rx.el.caption(caption, style=VISUALLY_HIDDEN)] if caption is not None else []
    return rx.table.root(
        *named,
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
