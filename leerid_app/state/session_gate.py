"""Before any event: pupil data and passwords in a tab's state belong to a live session only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate
from reflex_base.event import Event

from leerid_app import texts
from leerid_app.state.auth import AuthState, forget_pupil_data
from leerid_app.state.guard import NotLoggedIn, run_as_admin
from leerid_app.state.off_loop import run_blocking

if TYPE_CHECKING:
    from reflex.app import App

_FIELD_MARKER = "_rx_state_"


def _owner(token: str) -> str:
    """Whose data this tab may hold: the live session and its current school, or nobody."""
    if not token:
        return ""
    try:
        # The full check (expiry, inactive administrator, revoked school), audited as always.
        context = run_as_admin(token, lambda _session, context: context, read_only=True)
    except NotLoggedIn:
        return ""
    return f"{context.session_id}:{context.school_id}"


def _all_subclasses(cls: type[BaseState]) -> list[type[BaseState]]:
    found = []
    for sub in cls.get_substates():
        found += [sub, *_all_subclasses(sub)]
    return found


def token_of(event: Event, auth_state: AuthState) -> str:
    """The session token the client holds now.

    A (re)connect sends the browser's cookies in the hydrate payload, and they replace
    whatever the server remembered for this client token: a tab without the cookie (or a
    hostile client reusing someone's client token) has no session.
    """
    if _is_hydrate(event):
        browser_vars: Any = (event.payload or {}).get("vars") or {}
        wanted = f"{AuthState.get_full_name()}.session_token"
        for name, value in browser_vars.items() if isinstance(browser_vars, dict) else ():
            if isinstance(name, str) and name.removesuffix(_FIELD_MARKER) == wanted:
                return value if isinstance(value, str) else ""
        return ""
    return auth_state.session_token or ""


def _is_hydrate(event: Event) -> bool:
    return event.name.endswith(".hydrate_and_load") or event.name.endswith(".hydrate")


async def guard_state(root: BaseState, event: Event) -> None:
    """Drop every substate's pupil data unless it belongs to the live session of this event."""
    auth_state = await root.get_state(AuthState)
    assert isinstance(auth_state, AuthState)
    if not auth_state._tab_known and not _is_hydrate(event):
        # A tab past its hydration whose state the server no longer has (the state store
        # restarted or expired it): the page's on_load, run again by Reflex, finds no session
        # and sends it to the login page; this says why.
        auth_state.login_notice = texts.STATE_LOST
    auth_state._tab_known = True
    owner = await run_blocking(_owner, token_of(event, auth_state))
    # An empty gate value means nothing was kept since the last wipe (or ever).
    if not owner or (auth_state._gate_token and owner != auth_state._gate_token):
        for cls in _all_subclasses(AuthState):
            await root.get_state(cls)  # loaded, so that the reset reaches it (Redis loads lazily)
        forget_pupil_data(auth_state)
    auth_state._gate_token = owner


class SessionGate(Middleware):
    """Runs before every event, under the state lock, before its handler and its delta."""

    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        """Check the session; the event itself then runs as usual."""
        await guard_state(state._get_root_state(), event)
        return None
