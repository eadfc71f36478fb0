"""Leerlingloket handlers called as a hostile client would: realms apart, basic accounts kept
to reading, inactive accounts out, the mandatory choice enforced on the server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

import leerid_app.portal.state.account
import leerid_app.portal.state.links
import leerid_app.portal.state.portal
from leerid_app import routes
from leerid_app.models import AccountToken, LeerIDAccount, Pupil, PupilSession
from leerid_app.portal.state.account import AccountState
from leerid_app.portal.state.links import ConfirmEmailState, ForgotState, OutboxState
from leerid_app.portal.state.portal import PortalState
from leerid_app.services import clock, pupil_account, pupil_links
from leerid_app.services.hashing import get_password_hashing
from leerid_app.state.auth import AuthState
from leerid_app.state.pupils import PupilListState
from tests.state.conftest import DemoDb, StateTree
from tests.state.test_handlers_security import goes_to_login, redirect_paths

BASIC = ("abdulghani.bogdan", "34kip7")
MUST_CHOOSE = ("amani.bockstal", "Qxu7Benc")
WITH_EMAIL = ("butrint.boeren1", "Fiets-Wolk-Paard-92")
OWN = "Regenboog-Trein-Vlot-47"


@pytest.fixture
def portal_db(demo_db: DemoDb, monkeypatch: pytest.MonkeyPatch) -> DemoDb:
    """The demo copy, also for the portal's state modules."""
    for module in (
        leerid_app.portal.state.portal,
        leerid_app.portal.state.account,
        leerid_app.portal.state.links,
    ):
        monkeypatch.setattr(module, "get_engine", lambda: demo_db.engine)
    return demo_db


def _log_in(tree: StateTree, username: str, password: str) -> Any:
    return tree.run(PortalState.log_in, {"username": username, "password": password})


def _account(db: DemoDb, username: str) -> LeerIDAccount:
    with db.session() as session:
        return session.exec(select(LeerIDAccount).where(LeerIDAccount.username == username)).one()


def test_a_basic_account_logs_in_and_reads_but_cannot_change(
    portal_db: DemoDb, tree: StateTree
) -> None:
    assert redirect_paths(_log_in(tree, *BASIC)) == [routes.PORTAL_ACCOUNT]
    assert tree.run(AccountState.load_account) is None
    state = tree.get(AccountState)
    assert state.account_type_label == "Basis LeerID" and not state.is_advanced
    before = _account(portal_db, BASIC[0])

    form = {"current_password": BASIC[1], "new_password": OWN, "repeat_password": OWN}
    tree.run(AccountState.change_password, form)
    assert state.password_error == pupil_account.MSG_ONLY_ADVANCED
    tree.run(AccountState.choose_password, form)
    tree.run(AccountState.request_email, {"email": "abdul@ond.vlaanderen.be"})
    assert state.email_error == pupil_account.MSG_ONLY_ADVANCED
    tree.run(AccountState.remove_email)
    after = _account(portal_db, BASIC[0])
    assert (after.password_hash, after.email) == (before.password_hash, before.email)
    with portal_db.session() as session:
        assert session.exec(select(AccountToken)).all() == []


def test_a_pupil_session_opens_no_console_handler(portal_db: DemoDb, tree: StateTree) -> None:
    _log_in(tree, *WITH_EMAIL)
    pupil_token = tree.get(PortalState).pupil_token
    assert pupil_token
    # The console's own cookie is empty: its handlers send the browser to the admins' login.
    assert goes_to_login(tree.run(PupilListState.load))
    assert goes_to_login(tree.run(PupilListState.load))
    # Even the pupil's token copied into the console's cookie opens nothing.
    tree.get(AuthState).session_token = pupil_token
    assert goes_to_login(tree.run(PupilListState.load))
    assert goes_to_login(tree.run(PupilListState.load))
    assert tree.get(PupilListState).rows == []


def test_an_admin_session_opens_no_portal_handler(portal_db: DemoDb, tree: StateTree) -> None:
    admin_token = portal_db.login("beheerder")
    tree.get(AuthState).session_token = admin_token
    assert routes.PORTAL_LOGIN in redirect_paths(tree.run(AccountState.load_account))
    tree.get(PortalState).pupil_token = admin_token
    assert routes.PORTAL_LOGIN in redirect_paths(tree.run(AccountState.load_account))
    before = _account(portal_db, WITH_EMAIL[0])
    result = tree.run(
        AccountState.change_password,
        {"current_password": WITH_EMAIL[1], "new_password": OWN, "repeat_password": OWN},
    )
    assert routes.PORTAL_LOGIN in redirect_paths(result)
    assert routes.PORTAL_LOGIN in redirect_paths(tree.run(AccountState.remove_email))
    after = _account(portal_db, WITH_EMAIL[0])
    assert (after.password_hash, after.email) == (before.password_hash, before.email)


def test_an_inactive_account_cannot_log_in(portal_db: DemoDb, tree: StateTree) -> None:
    hashing = get_password_hashing()
    with portal_db.session() as session:
        account, _pupil = session.exec(
            select(LeerIDAccount, Pupil)
            .join(Pupil, Pupil.id == LeerIDAccount.pupil_id)
            .where(Pupil.enrollment_end < clock.today())
        ).first()
        account.password_hash = hashing.hash("Oud-Wachtwoord-77")
        session.add(account)
        session.commit()
        username = account.username
    assert redirect_paths(_log_in(tree, username, "Oud-Wachtwoord-77")) == []
    assert tree.get(PortalState).login_error.startswith("Je gebruikersnaam of wachtwoord")
    assert tree.get(PortalState).pupil_token == ""


