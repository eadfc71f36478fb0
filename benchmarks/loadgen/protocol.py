"""Reflex 0.10's websocket protocol (socket.io over a raw websocket), spoken as the browser does.

The browser opens ``/_event/?EIO=4&transport=websocket&token=<tab uuid>`` with the Reflex
version as subprotocol, joins the ``/_event`` namespace and hydrates with its cookies; every
click is an event ``<state path>.<handler>`` with the page's router data. The server answers
with state updates: a delta per substate (var names end in ``_rx_state_``) and frontend events
such as ``_redirect`` (the browser then navigates: client storage + ``on_load_internal``) or
``_download``. Handlers chained by a handler run on the server. There is no end-of-event
marker, so an action is done when the update it waits for arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from reflex.state import OnLoadInternalState, State, UpdateVarsInternalState
from reflex_base.constants import Reflex
from reflex_base.constants.compiler import CompileVars

FIELD_MARKER = "_rx_state_"
NAMESPACE = "/_event"
CONNECT_TIMEOUT_S = 60.0
HYDRATE = f"{State.get_full_name()}.{CompileVars.HYDRATE_AND_LOAD}"
UPDATE_VARS = f"{UpdateVarsInternalState.get_full_name()}.update_vars_internal"
ON_LOAD = f"{OnLoadInternalState.get_full_name()}.on_load_internal"


class ProtocolError(Exception):
    """The app answered differently from what a browser would get (or not in time)."""


@dataclass
class Update:
    """One state update as the server sent it, with when it arrived."""

    delta: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    received: float
    size: int  # characters on the wire
    path: str  # the page the tab was on when it arrived

    def var(self, state: str, name: str) -> Any:
        """A var of a substate in this delta (``KeyError`` when absent)."""
        return self.delta[state][name + FIELD_MARKER]

    def has(self, state: str, name: str) -> bool:
        """Whether this delta carries the var."""
        return name + FIELD_MARKER in self.delta.get(state, {})

    def frontend_events(self, name: str) -> list[dict[str, Any]]:
        """The frontend events of a kind (``_redirect``, ``_download`` …)."""
        return [event for event in self.events if event.get("name") == name]


@dataclass
class ReflexClient:
    """One browser tab: its websocket, its cookies and the state the server sent it."""

    base_url: str  # http://host:port of the app (the backend's port)
    cookie_vars: tuple[str, ...] = ()  # full var names the browser keeps as cookies
    path: str = "/"
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    cookies: dict[str, str] = field(default_factory=dict)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    updates: list[Update] = field(default_factory=list)
    downloads: list[dict[str, Any]] = field(default_factory=list)
    _ws: Any = None
    _reader: asyncio.Task | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _closed: BaseException | None = None

    async def connect(self, path: str = "/") -> None:
        """Open the socket, join the namespace, hydrate the page at ``path``."""
        url = self.base_url.replace("http", "ws", 1)
        try:
            self._ws = await websockets.connect(
                f"{url}/_event/?EIO=4&transport=websocket&token={self.token}",
                subprotocols=[websockets.Subprotocol(Reflex.VERSION)],
                origin=websockets.Origin(self.base_url),
                max_size=None,  # a bulk PDF travels as one data URL
                ping_interval=None,  # engine.io pings itself
                open_timeout=CONNECT_TIMEOUT_S,
            )
            opened = await self._ws.recv()
            if not str(opened).startswith("0"):
                raise ProtocolError(f"no engine.io open packet: {opened!r}")
            await self._ws.send(f"40{NAMESPACE},")
            joined = await self._ws.recv()
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            raise ProtocolError(f"cannot connect: {error!r}") from error
        if not str(joined).startswith(f"40{NAMESPACE},"):
            raise ProtocolError(f"namespace refused: {joined!r}")
        self._reader = asyncio.create_task(self._read(), name=f"loadgen-reader-{self.token}")
        self.path = path
        await self.send(HYDRATE, {CompileVars.PAYLOAD_VARS: dict(self.cookies)})
        # The page is ready once its on_load handlers ran: the app marks the state hydrated.
        root = State.get_full_name()
        await self.wait_for(
            lambda update: update.has(root, "is_hydrated") and update.var(root, "is_hydrated"),
            since=0,
            timeout=CONNECT_TIMEOUT_S,
        )

    async def close(self) -> None:
        """Close the socket as a closed tab does."""
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def send(self, name: str, payload: dict[str, Any] | None = None) -> float:
        """Send one event from the current page; returns when it left (perf_counter)."""
        if self._closed is not None:
            raise ProtocolError(f"socket closed: {self._closed!r}")
        event = {
            "name": name,
            "payload": payload or {},
            "router_data": {"pathname": self._route(), "asPath": self.path},
        }
        try:
            await self._ws.send(f"42{NAMESPACE}," + json.dumps(["event", event]))
        except websockets.WebSocketException as error:
            raise ProtocolError(f"cannot send: {error!r}") from error
        return time.perf_counter()

    async def navigate(self, path: str) -> float:
        """A client-side page change: cookies, then the page's on_load handlers."""
        self.path = path
        sent = time.perf_counter()
        if self.cookies:
            await self.send(UPDATE_VARS, {CompileVars.PAYLOAD_VARS: dict(self.cookies)})
        await self.send(ON_LOAD)
        return sent

    async def wait_for(
        self, done: Callable[[Update], bool], *, since: int, timeout: float
    ) -> Update:
        """The first update from index ``since`` on for which ``done`` holds."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for update in self.updates[since:]:
                    if done(update):
                        return update
                since = len(self.updates)
                if self._closed is not None:
                    raise ProtocolError(f"socket closed: {self._closed!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError(f"no answer within {timeout:.0f} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    def value(self, state: str, name: str, default: Any = None) -> Any:
        """A var as the tab holds it now."""
        return self.state.get(state, {}).get(name + FIELD_MARKER, default)

    def _route(self) -> str:
        # The app's router maps /leerling/12 to /leerling/[pupil_id] itself.
        return self.path.split("?", 1)[0]

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                await self._handle(str(message))
        except Exception as error:
            self._closed = error
        else:
            self._closed = ProtocolError("the server closed the socket")
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, message: str) -> None:
        if message == "2":  # engine.io ping
            await self._ws.send("3")
            return
        prefix = f"42{NAMESPACE},"
        if not message.startswith(prefix):
            return
        kind, *args = json.loads(message[len(prefix) :])
        if kind != "event" or not args or not isinstance(args[0], dict):
            return
        body = args[0]
        update = Update(
            delta=body.get("delta") or {},
            events=body.get("events") or [],
            received=time.perf_counter(),
            size=len(message),
            path=self.path,
        )
        for state, values in update.delta.items():
            self.state.setdefault(state, {}).update(values)
            for name, value in values.items():
                full = f"{state}.{name.removesuffix(FIELD_MARKER)}"
                if full in self.cookie_vars:
                    self.cookies[full] = value
        self.downloads += update.frontend_events("_download")
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        for redirect in update.frontend_events("_redirect"):
            target = (redirect.get("payload") or {}).get("path")
            if isinstance(target, str):
                await self.navigate(target)
