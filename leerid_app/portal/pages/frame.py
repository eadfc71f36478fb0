"""The Leerlingloket's page frame and form pieces: phone first, one h1, errors tied to fields."""

from __future__ import annotations

import reflex as rx

from leerid_app.components.layout import success_callout
from leerid_app.portal import texts

# Dark teal on white: contrast well above 4.5:1.
LINK_COLOR = "#0b5c55"
ERROR_COLOR = "#a3161a"


def portal_frame(heading: str | rx.Var, *children: rx.Component, actions=None) -> rx.Component:
    """Header with the portal's name, one main region with the page's h1, narrow like a phone."""
    return rx.box(
        rx.el.header(
            rx.hstack(
                rx.text(texts.PORTAL_TITLE, weight="bold", size="4"),
                rx.spacer(),
                actions if actions is not None else rx.fragment(),
                align="center",
                width="100%",
                max_width="32em",
                margin_x="auto",
            ),
            padding="0.8em 1em",
            border_bottom="1px solid var(--gray-6)",
            background="white",
        ),
        rx.el.main(
            rx.vstack(
                rx.heading(heading, as_="h1", size="6", id="page-heading", tab_index=-1),
                *children,
                spacing="4",
                width="100%",
            ),
            max_width="32em",
            margin_x="auto",
            padding="1.25em 1em 3em",
        ),
        background="var(--gray-2)",
        min_height="100vh",
    )


def message_region(message: rx.Var, element_id: str) -> rx.Component:
    """An error line that always exists (so aria-describedby can point at it) and is read out
    as soon as it gets text."""
    return rx.el.div(
        message,
        id=element_id,
        role="alert",
        color=ERROR_COLOR,
        font_weight="500",
        width="100%",
    )


def notice(message: rx.Var) -> rx.Component:
    """A green status line, shown only when there is something to say (the console's)."""
    return success_callout(message)


def labelled_input(
    label: str,
    name: str,
    *,
    input_id: str,
    described_by: str,
    input_type: str = "text",
    auto_complete: str = "off",
    max_length: int = 256,
    default_value: rx.Var | str | None = None,
    auto_focus: bool = False,
) -> rx.Component:
    """A label above its input; the input is described by the form's error line."""
    props: dict = {}
    if default_value is not None:
        props["default_value"] = default_value
    return rx.vstack(
        rx.el.label(label, html_for=input_id, font_weight="500"),
        rx.input(
            id=input_id,
            name=name,
            type=input_type,
            auto_complete=auto_complete,
            max_length=max_length,
            required=True,
            width="100%",
            size="3",
            auto_focus=auto_focus,
            aria_describedby=described_by,
            **props,
        ),
        spacing="1",
        width="100%",
    )


def new_password_inputs(form: str) -> list[rx.Component]:
    """New password, typed twice."""
    error_id = f"{form}-error"
    return [
        labelled_input(
            texts.NEW_PASSWORD,
            "new_password",
            input_id=f"{form}-new",
            described_by=error_id,
            input_type="password",
            auto_complete="new-password",
        ),
        labelled_input(
            texts.REPEAT_PASSWORD,
            "repeat_password",
            input_id=f"{form}-repeat",
            described_by=error_id,
            input_type="password",
            auto_complete="new-password",
        ),
    ]


def portal_form(
    form_id: str, on_submit, *children: rx.Component, button: str, busy: rx.Var
) -> rx.Component:
    """A POST form (never a GET with a password in the URL before hydration) with one button."""
    return rx.form(
        rx.vstack(
            *children,
            rx.button(
                button,
                type="submit",
                size="3",
                width="100%",
                loading=busy,
                disabled=~rx.State.is_hydrated,
            ),
            spacing="3",
            width="100%",
        ),
        id=form_id,
        on_submit=on_submit,
        method="post",
        reset_on_submit=False,
        width="100%",
    )


def card(*children: rx.Component, heading: str | None = None) -> rx.Component:
    """A white section, with an h2 when it has a heading."""
    items = [rx.heading(heading, as_="h2", size="4")] if heading else []
    return rx.card(rx.vstack(*items, *children, spacing="3", width="100%"), width="100%")
