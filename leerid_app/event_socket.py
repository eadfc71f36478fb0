"""The event socket's handshake without cookies: Reflex would keep them in state in clear.

Reflex copies every header of the websocket handshake into the root state's router data,
which the Redis state manager stores per tab; the ``cookie`` header holds the session
tokens of both front doors. The app reads its cookies from the hydrate event instead (the
cookie vars, sealed at rest with the app's states), so the header is dropped here.
"""

from __future__ import annotations

from typing import Any

from leerid_app.http_headers import ASGIApp, Scope

EVENT_PATH = "/_event"


def without_cookies(scope: Scope) -> Scope:
    """The scope of a request to the event socket, its ``cookie`` headers left out."""
    headers = scope.get("headers") or []
    return {**scope, "headers": [(k, v) for k, v in headers if k.lower() != b"cookie"]}


def event_socket_without_cookies(app: ASGIApp) -> ASGIApp:
    """Wrap the app's ASGI app (Reflex's ``api_transformer``)."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        # Engine.IO may start with HTTP long-polling before it upgrades: both kinds.
        if scope["type"] in ("websocket", "http") and scope.get("path", "").startswith(EVENT_PATH):
            scope = without_cookies(scope)
        await app(scope, receive, send)

    return wrapped
