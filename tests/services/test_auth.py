"""Administrator login, throttling, server-side sessions, school scope and admin management."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import text
from sqlmodel import Session, select

from leerid_app import texts
from leerid_app.models import (
    Administrator,
    AdministratorSchool,
    AdminSession,
    AuditEvent,
    EducationLevel,
    LoginThrottle,
    Pupil,
    School,
)
from leerid_app.services import admins, auth, scope
from leerid_app.services.audit import AuditAction
from leerid_app.services.errors import DomainError, NotAllowed, NotFound
from leerid_app.services.hashing import PasswordHashing, get_password_hashing
from leerid_app.services.identity import throttle
from leerid_app.services.identity.throttle import NAME_WIDE, LoginResult, ThrottlePolicy
from leerid_app.services.text import fold
from leerid_app.settings import get_settings

PASSWORD = "LeerID-demo-2023"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # One real argon2id hash for the whole module: hashing is the slow part of these tests.
    return get_password_hashing().hash(PASSWORD)


def _school(session, name: str) -> School:
    school = School(name=name)
    session.add(school)
    session.flush()
    return school


def _admin(session, username: str, *schools: School, active: bool = True) -> Administrator:
    administrator = Administrator(
        username=username,
        display_name=username.title(),
        password_hash=_password_hash(),
        is_active=active,
        created_at=NOW,
    )
    session.add(administrator)
    session.flush()
    for school in schools:
        session.add(AdministratorSchool(administrator_id=administrator.id, school_id=school.id))
    session.flush()
    return administrator


def _pupil(session, school: School, stamnummer: str) -> Pupil:
    pupil = Pupil(
        school_id=school.id,
        stamnummer=stamnummer,
        first_name="Sezen",
        last_name="Beuken",
        administrative_group="1A",
        education_level=EducationLevel.SECUNDAIR,
        enrollment_end=date(2025, 8, 31),
        search_text=fold(f"{stamnummer} Sezen Beuken"),
        sort_key="beuken sezen",
    )
    session.add(pupil)
    session.flush()
    return pupil


def _events(session, action: AuditAction) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action.value)).all())


@dataclass
class World:
    """Two schools, an administrator of both (plus one of only the second), and a login."""

    school_a: School
    school_b: School
    admin: Administrator
    other_admin: Administrator


@pytest.fixture
def world(session) -> World:
    school_b = _school(session, "BRUSSEL-STAD - TEST School 2")
    school_a = _school(session, "Atheneum Antwerpen")
    admin = _admin(session, "an.beheer", school_b, school_a)
    other_admin = _admin(session, "bo.beheer", school_b)
    session.commit()
    return World(school_a, school_b, admin, other_admin)


def _login(session, world: World, *, now: datetime = NOW) -> str:
    result = auth.authenticate(session, "an.beheer", PASSWORD, now=now)
    assert result.ok
    token = auth.start_session(session, result.subject_id, now=now)
    session.commit()
    return token


# --- Login ------------------------------------------------------------------------------------


def test_right_password_gives_a_session_that_resolves(session, world: World) -> None:
    result = auth.authenticate(session, "  An.Beheer ", PASSWORD, now=NOW)
    assert (result.subject_id, result.error) == (world.admin.id, None)
    assert result.device_cookie
    token = auth.start_session(session, world.admin.id, now=NOW)
    session.commit()

    assert len(token) >= 43  # 32 random bytes
    context = auth.resolve_session(session, token, now=NOW + timedelta(minutes=1))
    assert context is not None
    assert context.administrator_id == world.admin.id
    assert context.username == "an.beheer"
    # The first school by name, whatever the insertion order.
    assert (context.school_id, context.school_name) == (world.school_a.id, world.school_a.name)
    assert [s.name for s in context.schools] == [world.school_a.name, world.school_b.name]
    assert len(_events(session, AuditAction.LOGIN)) == 1


def test_wrong_password_and_unknown_user_look_the_same(session, world: World) -> None:
    wrong = auth.authenticate(session, "an.beheer", "Geheim-wachtwoord-1", now=NOW)
    unknown = auth.authenticate(session, "niemand", "Ander-wachtwoord-2", now=NOW)
    inactive_admin = _admin(session, "cy.beheer", world.school_a, active=False)
    inactive = auth.authenticate(session, inactive_admin.username, PASSWORD, now=NOW)
    session.commit()

    expected = LoginResult(None, texts.LOGIN_FAILED, 0.0)
    assert wrong == unknown == inactive == expected
    assert texts.LOGIN_FAILED == "Onjuiste gebruikersnaam of wachtwoord."
    failures = _events(session, AuditAction.LOGIN_FAILED)
    assert [e.actor_administrator_id for e in failures] == [None, None, None]
    assert {e.details.count('"username"') for e in failures} == {1}
    for event_row in session.exec(select(AuditEvent)).all():
        for secret in ("Geheim-wachtwoord-1", "Ander-wachtwoord-2", PASSWORD):
            assert secret not in event_row.details


def test_overlong_input_fails_without_hashing_it(session, world: World, monkeypatch) -> None:
    real = get_password_hashing()
    seen: list[str] = []

    class Spy:
        def verify(self, password_hash: str, password: str) -> bool:
            seen.append(password)
            return real.verify(password_hash, password)

    monkeypatch.setattr(auth, "get_password_hashing", Spy)
    for username, password in [("a" * 81, PASSWORD), ("an.beheer", "x" * 257)]:
        result = auth.authenticate(session, username, password, now=NOW)
        assert result.error == texts.LOGIN_FAILED
    assert all(len(p) <= 256 for p in seen)
    assert len(seen) == 2  # still one verification each, so the time is about the same


def test_login_rehashes_a_hash_made_with_weaker_parameters(session, world: World) -> None:
    hashing = get_password_hashing()
    weak = PasswordHashing(
        pepper=hashing.pepper,
        hasher=PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID),
    )
    world.admin.password_hash = weak.hash(PASSWORD)
    session.commit()
    assert auth.authenticate(session, "an.beheer", PASSWORD, now=NOW).ok
    assert not hashing.needs_rehash(world.admin.password_hash)
    assert hashing.verify(world.admin.password_hash, PASSWORD)


# --- Throttling -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(1, 0.0), (2, 0.0), (3, 2.0), (4, 4.0), (5, 8.0), (10, 256.0), (11, 300.0), (10_000, 300.0)],
)
def test_failure_delay_doubles_from_the_base_and_is_capped(failures: int, delay: float) -> None:
    settings = get_settings()
    assert (settings.login_free_attempts, settings.login_base_delay_seconds) == (3, 2.0)
    assert settings.login_max_delay_seconds == 300.0
    assert ThrottlePolicy.from_settings().delay(failures, settings.login_free_attempts) == delay


def _attempts(session, username: str) -> list[tuple[str | None, float]]:
    """Three wrong guesses, one while blocked (with the right password), one after."""
    steps = [
        (NOW, "Fout-wachtwoord-1"),
        (NOW + timedelta(seconds=1), "Fout-wachtwoord-2"),
        (NOW + timedelta(seconds=2), "Fout-wachtwoord-3"),
        (NOW + timedelta(seconds=3), PASSWORD),  # blocked until +4 s: refused unverified
        (NOW + timedelta(seconds=5), "Fout-wachtwoord-4"),  # 4th failure: 4 s
    ]
    outcomes = []
    for at, password in steps:
        result = auth.authenticate(session, username, password, now=at)
        outcomes.append((result.error, result.retry_after_seconds))
    session.commit()
    return outcomes


def test_throttling_grows_and_is_the_same_for_unknown_names(session, world: World) -> None:
    known = _attempts(session, "an.beheer")
    unknown = _attempts(session, "niemand.hier")
    throttled = "Te veel mislukte aanmeldpogingen. Probeer het opnieuw over 1 seconden."
    assert (
        known
        == unknown
        == [
            (texts.LOGIN_FAILED, 0.0),
            (texts.LOGIN_FAILED, 0.0),
            (texts.LOGIN_FAILED, 2.0),
            (throttled, 1.0),
            (texts.LOGIN_FAILED, 4.0),
        ]
    )
    assert _events(session, AuditAction.LOGIN) == []
    rows = session.exec(
        select(LoginThrottle).order_by(LoginThrottle.login_key, LoginThrottle.client_key)
    ).all()
    # One row per (name, client) and one per name for all untrusted clients together.
    assert [(r.realm, r.login_key, r.client_key, r.failures) for r in rows] == [
        ("admin", "an.beheer", NAME_WIDE, 4),
        ("admin", "an.beheer", "ip:unknown", 4),
        ("admin", "niemand.hier", NAME_WIDE, 4),
        ("admin", "niemand.hier", "ip:unknown", 4),
    ]


def test_throttling_is_per_name_and_success_resets_it(session, world: World) -> None:
    for second in range(3):
        auth.authenticate(session, "an.beheer", "Fout", now=NOW + timedelta(seconds=second))
    assert auth.authenticate(session, "an.beheer", PASSWORD, now=NOW + timedelta(seconds=3)).error
    # Another name is not affected: no lock-out of a whole school behind one name or address.
    assert auth.authenticate(session, "bo.beheer", PASSWORD, now=NOW + timedelta(seconds=3)).ok

    assert auth.authenticate(session, "an.beheer", PASSWORD, now=NOW + timedelta(seconds=5)).ok
    # The client's row goes; the name-wide count of untrusted clients runs its course.
    rows = session.exec(select(LoginThrottle).where(LoginThrottle.login_key == "an.beheer")).all()
    assert [(row.client_key, row.failures) for row in rows] == [(NAME_WIDE, 3)]
    # After the reset the free attempts are free again.
    for second in (6, 7):
        result = auth.authenticate(
            session, "an.beheer", "Fout", now=NOW + timedelta(seconds=second)
        )
        assert result.retry_after_seconds == 0.0


def test_throttling_caps_the_delay(session, world: World) -> None:
    session.add(
        LoginThrottle(
            realm="admin",
            login_key="an.beheer",
            failures=40,
            last_failure_at=NOW - timedelta(hours=1),
        )
    )
    session.commit()
    result = auth.authenticate(session, "AN.BEHEER", "Fout", now=NOW)
    assert result.retry_after_seconds == 300.0
    blocked = auth.authenticate(session, "an.beheer", PASSWORD, now=NOW + timedelta(seconds=100))
    assert blocked.error == auth.throttled_message(200.0)
    assert "200 seconden" in blocked.error


# --- Sessions ---------------------------------------------------------------------------------


def test_token_is_stored_only_as_its_hash(session, world: World) -> None:
    token = _login(session, world)
    row = session.exec(select(AdminSession)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    raw_rows = session.connection().execute(text("SELECT * FROM admin_session")).all()
    assert token not in repr(raw_rows)


@pytest.mark.parametrize(
    ("created_ago", "seen_ago", "reason"),
    [
        (timedelta(minutes=31), timedelta(minutes=31), "idle"),
        (timedelta(hours=12, seconds=1), timedelta(minutes=1), "absolute"),
        (timedelta(hours=11, minutes=59), timedelta(minutes=29), None),
    ],
)
def test_sessions_expire_when_idle_or_too_old(
    session, world, created_ago, seen_ago, reason
) -> None:
    token = _login(session, world, now=NOW - created_ago)
    row = session.exec(select(AdminSession)).one()
    row.last_seen_at = NOW - seen_ago
    session.commit()

    context = auth.resolve_session(session, token, now=NOW)
    session.commit()
    expired = _events(session, AuditAction.SESSION_EXPIRED)
    if reason is None:
        assert context is not None
        assert row.ended_at is None
        assert expired == []
    else:
        assert context is None
        assert row.ended_at is not None
        assert [e.details for e in expired] == [f'{{"reason":"{reason}"}}']
        # An ended session stays ended, even if asked again "in time".
        assert auth.resolve_session(session, token, now=NOW - seen_ago) is None


def test_last_seen_is_touched_at_most_every_30_seconds(session, world: World) -> None:
    token = _login(session, world)
    row = session.exec(select(AdminSession)).one()
    auth.resolve_session(session, token, now=NOW + timedelta(seconds=20))
    assert row.last_seen_at.replace(tzinfo=UTC) == NOW
    auth.resolve_session(session, token, now=NOW + timedelta(seconds=40))
    assert row.last_seen_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=40)


@pytest.mark.parametrize(
    "token",
    [None, "", "kort", 12345, "x" * 500, "a b" * 20, "A" * 43, ["lijst"]],
)
def test_missing_malformed_or_unknown_tokens_do_not_resolve(session, world, token) -> None:
    _login(session, world)
    assert auth.resolve_session(session, token, now=NOW) is None
    auth.end_session(session, token, now=NOW)  # ignored, no error
    assert session.exec(select(AdminSession)).one().ended_at is None


def test_logout_ends_the_session_on_the_server(session, world: World) -> None:
    token = _login(session, world)
    auth.end_session(session, token, now=NOW + timedelta(minutes=1))
    session.commit()
    assert auth.resolve_session(session, token, now=NOW + timedelta(minutes=2)) is None
    assert session.exec(select(AdminSession)).one().ended_at is not None
    assert len(_events(session, AuditAction.LOGOUT)) == 1


def test_switch_school(session, world: World) -> None:
    token = _login(session, world)
    outsider = _school(session, "Andere School")
    session.commit()

    for bad in (outsider.id, str(world.school_b.id), True, None, 2**40):
        with pytest.raises(NotAllowed) as refused:
            auth.switch_school(session, token, bad, now=NOW)
        assert refused.value.message == "Je bent geen beheerder van deze instelling."
    session.commit()
    denied = _events(session, AuditAction.ACCESS_DENIED)
    assert len(denied) == 5
    assert all(e.school_id == world.school_a.id for e in denied)

    context = auth.switch_school(session, token, world.school_b.id, now=NOW)
    session.commit()
    assert (context.school_id, context.school_name) == (world.school_b.id, world.school_b.name)
    assert auth.resolve_session(session, token, now=NOW).school_id == world.school_b.id
    switched = _events(session, AuditAction.SCHOOL_SWITCHED)
    assert [e.school_id for e in switched] == [world.school_b.id]

    with pytest.raises(NotAllowed, match="sessie is verlopen"):
        auth.switch_school(session, "A" * 43, world.school_b.id, now=NOW)


def test_revoked_school_moves_the_session_or_ends_it(session, world: World) -> None:
    token = _login(session, world)
    admins.revoke_school(session, "an.beheer", world.school_a.id)
    session.commit()
    context = auth.resolve_session(session, token, now=NOW)
    assert context.school_id == world.school_b.id
    assert [s.id for s in context.schools] == [world.school_b.id]

    admins.revoke_school(session, "an.beheer", world.school_b.name)
    session.commit()
    assert auth.resolve_session(session, token, now=NOW) is None


# --- School scope of pupils -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_argument", "error"),
    [
        (lambda own, foreign: foreign.id, NotFound),
        (lambda own, foreign: 999_999, NotFound),
        (lambda own, foreign: str(own.id), NotAllowed),
        (lambda own, foreign: "5", NotAllowed),
        (lambda own, foreign: True, NotAllowed),
        (lambda own, foreign: -1, NotAllowed),
        (lambda own, foreign: 0, NotAllowed),
        (lambda own, foreign: None, NotAllowed),
        (lambda own, foreign: float(own.id), NotAllowed),
        (lambda own, foreign: 2**40, NotAllowed),
        (lambda own, foreign: {"id": own.id}, NotAllowed),
    ],
)
def test_pupils_outside_the_school_or_bad_ids_are_refused(
    session,
    world,
    make_argument,
    error,
) -> None:
    token = _login(session, world)
    own = _pupil(session, world.school_a, "70246")
    foreign = _pupil(session, _school(session, "Andere School"), "70247")
    session.commit()
    context = auth.resolve_session(session, token, now=NOW)

    argument = make_argument(own, foreign)
    with pytest.raises(error) as refused:
        scope.require_pupil_in_scope(session, context, argument, now=NOW)
    expected = (
        "Deze leerling bestaat niet in je instelling."
        if error is NotFound
        else "Ongeldige aanvraag."
    )
    assert refused.value.message == expected
    session.commit()
    (denied,) = _events(session, AuditAction.ACCESS_DENIED)
    assert denied.pupil_id is None  # never linked to another school's pupil
    assert denied.school_id == world.school_a.id
    assert repr(argument) in denied.details


def test_own_pupil_is_returned(session, world: World) -> None:
    token = _login(session, world)
    own = _pupil(session, world.school_a, "70246")
    session.commit()
    context = auth.resolve_session(session, token, now=NOW)
    assert scope.require_pupil_in_scope(session, context, own.id).id == own.id
    assert _events(session, AuditAction.ACCESS_DENIED) == []


# --- Administrator management -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "display_name", "password", "message"),
    [
        ("ab", "An", PASSWORD, "3 tot 80 tekens"),
        ("an beheer", "An", PASSWORD, "3 tot 80 tekens"),
        ("an@school.be", "An", PASSWORD, "3 tot 80 tekens"),
        ("a" * 81, "An", PASSWORD, "3 tot 80 tekens"),
        ("an.nieuw", "", PASSWORD, "De naam"),
        ("an.nieuw", "An\x00", PASSWORD, "De naam"),
        ("an.nieuw", "An", "kort-11-tkn", "minstens 12 tekens"),
        ("an.nieuw", "An", "x" * 257, "hoogstens 256"),
        ("An.Beheer", "An", PASSWORD, "al in gebruik"),
    ],
)
def test_create_administrator_refuses_bad_input(
    session,
    world,
    username,
    display_name,
    password,
    message,
) -> None:
    with pytest.raises(DomainError, match=message):
        admins.create_administrator(session, username, display_name, password)


def test_administrator_management(session, world: World) -> None:
    created = admins.create_administrator(session, " Dirk.Nieuw ", "Dirk Nieuw", PASSWORD, now=NOW)
    assert created.username == "dirk.nieuw"
    assert (
        admins.grant_school(session, "dirk.nieuw", str(world.school_b.id)).id == world.school_b.id
    )
    with pytest.raises(DomainError, match="al"):
        admins.grant_school(session, "dirk.nieuw", world.school_b.name)
    with pytest.raises(DomainError, match="bestaat niet"):
        admins.grant_school(session, "dirk.nieuw", "Onbekende School")
    with pytest.raises(DomainError, match="bestaat niet"):
        admins.grant_school(session, "niemand", world.school_b.name)
    with pytest.raises(DomainError, match="niet"):
        admins.revoke_school(session, "dirk.nieuw", world.school_a.name)
    session.commit()

    summaries = {s.username: s for s in admins.list_administrators(session)}
    assert list(summaries) == ["an.beheer", "bo.beheer", "dirk.nieuw"]
    assert summaries["dirk.nieuw"].schools == (world.school_b.name,)
    assert summaries["an.beheer"].schools == (world.school_a.name, world.school_b.name)
    assert [s.name for s in admins.list_schools(session)] == [
        world.school_a.name,
        world.school_b.name,
    ]


def test_new_password_ends_open_sessions(session, world: World) -> None:
    token = _login(session, world)
    admins.set_administrator_password(session, "an.beheer", "Nieuw-wachtwoord-2025", now=NOW)
    session.commit()
    assert auth.resolve_session(session, token, now=NOW) is None
    with pytest.raises(DomainError, match="minstens 12"):
        admins.set_administrator_password(session, "an.beheer", "kort")
    with pytest.raises(DomainError, match="bestaat niet"):
        admins.set_administrator_password(session, "niemand", "Nieuw-wachtwoord-2025")
    assert auth.authenticate(session, "an.beheer", "Nieuw-wachtwoord-2025", now=NOW).ok


def test_parallel_guesses_for_a_new_name_queue_up(engine, request) -> None:
    """Two logins racing to create a name's throttle row: the loser waits, then counts too."""
    first = Session(engine)
    request.addfinalizer(first.close)
    policy = ThrottlePolicy.from_settings()
    row = throttle._acquire(first, "admin", "race.name", "ip:x")  # inserted, not committed
    throttle._fail(row, NOW, policy, policy.free_attempts)
    first.flush()

    outcome: dict[str, int] = {}

    def second_attempt() -> None:
        with Session(engine) as second:
            # Blocks on the unique index until the first commits, then locks the same row.
            other = throttle._acquire(second, "admin", "race.name", "ip:x")
            throttle._fail(other, NOW, policy, policy.free_attempts)
            outcome["failures"] = other.failures
            second.commit()

    thread = threading.Thread(target=second_attempt)
    thread.start()
    thread.join(timeout=0.5)
    assert thread.is_alive()  # waiting for the first transaction
    first.commit()
    thread.join(timeout=10)
    assert outcome == {"failures": 2}