def test_a_session_of_an_account_that_became_inactive_ends(
    portal_db: DemoDb, tree: StateTree
) -> None:
    _log_in(tree, *WITH_EMAIL)
    with portal_db.session() as session:
        account = session.exec(
            select(LeerIDAccount).where(LeerIDAccount.username == WITH_EMAIL[0])
        ).one()
        pupil = session.get(Pupil, account.pupil_id)
        pupil.enrollment_end = clock.today() - timedelta(days=1)
        session.add(pupil)
        session.commit()
    assert routes.PORTAL_LOGIN in redirect_paths(tree.run(AccountState.load_account))


@pytest.mark.parametrize(
    "form",
    [None, [], "x", {"username": ["amani.bockstal"], "password": "Qxu7Benc"}, {"username": 5}],
)
def test_malformed_login_arguments_are_refused(
    portal_db: DemoDb, tree: StateTree, form: Any
) -> None:
    assert redirect_paths(tree.run(PortalState.log_in, form)) == []
    assert tree.get(PortalState).pupil_token == ""


def test_the_mandatory_choice_is_enforced_on_the_server(portal_db: DemoDb, tree: StateTree) -> None:
    assert redirect_paths(_log_in(tree, *MUST_CHOOSE)) == [routes.PORTAL_CHOOSE_PASSWORD]
    # Within the month: `Later wijzigen` lets the pupil in.
    assert redirect_paths(tree.run(AccountState.postpone)) == [routes.PORTAL_ACCOUNT]
    assert tree.run(AccountState.load_account) is None
    # After the month, even a postponed tab is sent back to choose first.
    deadline = _account(portal_db, MUST_CHOOSE[0]).password_change_deadline
    assert deadline is not None
    later = datetime.combine(deadline, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    with clock.frozen(later):
        _log_in(tree, *MUST_CHOOSE)  # a fresh session: the old one idled out by then
        tree.get(PortalState).postponed = True  # as if postponed before the deadline
        assert redirect_paths(tree.run(AccountState.load_account)) == [
            routes.PORTAL_CHOOSE_PASSWORD
        ]
        assert redirect_paths(tree.run(AccountState.postpone)) == []
        result = tree.run(AccountState.request_email, {"email": "amani@ond.vlaanderen.be"})
        assert redirect_paths(result) == [routes.PORTAL_CHOOSE_PASSWORD]
        tree.run(AccountState.choose_password, {"new_password": OWN, "repeat_password": OWN})
        assert tree.run(AccountState.load_account) is None
    assert get_password_hashing().verify(_account(portal_db, MUST_CHOOSE[0]).password_hash, OWN)


def test_forgot_password_answers_the_same_whatever_matches(
    portal_db: DemoDb, tree: StateTree
) -> None:
    answers = set()
    for identifier in (WITH_EMAIL[0], BASIC[0], "bestaat.niet", "x@y.be", None, ["a"]):
        tree.run(ForgotState.request_reset, {"identifier": identifier})
        answers.add(tree.get(ForgotState).answer)
    assert answers == {pupil_links.MSG_RESET_ANSWER}
    with portal_db.session() as session:
        tokens = session.exec(select(AccountToken)).all()
    assert len(tokens) == 1  # only the advanced account with a linked e-mail got a link


def test_link_pages_refuse_bad_tokens_and_the_outbox_is_off(
    portal_db: DemoDb, tree: StateTree
) -> None:
    from reflex.istate.data import ReflexURL, RouterData

    for token in ("", "x" * 43, "<script>", "a" * 5000):
        tree.get(PortalState).router = RouterData(
            url=ReflexURL(f"http://localhost{routes.PORTAL_CONFIRM_EMAIL}?token={token}")
        )
        tree.run(ConfirmEmailState.confirm)
        assert tree.get(ConfirmEmailState).confirm_error == pupil_links.MSG_LINK_INVALID
    tree.run(OutboxState.load_outbox)
    assert tree.get(OutboxState).mails == []


def test_logging_out_ends_the_session_on_the_server(portal_db: DemoDb, tree: StateTree) -> None:
    _log_in(tree, *WITH_EMAIL)
    token = tree.get(PortalState).pupil_token
    assert redirect_paths(tree.run(PortalState.log_out)) == [routes.PORTAL_LOGIN]
    with portal_db.session() as session:
        rows = session.exec(select(PupilSession)).all()
    assert all(row.ended_at is not None for row in rows)
    tree.get(PortalState).pupil_token = token  # a copied cookie does not come back to life
    assert routes.PORTAL_LOGIN in redirect_paths(tree.run(AccountState.load_account))


class _RecordingApp:
    """Stands in for rx.App: records which routes get a page."""

    def __init__(self) -> None:
        self.routes: list[str] = []

    def add_page(self, _component: Any, *, route: str, **_options: Any) -> None:
        self.routes.append(route)


@pytest.mark.parametrize("demo_mode", [False, True])
def test_the_outbox_page_exists_only_in_demo_mode(
    demo_mode: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leerid_app.portal import pages
    from leerid_app.settings import Settings

    monkeypatch.setattr(pages, "get_settings", lambda: Settings(demo_mode=demo_mode))
    app = _RecordingApp()
    pages.add_portal_pages(app)  # type: ignore[arg-type]
    assert routes.PORTAL_LOGIN in app.routes
    assert (routes.DEMO_OUTBOX in app.routes) is demo_mode
