"""`Bulk: genereer nieuw wachtwoord` and bulk activation: tables, progress, result, downloads."""

from __future__ import annotations

import reflex as rx

from leerid_app import texts
from leerid_app.components.layout import (
    error_callout,
    live_status,
    page_frame,
    page_heading,
    success_callout,
)
from leerid_app.components.tables import data_table, pager, table_heading
from leerid_app.state.bulk import (
    ACTIVATE,
    FIX,
    RENEW,
    RESULT,
    SKIPPED_NAMES_SHOWN,
    BulkRowView,
    BulkState,
    ResultTableView,
)
from leerid_app.state.focus import RESULT_HEADING_ID, SKIPPED_LIST_ID

S = BulkState


def _planned_row(row: BulkRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=row.included,
                on_change=lambda checked: S.toggle_included(row.pupil_id, checked),
                disabled=S.running,
                aria_label=f"Neem {row.name_and_stamnummer} op",
            )
        ),
        rx.table.cell(row.name_and_stamnummer),
        # Activation shows the username the account will get (picked when the plan was made).
        rx.table.cell(row.username),
        rx.table.cell(
            rx.hstack(
                rx.code(row.password, weight="bold"),
                rx.cond(row.hint != "", rx.text(row.hint, size="1", color_scheme="gray")),
                align="baseline",
                spacing="2",
            )
        ),
        rx.table.cell(row.account_type),
    )


