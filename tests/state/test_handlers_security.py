"""Event handlers called directly, as a hostile client could: scope, argument types, sessions.

Reflex lets a browser call any registered handler with any JSON arguments, so these tests skip
the browser and call the handlers' own functions on an in-process state tree (see conftest),
with the arguments such a client could send and the state it could have left behind. Each test
then reads its private copy of the demo database: refused requests change nothing and leave an
audit trace; no generated password ever reaches a log, the audit log or the database file.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from reflex.istate.data import ReflexURL, RouterData
from reflex_base.event import Event

from leerid_app import routes, texts
from leerid_app.leerid_app import FORGET_PASSWORDS
from leerid_app.models import AccountType
from leerid_app.services import accounts, bulk, passwords, pupils
from leerid_app.services.audit import AuditAction
from leerid_app.services.demo import SECOND_SCHOOL
from leerid_app.state.auth import AuthState
from leerid_app.state.bulk import RESULT, BulkState
from leerid_app.state.logbook import LogbookState
from leerid_app.state.pupil_detail import EditCredentialsState, PupilDetailState, PupilView
from leerid_app.state.pupils import ALL, PupilListState
from leerid_app.state.readiness import OverviewState, ReadinessState
from leerid_app.state.reports import DataCheckState, LeaversState

if TYPE_CHECKING:
    from tests.state.conftest import DemoDb, StateTree

ADMIN = "beheerder"  # both schools
ADMIN_B = "beheerder.b"  # GENT - TEST School 7 only
GENT_PUPILS = 60  # 1 + 45 + 14 in the demo's second school

# Pupils of the manual's school (BRUSSEL-STAD - TEST School 2).
ARDALAN = "32890"
AMANI = "80240"
BUTRINT = "47727"  # e-mail linked
PIETER = "93504"  # no account

CHANGING_ACTIONS = {
    AuditAction.ACCOUNT_ACTIVATED,
    AuditAction.USERNAME_CHANGED,
    AuditAction.PASSWORD_RENEWED,
    AuditAction.EMAIL_REMOVED,
    AuditAction.BULK_PASSWORDS_RENEWED,
    AuditAction.BULK_ACCOUNTS_ACTIVATED,
    AuditAction.SLIPS_DOWNLOADED,
    AuditAction.EXCEL_DOWNLOADED,
    AuditAction.REPORT_DOWNLOADED,
}


# --- Reading what a handler returned ---------------------------------------------------------


def _events(result: Any) -> list[Event]:
    if result is None:
        return []
    assert all(isinstance(event, Event) for event in result), f"a handler sent {result!r}"
    return list(result)


def redirect_paths(result: Any) -> list[str]:
    """The paths of every rx.redirect the handler sent to the browser."""
    return [event.payload["path"] for event in _events(result) if event.name == "_redirect"]


def downloads(result: Any) -> list[tuple[str, bytes]]:
    """(file name, content) of every rx.download the handler sent to the browser."""
    found = []
    for event in _events(result):
        url = event.payload.get("url")
        if event.name == "_download" and isinstance(url, str) and url.startswith("data:"):
            found.append((event.payload["filename"], base64.b64decode(url.split(",", 1)[1])))
    return found


def goes_to_login(result: Any) -> bool:
    """Whether the handler sent the browser to the login page."""
    return routes.LOGIN in redirect_paths(result)


def on_route(tree: StateTree, path: str) -> None:
    """The page the client says it is on (Reflex takes the route from the client's event)."""
    tree.get(AuthState).router = RouterData(url=ReflexURL(f"http://localhost{path}"))


def log_in(tree: StateTree, demo_db: DemoDb, username: str) -> str:
    """A live session in this tab, as after the login form."""
    token = demo_db.login(username)
    tree.get(AuthState).session_token = token
    return token


def changing_events(demo_db: DemoDb, after_id: int) -> list[tuple[str, str]]:
    """Audit events that record a change or a download, newer than ``after_id``."""
    return [
        (event.action, event.details)
        for event in demo_db.audit()
        if (event.id or 0) > after_id and event.action in CHANGING_ACTIONS
    ]


def last_audit_id(demo_db: DemoDb) -> int:
    """The id of the newest audit event (0 when there is none)."""
    events = demo_db.audit()
    return (events[-1].id or 0) if events else 0


# --- 1. Another school's pupil ----------------------------------------------------------------


@dataclass
class Outsider:
    """An administrator working in GENT - TEST School 7, aiming at a pupil of the other school."""

    username: str
    token: str


@pytest.fixture(params=[ADMIN_B, ADMIN], ids=["admin-of-gent-only", "admin-switched-to-gent"])
def outsider(request: pytest.FixtureRequest, demo_db: DemoDb, tree: StateTree) -> Outsider:
    """`beheerder.b` (never had access), or `beheerder` after switching to GENT in this tab."""
    token = log_in(tree, demo_db, request.param)
    if request.param == ADMIN:
        result = tree.run(AuthState.switch_school, demo_db.gent_id)
        assert redirect_paths(result) == [routes.PUPILS]
        # The redirect's page load: the tab's state now belongs to GENT (the session gate
        # drops whatever it held of the old school), so what a test plants next stays.
        tree.run(PupilListState.load)
    assert demo_db.current_school_of(token) == demo_db.gent_id
    return Outsider(username=request.param, token=token)


def _stale_view(demo_db: DemoDb, stamnummer: str) -> PupilView:
    """The detail view a client might hold for a pupil: only the id matters to the server."""
    account = demo_db.account(demo_db.pupil_id(stamnummer))
    return PupilView(
        id=demo_db.pupil_id(stamnummer),
        stamnummer=stamnummer,
        has_account=account is not None,
        username=account.username if account else "",
        is_advanced=bool(account and account.account_type is AccountType.GEVORDERD),
        masked_email=accounts.mask_email(account.email) if account and account.email else "",
    )


def _assert_refused_and_audited(
    demo_db: DemoDb,
    tree: StateTree,
    outsider: Outsider,
    *,
    pupil_id: int,
    accounts_before: dict,
    audit_before: int,
) -> None:
    assert tree.get(AuthState).page_error == texts.PUPIL_NOT_IN_SCHOOL
    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []
    denied = [
        event
        for event in demo_db.audit(AuditAction.ACCESS_DENIED)
        if (event.id or 0) > audit_before
    ]
    assert len(denied) == 1, denied
    event = denied[0]
    assert event.actor_username == outsider.username
    assert event.school_id == demo_db.gent_id
    # The other school's pupil is not linked (its name would show in GENT's Logboek).
    assert event.pupil_id is None
    details = json.loads(event.details)
    assert details["reason"] == "pupil_not_in_school"
    assert details["argument"] == repr(pupil_id)


def test_detail_page_of_another_schools_pupil_is_refused(
    demo_db: DemoDb, tree: StateTree, outsider: Outsider
) -> None:
    pupil_id = demo_db.pupil_id(ARDALAN)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    on_route(tree, routes.pupil_detail(pupil_id))

    result = tree.run(PupilDetailState.load)

    detail = tree.get(PupilDetailState)
    assert redirect_paths(result) == []
    assert detail.not_found is True
    assert detail.pupil == PupilView()
    # Nothing of the pupil reached the state the browser gets.
    state_text = repr(tree.root.dict())
    for leaked in ("Ardalan", "Bhatti", "ardalan.bhatti", ARDALAN):
        assert leaked not in state_text
    _assert_refused_and_audited(
        demo_db,
        tree,
        outsider,
        pupil_id=pupil_id,
        accounts_before=accounts_before,
        audit_before=audit_before,
    )


def test_edit_page_of_another_schools_pupil_is_refused(
    demo_db: DemoDb, tree: StateTree, outsider: Outsider
) -> None:
    pupil_id = demo_db.pupil_id(ARDALAN)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    on_route(tree, routes.pupil_edit(pupil_id))

    result = tree.run(EditCredentialsState.load_edit)

    edit = tree.get(EditCredentialsState)
    assert redirect_paths(result) == []
    assert edit.not_found is True
    assert edit.pupil == PupilView()
    assert edit.username_input == ""
    _assert_refused_and_audited(
        demo_db,
        tree,
        outsider,
        pupil_id=pupil_id,
        accounts_before=accounts_before,
        audit_before=audit_before,
    )


@pytest.mark.parametrize(
    ("stamnummer", "username", "remove_email"),
    [
        pytest.param(ARDALAN, "overgenomen.leerid", False, id="new-username-and-password"),
        pytest.param(BUTRINT, None, True, id="remove-email-with-new-password"),
    ],
)
def test_saving_credentials_of_another_schools_pupil_is_refused(
    demo_db: DemoDb,
    tree: StateTree,
    outsider: Outsider,
    stamnummer: str,
    username: str | None,
    remove_email: bool,
) -> None:
    pupil_id = demo_db.pupil_id(stamnummer)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    edit = tree.get(EditCredentialsState)
    # The state a hostile (or stale) client holds: another school's pupil, a valid new password.
    edit.pupil = _stale_view(demo_db, stamnummer)
    edit.username_input = username or edit.pupil.username
    edit.new_password = passwords.generate_password(AccountType.GEVORDERD)
    edit.remove_email_pending = remove_email

    result = tree.run(EditCredentialsState.save)

    assert redirect_paths(result) == []
    assert downloads(result) == []
    assert edit.flash == ""
    _assert_refused_and_audited(
        demo_db,
        tree,
        outsider,
        pupil_id=pupil_id,
        accounts_before=accounts_before,
        audit_before=audit_before,
    )


def test_activating_another_schools_pupil_is_refused(
    demo_db: DemoDb, tree: StateTree, outsider: Outsider
) -> None:
    pupil_id = demo_db.pupil_id(PIETER)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    assert pupil_id not in accounts_before
    detail = tree.get(PupilDetailState)
    detail.pupil = PupilView(id=pupil_id)

    result = tree.run(PupilDetailState.activate)

    assert redirect_paths(result) == []
    assert downloads(result) == []
    assert detail.flash == ""
    assert demo_db.account(pupil_id) is None
    _assert_refused_and_audited(
        demo_db,
        tree,
        outsider,
        pupil_id=pupil_id,
        accounts_before=accounts_before,
        audit_before=audit_before,
    )


@pytest.mark.parametrize("bad_id", ["5", True, 1.0, None, -1, 0, 2**31, [5], {"id": 5}])
def test_malformed_pupil_ids_are_refused_and_audited(
    demo_db: DemoDb, tree: StateTree, bad_id: object
) -> None:
    log_in(tree, demo_db, ADMIN_B)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    edit = tree.get(EditCredentialsState)
    edit.pupil = PupilView(id=bad_id)  # type: ignore[arg-type]  # what a client could smuggle
    edit.username_input = "overgenomen.leerid"

    tree.run(EditCredentialsState.save)
    tree.run(PupilDetailState.activate)

    assert tree.get(AuthState).page_error == texts.INVALID_REQUEST
    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []
    denied = [
        json.loads(event.details)
        for event in demo_db.audit(AuditAction.ACCESS_DENIED)
        if (event.id or 0) > audit_before
    ]
    assert [details["reason"] for details in denied] == ["invalid_argument"] * 2
    # The argument as received (a list or dict arrives wrapped in Reflex's MutableProxy).
    assert all(repr(bad_id) in details["argument"] for details in denied), denied


def test_bulk_on_another_schools_pupils_plans_and_saves_nothing(
    demo_db: DemoDb, tree: StateTree, outsider: Outsider
) -> None:
    targets = {demo_db.pupil_id(stamnummer) for stamnummer in (ARDALAN, AMANI, PIETER)}
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    # A selection the check boxes would never allow (toggle_pupil accepts only the page's
    # ids), smuggled in as if a client had managed it, or left from before the school switch.
    tree.get(PupilListState)._selected = set(targets)

    for prepare in (BulkState.prepare_renewal, BulkState.prepare_activation):
        tree.run(prepare)
        state = tree.get(BulkState)
        assert (state.planned_total, state.linked_total) == (0, 0)
        assert state.skipped_message == ""
        result = tree.run(BulkState.save)
        assert state.error == bulk.MSG_NOTHING_TO_DO
        assert state.phase != RESULT
        assert downloads(result) == []

    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []


# --- 2. Arguments of the wrong type -----------------------------------------------------------


@pytest.fixture
def gent_list(demo_db: DemoDb, tree: StateTree) -> PupilListState:
    """`beheerder.b` on the loaded pupil list of GENT - TEST School 7."""
    log_in(tree, demo_db, ADMIN_B)
    assert tree.run(PupilListState.load) is None
    state = tree.get(PupilListState)
    assert state.total == GENT_PUPILS
    assert state.page_count == 2
    return state


def _refusals(demo_db: DemoDb, after_id: int) -> list[str]:
    """The arguments of the ACCESS_DENIED events newer than ``after_id``."""
    return [
        json.loads(event.details)["argument"]
        for event in demo_db.audit(AuditAction.ACCESS_DENIED)
        if (event.id or 0) > after_id
    ]


def test_toggle_pupil_refuses_and_audits_all_but_an_own_pupil_id(
    demo_db: DemoDb, tree: StateTree, gent_list: PupilListState
) -> None:
    # Pupil id 1 is GENT's Butrint Boeren (the demo seeds GENT first): `True == 1` in Python.
    tree.run(PupilListState.set_search, "20001")
    assert [row.id for row in gent_list.rows] == [1]
    other_school_pupil = demo_db.pupil_id(ARDALAN)

    refused = (True, 1.0, None, [1], {"id": 1}, other_school_pupil, -1, 2**70, "een")
    for pupil_id in refused:
        before = last_audit_id(demo_db)
        assert tree.run(PupilListState.toggle_pupil, pupil_id, True) is None
        assert gent_list.selected_count == 0, pupil_id
        assert gent_list.selected_on_page == []
        assert tree.get(AuthState).page_error in (texts.INVALID_REQUEST, texts.PUPIL_NOT_IN_SCHOOL)
        assert _refusals(demo_db, before) == [repr(pupil_id)[:100]], pupil_id

    # `checked` must be a boolean; anything else is refused the same way.
    before = last_audit_id(demo_db)
    tree.run(PupilListState.toggle_pupil, 1, "true")
    assert gent_list.selected_count == 0
    assert _refusals(demo_db, before) == ["'true'"]
    tree.run(PupilListState.toggle_pupil, 1, True)
    assert gent_list.selected_count == 1
    tree.run(PupilListState.toggle_pupil, 1, False)
    assert gent_list.selected_count == 0
    # Reflex turns a digit string into the int its type hint asks for, as the running app
    # does: "1" is pupil 1, and is scope-checked like it.
    tree.run(PupilListState.toggle_pupil, "1", True)
    assert gent_list.selected_count == 1
    before = last_audit_id(demo_db)
    tree.run(PupilListState.toggle_pupil, str(other_school_pupil), True)
    assert gent_list.selected_count == 1
    assert _refusals(demo_db, before) == [repr(other_school_pupil)]


def test_toggle_page_after_a_switch_in_another_tab_selects_nothing_of_the_old_school(
    demo_db: DemoDb, tree: StateTree, new_tree: Callable[[], StateTree]
) -> None:
    token = log_in(tree, demo_db, ADMIN)
    tree.run(PupilListState.load)
    brussel_rows = {row.id for row in tree.get(PupilListState).rows}
    assert brussel_rows
    other = new_tree()
    other.get(AuthState).session_token = token
    other.run(AuthState.switch_school, demo_db.gent_id)

    tree.run(PupilListState.toggle_page, True)

    state = tree.get(PupilListState)
    assert state.selected_ids().isdisjoint(brussel_rows)
    assert state.selected_count == 0
    assert state.school_name == SECOND_SCHOOL  # the tab now shows the current school
    tree.run(PupilListState.toggle_page, True)
    assert state.selected_ids() == {row.id for row in state.rows}


def test_list_filters_paging_and_sorting_ignore_malformed_arguments(
    demo_db: DemoDb, tree: StateTree, gent_list: PupilListState
) -> None:
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)

    for page in (2.0, True, None, [2], "twee"):
        before = last_audit_id(demo_db)
        assert tree.run(PupilListState.go_to_page, page) is None
        assert gent_list.page == 1, page
        assert _refusals(demo_db, before) == [repr(page)]
    tree.run(PupilListState.go_to_page, "2")  # Reflex converts it, as in the running app
    assert gent_list.page == 2
    tree.run(PupilListState.go_to_page, 1)
    tree.run(PupilListState.go_to_page, 10**9)  # clamped, not an error
    assert gent_list.page == 2
    tree.run(PupilListState.go_to_page, -5)
    assert gent_list.page == 1

    for field in ("drop table", "naam; DROP TABLE pupil", "", None, 3):
        assert tree.run(PupilListState.sort_by, field) is None
        assert (gent_list.sort_field, gent_list.sort_descending) == ("naam", False)

    tree.run(PupilListState.set_status, "<script>alert(1)</script>")
    assert gent_list.status == ALL
    assert gent_list.total == GENT_PUPILS

    tree.run(PupilListState.set_account_type, "Gevorderd' OR '1'='1")
    assert gent_list.account_type == ALL
    assert gent_list.total == GENT_PUPILS

    tree.run(PupilListState.set_group, "<img src=x onerror=alert(1)>")
    assert gent_list.group == ALL  # not one of the school's groups
    assert gent_list.total == GENT_PUPILS

    tree.run(PupilListState.set_search, 123)
    assert gent_list.search == ""
    assert gent_list.total == GENT_PUPILS

    for injection in ("' OR '1'='1' --", "%", "_", "\\", "%' OR 1=1; --"):
        tree.run(PupilListState.set_search, injection)
        assert gent_list.total == 0, injection
        assert gent_list.rows == []

    tree.run(PupilListState.set_search, "x" * 10_000)
    assert len(gent_list.search) == pupils.MAX_SEARCH_LENGTH

    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []


