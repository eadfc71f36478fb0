"""The pupil's own account: the one-month rule, own passwords, e-mail links and resets."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from leerid_app.models import (
    AccountToken,
    AuditEvent,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    PupilSession,
)
from leerid_app.services import accounts, clock, pupil_account, pupil_auth, pupil_links
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction
from leerid_app.services.errors import DomainError, NotAllowed
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.identity import sessions
from leerid_app.services.passwords import (
    MSG_CHOSEN_HAS_NAME,
    MSG_CHOSEN_SAME_AS_OLD,
    MSG_CHOSEN_TOO_COMMON,
    MSG_OWN_PASSWORD_TOO_SHORT,
)
from leerid_app.services.pupil_links import ResetLimits
from tests.services.factories import add_account, add_pupil, add_school

ISSUED = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
GENERATED = "Qxu7Benc"
OWN = "Fiets-Wolk-Paard-92"
OTHER_OWN = "Regenboog-Trein-Vlot-47"
SCHOOL = "BRUSSEL-STAD - TEST School 2"


@pytest.fixture
def hashing():
    return get_password_hashing()


@pytest.fixture
def advanced(session, hashing) -> LeerIDAccount:
    """Ardalan's advanced account, its generated password issued on 3 November."""
    school = add_school(session, SCHOOL)
    pupil = add_pupil(session, school, "32890", "Ardalan", "Bhatti")
    account = add_account(session, pupil, "ardalan.bhatti", "")
    accounts.set_generated_password(account, hashing.hash(GENERATED), now=ISSUED)
    session.add(account)
    session.commit()
    return account


@pytest.fixture
def basic(session, hashing, advanced) -> LeerIDAccount:
    from leerid_app.models import School

    school = session.exec(select(School)).one()
    pupil = add_pupil(
        session, school, "60351", "Abdulghani", "Bogdan", "6de leerjaar", EducationLevel.BASIS
    )
    account = add_account(session, pupil, "abdulghani.bogdan", hashing.hash("34kip7"))
    session.commit()
    return account


def _login(session, account: LeerIDAccount, now: datetime) -> pupil_auth.PupilContext:
    token = pupil_auth.start_session(session, account.id, now=now)
    context = pupil_auth.resolve_session(session, token, now=now)
    session.commit()
    assert context is not None
    return context


def _actions(session) -> list[str]:
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


# --- the one-month rule --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "may_postpone", "days_left"),
    [
        (date(2026, 11, 3), True, 30),
        (date(2026, 12, 1), True, 2),
        (date(2026, 12, 2), True, 1),  # the last day to postpone
        (date(2026, 12, 3), False, 0),  # one month after issue: mandatory
        (date(2027, 1, 15), False, 0),
    ],
)
def test_one_month_to_postpone(advanced, today, may_postpone, days_left) -> None:
    state = pupil_account.must_change(advanced, today)
    assert state.required
    assert (state.may_postpone, state.days_left) == (may_postpone, days_left)


def test_postponing_follows_the_brussels_clock_at_the_boundary(session, advanced) -> None:
    # 2 December 23:30 in Brussels is still 2 December: one day left.
    late = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    context = _login(session, advanced, late)
    with clock.frozen(late):
        assert pupil_account.postpone_allowed(session, context) == 1
    # Half an hour later it is 3 December in Brussels (still the 2nd in UTC): mandatory.
    midnight = datetime(2026, 12, 2, 23, 0, tzinfo=UTC)
    with clock.frozen(midnight), pytest.raises(DomainError) as refused:
        pupil_account.postpone_allowed(session, context)
    assert refused.value.message == pupil_account.MSG_CANNOT_POSTPONE


def test_basic_and_own_passwords_never_must_change(session, basic) -> None:
    assert not pupil_account.must_change(basic, date(2026, 12, 3)).required


# --- choosing and changing the password ----------------------------------------------------


def test_choosing_an_own_password(session, advanced, hashing) -> None:
    now = ISSUED + timedelta(days=2)
    context = _login(session, advanced, now)
    other = _login(session, advanced, now)
    for bad, message in [
        (GENERATED, MSG_OWN_PASSWORD_TOO_SHORT),  # the slip's password is too short anyway
        ("Bhatti-Fiets-Wolk-9", MSG_CHOSEN_HAS_NAME),
        ("welkom123456", MSG_CHOSEN_TOO_COMMON),
    ]:
        with pytest.raises(DomainError) as refused:
            pupil_account.choose_password(session, context, bad, bad, hashing=hashing, now=now)
        assert refused.value.message == message
    pupil_account.choose_password(session, context, OWN, OWN, hashing=hashing, now=now)
    session.commit()
    session.refresh(advanced)
    assert hashing.verify(advanced.password_hash, OWN)
    assert advanced.password_type is PasswordType.EIGEN
    assert not advanced.must_change_password and advanced.password_change_deadline is None
    rows = session.exec(select(PupilSession).where(PupilSession.id == other.session_id)).all()
    assert rows[0].ended_at is not None  # other sessions end
    assert AuditAction.PUPIL_PASSWORD_CHANGED.value in _actions(session)
    with pytest.raises(DomainError):  # nothing left to choose
        pupil_account.choose_password(session, context, OTHER_OWN, OTHER_OWN, hashing=hashing)


