"""Readiness reasons, the Overzicht's counts and the login chart, with the clock injected."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from leerid_app.models import EducationLevel, LeerIDAccount, PasswordType, Pupil
from leerid_app.services import audit, bulk
from leerid_app.services.accounts import Actor
from leerid_app.services.audit import PUPIL_ACTOR, AuditAction
from leerid_app.services.dates import school_today, school_year_end
from leerid_app.services.errors import DomainError
from leerid_app.services.pupils import AccountStatus, Attention, PupilFilter, count_pupils
from leerid_app.services.readiness import (
    COLUMN_FILTERS,
    Column,
    Fix,
    LoginSource,
    Reason,
    Scope,
    check_readiness,
    fix_targets,
    fresh_since,
    group_overview,
    logins_per_day,
)
from tests.services.factories import add_account, add_pupil, add_school

TODAY = date(2026, 12, 3)
GROUP = "6de leerjaar"
OTHER = "5de leerjaar"


def _pupil(session: Session, school, stamnummer: str, group: str = GROUP, **fields) -> Pupil:
    level = fields.pop("level", EducationLevel.BASIS)
    pupil = add_pupil(session, school, stamnummer, f"Voornaam{stamnummer}", "Naam", group, level)
    for name, value in fields.items():
        setattr(pupil, name, value)
    session.flush()
    return pupil


def _account(session: Session, pupil: Pupil, *, logged_in: bool = True, **fields):
    account = add_account(
        session, pupil, f"u{pupil.school_id}.{pupil.stamnummer}", "hash", fields.pop("email", None)
    )
    if logged_in:
        account.last_login_at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    for name, value in fields.items():
        setattr(account, name, value)
    session.flush()
    return account


@pytest.fixture
def school_with_every_reason(session: Session):
    """One pupil per reason in GROUP, one ready pupil, and a pupil of another group/school."""
    school = add_school(session, "School A")
    pupils = {
        "ready": _pupil(session, school, "1001"),
        Reason.NO_ACCOUNT: _pupil(session, school, "1002"),
        Reason.INACTIVE: _pupil(session, school, "1003", enrollment_end=TODAY - timedelta(1)),
        Reason.EMAIL_LINKED: _pupil(session, school, "1004", level=EducationLevel.SECUNDAIR),
        Reason.DEADLINE_PASSED: _pupil(session, school, "1005", level=EducationLevel.SECUNDAIR),
        Reason.NEVER_LOGGED_IN: _pupil(session, school, "1006"),
        "deadline_today": _pupil(session, school, "1007", level=EducationLevel.SECUNDAIR),
        "other_group": _pupil(session, school, "1008", group=OTHER),
        Reason.RECENTLY_ISSUED: _pupil(session, school, "1009"),
    }
    _account(session, pupils["ready"])
    _account(session, pupils[Reason.INACTIVE])
    _account(session, pupils[Reason.EMAIL_LINKED], email="a.b@example.org", logged_in=False)
    must_change = {"must_change_password": True, "password_type": PasswordType.GEVORDERD}
    _account(
        session,
        pupils[Reason.DEADLINE_PASSED],
        password_change_deadline=TODAY - timedelta(days=1),
        **must_change,
    )
    _account(session, pupils[Reason.NEVER_LOGGED_IN], logged_in=False)
    # On the deadline day itself the pupil may still postpone: not yet a reason.
    _account(session, pupils["deadline_today"], password_change_deadline=TODAY, **must_change)
    _account(session, pupils["other_group"], logged_in=False)
    # A slip printed three days ago: not yet used, and not to be voided by a second fix.
    _account(
        session,
        pupils[Reason.RECENTLY_ISSUED],
        logged_in=False,
        password_changed_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    other_school = add_school(session, "School B")
    _account(session, _pupil(session, other_school, "1001"), logged_in=False)
    session.commit()
    return school, pupils


def test_every_reason_is_found_once_in_the_order_they_are_decided(
    session: Session, school_with_every_reason
) -> None:
    school, pupils = school_with_every_reason
    report = check_readiness(
        session, school_id=school.id, scope=Scope.of(groups=[GROUP]), today=TODAY
    )
    assert report.total == 8
    assert report.counts == {reason: 1 for reason in Reason}
    assert report.ready == 2  # the ready pupil and the one whose deadline is today
    found = {row.pupil_id: row.reason for row in report.rows}
    assert found == {pupils[reason].id: reason for reason in Reason}
    assert report.to_activate == 1 and report.to_renew == 2


def test_the_deadline_boundary_moves_with_the_injected_day(
    session: Session, school_with_every_reason
) -> None:
    school, pupils = school_with_every_reason
    tomorrow = check_readiness(
        session, school_id=school.id, scope=Scope.of(groups=[GROUP]), today=TODAY + timedelta(1)
    )
    found = {row.pupil_id: row.reason for row in tomorrow.rows}
    assert found[pupils["deadline_today"].id] is Reason.DEADLINE_PASSED


def test_31_august_is_the_last_active_day(session: Session, school_with_every_reason) -> None:
    school, pupils = school_with_every_reason
    end = school_year_end(TODAY)
    assert end == date(2027, 8, 31)
    pupils["ready"].enrollment_end = end
    session.commit()
    scope = Scope.of(pupil_ids=[pupils["ready"].id])
    on_the_day = check_readiness(session, school_id=school.id, scope=scope, today=end)
    after = check_readiness(session, school_id=school.id, scope=scope, today=end + timedelta(1))
    assert on_the_day.counts == {}
    assert after.counts == {Reason.INACTIVE: 1}


def test_a_password_counts_as_fresh_for_14_brussels_days(
    session: Session, school_with_every_reason
) -> None:
    school, pupils = school_with_every_reason
    pupil = pupils[Reason.RECENTLY_ISSUED]
    scope = Scope.of(pupil_ids=[pupil.id])
    account = session.exec(select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil.id)).one()
    # Issued at 00:00 Brussels time (23:00 UTC the day before, in winter), 14 days ago: fresh.
    account.password_changed_at = fresh_since(TODAY)
    assert fresh_since(TODAY) == datetime(2026, 11, 18, 23, 0, tzinfo=UTC)
    session.commit()
    report = check_readiness(session, school_id=school.id, scope=scope, today=TODAY)
    assert report.counts == {Reason.RECENTLY_ISSUED: 1}
    account.password_changed_at = fresh_since(TODAY) - timedelta(seconds=1)
    session.commit()
    report = check_readiness(session, school_id=school.id, scope=scope, today=TODAY)
    assert report.counts == {Reason.NEVER_LOGGED_IN: 1}


def test_brussels_day_not_utc_day() -> None:
    # 23:30 UTC on 31 August is already 1 September in Brussels (summer time).
    assert school_today(datetime(2027, 8, 31, 23, 30, tzinfo=UTC)) == date(2027, 9, 1)
    assert school_today(datetime(2027, 8, 31, 21, 30, tzinfo=UTC)) == date(2027, 8, 31)


def test_fix_targets_exactly_those_a_bulk_run_can_fix(
    session: Session, school_with_every_reason
) -> None:
    school, pupils = school_with_every_reason
    targets = fix_targets(session, school_id=school.id, scope=Scope.of(groups=[GROUP]), today=TODAY)
    assert targets.activate == [pupils[Reason.NO_ACCOUNT].id]
    assert targets.renew == sorted(
        [pupils[Reason.DEADLINE_PASSED].id, pupils[Reason.NEVER_LOGGED_IN].id]
    )
    assert Fix.NONE not in {Fix.ACTIVATE, Fix.RENEW}


def test_a_selection_of_another_school_matches_nothing(
    session: Session, school_with_every_reason
) -> None:
    _school, pupils = school_with_every_reason
    other = add_school(session, "School C")
    report = check_readiness(
        session,
        school_id=other.id,
        scope=Scope.of(pupil_ids=[p.id for p in pupils.values()]),
        today=TODAY,
    )
    assert report.total == 0 and report.rows == []


def test_empty_and_oversized_scopes(session: Session, school_with_every_reason) -> None:
    school, _pupils = school_with_every_reason
    assert check_readiness(session, school_id=school.id, scope=Scope(), today=TODAY).total == 0
    with pytest.raises(DomainError):
        Scope.of(pupil_ids=range(6000))


def test_overview_counts_match_the_list_filters_they_link_to(
    session: Session, school_with_every_reason
) -> None:
    school, _pupils = school_with_every_reason
    rows = group_overview(session, school_id=school.id, today=TODAY)
    assert [row.administrative_group for row in rows] == [OTHER, GROUP, ""]
    sixth = rows[1].counts
    assert sixth[Column.PUPILS] == 8
    assert sixth[Column.NO_ACCOUNT] == 1 and sixth[Column.INACTIVE] == 1
    assert sixth[Column.ACTIVE] == 6
    # The e-mail-linked one, the never-logged-in one and the one with a fresh password.
    assert sixth[Column.NOT_LOGGED_IN] == 3
    assert sixth[Column.MUST_CHOOSE] == 2 and sixth[Column.DEADLINE_PASSED] == 1
    assert sixth[Column.EMAIL_LINKED] == 1
    assert rows[-1].counts[Column.PUPILS] == 9
    for row in rows:
        for column, (status, attention) in COLUMN_FILTERS.items():
            filters = PupilFilter(
                administrative_group=row.administrative_group, status=status, attention=attention
            )
            listed = count_pupils(session, school_id=school.id, filters=filters, today=TODAY)
            assert listed == row.counts[column], (row.administrative_group, column)


def test_attention_filters_on_the_list(session: Session, school_with_every_reason) -> None:
    school, _pupils = school_with_every_reason

    def count(**kwargs) -> int:
        return count_pupils(
            session, school_id=school.id, filters=PupilFilter(**kwargs), today=TODAY
        )

    assert count(attention=Attention.EMAIL_LINKED) == 1
    assert count(attention=Attention.DEADLINE_PASSED) == 1
    assert count(attention=Attention.NOT_LOGGED_IN, status=AccountStatus.ACTIEF) == 4


def _login(session: Session, school_id: int, pupil_id: int, at: datetime) -> None:
    audit.record_event(
        session,
        action=AuditAction.PUPIL_LOGIN,
        actor_administrator_id=None,
        actor_username=PUPIL_ACTOR,
        school_id=school_id,
        pupil_id=pupil_id,
        now=at,
    )


def test_logins_per_day_from_the_audit_log_in_brussels_days(
    session: Session, school_with_every_reason
) -> None:
    school, pupils = school_with_every_reason
    pupil_id = pupils["ready"].id
    _login(session, school.id, pupil_id, datetime(2026, 12, 3, 7, 0, tzinfo=UTC))
    _login(session, school.id, pupil_id, datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    # 23:30 UTC on 1 December is 00:30 on 2 December in Brussels.
    _login(session, school.id, pupil_id, datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    # 31 days ago: outside the chart.
    _login(session, school.id, pupil_id, datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    session.commit()
    chart = logins_per_day(session, school_id=school.id, today=TODAY)
    assert chart.source is LoginSource.AUDIT
    assert len(chart.days) == 30
    assert chart.days[0][0] == date(2026, 11, 4) and chart.days[-1][0] == TODAY
    per_day = dict(chart.days)
    assert per_day[TODAY] == 2 and per_day[date(2026, 12, 2)] == 1
    assert per_day[date(2026, 12, 1)] == 0
    assert chart.total == 3


def test_logins_per_day_from_last_login_without_events(
    session: Session, school_with_every_reason
) -> None:
    school, _pupils = school_with_every_reason
    chart = logins_per_day(session, school_id=school.id, today=TODAY)
    assert chart.source is LoginSource.LAST_LOGIN
    # Every account that logged in did so on 20 November at 08:00 UTC: ready, inactive and the
    # two with a must-change deadline; the other school's pupil never did.
    assert dict(chart.days)[date(2026, 11, 20)] == 4
    assert chart.total == 4


def test_the_fix_activates_and_renews_in_one_run_and_never_touches_an_email(
    session: Session, school_with_every_reason
) -> None:
    school, pupils = school_with_every_reason
    scope = Scope.of(groups=[GROUP])
    targets = fix_targets(session, school_id=school.id, scope=scope, today=TODAY)
    # An e-mail-linked pupil slipped into the renewal ids is still left alone by the plan.
    email_pupil = pupils[Reason.EMAIL_LINKED]
    plan = bulk.plan_fix(
        session,
        school_id=school.id,
        activate_ids=targets.activate,
        renew_ids=[*targets.renew, email_pupil.id],
    )
    assert [p.pupil.pupil_id for p in plan.to_activate] == targets.activate
    assert sorted(p.pupil.pupil_id for p in plan.to_renew) == targets.renew
    assert [p.pupil_id for p in plan.email_linked] == [email_pupil.id]
    planned = plan.planned
    saved = bulk.save_fix(
        session,
        school_id=school.id,
        planned=planned,
        password_hashes=[f"hash-{p.pupil.pupil_id}" for p in planned],
        actor=Actor(None, "test"),
    )
    session.commit()
    assert saved.refused == []
    assert sorted(c.pupil_id for c in saved.issued) == sorted([*targets.activate, *targets.renew])
    after = check_readiness(session, school_id=school.id, scope=scope, today=TODAY)
    # Activated and renewed pupils still have to log in once, but nobody lacks an account.
    assert Reason.NO_ACCOUNT not in after.counts
    assert Reason.DEADLINE_PASSED not in after.counts
    assert after.counts[Reason.EMAIL_LINKED] == 1
