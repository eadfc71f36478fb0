"""`Wachtwoord vergeten?`, the mailed links' pages and the demo outbox."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes
from leerid_app.components.layout import error_box, success_box
from leerid_app.portal import texts
from leerid_app.portal.pages.frame import (
    LINK_COLOR,
    card,
    labelled_input,
    message_region,
    new_password_inputs,
    portal_form,
    portal_frame,
)
from leerid_app.portal.state.links import ConfirmEmailState, ForgotState, OutboxRow, OutboxState
from leerid_app.portal.state.links import ResetState as R


def _back_to_login() -> rx.Component:
    return rx.link(texts.BACK_TO_LOGIN, href=routes.PORTAL_LOGIN, color=LINK_COLOR)


def forgot_page() -> rx.Component:
    """Username or e-mail address; one answer whatever matched."""
    return portal_frame(
        texts.FORGOT_HEADING,
        rx.text(texts.FORGOT_INTRO),
        portal_form(
            "forgot-form",
            ForgotState.request_reset,
            labelled_input(
                texts.IDENTIFIER,
                "identifier",
                input_id="forgot-identifier",
                described_by="forgot-answer",
                auto_complete="username",
                max_length=254,
                auto_focus=True,
            ),
            button=texts.SEND_RESET,
            busy=ForgotState.busy,
        ),
        rx.el.div(
            rx.cond(
                ForgotState.answer != "",
                rx.callout(ForgotState.answer, icon="info", width="100%"),
            ),
            id="forgot-answer",
            role="status",
            width="100%",
        ),
        _back_to_login(),
    )


def reset_page() -> rx.Component:
    """A new password through the mailed link."""
    return portal_frame(
        texts.RESET_HEADING,
        rx.cond(
            R.link_error != "",
            error_box(R.link_error),
            rx.cond(
                R.reset_username != "",
                rx.fragment(
                    rx.text(texts.RESET_FOR, R.reset_username),
                    portal_form(
                        "reset-form",
                        R.reset_password,
                        message_region(R.reset_error, "reset-form-error"),
                        *new_password_inputs("reset-form"),
                        button=texts.SAVE_PASSWORD,
                        busy=R.busy,
                    ),
                ),
            ),
        ),
        _back_to_login(),
    )


def confirm_email_page() -> rx.Component:
    """The result of clicking the confirmation link."""
    return portal_frame(
        texts.CONFIRM_HEADING,
        rx.cond(
            ConfirmEmailState.confirm_error != "",
            error_box(ConfirmEmailState.confirm_error),
            rx.cond(
                ConfirmEmailState.confirm_message != "",
                success_box(ConfirmEmailState.confirm_message),
                rx.text(texts.CONFIRM_BUSY),
            ),
        ),
        rx.link(texts.ACCOUNT_HEADING, href=routes.PORTAL_ACCOUNT, color=LINK_COLOR),
    )


def _outbox_mail(row: OutboxRow) -> rx.Component:
    return card(
        rx.text(row.subject, weight="bold"),
        rx.text(f"{texts.OUTBOX_TO}: ", row.recipient, " - ", row.sent_at, size="2"),
        rx.el.pre(row.text, white_space="pre-wrap", font_family="inherit", margin="0"),
        rx.cond(row.link != "", rx.link(row.link, href=row.link, color=LINK_COLOR)),
    )


def outbox_page() -> rx.Component:
    """`/demo/postvak`: registered only in demo mode."""
    return portal_frame(
        texts.OUTBOX_HEADING,
        rx.text(texts.OUTBOX_INTRO),
        rx.cond(
            OutboxState.mails.length() > 0,
            rx.foreach(OutboxState.mails, _outbox_mail),
            rx.text(texts.OUTBOX_EMPTY),
        ),
    )
