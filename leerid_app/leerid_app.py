"""The Reflex app and its page list, nothing else."""

import reflex as rx

from leerid_app import routes, texts
from leerid_app.pages.bulk import bulk_page
from leerid_app.pages.logbook import logbook_page
from leerid_app.pages.login import login_page
from leerid_app.pages.pupil_detail import pupil_detail_page
from leerid_app.pages.pupil_edit import pupil_edit_page
from leerid_app.pages.pupils import pupils_page
from leerid_app.pages.readiness import overview_page, readiness_page
from leerid_app.pages.reports import data_check_page, leavers_page
from leerid_app.state.bulk import BulkState
from leerid_app.state.logbook import LogbookState
from leerid_app.state.pupil_detail import EditCredentialsState, PupilDetailState
from leerid_app.state.pupils import PupilListState
from leerid_app.state.readiness import OverviewState, ReadinessState
from leerid_app.state.reports import DataCheckState, LeaversState

app = rx.App()

# Plain-text passwords are dropped as soon as the administrator leaves the page showing them.
FORGET_PASSWORDS = [BulkState.discard, EditCredentialsState.discard]

app.add_page(
    login_page,
    route=routes.LOGIN,
    title=f"Aanmelden - {texts.APP_TITLE}",
    on_load=FORGET_PASSWORDS,
)
app.add_page(
    pupils_page,
    route=routes.PUPILS,
    title=texts.APP_TITLE,
    on_load=[*FORGET_PASSWORDS, PupilListState.load],
)
app.add_page(
    pupil_detail_page,
    route=routes.PUPIL_DETAIL,
    title=f"Leerling - {texts.APP_TITLE}",
    on_load=[*FORGET_PASSWORDS, PupilDetailState.load],
)
app.add_page(
    pupil_edit_page,
    route=routes.PUPIL_EDIT,
    title=f"{texts.EDIT_CREDENTIALS} - {texts.APP_TITLE}",
    on_load=[BulkState.discard, EditCredentialsState.load_edit],
)
app.add_page(
    bulk_page,
    route=routes.BULK_RENEW,
    title=f"{texts.BULK_RENEW_HEADING} - {texts.APP_TITLE}",
    on_load=[EditCredentialsState.discard, BulkState.prepare_renewal],
)
app.add_page(
    bulk_page,
    route=routes.BULK_ACTIVATE,
    title=f"{texts.BULK_ACTIVATE_HEADING} - {texts.APP_TITLE}",
    on_load=[EditCredentialsState.discard, BulkState.prepare_activation],
)
app.add_page(
    logbook_page,
    route=routes.LOGBOOK,
    title=f"{texts.LOGBOOK_HEADING} - {texts.APP_TITLE}",
    on_load=[*FORGET_PASSWORDS, LogbookState.load],
)
app.add_page(
    bulk_page,
    route=routes.BULK_FIX,
    title=f"{texts.BULK_FIX_HEADING} - {texts.APP_TITLE}",
    on_load=[EditCredentialsState.discard, BulkState.prepare_fix],
)
app.add_page(
    overview_page,
    route=routes.OVERVIEW,
    title=f"{texts.OVERVIEW_HEADING} - {texts.APP_TITLE}",
    on_load=[*FORGET_PASSWORDS, OverviewState.load],
)
app.add_page(
    readiness_page,
    route=routes.READINESS,
    title=f"{texts.READINESS_HEADING} - {texts.APP_TITLE}",
    on_load=[*FORGET_PASSWORDS, ReadinessState.load],
)
app.add_page(
    data_check_page,
    route=routes.DATA_CHECK,
    title=f"{texts.DATA_CHECK_HEADING} - {texts.APP_TITLE}",
    on_load=[*FORGET_PASSWORDS, DataCheckState.load],
)
app.add_page(
    leavers_page,
    route=routes.LEAVERS,
    title=f"{texts.LEAVERS_HEADING} - {texts.APP_TITLE}",
    on_load=[*FORGET_PASSWORDS, LeaversState.load],
)
