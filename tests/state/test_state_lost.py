"""A tab whose state the server lost (Redis restarted) is logged out with the reason; failures
of the database reach the browser as a Dutch message, not a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.exc import OperationalError

from leerid_app import routes, texts
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import RESULT, BulkState
from leerid_app.state.failures import backend_exception_handler
from leerid_app.state.pupils import PupilListState
from tests.state.test_handlers_security import ADMIN, _prepare_tab, log_in, redirect_paths

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.state.conftest import DemoDb, StateTree

COOKIE = f"{AuthState.get_full_name()}.session_token_rx_state_"


def test_a_lost_state_sends_the_tab_to_login_with_the_reason(
    demo_db: DemoDb, tree: StateTree, new_tree: Callable[[], StateTree]
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=True)
    assert tree.get(BulkState).phase == RESULT
    tree.hydrate({COOKIE: tab.token})

    # The same tab after a Redis restart: a fresh state, and the page's next click.
    lost = new_tree()
    result = lost.run(PupilListState.load)

    assert redirect_paths(result) == [routes.LOGIN]
    assert lost.get(AuthState).login_notice == texts.STATE_LOST
    assert lost.get(AuthState).session_token == ""


def test_a_new_tab_hydrates_first_and_is_not_told_anything(
    demo_db: DemoDb, new_tree: Callable[[], StateTree]
) -> None:
    fresh = new_tree()
    fresh.hydrate({})
    result = fresh.run(PupilListState.load)
    assert redirect_paths(result) == [routes.LOGIN]
    assert fresh.get(AuthState).login_notice == texts.LOGIN_REQUIRED


def test_a_logged_in_tab_keeps_working(demo_db: DemoDb, tree: StateTree) -> None:
    token = log_in(tree, demo_db, ADMIN)
    tree.hydrate({COOKIE: token})
    assert tree.run(PupilListState.load) is None
    assert tree.get(AuthState).login_notice != texts.STATE_LOST


def test_the_database_away_gives_a_dutch_message_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
    with caplog.at_level(logging.WARNING, logger="leerid_app"):
        spec = backend_exception_handler(down)
    assert texts.DATABASE_UNAVAILABLE in str(spec.args)
    assert [bool(record.exc_info or record.exc_text) for record in caplog.records] == [False]


def test_an_unexpected_error_is_logged_in_full_and_shown_in_dutch(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="leerid_app"):
        spec = backend_exception_handler(ValueError("a bug"))
    assert texts.UNEXPECTED_ERROR in str(spec.args)
    assert "An error occurred" not in str(spec.args)
    # The traceback stays in the log (redaction keeps it as exc_text), for the operator.
    assert [bool(record.exc_info or record.exc_text) for record in caplog.records] == [True]
