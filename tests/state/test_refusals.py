"""Every handler refuses a bad argument the same way: nothing changes, the refusal is audited."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from leerid_app import texts
from leerid_app.services.audit import AuditAction
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import BulkState
from leerid_app.state.logbook import LogbookState
from leerid_app.state.pupil_detail import EditCredentialsState
from leerid_app.state.pupils import PupilListState
from tests.state.test_handlers_security import (
    ARDALAN,
    PIETER,
    _prepare_tab,
    last_audit_id,
)

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree

GENT_PUPIL = "20001"


def _denied(demo_db: DemoDb, after: int) -> list[dict]:
    return [
        json.loads(event.details)
        for event in demo_db.audit(AuditAction.ACCESS_DENIED)
        if (event.id or 0) > after
    ]


def test_toggle_included_refuses_and_audits_pupils_outside_the_plan(
    demo_db: DemoDb, tree: StateTree
) -> None:
    _prepare_tab(demo_db, tree, with_result=False)
    bulk = tree.get(BulkState)
    included = bulk.planned_included
    other_school = demo_db.pupil_id(GENT_PUPIL, "GENT - TEST School 7")
    not_planned = demo_db.pupil_id(PIETER)
    for pupil_id, reason in (
        (other_school, "pupil_not_in_school"),
        (not_planned, "invalid_argument"),
        (2**70, "invalid_argument"),
        ("x", "invalid_argument"),
    ):
        before = last_audit_id(demo_db)
        assert tree.run(BulkState.toggle_included, pupil_id, False) is None
        assert bulk.planned_included == included
        assert [d["reason"] for d in _denied(demo_db, before)] == [reason], pupil_id
    tree.run(BulkState.toggle_included, demo_db.pupil_id(ARDALAN), False)
    assert bulk.planned_included == included - 1


def test_malformed_arguments_of_any_handler_are_audited(demo_db: DemoDb, tree: StateTree) -> None:
    _prepare_tab(demo_db, tree, with_result=False)
    calls = [
        (PupilListState.set_search, [1]),
        (PupilListState.set_group, {"a": 1}),
        (PupilListState.sort_by, "drop table"),
        (PupilListState.toggle_page, "ja"),
        (BulkState.planned_go_to, "een"),
        (BulkState.result_go_to, ["basis", "2"]),
        (LogbookState.set_action, 5),
        (LogbookState.go_to_page, 1.5),
        (EditCredentialsState.set_username_input, {"x": 1}),
    ]
    for handler, argument in calls:
        before = last_audit_id(demo_db)
        tree.run(handler, argument)
        assert _denied(demo_db, before) == [
            {"reason": "invalid_argument", "argument": repr(argument)}
        ], handler
        assert tree.get(AuthState).page_error == texts.INVALID_REQUEST
    assert tree.get(PupilListState).selected_count == 2  # nothing changed
