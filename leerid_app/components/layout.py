"""The page frame every console page uses: skip link, header with navigation, main and its h1."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes, texts
from leerid_app.state.auth import AuthState, SchoolOption
from leerid_app.state.focus import PAGE_HEADING_ID

MAIN_ID = "inhoud"
MAX_WIDTH = "1200px"
PAGE_PADDING = rx.breakpoints(initial="1em", sm="1.5em")


def skip_link() -> rx.Component:
    """`Ga naar de inhoud`: the first tab stop, visible once focused."""
    return rx.el.a(texts.SKIP_TO_CONTENT, href=f"#{MAIN_ID}", class_name="skip-link")


def live_status(*children: rx.Component | rx.Var | str, **props) -> rx.Component:
    """Text whose changes a screen reader announces (totals, counts, progress, results)."""
    return rx.text(*children, role="status", aria_live="polite", aria_atomic="true", **props)


def _school_item(school: SchoolOption) -> rx.Component:
    current = school.name == AuthState.school_name
    return rx.menu.item(
        rx.hstack(
            rx.icon("check", size=16, opacity=rx.cond(current, "1", "0"), aria_hidden="true"),
            rx.text(school.name),
            rx.cond(current, rx.text(texts.CURRENT_SCHOOL, class_name="sr-only")),
            spacing="2",
            align="center",
        ),
        on_click=AuthState.switch_school(school.id),
    )


def school_menu() -> rx.Component:
    """`Wijzig instelling`, shown to administrators of more than one school."""
    return rx.cond(
        AuthState.schools.length() > 1,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    texts.SWITCH_SCHOOL, rx.icon("chevron-down", size=16), variant="soft", size="2"
                )
            ),
            rx.menu.content(rx.foreach(AuthState.schools, _school_item)),
            # A modal menu hides the rest of the page from screen readers while its links
            # stay focusable (axe: aria-hidden-focus); Escape and Tab close it either way.
            modal=False,
        ),
    )


def header() -> rx.Component:
    """`LeerID Schoolloket <school>` with the school switch, navigation and the admin."""
    return rx.el.header(
        rx.flex(
            rx.flex(
                rx.text(texts.APP_TITLE, size="5", weight="bold"),
                rx.text(AuthState.school_name, size="5", id="school-name"),
                school_menu(),
                align="center",
                column_gap="var(--space-3)",
                row_gap="var(--space-1)",
                wrap="wrap",
            ),
            rx.flex(
                rx.el.nav(
                    rx.flex(
                        rx.link(texts.NAV_PUPILS, href=routes.PUPILS, weight="medium"),
                        rx.link(texts.NAV_OVERVIEW, href=routes.OVERVIEW, weight="medium"),
                        rx.link(texts.NAV_READINESS, href=routes.READINESS, weight="medium"),
                        rx.link(texts.NAV_DATA_CHECK, href=routes.DATA_CHECK, weight="medium"),
                        rx.link(texts.NAV_LEAVERS, href=routes.LEAVERS, weight="medium"),
                        rx.link(texts.NAV_LOGBOOK, href=routes.LOGBOOK, weight="medium"),
                        rx.link(texts.NAV_IMPORT, href=routes.IMPORT, weight="medium"),
                        spacing="4",
                        wrap="wrap",
                    ),
                    aria_label=texts.NAV_LABEL,
                ),
                rx.text(AuthState.admin_name, color_scheme="gray", size="2"),
                rx.button(texts.LOG_OUT, variant="soft", on_click=AuthState.log_out),
                align="center",
                column_gap="var(--space-4)",
                row_gap="var(--space-2)",
                wrap="wrap",
            ),
            align="center",
            justify="between",
            column_gap="var(--space-4)",
            row_gap="var(--space-2)",
            wrap="wrap",
            width="100%",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding_x=PAGE_PADDING,
        ),
        style={
            "padding": "0.9em 0",
            "border_bottom": "1px solid var(--gray-5)",
            "background": "var(--color-panel-solid)",
            "width": "100%",
        },
    )


def page_heading(*children: rx.Component | rx.Var | str, **props) -> rx.Component:
    """The page's one h1; focus moves to it after navigation (assets/focus_heading.js)."""
    return rx.heading(
        *children,
        as_="h1",
        size=props.pop("size", "6"),
        id=PAGE_HEADING_ID,
        tab_index=-1,
        class_name="page-heading",
        **props,
    )


def error_box(message: rx.Var[str] | str, **props) -> rx.Component:
    """A red, announced message box (high contrast), always shown."""
    return rx.callout(
        message,
        icon="triangle_alert",
        color_scheme="red",
        role="alert",
        width="100%",
        high_contrast=True,
        **props,
    )


def success_box(message: rx.Var[str] | str, **props) -> rx.Component:
    """A green status box (high contrast), always shown."""
    return rx.callout(
        message,
        icon="circle_check",
        color_scheme="green",
        role="status",
        width="100%",
        high_contrast=True,
        **props,
    )


def error_callout(message: rx.Var[str]) -> rx.Component:
    """A red message box, shown only when the message is not empty."""
    return rx.cond(message != "", error_box(message))


def success_callout(message: rx.Var[str], **props) -> rx.Component:
    """A green message box, shown only when the message is not empty."""
    return rx.cond(message != "", success_box(message, **props))


def page_frame(
    heading: rx.Component, *children: rx.Component, before_heading: rx.Component | None = None
) -> rx.Component:
    """Every logged-in page: skip link, header, then main with the h1 and the page's content."""
    return rx.box(
        skip_link(),
        header(),
        rx.el.main(
            rx.vstack(
                *([before_heading] if before_heading is not None else []),
                heading,
                error_callout(AuthState.page_error),
                *children,
                spacing="4",
                width="100%",
                max_width=MAX_WIDTH,
                margin_x="auto",
                padding=PAGE_PADDING,
            ),
            id=MAIN_ID,
            tab_index=-1,
            style={"outline": "none"},
        ),
        background="var(--gray-2)",
        min_height="100vh",
    )


def field(label: str, value: rx.Var | str) -> rx.Component:
    """A label above its value, as on the manual's detail cards."""
    # <dt>/<dd> tie each value to its label for assistive technology.
    return rx.el.dl(
        rx.el.dt(rx.text(label, size="1", color_scheme="gray", weight="medium")),
        rx.el.dd(rx.text(value, size="3"), margin="0"),
        margin="0",
    )


def field_grid(*fields: rx.Component, wide: bool = False) -> rx.Component:
    """Label/value fields side by side on a wide screen, one column on a phone."""
    columns = (
        rx.breakpoints(initial="1", xs="2", md="3") if wide else rx.breakpoints(initial="1", xs="2")
    )
    return rx.grid(*fields, columns=columns, spacing="4", width="100%")


def section_card(title: str | rx.Var, *children: rx.Component) -> rx.Component:
    """A card under one of the manual's capitalised section headings."""
    return rx.card(
        rx.vstack(section_heading(title), *children, spacing="3", width="100%"), width="100%"
    )


def section_heading(text: str | rx.Var, level: str = "h2") -> rx.Component:
    """The manual's capitalised section headings (h2 under the page's h1)."""
    return rx.heading(text, as_=level, size="3", weight="bold", letter_spacing="0.04em")
