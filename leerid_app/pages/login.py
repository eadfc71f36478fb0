"""The login page of the LeerID-beheerder."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import MAIN_ID, error_callout
from leerid_app.state.auth import AuthState


def _labelled_input(label: str, name: str, **props) -> tuple[rx.Component, rx.Component]:
    """A required field of the login form with its visible label."""
    return (
        rx.el.label(label, html_for=name, class_name="rt-Text rt-r-size-2"),
        rx.input(id=name, name=name, required=True, width="100%", **props),
    )


def login_page() -> rx.Component:
    """Username and password; errors and notices in Dutch."""
    return rx.el.main(
        rx.center(
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.text(texts.APP_TITLE, size="6", weight="bold"),
                        rx.heading(texts.LOGIN_HEADING, as_="h1", size="3", color_scheme="gray"),
                        rx.cond(
                            AuthState.login_notice != "",
                            rx.callout(AuthState.login_notice, icon="info", role="status"),
                        ),
                        error_callout(AuthState.login_error),
                        *_labelled_input(
                            texts.LOGIN_USERNAME,
                            "username",
                            auto_complete="username",
                            max_length=80,
                            auto_focus=True,
                        ),
                        *_labelled_input(
                            texts.LOGIN_PASSWORD,
                            "password",
                            type="password",
                            auto_complete="current-password",
                            max_length=256,
                        ),
                        rx.button(
                            texts.LOGIN_BUTTON,
                            type="submit",
                            loading=AuthState.logging_in,
                            disabled=~rx.State.is_hydrated,
                            width="100%",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=AuthState.log_in,
                    # Before hydration the browser would submit by itself: never as a GET, which
                    # would put the password in the URL.
                    method="post",
                    reset_on_submit=False,
                ),
                width="24em",
                max_width="calc(100vw - 2em)",
                size=rx.breakpoints(initial="2", sm="4"),
            ),
            min_height="100vh",
            background="var(--gray-2)",
        ),
        id=MAIN_ID,
    )