@pytest.mark.parametrize(
    ("handler", "argument"),
    [
        pytest.param(PupilListState.set_status, ["Actief"], id="set_status-list"),
        pytest.param(PupilListState.set_group, {"group": "x"}, id="set_group-dict"),
        pytest.param(PupilListState.set_search, ["Bhatti"], id="set_search-list"),
        pytest.param(
            PupilListState.set_account_type,
            {"type": "Basis"},
            id="set_account_type-dict",
        ),
        pytest.param(
            PupilListState.sort_by,
            ["naam"],
            id="sort_by-list",
        ),
    ],
)
def test_list_handlers_ignore_json_objects_and_arrays(
    tree: StateTree, gent_list: PupilListState, handler: Any, argument: object
) -> None:
    before = (gent_list.search, gent_list.group, gent_list.status, gent_list.account_type)

    assert tree.run(handler, argument) is None

    after = (gent_list.search, gent_list.group, gent_list.status, gent_list.account_type)
    assert after == before
    assert (gent_list.sort_field, gent_list.sort_descending) == ("naam", False)
    assert gent_list.total == GENT_PUPILS


def _denied_switches(demo_db: DemoDb, after_id: int) -> list[dict]:
    return [
        json.loads(event.details)
        for event in demo_db.audit(AuditAction.ACCESS_DENIED)
        if (event.id or 0) > after_id
    ]


