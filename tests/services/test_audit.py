"""The audit log: safe details, filters, ordering, paging, and no way to change history."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlmodel import select

from leerid_app.models import AuditEvent, EducationLevel, Pupil, School
from leerid_app.services.audit import (
    ACTION_LABELS,
    AuditAction,
    AuditLogAppendOnlyError,
    list_events,
    record_event,
)
from leerid_app.services.audit_details import describe
from leerid_app.services.clock import SCHOOL_TIMEZONE
from leerid_app.services.text import fold

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def _school(session, name: str) -> School:
    school = School(name=name)
    session.add(school)
    session.flush()
    return school


def _pupil(session, school: School, stamnummer: str, first: str, last: str) -> Pupil:
    pupil = Pupil(
        school_id=school.id,
        stamnummer=stamnummer,
        first_name=first,
        last_name=last,
        administrative_group="6de leerjaar",
        education_level=EducationLevel.BASIS,
        enrollment_end=date(2025, 8, 31),
        search_text=fold(f"{stamnummer} {first} {last}"),
        sort_key=fold(f"{last} {first}"),
    )
    session.add(pupil)
    session.flush()
    return pupil


def _event(session, school: School, action: AuditAction, at: datetime, pupil=None):
    return record_event(
        session,
        action=action,
        actor_administrator_id=None,
        actor_username="an.beheer",
        school_id=school.id,
        pupil_id=pupil.id if pupil else None,
        details={"n": at.isoformat()},
        now=at,
    )


def test_every_action_has_a_dutch_label() -> None:
    assert set(ACTION_LABELS) == set(AuditAction)
    assert ACTION_LABELS[AuditAction.LOGIN_FAILED] == "Mislukte aanmelding"


def test_record_event_stores_compact_sorted_json(session) -> None:
    school = _school(session, "School A")
    pupil = _pupil(session, school, "60351", "Abdulghani", "Bogdan")
    record_event(
        session,
        action=AuditAction.USERNAME_CHANGED,
        actor_administrator_id=None,
        actor_username="x" * 100,
        school_id=school.id,
        pupil_id=pupil.id,
        details={"to": "abdulghani.b", "from": "abdulghani.bogdan"},
        now=NOW,
    )
    session.commit()
    stored = session.exec(select(AuditEvent)).one()
    assert stored.details == '{"from":"abdulghani.bogdan","to":"abdulghani.b"}'
    assert stored.action == "username_changed"
    assert stored.actor_username == "x" * 80
    assert stored.occurred_at.replace(tzinfo=UTC) == NOW


def test_details_are_cut_at_the_column_limit(session) -> None:
    school = _school(session, "School A")
    event_row = record_event(
        session,
        action=AuditAction.LOGIN,
        actor_administrator_id=None,
        actor_username="a",
        school_id=school.id,
        details={"note": "é" * 5000},
    )
    session.commit()
    assert len(event_row.details) == 2000
    assert event_row.details.endswith("…")


@pytest.mark.parametrize(
    "details",
    [
        {"password": "34mij1"},
        {"newPassword": "x"},
        {"Wachtwoord": "x"},
        {"password_hash": "x"},
        {"session_TOKEN": "x"},
        {"client_secret": "x"},
        {"outer": {"password": "x"}},
        {"rows": [{"username": "a", "wachtwoord": "x"}]},
        {1: "non-string key"},
    ],
)
def test_details_naming_a_secret_are_refused(details) -> None:
    # Refused before touching the session, so no database is needed.
    with pytest.raises(ValueError):
        record_event(
            None,  # type: ignore[arg-type]
            action=AuditAction.PASSWORD_RENEWED,
            actor_administrator_id=None,
            actor_username="a",
            details=details,
        )


@pytest.mark.parametrize(
    ("action", "details", "sentence"),
    [
        ("username_changed", '{"from":"a","to":"b"}', "Van a naar b."),
        (
            "password_renewed",
            '{"bulk":true,"username":"an.peeters"}',
            "In bulk, gebruikersnaam an.peeters.",
        ),
        ("password_renewed", '{"type":"gevorderd"}', "Nieuw gevorderd wachtwoord."),
        ("bulk_passwords_renewed", '{"count":2}', "Voor 2 LeerID's."),
        ("slips_downloaded", '{"count":1}', "Met 1 LeerID."),
        (
            "account_activated",
            '{"type":"basis","username":"lucas.peeters"}',
            "Gebruikersnaam lucas.peeters, basis wachtwoord.",
        ),
        (
            "access_denied",
            '{"argument":"61","reason":"pupil_not_in_school"}',
            "Gevraagd: een leerling die niet in deze instelling zit (intern nummer 61).",
        ),
        (
            "login_failed",
            '{"reason":"wrong_password","username":"x"}',
            "Verkeerd wachtwoord voor „x”.",
        ),
        ("session_expired", '{"reason":"idle"}', "Te lang niet actief geweest."),
        ("school_switched", '{"from_school_id":2}', "Vorige instelling: School B."),
        # Facts no sentence knows fall back to Dutch labels; unreadable JSON is shown raw.
        ("login", '{"bulk":true,"count":2}', "bulk: ja; aantal: 2"),
        ("login", "", ""),
        ("login", '{"cut":"abc…', '{"cut":"abc…'),
    ],
)
def test_details_are_dutch_sentences(action: str, details: str, sentence: str) -> None:
    assert describe(action, details, {2: "School B"}) == sentence


def test_logbook_names_the_previous_school(session) -> None:
    school = _school(session, "School A")
    other = _school(session, "School B")
    record_event(
        session,
        action=AuditAction.SCHOOL_SWITCHED,
        actor_administrator_id=None,
        actor_username="beheerder",
        school_id=school.id,
        details={"from_school_id": other.id},
    )
    shown = list_events(session, school_id=school.id).rows
    assert [row.details for row in shown] == ["Vorige instelling: School B."]
    assert "from_school_id" not in shown[0].details


def test_list_is_newest_first_and_paged_on_the_server(session) -> None:
    school = _school(session, "School A")
    other = _school(session, "School B")
    for minute in range(7):
        _event(session, school, AuditAction.LOGIN, NOW + timedelta(minutes=minute))
    _event(session, other, AuditAction.LOGIN, NOW + timedelta(hours=1))
    session.commit()

    first = list_events(session, school_id=school.id, page=1, page_size=3)
    assert first.total == 7
    assert first.page_count == 3
    assert [row.occurred_at for row in first.rows] == [
        NOW + timedelta(minutes=m) for m in (6, 5, 4)
    ]
    assert all(row.occurred_at.tzinfo is not None for row in first.rows)
    last = list_events(session, school_id=school.id, page=3, page_size=3)
    assert [row.occurred_at for row in last.rows] == [NOW]
    beyond = list_events(session, school_id=school.id, page=99, page_size=3)
    assert beyond.page == 3
    assert beyond.rows == last.rows
    assert list_events(session, school_id=school.id, page=0, page_size=3).page == 1


def test_rows_are_plain_view_values(session) -> None:
    school = _school(session, "School A")
    pupil = _pupil(session, school, "60351", "Abdulghani", "Bogdan")
    _event(session, school, AuditAction.PASSWORD_RENEWED, NOW, pupil)
    _event(session, school, AuditAction.LOGIN, NOW - timedelta(minutes=1))
    session.commit()
    with_pupil, without_pupil = list_events(session, school_id=school.id).rows
    assert with_pupil.action_label == "Nieuw wachtwoord"
    assert with_pupil.pupil_name == "Abdulghani Bogdan"
    assert with_pupil.stamnummer == "60351"
    assert with_pupil.details == f"n: {NOW.isoformat()}"
    assert without_pupil.pupil_name == ""
    assert without_pupil.stamnummer == ""
    assert not isinstance(with_pupil, AuditEvent)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"abdul-renew", "elodie-renew", "elodie-activate", "login", "day-before"}),
        ({"pupil_query": "elodie"}, {"elodie-renew", "elodie-activate"}),
        ({"pupil_query": "ÉLODIE"}, {"elodie-renew", "elodie-activate"}),
        ({"pupil_query": "60351"}, {"abdul-renew"}),
        ({"pupil_query": "  bogdan   abdul "}, {"abdul-renew"}),
        ({"pupil_query": "bogdan elodie"}, set()),
        ({"pupil_query": "%"}, set()),
        ({"pupil_query": "_"}, set()),
        ({"pupil_query": "' OR 1=1 --"}, set()),
        ({"action": AuditAction.PASSWORD_RENEWED}, {"abdul-renew", "elodie-renew"}),
        (
            {"action": AuditAction.PASSWORD_RENEWED, "pupil_query": "elodie"},
            {"elodie-renew"},
        ),
        (
            {"date_from": date(2025, 3, 10)},
            {"abdul-renew", "elodie-renew", "elodie-activate", "login"},
        ),
        ({"date_to": date(2025, 3, 9)}, {"day-before"}),
        # date_to includes the whole day, up to 23:59:59.
        (
            {"date_from": date(2025, 3, 10), "date_to": date(2025, 3, 10)},
            {"abdul-renew", "elodie-renew", "elodie-activate", "login"},
        ),
        ({"date_from": date(2025, 3, 11)}, set()),
    ],
)
def test_list_filters(session, filters, expected) -> None:
    school = _school(session, "School A")
    abdul = _pupil(session, school, "60351", "Abdulghani", "Bogdan")
    elodie = _pupil(session, school, "80240", "Élodie", "Bockstal")
    # Days are the school's (Brussels) days: midnight here is 23:00 UTC the day before.
    day = datetime(2025, 3, 10, tzinfo=SCHOOL_TIMEZONE)
    events = {
        "abdul-renew": (AuditAction.PASSWORD_RENEWED, day + timedelta(hours=8), abdul),
        "elodie-renew": (AuditAction.PASSWORD_RENEWED, day + timedelta(hours=9), elodie),
        "elodie-activate": (AuditAction.ACCOUNT_ACTIVATED, day + timedelta(hours=10), elodie),
        "login": (AuditAction.LOGIN, day + timedelta(hours=23, minutes=59, seconds=59), None),
        "day-before": (AuditAction.LOGIN, day - timedelta(seconds=1), None),
    }
    for name, (action, at, pupil) in events.items():
        record_event(
            session,
            action=action,
            actor_administrator_id=None,
            actor_username="an.beheer",
            school_id=school.id,
            pupil_id=pupil.id if pupil else None,
            details={"name": name},
            now=at,
        )
    session.commit()
    page = list_events(session, school_id=school.id, **filters)
    found = {row.details.removeprefix("name: ") for row in page.rows}
    assert found == expected
    assert page.total == len(expected)


def test_audit_events_cannot_be_changed_or_deleted(session) -> None:
    school = _school(session, "School A")
    event_row = _event(session, school, AuditAction.LOGIN, NOW)
    session.commit()

    event_row.details = json.dumps({"n": "rewritten"})
    with pytest.raises(AuditLogAppendOnlyError):
        session.flush()
    session.rollback()

    session.delete(event_row)
    with pytest.raises(AuditLogAppendOnlyError):
        session.flush()
    session.rollback()

    with pytest.raises(AuditLogAppendOnlyError):
        session.exec(update(AuditEvent).values(details="x"))
    session.rollback()
    with pytest.raises(AuditLogAppendOnlyError):
        session.exec(delete(AuditEvent))
    session.rollback()

    assert session.exec(select(AuditEvent.details)).all() == [f'{{"n":"{NOW.isoformat()}"}}']


def test_a_control_character_in_the_pupil_filter_matches_nothing_extra(session) -> None:
    school = _school(session, "School A")
    _event(session, school, AuditAction.LOGIN, NOW)
    session.commit()
    assert list_events(session, school_id=school.id, pupil_query="\x00").total == 1  # no filter
    assert list_events(session, school_id=school.id, pupil_query="zz\x00zz").total == 0
