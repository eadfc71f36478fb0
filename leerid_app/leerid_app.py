"""The Reflex app and its page list, nothing else."""

import reflex as rx

from leerid_app import routes, texts
from leerid_app.pages.login import login_page
from leerid_app.pages.pupil_detail import pupil_detail_page
from leerid_app.pages.pupil_edit import pupil_edit_page
from leerid_app.pages.pupils import pupils_page
from leerid_app.state.pupil_detail import EditCredentialsState, PupilDetailState
from leerid_app.state.pupils import PupilListState

app = rx.App()
app.add_page(login_page, route=routes.LOGIN, title=f"Aanmelden - {texts.APP_TITLE}")
app.add_page(
    pupils_page,
    route=routes.PUPILS,
    title=texts.APP_TITLE,
    on_load=PupilListState.load,
)
app.add_page(
    pupil_detail_page,
    route=routes.PUPIL_DETAIL,
    title=f"Leerling - {texts.APP_TITLE}",
    on_load=PupilDetailState.load,
)
app.add_page(
    pupil_edit_page,
    route=routes.PUPIL_EDIT,
    title=f"{texts.EDIT_CREDENTIALS} - {texts.APP_TITLE}",
    on_load=EditCredentialsState.load_edit,
)