@pytest.mark.parametrize(
    "school_argument",
    [
        pytest.param(lambda db: True, id="true"),
        pytest.param(lambda db: float(db.gent_id), id="own-school-id-as-float"),
        pytest.param(lambda db: None, id="none"),
        pytest.param(lambda db: [db.gent_id], id="list"),
        pytest.param(lambda db: db.brussel_id, id="school-of-another-admin"),
        pytest.param(lambda db: 10**12, id="huge-id"),
    ],
)
def test_switch_school_is_refused_and_audited(
    demo_db: DemoDb, tree: StateTree, school_argument: Callable[[DemoDb], object]
) -> None:
    token = log_in(tree, demo_db, ADMIN_B)
    tree.run(PupilListState.load)
    auth_state = tree.get(AuthState)
    assert auth_state.school_name == SECOND_SCHOOL
    argument = school_argument(demo_db)
    audit_before = last_audit_id(demo_db)

    result = tree.run(AuthState.switch_school, argument)

    assert redirect_paths(result) == []
    assert auth_state.page_error == texts.NOT_SCHOOL_ADMIN
    assert auth_state.school_name == SECOND_SCHOOL
    assert [school.name for school in auth_state.schools] == [SECOND_SCHOOL]
    assert demo_db.current_school_of(token) == demo_db.gent_id
    assert _denied_switches(demo_db, audit_before) == [
        {"reason": "school_not_administered", "argument": repr(argument)}
    ]
    assert demo_db.audit(AuditAction.SCHOOL_SWITCHED) == []


