"""No pupil data or password reaches a tab whose session is not valid (reconnect, reload)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import RESULT, BulkState
from leerid_app.state.pupils import PupilListState
from tests.state.test_handlers_security import _prepare_tab

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.state.conftest import DemoDb, StateTree

COOKIE = f"{AuthState.get_full_name()}.session_token_rx_state_"


def _result_passwords(tree: StateTree) -> list[str]:
    passwords = [
        row.password
        for row in [row for table in tree.get(BulkState).result_tables for row in table.rows]
    ]
    assert len(passwords) == 2 and all(passwords)
    return passwords


def _leaks(delta: dict, passwords: list[str], tree: StateTree) -> list[str]:
    sent = repr(delta)
    names = [tree.get(PupilListState).school_name, "Ardalan", "Bhatti", "Bockstal"]
    return [text for text in [*passwords, *names] if text and text in sent]


def test_reload_after_logout_in_another_tab_shows_nothing(
    demo_db: DemoDb, tree: StateTree, new_tree: Callable[[], StateTree]
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=True)
    assert tree.get(BulkState).phase == RESULT
    passwords = _result_passwords(tree)
    school = tree.get(AuthState).school_name
    # Sanity: while the session lives, a reload shows the result again (the manual's flow).
    assert set(passwords) <= set(repr(tree.hydrate({COOKIE: tab.token})).split("'"))

    other = new_tree()
    other.get(AuthState).session_token = tab.token
    other.run(AuthState.log_out)

    snapshot = tree.hydrate({COOKIE: tab.token})  # the browser still sends the cookie
    assert _leaks(snapshot, [*passwords, school], tree) == []
    assert tree.get(BulkState)._issued == []
    assert tree.get(PupilListState).selected_ids() == set()


def test_reconnect_with_the_client_token_and_no_cookie_gets_nothing(
    demo_db: DemoDb, tree: StateTree
) -> None:
    _prepare_tab(demo_db, tree, with_result=True)
    passwords = _result_passwords(tree)
    tree.run(PupilListState.load)  # the list's first rows are in the state too
    assert tree.get(PupilListState).rows

    snapshot = tree.hydrate({})  # same client token, no cookie at all

    assert _leaks(snapshot, passwords, tree) == []
    assert tree.get(PupilListState).rows == []
    assert tree.get(BulkState)._issued == []


def test_reload_after_the_idle_limit_shows_nothing(demo_db: DemoDb, tree: StateTree) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=True)
    passwords = _result_passwords(tree)
    demo_db.idle_session(tab.token)

    snapshot = tree.hydrate({COOKIE: tab.token})

    assert _leaks(snapshot, passwords, tree) == []


def test_another_login_in_the_same_tab_does_not_see_the_previous_sessions_data(
    demo_db: DemoDb, tree: StateTree
) -> None:
    _prepare_tab(demo_db, tree, with_result=True)
    passwords = _result_passwords(tree)
    # Someone else logs in with this tab's client token (e.g. a new cookie, same tab).
    other_token = demo_db.login("beheerder.b")

    snapshot = tree.hydrate({COOKIE: other_token})

    assert _leaks(snapshot, passwords, tree) == []
    assert tree.get(BulkState)._issued == []


def test_the_result_page_checks_the_session_before_showing_a_result(
    demo_db: DemoDb, tree: StateTree
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=True)
    demo_db.end_session(tab.token)
    # Even without the gate (as before): prepare must not return early on a result.
    tree.get(AuthState)._gate_token = tab.token
    bulk = tree.get(BulkState)
    result = BulkState.prepare_renewal.fn(bulk)
    import asyncio

    spec = asyncio.run(result)
    assert spec is not None  # off to the login page
    assert bulk._issued == [] and [row for table in bulk.result_tables for row in table.rows] == []


def test_a_school_switch_elsewhere_drops_the_old_schools_data(
    demo_db: DemoDb, tree: StateTree, new_tree: Callable[[], StateTree]
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=True)
    passwords = _result_passwords(tree)
    other = new_tree()
    other.get(AuthState).session_token = tab.token
    other.run(AuthState.switch_school, demo_db.gent_id)

    snapshot = tree.hydrate({COOKIE: tab.token})

    assert _leaks(snapshot, passwords, tree) == []
    assert tree.get(BulkState)._issued == []


def test_a_revoked_school_drops_its_data(demo_db: DemoDb, tree: StateTree) -> None:
    from leerid_app.services import admins
    from leerid_app.services.demo import DEMO_SCHOOL

    tab = _prepare_tab(demo_db, tree, with_result=True)
    passwords = _result_passwords(tree)
    with demo_db.session() as session:
        admins.revoke_school(session, "beheerder", DEMO_SCHOOL)
        session.commit()

    snapshot = tree.hydrate({COOKIE: tab.token})

    assert _leaks(snapshot, passwords, tree) == []
