"""`Pas aanmeldgegevens aan`: username, a new password, e-mail removal; save and print."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import (
    field,
    field_grid,
    page_frame,
    page_heading,
    section_card,
    section_heading,
)
from leerid_app.components.tables import remarks
from leerid_app.state.pupil_detail import EditCredentialsState

S = EditCredentialsState
P = EditCredentialsState.pupil


def remove_email_dialog() -> rx.Component:
    """Confirm before the e-mail is unlinked (a new password is generated at once)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(texts.REMOVE_EMAIL, color_scheme="red", variant="soft"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(texts.REMOVE_EMAIL_CONFIRM_TITLE),
            rx.alert_dialog.description(texts.REMOVE_EMAIL_CONFIRM),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(texts.CANCEL, variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(texts.CONFIRM, color_scheme="red", on_click=S.confirm_remove_email)
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
    )


def credentials_form() -> rx.Component:
    """LeerID aanmeldgegevens."""
    return rx.card(
        rx.vstack(
            section_heading(texts.EDIT_CREDENTIALS),
            rx.el.label(
                texts.USERNAME,
                " - ",
                texts.CHANGE_USERNAME,
                html_for="username-input",
                class_name="rt-Text rt-r-size-2",
            ),
            rx.input(
                id="username-input",
                value=S.username_input,
                on_change=S.set_username_input,
                max_length=200,
                width="28em",
                max_width="100%",
                aria_invalid=rx.cond(S.username_error != "", "true", "false"),
                aria_describedby="username-error",
            ),
            rx.cond(
                S.username_error != "",
                rx.text(
                    S.username_error,
                    color_scheme="red",
                    size="2",
                    id="username-error",
                    role="alert",
                ),
            ),
            rx.hstack(
                rx.text(texts.PASSWORD, size="2", weight="medium"),
                rx.button(
                    texts.GENERATE_PASSWORD,
                    variant="outline",
                    size="1",
                    on_click=S.generate_password,
                    disabled=~S.can_generate_password,
                ),
                align="center",
                spacing="3",
            ),
            rx.cond(
                S.new_password != "",
                rx.code(S.new_password, size="6", id="new-password", weight="bold"),
                rx.text("••••••", color_scheme="gray"),
            ),
            rx.cond(
                P.masked_email != "",
                rx.vstack(
                    rx.hstack(
                        rx.text(texts.EMAIL, ": ", P.masked_email, size="2"),
                        rx.cond(~S.remove_email_pending, remove_email_dialog()),
                        align="center",
                        spacing="3",
                    ),
                    rx.cond(
                        S.remove_email_pending,
                        rx.text(
                            texts.REMOVE_EMAIL_PENDING,
                            color_scheme="orange",
                            size="2",
                            high_contrast=True,
                        ),
                    ),
                    spacing="2",
                ),
            ),
            rx.hstack(
                rx.button(texts.CANCEL, variant="soft", color_scheme="gray", on_click=S.cancel),
                rx.button(texts.SAVE_AND_PRINT, on_click=S.save),
                spacing="3",
                margin_top="1em",
            ),
            spacing="3",
        ),
        width="100%",
    )


def whose_account() -> rx.Component:
    """Whose LeerID this is, as on the manual's screen: group, type and status."""
    return section_card(
        P.account_title,
        field_grid(
            field(texts.COL_STAMNUMMER, P.stamnummer),
            field(texts.COL_GROUP, P.administrative_group),
            field(texts.ACCOUNT_STATUS, P.status),
            wide=True,
        ),
        rx.text(P.status_line, size="2", color_scheme="gray"),
    )


def edit_heading() -> rx.Component:
    """`LeerID aanmeldgegevens` above the pupil's name, one h1."""
    return page_heading(
        rx.el.span(
            texts.EDIT_HEADING,
            display="block",
            font_size="var(--font-size-2)",
            color="var(--gray-11)",
            font_weight="500",
        ),
        rx.el.span(rx.cond(S.not_found, texts.PUPIL, S.pupil_name), display="block"),
        size="7",
    )


def pupil_edit_page() -> rx.Component:
    """Edit one pupil's credentials."""
    return page_frame(
        edit_heading(),
        rx.cond(
            S.not_found,
            rx.fragment(),
            rx.vstack(
                whose_account(),
                credentials_form(),
                remarks(
                    texts.REMARK_NEW_PDF,
                    texts.REMARK_USERNAME_UNIQUE,
                    texts.REMARK_USERNAME_RULES,
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