def test_switch_school_with_a_string_id_is_converted_then_scope_checked(
    demo_db: DemoDb, tree: StateTree
) -> None:
    # The running app converts "7" to 7 for an int parameter: the scope check is what counts.
    token = log_in(tree, demo_db, ADMIN_B)
    audit_before = last_audit_id(demo_db)
    assert tree.run(AuthState.switch_school, str(demo_db.brussel_id)) is None
    assert tree.get(AuthState).page_error == texts.NOT_SCHOOL_ADMIN
    assert _denied_switches(demo_db, audit_before) == [
        {"reason": "school_not_administered", "argument": repr(demo_db.brussel_id)}
    ]
    assert demo_db.current_school_of(token) == demo_db.gent_id

    token = log_in(tree, demo_db, ADMIN)
    assert demo_db.current_school_of(token) == demo_db.brussel_id
    assert redirect_paths(tree.run(AuthState.switch_school, str(demo_db.gent_id))) == [
        routes.PUPILS
    ]
    assert demo_db.current_school_of(token) == demo_db.gent_id


# --- 3. No session, or a session that ended ---------------------------------------------------


@dataclass
class LoggedInTab:
    """A tab of `beheerder` with a selection, a bulk plan and an edit form, before its session
    goes away."""

    tree: StateTree
    token: str
    ardalan_id: int
    pieter_id: int


