"""Reflex configuration: state kept in memory (never pickled to disk), no telemetry, light theme."""

import os

import reflex as rx

from leerid_app.settings import DEFAULT_DB_URL, get_settings

# Plain-text passwords live in state while a result is shown, so Reflex's default DISK state
# manager (pickles to .states/) is not allowed. With REFLEX_REDIS_URL set (several workers),
# Reflex keeps state in Redis instead, sealed by the app (state/at_rest.py); run that Redis
# without persistence all the same.
config = rx.Config(
    app_name="leerid_app",
    db_url=os.environ.get("REFLEX_DB_URL", DEFAULT_DB_URL),
    state_manager_mode="redis" if os.environ.get("REFLEX_REDIS_URL") else "memory",
    redis_token_expiration=3600,
    # Only the app's own pages may call it (Reflex's default echoes any origin).
    cors_allowed_origins=get_settings().allowed_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    default_color_mode="light",
    plugins=[
        rx.plugins.RadixThemesPlugin(
            # Indigo's solid step has 5.2:1 against white text and its text step 5.4:1 on its
            # soft backgrounds (WCAG AA); teal's were 3.1:1 and 4.1:1.
            theme=rx.theme(appearance="light", accent_color="indigo", gray_color="slate")
        )
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
