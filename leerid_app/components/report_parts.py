"""Counts and cards of the report pages (headings and tables come from layout and tables)."""

from __future__ import annotations

import reflex as rx

from leerid_app.components.layout import section_heading
from leerid_app.components.tables import table_heading


def section_title(text: str | rx.Var, total: rx.Var[int] | None = None, **props) -> rx.Component:
    """An h2 in the manual's capitals, optionally followed by `Totaal aantal rijen: N`."""
    return section_heading(text) if total is None else table_heading(text, total, **props)


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
