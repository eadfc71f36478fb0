"""What the bulk and list pages show: the manual's headings per account type, singulars, lists."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from leerid_app import texts
from leerid_app.models import AccountType
from leerid_app.services.credentials import IssuedCredential
from leerid_app.state.bulk import (
    ACTIVATE,
    RENEW,
    SKIPPED_NAMES_SHOWN,
    BulkState,
    result_summary,
    result_table_heading,
)
from leerid_app.state.pupils import PupilListState
from tests.state.test_handlers_security import log_in

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree

ADMIN = "beheerder"


def _issued(account_type: AccountType, number: int) -> IssuedCredential:
    return IssuedCredential(
        pupil_id=number,
        stamnummer=str(10000 + number),
        first_name="Test",
        last_name=f"Leerling {number}",
        administrative_group="6de leerjaar",
        username=f"test.leerling{number}",
        password="abc123",
        account_type=account_type,
    )


def test_result_headings_follow_the_manual() -> None:
    assert result_table_heading(RENEW, AccountType.GEVORDERD) == (
        "LEERID'S MET NIEUW GEVORDERD WACHTWOORD"
    )
    assert result_table_heading(RENEW, AccountType.BASIS) == "LEERID'S MET NIEUW BASIS WACHTWOORD"
    assert result_table_heading(ACTIVATE, AccountType.BASIS) == (
        "NIEUWE LEERID'S MET BASIS WACHTWOORD"
    )


def test_one_leerid_is_named_in_the_singular() -> None:
    heading, lines = result_summary(ACTIVATE, [_issued(AccountType.BASIS, 1)])
    assert heading == "1 LeerID is geactiveerd"
    assert lines == [texts.RESULT_BASIC_ONE.format(kind="nieuwe")]
    assert lines[0].startswith("1 nieuwe LeerID met basis wachtwoord")

    heading, lines = result_summary(
        RENEW,
        [_issued(AccountType.BASIS, 1), *(_issued(AccountType.GEVORDERD, n) for n in (2, 3))],
    )
    assert heading == "3 LeerID's hebben een nieuw wachtwoord"
    assert lines[0].startswith("1 bestaande LeerID met basis wachtwoord")
    assert lines[1].startswith("2 bestaande LeerID's met gevorderd wachtwoord")
    assert result_summary(RENEW, [_issued(AccountType.GEVORDERD, 1)])[0] == (
        "1 LeerID heeft een nieuw wachtwoord"
    )


def test_result_has_one_table_per_account_type_each_paged(tree: StateTree) -> None:
    state = tree.get(BulkState)
    state.mode = RENEW
    state._issued = [_issued(AccountType.BASIS, n) for n in range(1, 61)] + [
        _issued(AccountType.GEVORDERD, 100)
    ]
    state._show_result()
    assert [(t.heading, t.total, t.page_count) for t in state.result_tables] == [
        ("LEERID'S MET NIEUW BASIS WACHTWOORD", 60, 2),
        ("LEERID'S MET NIEUW GEVORDERD WACHTWOORD", 1, 1),
    ]
    # Straight to the handler: without a logged-in session the session gate would reset the tab.
    asyncio.run(BulkState.result_go_to.fn(state, AccountType.BASIS.value, 2))
    basic, advanced = state.result_tables
    assert (basic.page_no, len(basic.rows)) == (2, 10)
    assert [row.username for row in advanced.rows] == ["test.leerling100"]
    # An unknown table changes nothing (malformed arguments: tests/state/test_refusals.py).
    asyncio.run(BulkState.result_go_to.fn(state, "admin", 1))
    assert state.result_tables[0].page_no == 2


def test_every_skipped_pupil_can_be_shown(demo_db: DemoDb, tree: StateTree) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(PupilListState.load)
    tree.run(PupilListState.select_all_matching)
    tree.run(BulkState.prepare_activation)
    state = tree.get(BulkState)
    assert state.skipped_total > SKIPPED_NAMES_SHOWN
    assert state.skipped_all == []  # sent to the browser only on request
    tree.run(BulkState.show_all_skipped)
    assert len(state.skipped_all) == state.skipped_total
    tree.run(BulkState.discard)
    assert (state.skipped_all, state.skipped_total) == ([], 0)


def test_clearing_the_filters_and_singular_select_all(demo_db: DemoDb, tree: StateTree) -> None:
    log_in(tree, demo_db, ADMIN)
    tree.run(PupilListState.load)
    pupil_list = tree.get(PupilListState)
    everyone = pupil_list.total
    assert not pupil_list.has_filters
    tree.run(PupilListState.set_search, "60351")
    assert (pupil_list.total, pupil_list.select_all_label) == (1, texts.SELECT_THE_ONLY_ONE)
    tree.run(PupilListState.set_status, "Geen account")
    assert pupil_list.total == 0 and pupil_list.has_filters
    tree.run(PupilListState.clear_filters)
    assert pupil_list.total == everyone and not pupil_list.has_filters
    assert pupil_list.select_all_label == f"Selecteer alle {everyone} leerlingen"
