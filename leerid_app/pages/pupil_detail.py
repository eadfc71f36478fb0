"""The pupil detail page: enrollment data, official data, the LeerID card and the remarks."""

from __future__ import annotations

import reflex as rx

from leerid_app import routes, texts
from leerid_app.components.layout import (
    field,
    field_grid,
    page_frame,
    page_heading,
    section_card,
    success_callout,
)
from leerid_app.components.tables import remarks
from leerid_app.state.focus import FLASH_ID
from leerid_app.state.pupil_detail import PupilDetailState

P = PupilDetailState.pupil


def enrollment_card() -> rx.Component:
    """INSCHRIJVINGSGEGEVENS."""
    return section_card(
        texts.ENROLLMENT_DATA,
        field_grid(
            field(texts.COL_FIRST_NAME, P.first_name),
            field(texts.COL_LAST_NAME, P.last_name),
            field(texts.COL_STAMNUMMER, P.stamnummer),
            field(texts.COL_GROUP, P.administrative_group),
        ),
    )


def official_card() -> rx.Component:
    """OFFICIËLE GEGEVENS, or the manual's note when the register supplied none."""
    return section_card(
        texts.OFFICIAL_DATA,
        rx.cond(
            P.has_official_data,
            field_grid(
                field(texts.COL_FIRST_NAME, P.official_first_name),
                field(texts.COL_LAST_NAME, P.official_last_name),
                field(texts.GENDER, P.gender),
                field(texts.BIRTH_DATE, P.birth_date),
            ),
            rx.text(texts.NO_OFFICIAL_DATA, color_scheme="gray", id="no-official-data"),
        ),
    )


def account_card() -> rx.Component:
    """The LeerID card, or `Geen account` with the activation button."""
    return rx.card(
        rx.cond(
            P.has_account,
            rx.vstack(
                rx.flex(
                    rx.hstack(
                        rx.icon("circle_check", color="var(--green-11)", aria_hidden="true"),
                        rx.heading(P.account_title, as_="h2", size="4", id="account-title"),
                        align="center",
                    ),
                    rx.button(
                        texts.EDIT_CREDENTIALS,
                        on_click=rx.redirect(f"/leerling/{P.id}/aanpassen"),
                    ),
                    width="100%",
                    align="center",
                    justify="between",
                    spacing="3",
                    wrap="wrap",
                ),
                field(texts.ACCOUNT_STATUS, P.status),
                rx.text(P.status_line, size="2", color_scheme="gray", id="status-line"),
                field_grid(
                    field(texts.USERNAME, P.username),
                    rx.vstack(
                        field(texts.PASSWORD_TYPE, P.password_type),
                        rx.cond(
                            P.must_choose_password,
                            rx.text(
                                texts.MUST_CHOOSE_PASSWORD,
                                size="2",
                                color_scheme="orange",
                                high_contrast=True,
                            ),
                        ),
                        spacing="1",
                    ),
                    rx.cond(P.masked_email != "", field(texts.EMAIL, P.masked_email)),
                    field(texts.CREATED, P.created),
                    field(texts.LAST_LOGIN, P.last_login),
                    wide=True,
                ),
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.vstack(
                    rx.heading(texts.LEERID, as_="h2", size="4"),
                    field(texts.ACCOUNT_STATUS, P.status),
                    rx.cond(
                        P.status_line != "",
                        rx.text(P.status_line, size="2", color_scheme="gray", id="status-line"),
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.cond(
                    P.can_activate,
                    rx.button(texts.ACTIVATE_ONE, on_click=PupilDetailState.activate),
                ),
                width="100%",
                align="center",
                justify="between",
                spacing="3",
                wrap="wrap",
            ),
        ),
        width="100%",
    )


def pupil_detail_page() -> rx.Component:
    """Detail of one pupil."""
    return page_frame(
        page_heading(
            rx.cond(PupilDetailState.not_found, texts.PUPIL, PupilDetailState.pupil_name),
            size="7",
        ),
        rx.cond(
            PupilDetailState.not_found,
            rx.fragment(),
            rx.vstack(
                success_callout(PupilDetailState.flash, id=FLASH_ID, tab_index=-1),
                rx.grid(
                    enrollment_card(),
                    official_card(),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                account_card(),
                remarks(texts.REMARK_ENROLLMENT, texts.REMARK_OFFICIAL),
                spacing="4",
                width="100%",
            ),
        ),
        before_heading=back_link(),
    )


def back_link() -> rx.Component:
    """`← Terug naar de lijst`, the arrow hidden from screen readers."""
    return rx.link(
        rx.el.span("← ", aria_hidden="true"),
        texts.BACK_TO_LIST,
        href=routes.PUPILS,
        weight="medium",
    )
