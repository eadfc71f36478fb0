"""The Leerlingloket's login page: the username and password from the slip."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes
from leerid_app.portal import texts
from leerid_app.portal.pages.frame import (
    LINK_COLOR,
    labelled_input,
    message_region,
    portal_form,
    portal_frame,
)
from leerid_app.portal.state.portal import PortalState


def portal_login_page() -> rx.Component:
    """Username (prefilled from `?gebruikersnaam=`) and password; `Wachtwoord vergeten?`."""
    return portal_frame(
        texts.LOGIN_HEADING,
        rx.text(texts.LOGIN_INTRO),
        rx.cond(
            PortalState.login_notice != "",
            rx.callout(PortalState.login_notice, icon="info", role="status", width="100%"),
        ),
        portal_form(
            "portal-login",
            PortalState.log_in,
            message_region(PortalState.login_error, "portal-login-error"),
            labelled_input(
                texts.USERNAME,
                "username",
                input_id="portal-username",
                described_by="portal-login-error",
                auto_complete="username",
                max_length=100,
                default_value=PortalState.prefill_username,
                auto_focus=True,
            ),
            labelled_input(
                texts.PASSWORD,
                "password",
                input_id="portal-password",
                described_by="portal-login-error",
                input_type="password",
                auto_complete="current-password",
            ),
            button=texts.LOGIN_BUTTON,
            busy=PortalState.logging_in,
        ),
        rx.link(texts.FORGOT_LINK, href=routes.PORTAL_FORGOT, color=LINK_COLOR),
    )