def test_change_password_needs_the_current_one_and_ends_other_sessions(
    session, advanced, hashing
) -> None:
    pupil_account.store_own_credentials(advanced, password_hash=hashing.hash(OWN), now=ISSUED)
    session.add(advanced)
    session.commit()
    now = ISSUED + timedelta(days=1)
    context, other = _login(session, advanced, now), _login(session, advanced, now)
    with pytest.raises(DomainError) as refused:
        pupil_account.change_password(
            session, context, "fout", OTHER_OWN, OTHER_OWN, hashing=hashing
        )
    assert refused.value.message == pupil_account.MSG_WRONG_CURRENT
    with pytest.raises(DomainError) as refused:
        pupil_account.change_password(session, context, OWN, OWN, OWN, hashing=hashing)
    assert refused.value.message == MSG_CHOSEN_SAME_AS_OLD
    ended = pupil_account.change_password(
        session, context, OWN, OTHER_OWN, OTHER_OWN, hashing=hashing, now=now
    )
    session.commit()
    assert ended == 1
    assert session.get(PupilSession, other.session_id).ended_at is not None
    assert session.get(PupilSession, context.session_id).ended_at is None
    assert hashing.verify(session.get(LeerIDAccount, advanced.id).password_hash, OTHER_OWN)


def test_a_basic_account_changes_nothing(session, basic, hashing) -> None:
    context = _login(session, basic, ISSUED)
    calls = [
        lambda: pupil_account.change_password(
            session, context, "34kip7", OWN, OWN, hashing=hashing
        ),
        lambda: pupil_account.choose_password(session, context, OWN, OWN, hashing=hashing),
        lambda: pupil_links.request_email_link(session, context, "a@b.be"),
        lambda: pupil_links.remove_email(session, context),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            call()
    session.rollback()
    assert hashing.verify(session.get(LeerIDAccount, basic.id).password_hash, "34kip7")


# --- linking an e-mail address -------------------------------------------------------------


def _token_of(mail) -> str:
    found = re.search(r"token=([A-Za-z0-9_-]+)", mail.text)
    assert found
    return found.group(1)


def test_linking_an_email_by_a_confirmation_link(session, advanced, hashing) -> None:
    now = ISSUED + timedelta(days=1)
    context = _login(session, advanced, now)
    with pytest.raises(DomainError) as refused:
        pupil_links.request_email_link(session, context, "geen adres", now=now)
    assert refused.value.message == pupil_links.MSG_BAD_EMAIL
    mail = pupil_links.request_email_link(
        session, context, " Tim.Peeters@Ond.Vlaanderen.be ", now=now
    )
    session.commit()
    token = _token_of(mail)
    assert mail.to == "Tim.Peeters@ond.vlaanderen.be"
    assert SCHOOL in mail.text and SCHOOL in mail.html and "Ardalan" in mail.text
    assert GENERATED not in mail.text + mail.html  # never a password in a mail
    # Stored only as a hash; nothing linked before the click.
    stored = session.exec(select(AccountToken)).one()
    assert stored.token_hash == sessions.token_hash(token) and token not in stored.token_hash
    assert session.get(LeerIDAccount, advanced.id).email is None

    masked = pupil_links.confirm_email(session, token, now=now + timedelta(hours=23))
    session.commit()
    assert masked == "T*****s@ond.vlaanderen.be"
    assert session.get(LeerIDAccount, advanced.id).email == "Tim.Peeters@ond.vlaanderen.be"
    with pytest.raises(DomainError):  # single use
        pupil_links.confirm_email(session, token, now=now + timedelta(hours=23))
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == AuditAction.PUPIL_EMAIL_LINKED.value)
    ).all()
    assert events[0].actor_username == PUPIL_ACTOR
    assert "Tim.Peeters" not in events[0].details  # never the full address in the log


