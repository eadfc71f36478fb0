"""One school clock (Europe/Brussels) around midnight and DST: days, status, names, Logboek."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from leerid_app.models import AuditEvent, School
from leerid_app.services import clock
from leerid_app.services.audit import AuditAction, list_events, record_event
from leerid_app.services.dates import dutch_datetime
from leerid_app.services.exports import export_filename
from leerid_app.services.pupils import AccountStatus, derive_status


@pytest.mark.parametrize(
    ("utc", "school_day"),
    [
        (datetime(2026, 3, 1, 22, 59, tzinfo=UTC), date(2026, 3, 1)),
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), date(2026, 3, 2)),  # 00:30 in Brussels
        # Summer time starts 29 March 2026 at 02:00 (a 23-hour day).
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
        # Winter time returns 25 October 2026 at 03:00 (a 25-hour day).
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
    ],
)
def test_today_is_the_brussels_day(utc: datetime, school_day: date) -> None:
    with clock.frozen(utc):
        assert clock.today() == school_day
        assert clock.day_start(school_day) <= clock.now() < clock.day_end(school_day)


def test_day_bounds_span_23_and_25_hours_at_the_dst_changes() -> None:
    assert clock.day_end(date(2026, 3, 29)) - clock.day_start(date(2026, 3, 29)) == timedelta(
        hours=23
    )
    assert clock.day_end(date(2026, 10, 25)) - clock.day_start(date(2026, 10, 25)) == timedelta(
        hours=25
    )


def test_status_and_file_names_follow_the_school_day() -> None:
    # 31 August, 23:30 UTC is already 1 September in Brussels: the enrollment has ended.
    with clock.frozen(datetime(2026, 8, 31, 23, 30, tzinfo=UTC)):
        today = clock.today()
        status = derive_status(has_account=True, enrollment_end=date(2026, 8, 31), today=today)
        assert status is AccountStatus.INACTIEF
        assert export_filename("LeerID", "School", today, "pdf") == "LeerID-School-2026-09-01.pdf"


@pytest.mark.parametrize(
    ("occurred", "shown", "first_day"),
    [
        (datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "2 maart 2026 om 00:30", date(2026, 3, 2)),
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "29 maart 2026 om 00:30", date(2026, 3, 29)),
        (datetime(2026, 3, 29, 21, 30, tzinfo=UTC), "29 maart 2026 om 23:30", date(2026, 3, 29)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 oktober 2026 om 02:30", date(2026, 10, 25)),
        (
            datetime(2026, 10, 25, 22, 30, tzinfo=UTC),
            "25 oktober 2026 om 23:30",
            date(2026, 10, 25),
        ),
    ],
)
def test_logbook_filter_finds_an_event_on_the_day_it_shows(
    session: Session, occurred: datetime, shown: str, first_day: date
) -> None:
    school = School(name="School A")
    session.add(school)
    session.flush()
    record_event(
        session,
        action=AuditAction.LOGIN,
        actor_administrator_id=None,
        actor_username="an.beheer",
        school_id=school.id,
        now=occurred,
    )
    session.commit()
    assert dutch_datetime(occurred) == shown
    assert school.id is not None

    def found(**filters: date) -> int:
        return list_events(session, school_id=school.id or 0, **filters).total

    assert found(date_from=first_day) == 1
    assert found(date_to=first_day) == 1
    assert found(date_from=first_day, date_to=first_day) == 1
    assert found(date_to=first_day - timedelta(days=1)) == 0
    assert found(date_from=first_day + timedelta(days=1)) == 0
    assert session.get(AuditEvent, 1) is not None
