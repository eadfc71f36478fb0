"""The Reflex app and its page list, nothing else."""

import reflex as rx

from leerid_app import routes, texts
from leerid_app.pages.login import login_page
from leerid_app.pages.pupils import pupils_page
from leerid_app.state.pupils import PupilListState

app = rx.App()
app.add_page(login_page, route=routes.LOGIN, title=f"Aanmelden - {texts.APP_TITLE}")
app.add_page(
    pupils_page,
    route=routes.PUPILS,
    title=texts.APP_TITLE,
    on_load=PupilListState.load,
)
