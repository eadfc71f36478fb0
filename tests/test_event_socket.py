"""The event socket's handshake reaches Reflex without cookies; other requests keep theirs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from leerid_app.event_socket import event_socket_without_cookies

COOKIE = b"leerid_session=s3cr3t-session-token; leerid_pupil_session=pupil-token"


def _seen_by_app(scope: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def app(inner: dict[str, Any], _receive: Any, _send: Any) -> None:
        seen.update(inner)

    asyncio.run(event_socket_without_cookies(app)(scope, None, None))
    return seen


def _headers(kind: str, path: str) -> dict[str, Any]:
    return {
        "type": kind,
        "path": path,
        "headers": [(b"host", b"localhost"), (b"Cookie", COOKIE), (b"origin", b"http://x")],
    }


@pytest.mark.parametrize(
    ("kind", "path"),
    [("websocket", "/_event/"), ("http", "/_event/"), ("websocket", "/_event")],
)
def test_the_event_socket_gets_no_cookie_header(kind: str, path: str) -> None:
    scope = _headers(kind, path)
    seen = _seen_by_app(scope)
    assert [name for name, _ in seen["headers"]] == [b"host", b"origin"]
    assert b"s3cr3t" not in repr(seen).encode()
    assert (b"Cookie", COOKIE) in scope["headers"]  # the caller's scope is left as it was


@pytest.mark.parametrize(("kind", "path"), [("http", "/leerlingen"), ("http", "/_upload")])
def test_other_requests_keep_their_cookies(kind: str, path: str) -> None:
    assert (b"Cookie", COOKIE) in _seen_by_app(_headers(kind, path))["headers"]


def test_lifespan_passes_untouched() -> None:
    assert _seen_by_app({"type": "lifespan"}) == {"type": "lifespan"}
