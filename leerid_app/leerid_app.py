"""The Reflex app: theme and the page list, nothing else."""

import reflex as rx

app = rx.App(theme=rx.theme(appearance="light", accent_color="teal", radius="medium"))


@rx.page(route="/", title="LeerID Schoolloket")
def index() -> rx.Component:
    return rx.text("LeerID Schoolloket")
