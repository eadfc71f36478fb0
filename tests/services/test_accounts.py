"""One pupil's LeerID: type rules, masking, dates, activation and the edit screen's changes."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from leerid_app.models import (
    AccountType,
    AuditEvent,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
)
from leerid_app.services import passwords
from leerid_app.services.accounts import (
    MSG_ALREADY_ACTIVE,
    MSG_EMAIL_LINKED,
    MSG_EMAIL_ONLY_ADVANCED,
    MSG_NO_ACCOUNT,
    MSG_NO_EMAIL,
    MSG_NOT_GENERATED,
    MSG_NOTHING_CHANGED,
    Actor,
    CredentialChange,
    account_type_for,
    activate_account,
    add_months,
    change_credentials,
    is_generated_password,
    mask_email,
)
from leerid_app.services.audit import AuditAction
from leerid_app.services.errors import (
    DomainError,
    InvalidUsername,
    NotAllowed,
    NotFound,
    UsernameTaken,
)
from leerid_app.services.hashing import PasswordHashing, get_password_hashing
from leerid_app.services.pupils import AccountStatus, derive_status
from leerid_app.services.usernames import (
    MSG_AT_SIGN,
    MSG_EMPTY,
    MSG_INVALID_CHARACTERS,
    MSG_TAKEN,
    MSG_TOO_LONG,
    MSG_WHITESPACE,
)
from tests.services.factories import add_account, add_pupil, add_school

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
ACTOR = Actor(administrator_id=None, username="an.beheer")
BUTRINT_EMAIL = "tomas@ond.vlaanderen.be"


@pytest.fixture(scope="module")
def hashing() -> PasswordHashing:
    return get_password_hashing()


# --- Helpers ----------------------------------------------------------------------------------


def account_of(engine: Engine, pupil_id: int) -> LeerIDAccount | None:
    """The account as committed, read in a fresh session."""
    with Session(engine) as fresh:
        return fresh.exec(select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)).first()


def events_of(engine: Engine, pupil_id: int | None = None) -> list[AuditEvent]:
    with Session(engine) as fresh:
        statement = select(AuditEvent).order_by(AuditEvent.id)
        if pupil_id is not None:
            statement = statement.where(AuditEvent.pupil_id == pupil_id)
        return list(fresh.exec(statement).all())


def account_count(engine: Engine) -> int:
    with Session(engine) as fresh:
        return fresh.exec(select(func.count(LeerIDAccount.id))).one()


def as_date(moment: datetime) -> date:
    return moment.date()


def refuse_and_undo(
    session: Session, undo: str, expected: type[Exception], action: Callable[[], object]
) -> pytest.ExceptionInfo:
    """Run a refused action, then undo it as a plain rollback or as the app's guard does.

    The guard runs the work in a savepoint, and on a DomainError rolls the savepoint back
    and still commits the outer transaction (to keep audits of refusals).
    """
    if undo == "rollback":
        with pytest.raises(expected) as caught:
            action()
        session.rollback()
        return caught
    with pytest.raises(expected) as caught, session.begin_nested():
        action()
    session.commit()
    return caught


# --- Pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (EducationLevel.BASIS, AccountType.BASIS),
        (EducationLevel.BUITENGEWOON, AccountType.BASIS),
        (EducationLevel.SECUNDAIR, AccountType.GEVORDERD),
    ],
)
def test_account_type_follows_the_education_level(level, expected) -> None:
    assert account_type_for(level) is expected


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("tomas@ond.vlaanderen.be", "t*****s@ond.vlaanderen.be"),
        ("t.boerens@ond.vlaanderen.be", "t*****s@ond.vlaanderen.be"),
        ("ab@telenet.be", "a*****b@telenet.be"),
        ("t@ond.vlaanderen.be", "t*****@ond.vlaanderen.be"),
        ("@ond.vlaanderen.be", "*****@ond.vlaanderen.be"),
        ("tomas", "t*****s"),
        ("", "*****"),
        ('"a@b"@example.com', '"*****"@example.com'),
    ],
)
def test_mask_email_keeps_only_first_and_last_character(email: str, masked: str) -> None:
    assert mask_email(email) == masked


def test_mask_email_never_reveals_the_middle_of_the_local_part() -> None:
    masked = mask_email("geheimenaam@gmail.com")
    assert "eheimena" not in masked
    assert masked.endswith("@gmail.com")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # December → January of the next year
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 29), 1, date(2026, 12, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 5, 10), 12, date(2027, 5, 10)),
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("has_account", "enrollment_end", "expected"),
    [
        (True, date(2027, 8, 31), AccountStatus.ACTIEF),
        (True, date(2026, 11, 29), AccountStatus.ACTIEF),  # the last day still counts
        (True, date(2026, 11, 28), AccountStatus.INACTIEF),
        (True, date(2025, 8, 31), AccountStatus.INACTIEF),
        (False, date(2027, 8, 31), AccountStatus.GEEN_ACCOUNT),
        # Enrollment ended without an account: Inactief, never offered for activation.
        (False, date(2025, 8, 31), AccountStatus.INACTIEF),
        (False, date(2026, 11, 28), AccountStatus.INACTIEF),
        (False, date(2026, 11, 29), AccountStatus.GEEN_ACCOUNT),
    ],
)
def test_derive_status(has_account, enrollment_end, expected) -> None:
    status = derive_status(
        has_account=has_account, enrollment_end=enrollment_end, today=date(2026, 11, 29)
    )
    assert status is expected
    assert status.value in {"Actief", "Inactief", "Geen account"}


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("account_type", list(AccountType))
def test_generated_passwords_are_recognised_as_generated(account_type, seed) -> None:
    password = passwords.generate_password(account_type, random.Random(seed))
    assert is_generated_password(account_type, password)


@pytest.mark.parametrize(
    ("account_type", "password"),
    [
        (AccountType.BASIS, ""),
        (AccountType.BASIS, "a"),
        (AccountType.BASIS, "qxu7Benc"),  # an advanced one
        (AccountType.BASIS, "zzzz22"),  # not a word of the list
        (AccountType.BASIS, "34mij1x"),
        (AccountType.GEVORDERD, "qxu7benc"),  # no upper case
        (AccountType.GEVORDERD, "QXU7BENC"),  # no lower case
        (AccountType.GEVORDERD, "qxuzBenc"),  # no digit
        (AccountType.GEVORDERD, "qxu7Ben"),  # 7 characters
        (AccountType.GEVORDERD, "qxu7Bencc"),  # 9 characters
        (AccountType.GEVORDERD, "qxu0Benc"),  # a confusable character
        (AccountType.GEVORDERD, "qxu7Ben "),
        (AccountType.GEVORDERD, None),
    ],
)
def test_other_passwords_are_not_recognised_as_generated(account_type, password) -> None:
    assert not is_generated_password(account_type, password)


# --- Activation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "account_type", "length", "must_change"),
    [
        (EducationLevel.BASIS, AccountType.BASIS, 6, False),
        (EducationLevel.BUITENGEWOON, AccountType.BASIS, 6, False),
        (EducationLevel.SECUNDAIR, AccountType.GEVORDERD, 8, True),
    ],
)
def test_activate_account_gives_the_type_of_the_level(
    session, engine, hashing, level, account_type, length, must_change
) -> None:
    school = add_school(session, "School A")
    pupil = add_pupil(session, school, "93504", "Pieter-Alexander", "Bogaert", level=level)
    session.commit()

    credential = activate_account(
        session, school_id=school.id, pupil_id=pupil.id, actor=ACTOR, hashing=hashing, now=NOW
    )
    session.commit()

    assert credential.username == "pieter-alexander.bogaert"
    assert credential.account_type is account_type
    assert len(credential.password) == length
    assert is_generated_password(account_type, credential.password)
    stored = account_of(engine, pupil.id)
    assert stored is not None
    assert stored.username == credential.username
    assert stored.account_type is account_type
    assert stored.password_type == PasswordType(account_type.value)
    assert credential.password not in stored.password_hash
    assert hashing.verify(stored.password_hash, credential.password)
    assert not hashing.verify(stored.password_hash, credential.password + "x")
    assert stored.must_change_password is must_change
    expected_deadline = date(2026, 12, 29) if must_change else None
    assert stored.password_change_deadline == expected_deadline
    assert stored.email is None
    assert stored.last_login_at is None
    assert as_date(stored.created_at) == NOW.date()


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ((), "butrint.boeren"),
        (("butrint.boeren",), "butrint.boeren1"),
        (("butrint.boeren", "butrint.boeren1"), "butrint.boeren2"),
        (("butrint.boeren1",), "butrint.boeren"),
    ],
)
def test_activate_account_appends_a_number_when_the_username_is_taken(
    session, engine, hashing, taken, expected
) -> None:
    other = add_school(session, "GENT - TEST School 7")
    for number, username in enumerate(taken):
        namesake = add_pupil(session, other, f"2000{number}", "Butrint", "Boeren")
        add_account(session, namesake, username, "not-a-hash")
    school = add_school(session, "BRUSSEL-STAD - TEST School 2")
    pupil = add_pupil(session, school, "47727", "Butrint", "Boeren")
    session.commit()

    credential = activate_account(
        session, school_id=school.id, pupil_id=pupil.id, actor=ACTOR, hashing=hashing, now=NOW
    )
    session.commit()

    assert credential.username == expected
    assert account_of(engine, pupil.id).username == expected


def test_activate_account_is_audited_without_the_password(session, engine, hashing) -> None:
    school = add_school(session, "School A")
    pupil = add_pupil(session, school, "60351", "Abdulghani", "Bogdan", level=EducationLevel.BASIS)
    session.commit()

    credential = activate_account(
        session, school_id=school.id, pupil_id=pupil.id, actor=ACTOR, hashing=hashing, now=NOW
    )
    session.commit()

    events = events_of(engine)
    assert [event.action for event in events] == [AuditAction.ACCOUNT_ACTIVATED.value]
    event = events[0]
    assert event.pupil_id == pupil.id
    assert event.school_id == school.id
    assert event.actor_username == ACTOR.username
    assert json.loads(event.details) == {"username": "abdulghani.bogdan", "type": "basis"}
    assert credential.password not in event.details


def test_activate_account_refuses_a_pupil_who_has_one(session, engine, hashing) -> None:
    school = add_school(session, "School A")
    pupil = add_pupil(session, school, "32890", "Ardalan", "Bhatti")
    old_hash = hashing.hash("qxu7Benc")
    add_account(session, pupil, "ardalan.bhatti", old_hash)
    session.commit()
    # Read before the rollback: it expires every object, and a reload would begin a transaction.
    school_id, pupil_id = school.id, pupil.id

    with pytest.raises(DomainError) as caught:
        activate_account(
            session, school_id=school_id, pupil_id=pupil_id, actor=ACTOR, hashing=hashing
        )
    session.rollback()

    assert caught.value.message == MSG_ALREADY_ACTIVE
    assert account_count(engine) == 1
    assert account_of(engine, pupil_id).password_hash == old_hash
    assert events_of(engine) == []


@pytest.mark.parametrize("whose", ["other_school", "missing"])
def test_activate_account_refuses_a_pupil_outside_the_school(
    session, engine, hashing, whose
) -> None:
    school = add_school(session, "School A")
    other = add_school(session, "School B")
    foreign = add_pupil(session, other, "80240", "Amani", "Bockstal")
    session.commit()
    pupil_id = foreign.id if whose == "other_school" else foreign.id + 1000

    with pytest.raises(NotFound):
        activate_account(
            session, school_id=school.id, pupil_id=pupil_id, actor=ACTOR, hashing=hashing
        )
    session.rollback()

    assert account_count(engine) == 0
    assert events_of(engine) == []


def test_two_administrators_activating_one_pupil_at_once(engine, hashing) -> None:
    """The loser is told the pupil has a LeerID now, not that a username is taken."""
    with Session(engine, expire_on_commit=False) as setup:
        school = add_school(setup, "School A")
        pupil = add_pupil(setup, school, "70246", "Sezen", "Beuken")
        setup.commit()
    outcome: dict[str, object] = {}

    first = Session(engine, expire_on_commit=False)
    try:
        # Flushed, not committed: holds SQLite's write lock / PostgreSQL's unique index entry.
        credential = activate_account(
            first, school_id=school.id, pupil_id=pupil.id, actor=ACTOR, hashing=hashing
        )

        def second_administrator() -> None:
            with Session(engine) as second:
                try:
                    activate_account(
                        second,
                        school_id=school.id,
                        pupil_id=pupil.id,
                        actor=ACTOR,
                        hashing=hashing,
                    )
                    second.commit()
                    outcome["activated"] = True
                except Exception as error:  # the test inspects it
                    second.rollback()
                    outcome["error"] = error

        thread = threading.Thread(target=second_administrator)
        thread.start()
        time.sleep(0.5)  # let the second administrator run into the first one's lock
        first.commit()
    finally:
        first.close()
    thread.join(timeout=60)

    assert not thread.is_alive()
    assert "activated" not in outcome
    error = outcome["error"]
    assert isinstance(error, DomainError)
    assert not isinstance(error, UsernameTaken)
    assert error.message == MSG_ALREADY_ACTIVE
    stored = account_of(engine, pupil.id)
    assert stored.username == "sezen.beuken"
    assert hashing.verify(stored.password_hash, credential.password)
    assert account_count(engine) == 1


# --- Changing credentials ---------------------------------------------------------------------


@pytest.fixture
def abdulghani(session, hashing) -> dict:
    """A basic LeerID in school A, a taken username in school B, and the old password."""
    school = add_school(session, "School A")
    pupil = add_pupil(
        session,
        school,
        "60351",
        "Abdulghani",
        "Bogdan",
        level=EducationLevel.BASIS,
        group="6de leerjaar",
    )
    old_password = passwords.generate_password(AccountType.BASIS, random.Random(1))
    account = add_account(session, pupil, "abdulghani.bogdan", hashing.hash(old_password))
    other = add_school(session, "School B")
    add_account(session, add_pupil(session, other, "1", "Taken", "Name"), "taken.name", "x")
    session.commit()
    return {
        "school_id": school.id,
        "pupil_id": pupil.id,
        "old_password": old_password,
        "old_hash": account.password_hash,
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("abdul.b", "abdul.b"),
        ("Abdul.Bogdan-6A", "abdul.bogdan-6a"),
        ("x" * 50, "x" * 50),
    ],
)
def test_change_username_is_saved_and_audited(
    session, engine, hashing, abdulghani, typed, stored
) -> None:
    result = change_credentials(
        session,
        school_id=abdulghani["school_id"],
        pupil_id=abdulghani["pupil_id"],
        change=CredentialChange(username=typed),
        seen_version=1,
        actor=ACTOR,
        hashing=hashing,
        now=NOW,
    )
    session.commit()

    assert result.username == stored
    assert result.username_changed
    assert result.credential is None
    assert not result.email_removed
    account = account_of(engine, abdulghani["pupil_id"])
    assert account.username == stored
    assert account.password_hash == abdulghani["old_hash"]
    events = events_of(engine, abdulghani["pupil_id"])
    assert [event.action for event in events] == [AuditAction.USERNAME_CHANGED.value]
    assert json.loads(events[0].details) == {"from": "abdulghani.bogdan", "to": stored}


@pytest.mark.parametrize("undo", ["rollback", "savepoint_then_commit"])
@pytest.mark.parametrize(
    ("typed", "error", "message"),
    [
        ("abdul@school.be", InvalidUsername, MSG_AT_SIGN),
        ("x" * 51, InvalidUsername, MSG_TOO_LONG),
        ("taken.name", UsernameTaken, MSG_TAKEN),
        ("TAKEN.NAME", UsernameTaken, MSG_TAKEN),
        ("abdul bogdan", InvalidUsername, MSG_WHITESPACE),
        (" abdul", InvalidUsername, MSG_WHITESPACE),
        ("", InvalidUsername, MSG_EMPTY),
        ("abdul\u200bbogdan", InvalidUsername, MSG_INVALID_CHARACTERS),
    ],
)
def test_a_refused_username_changes_nothing(
    session, engine, hashing, abdulghani, typed, error, message, undo
) -> None:
    new_password = passwords.generate_password(AccountType.BASIS, random.Random(2))

    caught = refuse_and_undo(
        session,
        undo,
        error,
        lambda: change_credentials(
            session,
            school_id=abdulghani["school_id"],
            pupil_id=abdulghani["pupil_id"],
            change=CredentialChange(username=typed, new_password=new_password),
            seen_version=1,
            actor=ACTOR,
            hashing=hashing,
            now=NOW,
        ),
    )

    assert caught.value.message == message
    account = account_of(engine, abdulghani["pupil_id"])
    assert account.username == "abdulghani.bogdan"
    assert account.password_hash == abdulghani["old_hash"]
    assert events_of(engine, abdulghani["pupil_id"]) == []


@pytest.mark.parametrize(
    ("level", "must_change", "deadline"),
    [
        (EducationLevel.BASIS, False, None),
        (EducationLevel.SECUNDAIR, True, date(2026, 12, 29)),
    ],
)
def test_new_password_replaces_the_old_one(
    session, engine, hashing, level, must_change, deadline
) -> None:
    school = add_school(session, "School A")
    pupil = add_pupil(session, school, "32890", "Ardalan", "Bhatti", level=level)
    account_type = account_type_for(level)
    old_password = passwords.generate_password(account_type, random.Random(3))
    add_account(session, pupil, "ardalan.bhatti", hashing.hash(old_password))
    session.commit()
    new_password = passwords.generate_password(account_type, random.Random(4))
    assert new_password != old_password

    result = change_credentials(
        session,
        school_id=school.id,
        pupil_id=pupil.id,
        change=CredentialChange(new_password=new_password),
        seen_version=1,
        actor=ACTOR,
        hashing=hashing,
        now=NOW,
    )
    session.commit()

    assert result.credential is not None
    assert result.credential.password == new_password
    assert result.credential.username == "ardalan.bhatti"
    assert not result.username_changed
    account = account_of(engine, pupil.id)
    assert hashing.verify(account.password_hash, new_password)
    assert not hashing.verify(account.password_hash, old_password)
    assert account.password_type == PasswordType(account_type.value)
    assert account.must_change_password is must_change
    assert account.password_change_deadline == deadline
    events = events_of(engine, pupil.id)
    assert [event.action for event in events] == [AuditAction.PASSWORD_RENEWED.value]
    assert new_password not in events[0].details


def test_username_and_password_change_together(session, engine, hashing, abdulghani) -> None:
    new_password = passwords.generate_password(AccountType.BASIS, random.Random(5))

    result = change_credentials(
        session,
        school_id=abdulghani["school_id"],
        pupil_id=abdulghani["pupil_id"],
        change=CredentialChange(username="abdul.bogdan", new_password=new_password),
        seen_version=1,
        actor=ACTOR,
        hashing=hashing,
        now=NOW,
    )
    session.commit()

    assert result.credential.username == "abdul.bogdan"
    account = account_of(engine, abdulghani["pupil_id"])
    assert account.username == "abdul.bogdan"
    assert hashing.verify(account.password_hash, new_password)
    actions = [event.action for event in events_of(engine, abdulghani["pupil_id"])]
    assert actions == [AuditAction.USERNAME_CHANGED.value, AuditAction.PASSWORD_RENEWED.value]


def test_remove_email_generates_a_new_advanced_password(session, engine, hashing) -> None:
    """The manual's section 4: Butrint Boeren's e-mail goes, a new password comes at once."""
    school = add_school(session, "BRUSSEL-STAD - TEST School 2")
    pupil = add_pupil(session, school, "47727", "Butrint", "Boeren")
    old_password = "eigen-wachtwoord-van-butrint"
    add_account(session, pupil, "butrint.boeren1", hashing.hash(old_password), email=BUTRINT_EMAIL)
    session.commit()
    assert mask_email(account_of(engine, pupil.id).email) == "t*****s@ond.vlaanderen.be"
    new_password = passwords.generate_password(AccountType.GEVORDERD, random.Random(6))

    result = change_credentials(
        session,
        school_id=school.id,
        pupil_id=pupil.id,
        change=CredentialChange(new_password=new_password, remove_email=True),
        seen_version=1,
        actor=ACTOR,
        hashing=hashing,
        now=NOW,
    )
    session.commit()

    assert result.email_removed
    assert result.credential.password == new_password
    assert result.credential.username == "butrint.boeren1"
    account = account_of(engine, pupil.id)
    assert account.email is None
    assert account.must_change_password is True
    assert account.password_type is PasswordType.GEVORDERD
    assert account.password_change_deadline == date(2026, 12, 29)
    assert hashing.verify(account.password_hash, new_password)
    assert not hashing.verify(account.password_hash, old_password)
    events = events_of(engine, pupil.id)
    assert [event.action for event in events] == [
        AuditAction.EMAIL_REMOVED.value,
        AuditAction.PASSWORD_RENEWED.value,
    ]
    for event in events:
        assert new_password not in event.details
        assert BUTRINT_EMAIL not in event.details


ADVANCED_PASSWORD = "qxu7Benc"
BASIC_PASSWORD = "34mij2"


@pytest.mark.parametrize("undo", ["rollback", "savepoint_then_commit"])
@pytest.mark.parametrize(
    ("level", "email", "change", "error", "message"),
    [
        (
            EducationLevel.SECUNDAIR,
            BUTRINT_EMAIL,
            CredentialChange(new_password=ADVANCED_PASSWORD),
            NotAllowed,
            MSG_EMAIL_LINKED,
        ),
        (
            EducationLevel.SECUNDAIR,
            BUTRINT_EMAIL,
            CredentialChange(username="butrint.b", new_password=ADVANCED_PASSWORD),
            NotAllowed,
            MSG_EMAIL_LINKED,
        ),
        (
            EducationLevel.BASIS,
            None,
            CredentialChange(new_password=BASIC_PASSWORD, remove_email=True),
            DomainError,
            MSG_EMAIL_ONLY_ADVANCED,
        ),
        (
            EducationLevel.SECUNDAIR,
            None,
            CredentialChange(new_password=ADVANCED_PASSWORD, remove_email=True),
            DomainError,
            MSG_NO_EMAIL,
        ),
        (
            EducationLevel.SECUNDAIR,
            BUTRINT_EMAIL,
            CredentialChange(remove_email=True),
            DomainError,
            None,
        ),
        (EducationLevel.SECUNDAIR, None, CredentialChange(), DomainError, MSG_NOTHING_CHANGED),
        (
            EducationLevel.SECUNDAIR,
            None,
            CredentialChange(username="butrint.boeren1"),
            DomainError,
            MSG_NOTHING_CHANGED,
        ),
        (
            EducationLevel.SECUNDAIR,
            None,
            CredentialChange(username="butrint.boeren1", new_password=""),
            DomainError,
            MSG_NOTHING_CHANGED,
        ),
        (
            EducationLevel.SECUNDAIR,
            None,
            CredentialChange(new_password="a"),
            DomainError,
            MSG_NOT_GENERATED,
        ),
        (
            EducationLevel.SECUNDAIR,
            None,
            CredentialChange(new_password=BASIC_PASSWORD),
            DomainError,
            MSG_NOT_GENERATED,
        ),
        (
            EducationLevel.BASIS,
            None,
            CredentialChange(username="b.boeren", new_password=ADVANCED_PASSWORD),
            DomainError,
            MSG_NOT_GENERATED,
        ),
        (
            EducationLevel.SECUNDAIR,
            BUTRINT_EMAIL,
            CredentialChange(new_password="kort", remove_email=True),
            DomainError,
            MSG_NOT_GENERATED,
        ),
    ],
)
def test_refused_changes_change_nothing(
    session, engine, hashing, level, email, change, error, message, undo
) -> None:
    school = add_school(session, "School A")
    pupil = add_pupil(session, school, "47727", "Butrint", "Boeren", level=level)
    old_hash = hashing.hash("het-oude-wachtwoord")
    add_account(session, pupil, "butrint.boeren1", old_hash, email=email)
    session.commit()
    school_id, pupil_id = school.id, pupil.id

    caught = refuse_and_undo(
        session,
        undo,
        error,
        lambda: change_credentials(
            session,
            school_id=school_id,
            pupil_id=pupil_id,
            change=change,
            seen_version=1,
            actor=ACTOR,
            hashing=hashing,
            now=NOW,
        ),
    )

    if message is not None:
        assert caught.value.message == message
    account = account_of(engine, pupil_id)
    assert account.username == "butrint.boeren1"
    assert account.password_hash == old_hash
    assert account.email == email
    assert account.must_change_password is False
    assert events_of(engine) == []


def test_change_credentials_refuses_a_pupil_without_account(session, engine, hashing) -> None:
    school = add_school(session, "School A")
    pupil = add_pupil(session, school, "93504", "Pieter-Alexander", "Bogaert")
    session.commit()

    with pytest.raises(DomainError) as caught:
        change_credentials(
            session,
            school_id=school.id,
            pupil_id=pupil.id,
            change=CredentialChange(username="pieter"),
            seen_version=1,
            actor=ACTOR,
            hashing=hashing,
        )
    session.rollback()

    assert caught.value.message == MSG_NO_ACCOUNT
    assert account_count(engine) == 0


@pytest.mark.parametrize(
    "change",
    [
        CredentialChange(username="gestolen.naam"),
        CredentialChange(new_password=BASIC_PASSWORD),
    ],
)
def test_change_credentials_refuses_a_pupil_of_another_school(
    session, engine, hashing, abdulghani, change
) -> None:
    other = add_school(session, "School C")
    session.commit()

    with pytest.raises(NotFound):
        change_credentials(
            session,
            school_id=other.id,
            pupil_id=abdulghani["pupil_id"],
            change=change,
            seen_version=1,
            actor=ACTOR,
            hashing=hashing,
        )
    session.rollback()

    account = account_of(engine, abdulghani["pupil_id"])
    assert account.username == "abdulghani.bogdan"
    assert account.password_hash == abdulghani["old_hash"]
    assert hashing.verify(account.password_hash, abdulghani["old_password"])
    assert events_of(engine) == []
