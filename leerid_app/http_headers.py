"""Security headers on every HTTP response of the app (pages, assets, API), one ASGI middleware."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from leerid_app.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

# React and Radix need inline scripts and styles; everything else comes from the app itself.
# The websocket is same-origin ('self' covers ws:/wss: of the same host in current browsers).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Reflex's rx.call_script (focus after navigation, WCAG) evaluates its script as a string.
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Hashed build output may be cached; everything else (the page shell, API answers) never:
# pupil data must not stay in a shared computer's cache.
_CACHEABLE_PREFIXES = ("/assets/", "/_next/static/", "/favicon")


def headers_for(path: str, *, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers added to a response for ``path``."""
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    ]
    if not path.startswith(_CACHEABLE_PREFIXES):
        headers.append((b"cache-control", b"no-store"))
    if https:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap the app's ASGI app (Reflex's ``api_transformer``)."""
    https = get_settings().public_url.startswith("https://")

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        extra = headers_for(scope.get("path", ""), https=https)
        names = {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