def _prepare_tab(demo_db: DemoDb, tree: StateTree, *, with_result: bool) -> LoggedInTab:
    token = log_in(tree, demo_db, ADMIN)
    ardalan_id, amani_id = demo_db.pupil_id(ARDALAN), demo_db.pupil_id(AMANI)
    pieter_id = demo_db.pupil_id(PIETER)
    assert tree.run(PupilListState.load) is None
    for stamnummer, pupil_id in ((ARDALAN, ardalan_id), (AMANI, amani_id)):
        tree.run(PupilListState.set_search, stamnummer)
        tree.run(PupilListState.toggle_pupil, pupil_id, True)
    assert tree.get(PupilListState).selected_count == 2
    assert tree.run(BulkState.prepare_renewal) is None
    assert tree.get(BulkState).planned_total == 2
    if with_result:
        assert redirect_paths(tree.run(BulkState.save)) == []
        assert tree.get(BulkState).phase == RESULT
    on_route(tree, routes.pupil_edit(ardalan_id))
    assert tree.run(EditCredentialsState.load_edit) is None
    edit = tree.get(EditCredentialsState)
    assert edit.pupil.username == "ardalan.bhatti"
    tree.run(EditCredentialsState.generate_password)
    assert edit.new_password
    edit.username_input = "ardalan.bhatti.nieuw"
    return LoggedInTab(tree=tree, token=token, ardalan_id=ardalan_id, pieter_id=pieter_id)


TOKEN_KINDS = ["missing", "forged", "logged-out", "idle", "other-tab-logged-out"]


def _break_session(demo_db: DemoDb, tab: LoggedInTab, kind: str) -> str:
    """End or spoil the tab's session; returns the token the browser will keep sending."""
    if kind == "missing":
        return ""
    if kind == "forged":
        return "A" * 43
    if kind in ("logged-out", "other-tab-logged-out"):
        demo_db.end_session(tab.token)
        return tab.token
    if kind == "idle":
        demo_db.idle_session(tab.token)
        return tab.token
    raise AssertionError(kind)


