"""Pages of the Leerlingloket, phone first, and their registration on the app."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes
from leerid_app.portal import texts
from leerid_app.portal.pages.account import account_page, choose_password_page
from leerid_app.portal.pages.links import (
    confirm_email_page,
    forgot_page,
    outbox_page,
    reset_page,
)
from leerid_app.portal.pages.login import portal_login_page
from leerid_app.portal.state.account import AccountState
from leerid_app.portal.state.links import (
    ConfirmEmailState,
    ForgotState,
    OutboxState,
    ResetState,
)
from leerid_app.portal.state.portal import PortalState
from leerid_app.settings import get_settings


def add_portal_pages(app: rx.App) -> None:
    """Register the Leerlingloket; `/demo/postvak` only exists in demo mode."""
    title = texts.PORTAL_TITLE
    app.add_page(
        portal_login_page,
        route=routes.PORTAL_LOGIN,
        title=f"Aanmelden - {title}",
        on_load=PortalState.load_login,
    )
    app.add_page(
        choose_password_page,
        route=routes.PORTAL_CHOOSE_PASSWORD,
        title=f"{texts.CHOOSE_HEADING} - {title}",
        on_load=AccountState.load_choose,
    )
    app.add_page(
        account_page,
        route=routes.PORTAL_ACCOUNT,
        title=f"{texts.ACCOUNT_HEADING} - {title}",
        on_load=AccountState.load_account,
    )
    app.add_page(
        forgot_page,
        route=routes.PORTAL_FORGOT,
        title=f"{texts.FORGOT_HEADING} - {title}",
        on_load=ForgotState.load_forgot,
    )
    app.add_page(
        reset_page,
        route=routes.PORTAL_RESET,
        title=f"{texts.RESET_HEADING} - {title}",
        on_load=ResetState.load_reset,
    )
    app.add_page(
        confirm_email_page,
        route=routes.PORTAL_CONFIRM_EMAIL,
        title=f"{texts.CONFIRM_HEADING} - {title}",
        on_load=ConfirmEmailState.confirm,
    )
    if get_settings().demo_mode:
        app.add_page(
            outbox_page,
            route=routes.DEMO_OUTBOX,
            title=f"{texts.OUTBOX_TITLE} - {title}",
            on_load=OutboxState.load_outbox,
        )
