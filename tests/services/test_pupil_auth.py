"""Pupil login: refusals, throttling per client, sessions apart from the administrators'."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from leerid_app.models import AuditEvent, LeerIDAccount, PupilSession
from leerid_app.services import auth, pupil_auth
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.identity.throttle import WorkLimit
from tests.services.factories import add_account, add_pupil, add_school

NOW = datetime(2026, 12, 3, 7, 31, tzinfo=UTC)
PASSWORD = "Qxu7Benc"


@pytest.fixture
def account(session) -> LeerIDAccount:
    school = add_school(session, "BRUSSEL-STAD - TEST School 2")
    pupil = add_pupil(session, school, "32890", "Ardalan", "Bhatti")
    row = add_account(session, pupil, "ardalan.bhatti", get_password_hashing().hash(PASSWORD))
    session.commit()
    return row


def _client(address: str, cookie: str = ""):
    return pupil_auth.client_of("ardalan.bhatti", cookie, address)


def _events(session, action: AuditAction) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action.value)).all())


def test_login_sets_last_login_and_is_audited_as_the_pupil(session, account) -> None:
    result = pupil_auth.authenticate(
        session, "  Ardalan.BHATTI ", PASSWORD, client=_client("10.1.1.1"), now=NOW
    )
    session.commit()
    assert result.ok and result.device_cookie
    session.refresh(account)
    assert account.last_login_at is not None
    assert account.last_login_at.replace(tzinfo=UTC) == NOW
    (event,) = _events(session, AuditAction.PUPIL_LOGIN)
    assert event.actor_username == PUPIL_ACTOR == "leerling"
    assert event.actor_administrator_id is None
    assert event.pupil_id == account.pupil_id
    assert event.school_id is not None


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("ardalan.bhatti", "verkeerd1", "wrong_password"),
        ("niemand.hier", PASSWORD, "unknown_username"),
        ("x" * 500, PASSWORD, "too_long"),
        (None, None, "unknown_username"),
    ],
)
def test_refusals_look_the_same(session, account, username, password, reason) -> None:
    result = pupil_auth.authenticate(
        session, username, password, client=_client("1.2.3.4"), now=NOW
    )
    session.commit()
    assert not result.ok
    assert result.error == pupil_auth.MSG_LOGIN_FAILED
    (event,) = _events(session, AuditAction.PUPIL_LOGIN_FAILED)
    assert reason in event.details


def test_an_inactive_account_cannot_log_in(session, account) -> None:
    from leerid_app.models import Pupil

    pupil = session.get(Pupil, account.pupil_id)
    pupil.enrollment_end = date(2026, 8, 31)  # left the school last summer
    session.add(pupil)
    session.commit()
    result = pupil_auth.authenticate(session, "ardalan.bhatti", PASSWORD, now=NOW)
    assert not result.ok
    assert result.error == pupil_auth.MSG_LOGIN_FAILED  # the same words as a wrong password
    (event,) = _events(session, AuditAction.PUPIL_LOGIN_FAILED)
    assert "inactive" in event.details


def test_a_classmate_guessing_30_times_does_not_keep_the_pupil_out_elsewhere(
    session, account
) -> None:
    at = NOW
    for _ in range(30):
        result = pupil_auth.authenticate(
            session, "ardalan.bhatti", "geraden12", client=_client("10.0.0.66"), now=at
        )
        session.commit()
        at += timedelta(seconds=max(result.retry_after_seconds, 1.0))
    # The guessing device is blocked ...
    blocked = pupil_auth.authenticate(
        session,
        "ardalan.bhatti",
        PASSWORD,
        client=_client("10.0.0.66"),
        now=at - timedelta(seconds=1),
    )
    session.commit()
    assert not blocked.ok and "Te veel" in (blocked.error or "")
    # ... the owner on another device, never used before, is not.
    owner = pupil_auth.authenticate(
        session, "ardalan.bhatti", PASSWORD, client=_client("10.0.0.7"), now=at
    )
    session.commit()
    assert owner.ok, owner.error


def test_the_global_work_limit_answers_busy(session, account, monkeypatch) -> None:
    limit = WorkLimit(2)
    monkeypatch.setattr(pupil_auth, "work_limit", lambda: limit)
    answers = [
        pupil_auth.authenticate(session, "ardalan.bhatti", PASSWORD, client=_client("1.1.1.1"))
        for _ in range(3)
    ]
    assert [a.ok for a in answers[:2]] == [True, True]
    assert answers[2].error == pupil_auth.MSG_LOGIN_BUSY


def test_sessions_expire_and_end(session, account) -> None:
    token = pupil_auth.start_session(session, account.id, now=NOW)
    session.commit()
    context = pupil_auth.resolve_session(session, token, now=NOW + timedelta(minutes=5))
    assert context is not None and context.account_id == account.id
    idle = pupil_auth.resolve_session(session, token, now=NOW + timedelta(hours=2))
    assert idle is None
    assert pupil_auth.resolve_session(session, token, now=NOW + timedelta(minutes=6)) is None

    token = pupil_auth.start_session(session, account.id, now=NOW)
    pupil_auth.end_session(session, token, now=NOW)
    session.commit()
    assert pupil_auth.resolve_session(session, token, now=NOW) is None
    assert _events(session, AuditAction.PUPIL_LOGOUT)


def test_absolute_expiry(session, account) -> None:
    token = pupil_auth.start_session(session, account.id, now=NOW)
    at = NOW
    while at <= NOW + timedelta(hours=8):
        at += timedelta(minutes=20)
        found = pupil_auth.resolve_session(session, token, now=at)
    assert found is None


def test_admin_and_pupil_sessions_grant_each_other_nothing(session, account) -> None:
    from leerid_app.services import admins

    admins.create_administrator(session, "beheerder", "Beheerder", "LeerID-demo-2023")
    session.commit()
    pupil_token = pupil_auth.start_session(session, account.id, now=NOW)
    result = auth.authenticate(session, "beheerder", "LeerID-demo-2023", now=NOW)
    admin_token = auth.start_session(session, result.subject_id, now=NOW)
    session.commit()
    assert auth.resolve_session(session, pupil_token, now=NOW) is None
    assert pupil_auth.resolve_session(session, admin_token, now=NOW) is None
    assert session.exec(select(PupilSession)).one().account_id == account.id


def test_a_password_issued_by_the_school_ends_the_pupils_sessions(session, account) -> None:
    from leerid_app.services import accounts

    token = pupil_auth.start_session(session, account.id, now=NOW)
    session.commit()
    assert pupil_auth.resolve_session(session, token, now=NOW + timedelta(minutes=1))
    # The pupil told the LeerID-beheerder someone else uses the LeerID: a new password.
    renewed = NOW + timedelta(minutes=2)
    accounts.set_generated_password(account, get_password_hashing().hash("Nw8Pass9"), now=renewed)
    session.add(account)
    session.commit()
    assert pupil_auth.resolve_session(session, token, now=renewed + timedelta(minutes=1)) is None
    fresh = pupil_auth.start_session(session, account.id, now=renewed + timedelta(minutes=2))
    assert pupil_auth.resolve_session(session, fresh, now=renewed + timedelta(minutes=3))