@dataclass(frozen=True)
class HandlerCall:
    """One handler with its arguments; ``before`` sets up what the call needs."""

    handler: Any
    args: tuple = ()
    before: Callable[[LoggedInTab], None] | None = None
    needs_result: bool = False


def _on_ardalan_detail(tab: LoggedInTab) -> None:
    on_route(tab.tree, routes.pupil_detail(tab.ardalan_id))


def _on_pieter(tab: LoggedInTab) -> None:
    tab.tree.get(PupilDetailState).pupil = PupilView(id=tab.pieter_id)


def _with_groups(tab: LoggedInTab) -> None:
    tab.tree.get(ReadinessState).groups = ["6de leerjaar"]


def _with_selection(tab: LoggedInTab) -> None:
    tab.tree.get(PupilListState)._selected = {tab.ardalan_id}


HANDLER_CALLS = {
    "list-load": HandlerCall(PupilListState.load),
    "list-set_search": HandlerCall(PupilListState.set_search, ("Bhatti",)),
    "list-set_group": HandlerCall(PupilListState.set_group, ("6de leerjaar",)),
    "list-set_status": HandlerCall(PupilListState.set_status, ("Actief",)),
    "list-set_account_type": HandlerCall(PupilListState.set_account_type, ("Basis",)),
    "list-sort_by": HandlerCall(PupilListState.sort_by, ("stamnummer",)),
    "list-go_to_page": HandlerCall(PupilListState.go_to_page, (2,)),
    "list-select_all_matching": HandlerCall(PupilListState.select_all_matching),
    "detail-load": HandlerCall(PupilDetailState.load, before=_on_ardalan_detail),
    "detail-activate": HandlerCall(PupilDetailState.activate, before=_on_pieter),
    "edit-load_edit": HandlerCall(EditCredentialsState.load_edit),
    "edit-save": HandlerCall(EditCredentialsState.save),
    "bulk-prepare_renewal": HandlerCall(BulkState.prepare_renewal),
    "bulk-prepare_activation": HandlerCall(BulkState.prepare_activation),
    "bulk-save": HandlerCall(BulkState.save),
    "bulk-download_pdf": HandlerCall(BulkState.download_pdf, needs_result=True),
    "bulk-download_excel": HandlerCall(BulkState.download_excel, needs_result=True),
    "logbook-load": HandlerCall(LogbookState.load),
    "logbook-set_pupil_query": HandlerCall(LogbookState.set_pupil_query, ("Bhatti",)),
    "logbook-set_action": HandlerCall(LogbookState.set_action, ("login",)),
    "logbook-go_to_page": HandlerCall(LogbookState.go_to_page, (2,)),
    "list-set_attention": HandlerCall(PupilListState.set_attention, ("Nog niet aangemeld",)),
    "bulk-prepare_fix": HandlerCall(BulkState.prepare_fix),
    "overview-load": HandlerCall(OverviewState.load),
    "readiness-load": HandlerCall(ReadinessState.load),
    "readiness-toggle_group": HandlerCall(
        ReadinessState.toggle_group, ("6de leerjaar", True), before=_with_groups
    ),
    "readiness-use_selection": HandlerCall(ReadinessState.use_selection, before=_with_selection),
    "readiness-prepare_fix": HandlerCall(ReadinessState.prepare_fix),
    "data_check-load": HandlerCall(DataCheckState.load),
    "data_check-download_excel": HandlerCall(DataCheckState.download_excel),
    "leavers-load": HandlerCall(LeaversState.load),
    "leavers-set_date_to": HandlerCall(LeaversState.set_date_to, ("2027-06-30",)),
    "leavers-download_excel": HandlerCall(LeaversState.download_excel),
    "log_out": HandlerCall(AuthState.log_out),
}


@pytest.mark.parametrize("kind", TOKEN_KINDS)
@pytest.mark.parametrize("name", list(HANDLER_CALLS))
def test_every_handler_sends_a_dead_session_to_the_login_page(
    demo_db: DemoDb,
    tree: StateTree,
    new_tree: Callable[[], StateTree],
    name: str,
    kind: str,
) -> None:
    call = HANDLER_CALLS[name]
    tab = _prepare_tab(demo_db, tree, with_result=call.needs_result)
    if kind == "other-tab-logged-out":
        # Another tab of the same browser logged out: this tab's state still holds its data.
        other = new_tree()
        other.get(AuthState).session_token = tab.token
        assert redirect_paths(other.run(AuthState.log_out)) == [routes.LOGIN]
    token = _break_session(demo_db, tab, kind)
    tree.get(AuthState).session_token = token
    if call.before is not None:
        call.before(tab)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)

    result = tree.run(call.handler, *call.args)

    assert goes_to_login(result), f"{name} returned {result!r}"
    assert downloads(result) == []
    assert tree.get(AuthState).session_token == ""  # forgotten in the browser too
    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []


