"""Headings, counts and tables of the report pages, with one h1 and named tables."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from leerid_app import texts

# Read by screen readers, not shown (the section heading above says the same).
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "padding": "0",
    "margin": "-1px",
    "overflow": "hidden",
    "clip": "rect(0, 0, 0, 0)",
    "white_space": "nowrap",
    "border": "0",
}


def page_heading(text: str) -> rx.Component:
    """The page's one h1, which focus lands on after navigation."""
    return rx.heading(text, as_="h1", size="6", id="page-heading", tab_index=-1)


def section_title(text: str | rx.Var, total: rx.Var[int] | None = None, **props) -> rx.Component:
    """An h2 in the manual's capitals, optionally followed by `Totaal aantal rijen: N`."""
    heading = rx.heading(text, as_="h2", size="3", weight="bold", letter_spacing="0.04em")
    if total is None:
        return heading
    return rx.hstack(
        heading, rx.text(texts.TOTAL_ROWS, total, **props), spacing="4", align="baseline"
    )


def named_table(
    name: str | rx.Var,
    headers: list[str],
    rows: rx.Var[list],
    render_row: Callable[[rx.Var], rx.Component],
    **props,
) -> rx.Component:
    """A full-width table whose accessible name is ``name``."""
    return rx.table.root(
        # Radix puts props on a wrapper div; a caption names the <table> itself.
        rx.el.caption(name, style=VISUALLY_HIDDEN),
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(header) for header in headers])),
        rx.table.body(rx.foreach(rows, render_row)),
        width="100%",
        variant="surface",
        **props,
    )


def count_list(items: rx.Var[list], name: str) -> rx.Component:
    """Label: number pairs as a definition list, announced when they change."""
    return rx.box(
        rx.el.dl(
            rx.foreach(
                items,
                lambda item: rx.hstack(
                    rx.el.dt(item.label),
                    rx.el.dd(rx.text.strong(item.count), margin="0"),
                    spacing="2",
                ),
            ),
            margin="0",
        ),
        role="status",
        aria_label=name,
    )


def report_card(*children: rx.Component) -> rx.Component:
    """A card holding one block of a report."""
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%")
