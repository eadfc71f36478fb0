"""`Mijn LeerID` and `Kies je eigen wachtwoord`."""

from __future__ import annotations

import reflex as rx

from leerid_app.components.layout import field
from leerid_app.portal import texts
from leerid_app.portal.pages.frame import (
    card,
    labelled_input,
    message_region,
    new_password_inputs,
    notice,
    portal_form,
    portal_frame,
)
from leerid_app.portal.state.account import AccountState
from leerid_app.portal.state.portal import PortalState

A = AccountState


def _log_out_button() -> rx.Component:
    return rx.button(texts.LOG_OUT, variant="soft", on_click=PortalState.log_out)


def choose_password_page() -> rx.Component:
    """The first login of an advanced account: choose your own password (or `Later wijzigen`)."""
    return portal_frame(
        texts.CHOOSE_HEADING,
        rx.text(texts.CHOOSE_INTRO),
        rx.cond(
            A.may_postpone,
            rx.text(A.days_left_text, weight="medium"),
            rx.text(texts.CHOOSE_MANDATORY, weight="medium"),
        ),
        portal_form(
            "choose-password-form",
            A.choose_password,
            message_region(A.password_error, "choose-password-form-error"),
            *new_password_inputs("choose-password-form"),
            button=texts.SAVE_PASSWORD,
            busy=A.busy,
        ),
        rx.cond(
            A.may_postpone,
            rx.button(
                texts.POSTPONE, variant="outline", size="3", width="100%", on_click=A.postpone
            ),
        ),
        actions=_log_out_button(),
    )


def _change_password_card() -> rx.Component:
    return card(
        portal_form(
            "change-password-form",
            A.change_password,
            message_region(A.password_error, "change-password-form-error"),
            labelled_input(
                texts.CURRENT_PASSWORD,
                "current_password",
                input_id="change-password-form-current",
                described_by="change-password-form-error",
                input_type="password",
                auto_complete="current-password",
            ),
            *new_password_inputs("change-password-form"),
            button=texts.SAVE_PASSWORD,
            busy=A.busy,
        ),
        heading=texts.CHANGE_PASSWORD_HEADING,
    )


def _email_card() -> rx.Component:
    return card(
        rx.text(texts.EMAIL_INTRO),
        portal_form(
            "email-form",
            A.request_email,
            message_region(A.email_error, "email-form-error"),
            labelled_input(
                texts.NEW_EMAIL,
                "email",
                input_id="email-form-email",
                described_by="email-form-error",
                input_type="email",
                auto_complete="email",
                max_length=254,
            ),
            button=texts.SEND_CONFIRMATION,
            busy=A.busy,
        ),
        rx.cond(
            A.masked_email != "",
            rx.button(
                texts.REMOVE_EMAIL,
                variant="outline",
                color_scheme="red",
                size="3",
                width="100%",
                on_click=A.remove_email,
            ),
        ),
        heading=texts.EMAIL_HEADING,
    )


def account_page() -> rx.Component:
    """Name, school, username, type, last login, e-mail; the advanced account's forms."""
    return portal_frame(
        texts.ACCOUNT_HEADING,
        notice(A.page_notice),
        card(
            field(texts.NAME, A.full_name),
            field(texts.SCHOOL, A.school_name),
            field(texts.USERNAME, A.username),
            field(texts.ACCOUNT_TYPE, A.account_type_label),
            field(texts.PASSWORD_TYPE, A.password_type_label),
            field(texts.LAST_LOGIN, A.last_login),
            rx.cond(
                A.is_advanced,
                field(
                    texts.EMAIL,
                    rx.cond(A.masked_email != "", A.masked_email, texts.NO_EMAIL),
                ),
            ),
        ),
        rx.cond(
            A.is_advanced,
            rx.fragment(
                rx.cond(
                    A.must_choose,
                    rx.callout(A.days_left_text, icon="info", role="status", width="100%"),
                ),
                _change_password_card(),
                _email_card(),
            ),
            rx.callout(texts.BASIC_NOTE, icon="info", width="100%"),
        ),
        actions=_log_out_button(),
    )