@pytest.mark.parametrize("kind", ["missing", "logged-out"])
def test_switch_school_sends_a_dead_session_to_the_login_page(
    demo_db: DemoDb, tree: StateTree, kind: str
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=False)
    tree.get(AuthState).session_token = _break_session(demo_db, tab, kind)

    result = tree.run(AuthState.switch_school, demo_db.gent_id)

    assert goes_to_login(result), result


@pytest.mark.parametrize("kind", ["missing", "logged-out"])
def test_switch_school_with_a_dead_session_changes_nothing(
    demo_db: DemoDb, tree: StateTree, kind: str
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=False)
    tree.get(AuthState).session_token = _break_session(demo_db, tab, kind)
    audit_before = last_audit_id(demo_db)

    tree.run(AuthState.switch_school, demo_db.gent_id)

    assert tree.get(AuthState).session_token == ""  # sent to the login page
    assert tree.get(AuthState).page_error == ""
    assert demo_db.audit(AuditAction.SCHOOL_SWITCHED) == []
    assert changing_events(demo_db, audit_before) == []
    if kind == "logged-out":
        assert demo_db.current_school_of(tab.token) is None


def test_a_bulk_run_whose_session_ends_while_hashing_saves_nothing(
    demo_db: DemoDb, tree: StateTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=False)
    accounts_before, audit_before = demo_db.accounts(), last_audit_id(demo_db)
    real_hash_passwords = bulk.hash_passwords

    async def hash_then_log_out(*args: Any, **kwargs: Any) -> list[str]:
        hashes = await real_hash_passwords(*args, **kwargs)
        # `Afmelden` in another tab, mid-run (another thread: the loop never runs SQL).
        await asyncio.to_thread(demo_db.end_session, tab.token)
        return hashes

    monkeypatch.setattr(bulk, "hash_passwords", hash_then_log_out)

    result = tree.run(BulkState.save)

    assert goes_to_login(result)
    state = tree.get(BulkState)
    assert state.running is False
    assert state.phase != RESULT
    assert demo_db.accounts() == accounts_before
    assert changing_events(demo_db, audit_before) == []


