"""The page frame: header with the school, `Wijzig instelling`, navigation and logout."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes, texts
from leerid_app.state.auth import AuthState, SchoolOption


def _school_item(school: SchoolOption) -> rx.Component:
    return rx.menu.item(school.name, on_click=AuthState.switch_school(school.id))


def header() -> rx.Component:
    """`LeerID Schoolloket <school>` with the school switch, navigation and the admin."""
    return rx.box(
        rx.hstack(
            rx.hstack(
                rx.heading(texts.APP_TITLE, size="5", weight="bold"),
                rx.heading(AuthState.school_name, size="5", weight="regular", id="school-name"),
                align="baseline",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                AuthState.schools.length() > 1,
                rx.menu.root(
                    rx.menu.trigger(
                        rx.button(texts.SWITCH_SCHOOL, variant="ghost", color_scheme="gray")
                    ),
                    rx.menu.content(rx.foreach(AuthState.schools, _school_item)),
                ),
            ),
            rx.spacer(),
            rx.link(texts.NAV_PUPILS, href=routes.PUPILS),
            rx.link(texts.NAV_OVERVIEW, href=routes.OVERVIEW),
            rx.link(texts.NAV_READINESS, href=routes.READINESS),
            rx.link(texts.NAV_DATA_CHECK, href=routes.DATA_CHECK),
            rx.link(texts.NAV_LEAVERS, href=routes.LEAVERS),
            rx.link(texts.NAV_LOGBOOK, href=routes.LOGBOOK),
            rx.text(AuthState.admin_name, color_scheme="gray", size="2"),
            rx.button(texts.LOG_OUT, variant="soft", on_click=AuthState.log_out),
            align="center",
            spacing="4",
            wrap="wrap",  # six page links: on a phone they go to the next line
            width="100%",
            max_width="1200px",
            margin_x="auto",
        ),
        padding_x="1.5em",
        padding_y="0.9em",
        border_bottom="1px solid var(--gray-5)",
        background="var(--color-panel-solid)",
        width="100%",
    )


def error_callout(message: rx.Var[str]) -> rx.Component:
    """A red message box, shown only when the message is not empty."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
    )


def success_callout(message: rx.Var[str]) -> rx.Component:
    """A green message box, shown only when the message is not empty."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle_check", color_scheme="green", role="status", width="100%"),
    )


def page_frame(*children: rx.Component) -> rx.Component:
    """Every logged-in page: header, the shared error line, then the page's own content."""
    return rx.box(
        header(),
        rx.vstack(
            error_callout(AuthState.page_error),
            *children,
            spacing="4",
            width="100%",
            max_width="1200px",
            margin_x="auto",
            padding="1.5em",
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


def section_heading(text: str | rx.Var) -> rx.Component:
    """The manual's capitalised section headings."""
    return rx.heading(text, size="3", weight="bold", letter_spacing="0.04em")
