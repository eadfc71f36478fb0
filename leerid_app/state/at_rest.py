"""State sealed at rest: what Reflex pickles into Redis (or to disk) is AES-GCM ciphertext.

Reflex pickles each touched state per event when several workers share state (Redis), private
vars and cached computed vars included. The app's state roots seal that pickle with a key
derived from the pepper, so plan and result passwords, generated passwords and session
cookies never sit in the store in clear, whichever var holds them now or later. In memory
(while an event runs, or with the memory state manager) nothing changes.
"""

from __future__ import annotations

import pickle
from typing import Any

from leerid_app.services.sealing import STATE_AT_REST, SealBroken, sealer

SEALED_FIELD = "_leerid_sealed"


def seal_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The pickled fields of one state as a single sealed value (for ``__getstate__``)."""
    data = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
    return {SEALED_FIELD: sealer(STATE_AT_REST).seal(data)}


def open_fields(stored: dict[str, Any]) -> dict[str, Any]:
    """The fields sealed by ``seal_fields`` (for ``__setstate__``).

    Anything else (an unsealed pickle, another pepper, a changed byte) raises, and Reflex
    then starts that state afresh: the tab's session and pages are simply gone.
    """
    sealed = stored.get(SEALED_FIELD) if isinstance(stored, dict) else None
    if not isinstance(sealed, bytes):
        raise SealBroken("state was not sealed")
    # Authenticated first: only a worker holding the pepper can have sealed these bytes.
    fields = pickle.loads(sealer(STATE_AT_REST).open(sealed))  # noqa: S301
    if not isinstance(fields, dict):
        raise SealBroken("sealed state is not a field dict")
    return fields


class SealedAtRest:
    """Mixin for a state root (before ``rx.State``): its substates inherit the sealing."""

    def __getstate__(self) -> dict[str, Any]:
        """Reflex's fields of this state, sealed."""
        return seal_fields(super().__getstate__())  # type: ignore[misc]

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Open what ``__getstate__`` sealed, then let Reflex restore it."""
        super().__setstate__(open_fields(state))  # type: ignore[misc]