def planned_table(mode: str) -> rx.Component:
    """LEERLINGEN ZONDER E-MAILADRES (renewal) or the pupils without LeerID (activation)."""
    title = {RENEW: texts.WITHOUT_EMAIL, FIX: texts.TO_FIX}.get(mode, texts.TO_ACTIVATE)
    return rx.card(
        rx.vstack(
            table_heading(title, S.planned_total, id="planned-total"),
            data_table(
                title,
                [
                    rx.table.column_header_cell("", width="2.5em"),
                    texts.COL_NAME_AND_STAMNUMMER,
                    texts.COL_USERNAME,
                    texts.COL_PASSWORD,
                    texts.COL_ACCOUNT_TYPE,
                ],
                S.planned_page,
                _planned_row,
                id="planned-table",
            ),
            pager(S.planned_page_no, S.planned_page_count, S.planned_go_to),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _linked_row(row: BulkRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.name_and_stamnummer),
        rx.table.cell(row.username),
        rx.table.cell(row.masked_email),
    )


def linked_table() -> rx.Component:
    """LEERID'S MET GEKOPPELD E-MAILADRES, with the manual's explanation."""
    return rx.card(
        rx.vstack(
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.callout.text(rx.text.strong(texts.EMAIL_LINKED_TITLE)),
                rx.callout.text(texts.EMAIL_LINKED_EXPLANATION),
                color_scheme="blue",
                high_contrast=True,
                width="100%",
            ),
            table_heading(texts.WITH_EMAIL, S.linked_total),
            data_table(
                texts.WITH_EMAIL,
                [texts.COL_NAME_AND_STAMNUMMER, texts.COL_USERNAME, texts.COL_EMAIL],
                S.linked_page,
                _linked_row,
                id="linked-table",
            ),
            pager(S.linked_page_no, S.linked_page_count, S.linked_go_to),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def progress() -> rx.Component:
    """The live progress bar while the passwords are hashed and saved."""
    return rx.cond(
        S.running,
        rx.card(
            rx.vstack(
                live_status("Bezig met ", S.progress_done, " van ", S.progress_total, " LeerID's…"),
                rx.progress(
                    value=S.progress_done,
                    max=S.progress_total,
                    width="100%",
                    aria_label=texts.PROGRESS_LABEL,
                ),
                rx.text(texts.BULK_STAY_ON_PAGE, size="2", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )


def skipped() -> rx.Component:
    """The selected pupils that are skipped; the full list on request."""
    return rx.cond(
        S.skipped_message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text(S.skipped_message),
            rx.cond(
                (S.skipped_total > SKIPPED_NAMES_SHOWN) & (S.skipped_all.length() == 0),
                rx.button(
                    texts.SHOW_ALL_SKIPPED,
                    variant="outline",
                    color_scheme="gray",
                    size="1",
                    on_click=S.show_all_skipped,
                ),
            ),
            rx.cond(
                S.skipped_all.length() > 0,
                rx.box(
                    rx.unordered_list(rx.foreach(S.skipped_all, rx.list_item)),
                    max_height="20em",
                    overflow_y="auto",
                    width="100%",
                    tab_index=0,
                    role="region",
                    aria_label=texts.SKIPPED_LIST_LABEL,
                    id=SKIPPED_LIST_ID,
                ),
            ),
            color_scheme="gray",
            width="100%",
        ),
    )


def plan_view(mode: str) -> rx.Component:
    """The tables before saving, with Annuleren / Bewaren en afdrukken."""
    return rx.vstack(
        skipped(),
        rx.cond(S.planned_total > 0, planned_table(mode)),
        progress(),
        rx.hstack(
            rx.button(
                texts.CANCEL_BULK,
                variant="soft",
                color_scheme="gray",
                on_click=S.cancel,
                disabled=S.running,
            ),
            rx.button(
                texts.SAVE_AND_PRINT,
                on_click=S.save(False),
                loading=S.running,
                disabled=S.running | (S.planned_included == 0),
            ),
            spacing="3",
        ),
        rx.cond(S.linked_total > 0, linked_table()) if mode == RENEW else rx.fragment(),
        confirm_dialog(),
        spacing="4",
        width="100%",
    )


def _question(
    title: str | rx.Var,
    description: str | rx.Var,
    cancel: rx.Component,
    action: rx.Component,
    is_open: rx.Var,
) -> rx.Component:
    """A confirmation the server opens (``is_open``): a question, a way back, a way on."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.flex(
                rx.alert_dialog.cancel(cancel),
                rx.alert_dialog.action(action),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=is_open,
    )


def confirm_dialog() -> rx.Component:
    """Asks before more than a few accounts change, naming the number."""
    return _question(
        rx.match(
            S.mode,
            (RENEW, texts.CONFIRM_RENEW_TITLE),
            (FIX, texts.CONFIRM_FIX_TITLE),
            texts.CONFIRM_ACTIVATE_TITLE,
        ),
        S.confirm_text,
        rx.button(
            texts.CONFIRM_CANCEL,
            variant="soft",
            color_scheme="gray",
            on_click=S.cancel_confirmation,
        ),
        rx.button(S.confirm_button, on_click=S.save(True), id="confirm-save"),
        S.confirm_count > 0,
    )


def leave_dialog() -> rx.Component:
    """`Klaar` before any download: the passwords would be lost, so ask."""
    return _question(
        texts.LEAVE_TITLE,
        texts.LEAVE_WARNING,
        rx.button(texts.STAY, variant="soft", color_scheme="gray", on_click=S.stay),
        rx.button(texts.LEAVE_ANYWAY, color_scheme="red", on_click=S.finish(True)),
        S.leave_warning,
    )


def leave_guard() -> rx.Component:
    """Warns before the result is left by a link, the back button, a reload or closing the tab.

    The flag lives in the page (data-active); a small script, installed once, asks the
    browser's own confirmation while it is set.
    """
    return rx.fragment(
        rx.el.div(
            id="leave-guard",
            data_active=rx.cond(S.guard_leaving, "1", "0"),
            data_message=texts.LEAVE_WARNING,
            hidden=True,
        ),
        rx.script(LEAVE_GUARD_SCRIPT),
    )


LEAVE_GUARD_SCRIPT = """
(function () {
  if (window.__leeridLeaveGuard) { return; }
  window.__leeridLeaveGuard = true;
  const guard = () => document.getElementById("leave-guard");
  const active = () => guard() !== null && guard().dataset.active === "1";
  const message = () => guard().dataset.message;
  window.addEventListener("beforeunload", (event) => {
    if (active()) { event.preventDefault(); event.returnValue = message(); }
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest ? event.target.closest("a[href]") : null;
    if (link === null || !active() || link.hasAttribute("download")) { return; }
    if (!window.confirm(message())) { event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
  // The back button: a second entry for this page, so going back first lands here again.
  let armed = false;
  const arm = () => {
    if (active() && !armed) { history.pushState(history.state, "", location.href); armed = true; }
    if (!active()) { armed = false; }
  };
  new MutationObserver(arm).observe(document.documentElement, {
    subtree: true, attributes: true, attributeFilter: ["data-active"], childList: true,
  });
  window.addEventListener("popstate", (event) => {
    if (!armed || !active()) { return; }
    armed = false;
    if (window.confirm(message())) { history.back(); } else { arm(); }
    event.stopImmediatePropagation();
  }, true);
})();
"""


def _download_button(label: str, icon: str, handler, done, **props) -> rx.Component:
    return rx.button(
        rx.cond(done, rx.icon("check"), rx.icon(icon)),
        label,
        rx.cond(done, rx.badge(texts.DOWNLOADED, color_scheme="green"), rx.fragment()),
        on_click=handler,
        **props,
    )


def _result_row(row: BulkRowView) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.name_and_stamnummer),
        rx.table.cell(row.username),
        rx.table.cell(rx.code(row.password, weight="bold")),
        rx.table.cell(row.account_type),
    )


def refused_callout() -> rx.Component:
    """Pupils left out because their LeerID changed after the plan was shown; plan them again."""
    return rx.cond(
        S.refused_message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle_alert")),
            rx.callout.text(S.refused_message, id="refused-message"),
            rx.callout.text(texts.PLAN_AGAIN_HINT, size="1"),
            rx.button(texts.PLAN_AGAIN, variant="outline", on_click=S.plan_refused_again),
            color_scheme="amber",
            role="alert",
            width="100%",
        ),
    )


def result_table(table: ResultTableView) -> rx.Component:
    """`LEERID'S MET NIEUW GEVORDERD WACHTWOORD` (or basis): the new passwords of one type."""
    return rx.card(
        rx.vstack(
            table_heading(table.heading, table.total),
            data_table(
                table.heading,
                [
                    texts.COL_NAME_AND_STAMNUMMER,
                    texts.COL_USERNAME,
                    texts.COL_PASSWORD,
                    texts.COL_ACCOUNT_TYPE,
                ],
                table.rows,
                _result_row,
            ),
            pager(
                table.page_no,
                table.page_count,
                lambda page: S.result_go_to(table.account_type, page),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def result_view() -> rx.Component:
    """`N LeerID's hebben een nieuw wachtwoord`, what it means, the tables and the downloads."""
    return rx.vstack(
        success_callout(S.result_heading, id=RESULT_HEADING_ID, tab_index=-1),
        rx.unordered_list(rx.foreach(S.result_lines, rx.list_item)),
        refused_callout(),
        rx.cond(
            S.renamed_message != "",
            rx.callout(S.renamed_message, icon="info", color_scheme="blue", width="100%"),
        ),
        rx.cond(
            S.result_total > 0,
            rx.checkbox(
                texts.LARGE_SLIPS,
                aria_label=texts.LARGE_SLIPS,
                checked=S.large_slips,
                on_change=S.set_large_slips,
                id="large-slips",
            ),
        ),
        rx.cond(
            S.result_total > 0,
            rx.hstack(
                _download_button(texts.DOWNLOAD_PDF, "file-text", S.download_pdf, S.pdf_downloaded),
                _download_button(
                    texts.DOWNLOAD_EXCEL,
                    "sheet",
                    S.download_excel,
                    S.excel_downloaded,
                    variant="outline",
                ),
                spacing="3",
                wrap="wrap",
            ),
        ),
        rx.text(texts.RESULT_DISCARDED, size="2", color_scheme="gray"),
        rx.foreach(S.result_tables, result_table),
        rx.button(texts.DONE, variant="soft", on_click=S.finish(False)),
        leave_dialog(),
        leave_guard(),
        spacing="4",
        width="100%",
    )


def _bulk_page(mode: str) -> rx.Component:
    # The route fixes the mode: the heading is right before the server has answered.
    heading = {ACTIVATE: texts.BULK_ACTIVATE_HEADING, FIX: texts.BULK_FIX_HEADING}.get(
        mode, texts.BULK_RENEW_HEADING
    )
    return page_frame(
        page_heading(heading),
        error_callout(S.error),
        rx.cond(S.phase == RESULT, result_view(), plan_view(mode)),
    )


def bulk_renew_page() -> rx.Component:
    """`Bulk: genereer nieuw wachtwoord`."""
    return _bulk_page(RENEW)


def bulk_activate_page() -> rx.Component:
    """`Bulk: activeer LeerID's`."""
    return _bulk_page(ACTIVATE)


def bulk_fix_page() -> rx.Component:
    """`Bulk: klaarzetten voor de toets` (from Klaar voor de toets?)."""
    return _bulk_page(FIX)
