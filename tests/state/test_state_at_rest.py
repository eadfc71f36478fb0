"""What Reflex would store in Redis holds no shown password and no session token in clear.

The Redis state manager pickles every touched state of a tab with ``BaseState._serialize``
(``reflex/istate/manager/redis.py``: ``_collect_state_writes`` → ``token.serialize``) and
loads it back with ``BaseState._deserialize`` on whichever worker gets the next event. These
tests drive the result page, the single-renewal form and a pupil's login on the in-process
state tree, then serialise every state of the tab exactly that way.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, StateSchemaMismatchError

import leerid_app.portal.state.portal
import leerid_app.state.at_rest
from leerid_app import routes
from leerid_app.portal.state.portal import PortalState
from leerid_app.services import sealing
from leerid_app.state.at_rest import SEALED_FIELD
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import RESULT, BulkState
from leerid_app.state.pupil_detail import EditCredentialsState
from leerid_app.state.pupils import PupilListState
from tests.state.conftest import DemoDb, StateTree
from tests.state.test_handlers_security import ADMIN, AMANI, ARDALAN, log_in, on_route

PUPIL = ("butrint.boeren1", "Fiets-Wolk-Paard-92")  # e-mail linked: no bulk run touches it


def _every_state(root: BaseState) -> Iterator[BaseState]:
    stack = [root]
    while stack:
        state = stack.pop()
        yield state
        stack.extend(state.substates.values())


def _stored(tree: StateTree) -> dict[str, bytes]:
    """Every state of the tab as the Redis state manager writes it, by state name."""
    return {
        state.get_full_name(): BaseStateToken.serialize(state) for state in _every_state(tree.root)
    }


def _plan_two(demo_db: DemoDb, tree: StateTree) -> None:
    """Logged in as `beheerder`, on the plan of Ardalan Bhatti and Amani Bockstal."""
    log_in(tree, demo_db, ADMIN)
    tree.run(PupilListState.load)
    for stamnummer in (ARDALAN, AMANI):
        tree.run(PupilListState.set_search, stamnummer)
        tree.run(PupilListState.toggle_pupil, demo_db.pupil_id(stamnummer), True)
    tree.run(BulkState.prepare_renewal)


def _result_page_with_everything(demo_db: DemoDb, tree: StateTree, monkeypatch) -> list[str]:
    """A console tab on a bulk result and an unsaved single password; a pupil logged in."""
    monkeypatch.setattr(leerid_app.portal.state.portal, "get_engine", lambda: demo_db.engine)
    _plan_two(demo_db, tree)
    bulk = tree.get(BulkState)
    planned = [row.password for row in bulk.planned_page]
    tree.run(BulkState.save)
    assert bulk.phase == RESULT
    shown = [row.password for table in bulk.result_tables for row in table.rows]
    assert sorted(shown) == sorted(planned) and len(shown) == 2
    # The single-renewal form of another pupil, with a generated password not yet saved.
    on_route(tree, routes.pupil_edit(demo_db.pupil_id("60351")))
    tree.run(EditCredentialsState.load_edit)
    tree.run(EditCredentialsState.generate_password)
    generated = tree.get(EditCredentialsState).new_password
    assert generated
    tree.run(PortalState.log_in, {"username": PUPIL[0], "password": PUPIL[1]})
    assert tree.get(PortalState).pupil_token
    return [*shown, generated]


def test_no_shown_password_or_session_token_is_stored_in_clear(
    demo_db: DemoDb, tree: StateTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    passwords = _result_page_with_everything(demo_db, tree, monkeypatch)
    secrets = [
        *passwords,
        tree.get(AuthState).session_token,
        tree.get(PortalState).pupil_token,
        PUPIL[1],
    ]
    assert all(secrets)
    # First prove the probe sees them: Reflex's own pickle of these states holds them all.
    plain = b"".join(
        pickle.dumps(BaseState.__getstate__(state)) for state in _every_state(tree.root)
    )
    for secret in secrets[:-1]:
        assert secret.encode() in plain, "the probe cannot see what it looks for"

    stored = _stored(tree)
    assert len(stored) > 10  # every page's state, the Leerlingloket's too
    everything = b"".join(stored.values())
    for secret in secrets:
        assert secret.encode() not in everything
        # Not hidden by an encoding either (pickle keeps str as UTF-8; be thorough).
        assert secret.encode("utf-16-le") not in everything
    sealed = [name for name, data in stored.items() if SEALED_FIELD.encode() in data]
    assert BulkState.get_full_name() in sealed and PortalState.get_full_name() in sealed


def test_another_worker_loads_the_sealed_tab_and_shows_the_same_result(
    demo_db: DemoDb, tree: StateTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    _result_page_with_everything(demo_db, tree, monkeypatch)
    before = tree.get(BulkState)
    stored = _stored(tree)
    loaded = BaseState._deserialize(data=stored[BulkState.get_full_name()])
    assert isinstance(loaded, BulkState)
    assert loaded.phase == RESULT
    assert loaded.result_tables == before.result_tables
    assert loaded._issued == before._issued
    auth = BaseState._deserialize(data=stored[AuthState.get_full_name()])
    assert isinstance(auth, AuthState)
    assert auth.session_token == tree.get(AuthState).session_token


def test_a_changed_byte_or_another_pepper_starts_the_state_afresh(
    demo_db: DemoDb, tree: StateTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    _result_page_with_everything(demo_db, tree, monkeypatch)
    data = bytearray(_stored(tree)[BulkState.get_full_name()])
    data[-40] ^= 0x01  # inside the sealed value, near its end
    # Reflex's Redis manager catches this and creates a fresh state for the tab.
    with pytest.raises(StateSchemaMismatchError):
        BaseState._deserialize(data=bytes(data))

    data = _stored(tree)[AuthState.get_full_name()]
    other = sealing.Sealer(b"another-pepper-0123456789", sealing.STATE_AT_REST)
    monkeypatch.setattr(sealing, "sealer", lambda _purpose: other)
    monkeypatch.setattr(leerid_app.state.at_rest, "sealer", lambda _purpose: other)
    with pytest.raises(StateSchemaMismatchError):
        BaseState._deserialize(data=data)


def test_an_unsealed_pickle_is_not_loaded(tree: StateTree) -> None:
    """Fields this app did not seal (an older release, a forged key) are refused."""
    auth = tree.get(AuthState)
    auth.session_token = "forged-session"
    fields = BaseState.__getstate__(auth)
    with pytest.raises(sealing.SealBroken):
        AuthState.__new__(AuthState).__setstate__(fields)


def test_a_runs_own_updates_carry_no_password_the_browsers_follow_up_does(
    demo_db: DemoDb, tree: StateTree
) -> None:
    """A background run's deltas may go through Redis pub/sub (a tab moved to another worker):
    the passwords come only in the answer to show_result, which the browser sends for."""
    _plan_two(demo_db, tree)
    passwords = [row.password for row in tree.get(BulkState).planned_page]
    tree.deltas.clear()
    sent = tree.run(BulkState.save) or []
    assert f"{BulkState.get_full_name()}.show_result" in [event.name for event in sent]
    name = BulkState.get_full_name()
    index = next(
        i
        for i, delta in enumerate(tree.deltas)
        if delta.get(name, {}).get("phase_rx_state_") == RESULT
    )
    assert tree.deltas[index][name]["result_tables_rx_state_"] == []
    run_updates, follow_up = repr(tree.deltas[: index + 1]), repr(tree.deltas[index + 1 :])
    for password in passwords:
        assert password not in run_updates
        assert password in follow_up
