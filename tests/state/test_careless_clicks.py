"""Careless clicks lose nothing: confirm many replacements, warn before leaving, reset on cancel."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from leerid_app import routes, texts
from leerid_app.state.bulk import CONFIRM_ABOVE, PLAN, RESULT, BulkState
from leerid_app.state.pupils import PupilListState
from tests.state.test_handlers_security import ADMIN, downloads, log_in, redirect_paths

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree


def _plan_for_a_class(demo_db: DemoDb, tree: StateTree) -> int:
    log_in(tree, demo_db, ADMIN)
    tree.run(PupilListState.load)
    tree.run(PupilListState.set_group, "6de leerjaar")
    tree.run(PupilListState.set_status, "Actief")
    tree.run(PupilListState.select_all_matching)
    tree.run(BulkState.prepare_renewal)
    count = tree.get(BulkState).planned_included
    assert count > CONFIRM_ABOVE
    return count


def test_many_replacements_wait_for_a_confirmation_naming_the_number(
    demo_db: DemoDb, tree: StateTree
) -> None:
    count = _plan_for_a_class(demo_db, tree)
    before = demo_db.accounts()
    bulk = tree.get(BulkState)

    assert tree.run(BulkState.save, False) is None
    assert bulk.confirm_count == count and bulk.phase == PLAN
    assert bulk.confirm_text == texts.CONFIRM_RENEW.format(count=count)
    assert str(count) in bulk.confirm_button
    assert demo_db.accounts() == before
    tree.run(BulkState.save, "ja")  # only a real true confirms
    assert demo_db.accounts() == before

    tree.run(BulkState.cancel_confirmation)
    assert bulk.confirm_count == 0
    tree.run(BulkState.save, True)
    assert bulk.phase == RESULT and bulk.result_total == count
    assert demo_db.accounts() != before


def test_a_cancelled_run_resets_running_and_drops_the_plan(
    demo_db: DemoDb, tree: StateTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan_for_a_class(demo_db, tree)

    async def cancelled(*_args: object) -> None:
        raise asyncio.CancelledError

    monkeypatch.setattr(BulkState, "_hash_and_store", cancelled)
    with pytest.raises(asyncio.CancelledError):
        tree.run(BulkState.save, True)
    bulk = tree.get(BulkState)
    assert bulk.running is False
    assert bulk._planned == [] and bulk.planned_page == []


def test_klaar_before_any_download_asks_and_downloads_are_marked(
    demo_db: DemoDb, tree: StateTree
) -> None:
    _plan_for_a_class(demo_db, tree)
    tree.run(BulkState.save, True)
    bulk = tree.get(BulkState)
    assert bulk.guard_leaving

    assert tree.run(BulkState.finish, False) is None
    assert bulk.leave_warning and bulk.phase == RESULT and bulk._issued
    tree.run(BulkState.stay)
    assert not bulk.leave_warning

    assert len(downloads(tree.run(BulkState.download_excel))) == 1
    assert bulk.excel_downloaded and not bulk.pdf_downloaded and not bulk.guard_leaving
    assert redirect_paths(tree.run(BulkState.finish, False)) == [routes.PUPILS]
    assert bulk._issued == [] and [row for table in bulk.result_tables for row in table.rows] == []


def test_klaar_confirmed_leaves_without_download(demo_db: DemoDb, tree: StateTree) -> None:
    _plan_for_a_class(demo_db, tree)
    tree.run(BulkState.save, True)
    assert redirect_paths(tree.run(BulkState.finish, True)) == [routes.PUPILS]
    assert tree.get(BulkState)._issued == []


def test_the_list_says_how_many_selected_pupils_the_filters_hide(
    demo_db: DemoDb, tree: StateTree
) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(PupilListState.load)
    tree.run(PupilListState.set_search, "32890")
    tree.run(PupilListState.toggle_pupil, demo_db.pupil_id("32890"), True)
    tree.run(PupilListState.set_search, "80240")
    tree.run(PupilListState.toggle_pupil, demo_db.pupil_id("80240"), True)
    state = tree.get(PupilListState)
    assert state.selected_hidden_text == texts.SELECTED_HIDDEN.format(count=1)
    tree.run(PupilListState.set_search, "60351")
    assert state.selected_hidden_text == texts.SELECTED_HIDDEN.format(count=2)
    assert state.rows and state.selected_on_page == []
    tree.run(PupilListState.set_search, "")
    assert state.selected_hidden_text == ""