def test_a_confirmation_link_expires_after_24_hours(session, advanced) -> None:
    context = _login(session, advanced, ISSUED)
    token = _token_of(pupil_links.request_email_link(session, context, "a@b.be", now=ISSUED))
    session.commit()
    with pytest.raises(DomainError):
        pupil_links.confirm_email(session, token, now=ISSUED + timedelta(hours=24))
    assert pupil_links.confirm_email(session, token, now=ISSUED + timedelta(hours=23, minutes=59))


def test_a_new_request_voids_the_previous_link(session, advanced) -> None:
    context = _login(session, advanced, ISSUED)
    first = _token_of(pupil_links.request_email_link(session, context, "a@b.be", now=ISSUED))
    second = _token_of(pupil_links.request_email_link(session, context, "c@d.be", now=ISSUED))
    with pytest.raises(DomainError):
        pupil_links.confirm_email(session, first, now=ISSUED)
    assert pupil_links.confirm_email(session, second, now=ISSUED) == "c*****@d.be"


def test_removing_the_email(session, advanced) -> None:
    pupil_account.store_own_credentials(advanced, email="t.boerens@ond.vlaanderen.be", now=ISSUED)
    session.add(advanced)
    session.commit()
    context = _login(session, advanced, ISSUED)
    pupil_links.remove_email(session, context, now=ISSUED)
    session.commit()
    assert session.get(LeerIDAccount, advanced.id).email is None
    with pytest.raises(DomainError):
        pupil_links.remove_email(session, context, now=ISSUED)
    assert AuditAction.PUPIL_EMAIL_REMOVED.value in _actions(session)


# --- Wachtwoord vergeten? --------------------------------------------------------------------


def _with_email(session, account, hashing) -> None:
    pupil_account.store_own_credentials(
        account, password_hash=hashing.hash(OWN), email="t.boerens@ond.vlaanderen.be", now=ISSUED
    )
    session.add(account)
    session.commit()


def test_reset_by_username_or_email(session, advanced, basic, hashing) -> None:
    _with_email(session, advanced, hashing)
    now = ISSUED + timedelta(days=3)
    assert pupil_links.request_reset(session, "onbekend", now=now) == []
    assert pupil_links.request_reset(session, "abdulghani.bogdan", now=now) == []  # basic
    (by_name,) = pupil_links.request_reset(session, " Ardalan.Bhatti ", now=now)
    (by_mail,) = pupil_links.request_reset(session, "T.Boerens@ond.vlaanderen.be", now=now)
    session.commit()
    assert by_mail.to == "t.boerens@ond.vlaanderen.be" and SCHOOL in by_mail.text
    assert OWN not in by_mail.text + by_mail.html
    with pytest.raises(DomainError):  # the newer request voided the first link
        pupil_links.reset_link_username(session, _token_of(by_name), now=now)
    token = _token_of(by_mail)
    assert pupil_links.reset_link_username(session, token, now=now) == "ardalan.bhatti"
    context = _login(session, advanced, now)
    assert (
        pupil_links.reset_password(session, token, OTHER_OWN, OTHER_OWN, hashing=hashing, now=now)
        == "ardalan.bhatti"
    )
    session.commit()
    assert hashing.verify(session.get(LeerIDAccount, advanced.id).password_hash, OTHER_OWN)
    assert session.get(PupilSession, context.session_id).ended_at is not None  # all sessions
    with pytest.raises(DomainError):  # single use
        pupil_links.reset_password(session, token, OWN, OWN, hashing=hashing, now=now)
    assert AuditAction.PUPIL_RESET_DONE.value in _actions(session)


def test_a_reset_link_expires_after_30_minutes(session, advanced, hashing) -> None:
    _with_email(session, advanced, hashing)
    (mail,) = pupil_links.request_reset(session, "ardalan.bhatti", now=ISSUED)
    session.commit()
    with pytest.raises(DomainError):
        pupil_links.reset_password(
            session,
            _token_of(mail),
            OTHER_OWN,
            OTHER_OWN,
            hashing=hashing,
            now=ISSUED + timedelta(minutes=30),
        )


def test_reset_requests_are_limited_per_account_and_overall(
    session, advanced, hashing, monkeypatch
) -> None:
    _with_email(session, advanced, hashing)
    per_account = ResetLimits(2, 100, "memory://")
    monkeypatch.setattr(pupil_links, "reset_limits", lambda: per_account)
    sent = [pupil_links.request_reset(session, "ardalan.bhatti") for _ in range(4)]
    assert [len(s) for s in sent] == [1, 1, 0, 0]
    overall = ResetLimits(100, 3, "memory://")
    monkeypatch.setattr(pupil_links, "reset_limits", lambda: overall)
    sent = [pupil_links.request_reset(session, "onbekend") for _ in range(3)]
    assert pupil_links.request_reset(session, "ardalan.bhatti") == []  # overall budget spent