# --- 4. No password in any log, the audit log or the database file -----------------------------


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG into caplog, including SQLAlchemy's SQL and parameter logging."""
    caplog.set_level(logging.DEBUG)
    manager = logging.Logger.manager
    loggers = [
        logger for logger in list(manager.loggerDict.values()) if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    detached = []
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if not logger.propagate and caplog.handler not in logger.handlers:
            logger.addHandler(caplog.handler)
            detached.append(logger)
    try:
        yield caplog
    finally:
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
        for logger in detached:
            logger.removeHandler(caplog.handler)


def _log_text(caplog: pytest.LogCaptureFixture) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_text:
            parts.append(record.exc_text)
        parts.append(repr(getattr(record, "__dict__", {})))
    return "\n".join(parts)


def _plain_passwords(rows: list) -> list[str]:
    return [row.password for row in rows if row.password]


def _result_rows(state: BulkState) -> list:
    """The rows of every result table (one per account type) on their current pages."""
    return [row for table in state.result_tables for row in table.rows]


def test_no_generated_password_reaches_logs_audit_or_database(
    demo_db: DemoDb,
    tree: StateTree,
    all_logs: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    shown: list[str] = []
    wrong_admin_password = "Fout-Wachtwoord-4711"  # a typo at login must not be logged either

    # Log in through the handler (argon2 off the event loop), once wrong, then right.
    auth_state = tree.get(AuthState)
    tree.run(AuthState.log_in, {"username": ADMIN, "password": wrong_admin_password})
    assert auth_state.login_error == texts.LOGIN_FAILED
    result = tree.run(AuthState.log_in, {"username": ADMIN, "password": "LeerID-demo-2023"})
    assert redirect_paths(result) == [routes.PUPILS]
    assert auth_state.session_token

    # Select three pupils and renew their passwords in bulk, as the pages do.
    tree.run(BulkState.discard)
    tree.run(PupilListState.load)
    pupil_list = tree.get(PupilListState)
    for stamnummer in (ARDALAN, AMANI, BUTRINT):
        tree.run(PupilListState.set_search, stamnummer)
        tree.run(PupilListState.toggle_pupil, demo_db.pupil_id(stamnummer), True)
    assert pupil_list.selected_count == 3
    assert redirect_paths(tree.run(PupilListState.start_bulk_renewal)) == [routes.BULK_RENEW]
    tree.run(BulkState.prepare_renewal)
    bulk_state = tree.get(BulkState)
    assert (bulk_state.planned_total, bulk_state.linked_total) == (2, 1)
    shown += _plain_passwords(bulk_state.planned_page)
    assert len(shown) == 2
    tree.run(BulkState.save)
    assert bulk_state.phase == RESULT
    assert bulk_state.result_heading == texts.RESULT_RENEWED.format(count=2)
    assert sorted(_plain_passwords(_result_rows(bulk_state))) == sorted(shown)
    files = downloads(tree.run(BulkState.download_pdf)) + downloads(
        tree.run(BulkState.download_excel)
    )
    assert [name.rsplit(".", 1)[1] for name, _ in files] == ["pdf", "xlsx"]

    # Activate the two Lucas Peeters in bulk.
    tree.run(BulkState.discard)
    tree.run(PupilListState.load)
    tree.run(PupilListState.set_search, "Lucas Peeters")
    tree.run(PupilListState.set_status, "Geen account")
    assert sorted(row.stamnummer for row in pupil_list.rows) == ["11223", "11224"]
    for row in pupil_list.rows:
        tree.run(PupilListState.toggle_pupil, row.id, True)
    assert pupil_list.selected_count == 2
    tree.run(BulkState.prepare_activation)
    shown += _plain_passwords(bulk_state.planned_page)
    tree.run(BulkState.save)
    assert bulk_state.result_heading == texts.RESULT_ACTIVATED.format(count=2)
    assert len(shown) == 4

    # One pupil at a time: new username and password, then remove an e-mail address.
    for stamnummer, remove_email in ((AMANI, False), (BUTRINT, True)):
        tree.run(BulkState.discard)
        pupil_id = demo_db.pupil_id(stamnummer)
        on_route(tree, routes.pupil_edit(pupil_id))
        tree.run(EditCredentialsState.load_edit)
        edit = tree.get(EditCredentialsState)
        if remove_email:
            tree.run(EditCredentialsState.confirm_remove_email)
        else:
            tree.run(EditCredentialsState.generate_password)
            tree.run(EditCredentialsState.set_username_input, "amani.bockstal.b")
        assert edit.new_password
        shown.append(edit.new_password)
        result = tree.run(EditCredentialsState.save)
        assert edit.flash == texts.SAVED, edit.page_error or edit.username_error
        assert [name.rsplit(".", 1)[1] for name, _ in downloads(result)] == ["pdf"]
        assert edit.new_password == ""

    # Activate one pupil from the detail page (the slip downloads at once).
    pieter_id = demo_db.pupil_id(PIETER)
    on_route(tree, routes.pupil_detail(pieter_id))
    tree.run(PupilDetailState.load)
    files = downloads(tree.run(PupilDetailState.activate))
    assert len(files) == 1
    account = demo_db.account(pieter_id)
    assert account is not None
    # The slip's password is not kept anywhere readable: find it in the PDF itself.
    slip_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files[0][1])).pages)
    pieter_password = slip_text.split("Wachtwoord:", 1)[1].split()[0]
    assert accounts.is_generated_password(account.account_type, pieter_password)
    shown.append(pieter_password)

    tree.run(BulkState.discard)
    tree.run(AuthState.log_out)

    # Every password shown really is a pupil's password now (so the search below is real).
    assert len(set(shown)) == len(shown) == 7
    secrets_to_find = [*shown, wrong_admin_password, "LeerID-demo-2023"]

    logs = _log_text(all_logs)
    assert all_logs.records, "log capture did not work"
    assert any("SELECT" in record.getMessage() for record in all_logs.records), (
        "SQL logging was not captured"
    )
    out, err = capfd.readouterr()
    audit_details = "\n".join(f"{e.action} {e.details} {e.actor_username}" for e in demo_db.audit())
    database = demo_db.raw_bytes()
    for secret in secrets_to_find:
        assert secret not in logs, "a password reached a log record"
        assert secret not in out and secret not in err, "a password reached stdout/stderr"
        assert secret not in audit_details, "a password reached the audit log"
        assert secret.encode() not in database, "a password reached the database file"


def test_leaving_the_bulk_result_drops_the_passwords_from_state(
    demo_db: DemoDb, tree: StateTree
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=True)
    state = tree.get(BulkState)
    shown = _plain_passwords(_result_rows(state))
    assert len(shown) == 2
    assert all(password.encode() in pickle.dumps(state._issued) for password in shown)

    # on_load of every other page: BulkState.discard first.
    tree.run(BulkState.discard)
    tree.run(PupilListState.load)

    # What the Redis state manager would store, and what the browser would get.
    stored = b"".join(tree.get(cls)._serialize() or b"" for cls in (BulkState, PupilListState))
    sent = repr(tree.root.dict())
    for password in shown:
        assert password.encode() not in stored
        assert password not in sent
    assert tab.token  # the session itself is untouched


def test_leaving_the_edit_page_drops_the_unsaved_password_from_state(
    demo_db: DemoDb, tree: StateTree
) -> None:
    tab = _prepare_tab(demo_db, tree, with_result=False)
    password = tree.get(EditCredentialsState).new_password
    assert password

    # The header's `Leerlingen` link: the list page's on_load, as leerid_app.py registers it.
    for handler in FORGET_PASSWORDS:
        tree.run(handler)
    tree.run(PupilListState.load)

    assert password not in repr(tree.root.dict())
    assert tab.token
