"""The Reflex app and its page list, nothing else."""

import reflex as rx

from leerid_app import redaction, routes, texts
from leerid_app.event_socket import event_socket_without_cookies
from leerid_app.http_headers import security_headers
from leerid_app.pages.bulk import bulk_activate_page, bulk_fix_page, bulk_renew_page
from leerid_app.pages.imports import import_page
from leerid_app.pages.logbook import logbook_page
from leerid_app.pages.login import login_page
from leerid_app.pages.pupil_detail import pupil_detail_page
from leerid_app.pages.pupil_edit import pupil_edit_page
from leerid_app.pages.pupils import pupils_page
from leerid_app.pages.readiness import overview_page, readiness_page
from leerid_app.pages.reports import data_check_page, leavers_page
from leerid_app.portal.pages import add_portal_pages
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import BulkState
from leerid_app.state.failures import backend_exception_handler
from leerid_app.state.imports import ImportState
from leerid_app.state.logbook import LogbookState
from leerid_app.state.pupil_detail import EditCredentialsState, PupilDetailState
from leerid_app.state.pupils import PupilListState
from leerid_app.state.readiness import OverviewState, ReadinessState
from leerid_app.state.reports import DataCheckState, LeaversState
from leerid_app.state.session_gate import SessionGate

redaction.install()  # before anything logs: no payload, token or cookie in any log line

app = rx.App(
    html_lang="nl-BE",
    stylesheets=["/a11y.css"],
    head_components=[rx.script(src="/focus_heading.js")],
    api_transformer=[event_socket_without_cookies, security_headers],
    # The database gone for a moment gets a Dutch message, not Reflex's English toast.
    backend_exception_handler=backend_exception_handler,
)
# First, before any handler: no pupil data or password goes to a tab without a live session.
app.add_middleware(SessionGate(), index=0)

# A refusal shown on one page must not stick above the next one.
CLEAR_PAGE_ERROR = AuthState.clear_page_error

# Plain-text passwords are dropped as soon as the administrator leaves the page showing them.
FORGET_PASSWORDS = [BulkState.discard, EditCredentialsState.discard]

app.add_page(
    login_page,
    route=routes.LOGIN,
    title=texts.page_title(texts.LOGIN_BUTTON),
    on_load=FORGET_PASSWORDS,
)
app.add_page(
    pupils_page,
    route=routes.PUPILS,
    title=texts.page_title(texts.LIST_TABLE_LABEL),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, PupilListState.load],
)
app.add_page(
    pupil_detail_page,
    route=routes.PUPIL_DETAIL,
    title=PupilDetailState.detail_title,
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, PupilDetailState.load],
)
app.add_page(
    pupil_edit_page,
    route=routes.PUPIL_EDIT,
    title=EditCredentialsState.edit_title,
    on_load=[BulkState.discard, CLEAR_PAGE_ERROR, EditCredentialsState.load_edit],
)
app.add_page(
    bulk_renew_page,
    route=routes.BULK_RENEW,
    title=texts.page_title(texts.BULK_RENEW_HEADING),
    on_load=[EditCredentialsState.discard, CLEAR_PAGE_ERROR, BulkState.prepare_renewal],
)
app.add_page(
    bulk_activate_page,
    route=routes.BULK_ACTIVATE,
    title=texts.page_title(texts.BULK_ACTIVATE_HEADING),
    on_load=[EditCredentialsState.discard, CLEAR_PAGE_ERROR, BulkState.prepare_activation],
)
app.add_page(
    logbook_page,
    route=routes.LOGBOOK,
    title=texts.page_title(texts.LOGBOOK_HEADING),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, LogbookState.load],
)
app.add_page(
    import_page,
    route=routes.IMPORT,
    title=texts.page_title(texts.IMPORT_HEADING),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, ImportState.load],
)
app.add_page(
    bulk_fix_page,
    route=routes.BULK_FIX,
    title=texts.page_title(texts.BULK_FIX_HEADING),
    on_load=[EditCredentialsState.discard, CLEAR_PAGE_ERROR, BulkState.prepare_fix],
)
app.add_page(
    overview_page,
    route=routes.OVERVIEW,
    title=texts.page_title(texts.OVERVIEW_HEADING),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, OverviewState.load],
)
app.add_page(
    readiness_page,
    route=routes.READINESS,
    title=texts.page_title(texts.READINESS_HEADING),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, ReadinessState.load],
)
app.add_page(
    data_check_page,
    route=routes.DATA_CHECK,
    title=texts.page_title(texts.DATA_CHECK_HEADING),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, DataCheckState.load],
)
app.add_page(
    leavers_page,
    route=routes.LEAVERS,
    title=texts.page_title(texts.LEAVERS_HEADING),
    on_load=[*FORGET_PASSWORDS, CLEAR_PAGE_ERROR, LeaversState.load],
)

# The Leerlingloket: the pupils' own pages, state and session (leerid_app/portal/).
add_portal_pages(app)
