"""Pupils whose enrollment ended are Inactief, in the list and in the rule, and never activated."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from leerid_app import texts
from leerid_app.services import accounts, bulk, clock
from leerid_app.services.accounts import Actor
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import get_password_hashing
from leerid_app.services.pupils import (
    AccountStatus,
    PupilFilter,
    derive_status,
    matching_pupil_ids,
)
from tests.services.factories import add_account, add_pupil, add_school

TODAY = date(2026, 12, 3)
LEFT = date(2026, 8, 31)
STAYS = date(2027, 8, 31)


@pytest.fixture
def school(session: Session):
    school = add_school(session, "School A")
    session.commit()
    return school


def test_sql_filter_and_python_rule_agree_on_every_combination(session: Session, school) -> None:
    ids: dict[tuple[bool, date], int] = {}
    for n, (has_account, end) in enumerate(
        itertools.product([True, False], [LEFT, TODAY, STAYS, date(2026, 12, 2)])
    ):
        pupil = add_pupil(session, school, f"{n:05}", "Jan", f"Peeters{n}")
        pupil.enrollment_end = end
        if has_account:
            add_account(session, pupil, f"jan.peeters{n}", "hash")
        assert pupil.id is not None
        ids[(has_account, end)] = pupil.id
    session.commit()
    for status in AccountStatus:
        found = set(
            matching_pupil_ids(
                session, school_id=school.id, filters=PupilFilter(status=status), today=TODAY
            )
        )
        expected = {
            pupil_id
            for (has_account, end), pupil_id in ids.items()
            if derive_status(has_account=has_account, enrollment_end=end, today=TODAY) is status
        }
        assert found == expected, status


def test_activation_leaves_out_pupils_who_left_and_says_why(session: Session, school) -> None:
    left = add_pupil(session, school, "50003", "Jan", "Maes")
    left.enrollment_end = LEFT
    stays = add_pupil(session, school, "50004", "Lien", "Maes")
    session.commit()
    plan = bulk.plan_activation(
        session, school_id=school.id, pupil_ids=[left.id, stays.id], today=TODAY
    )
    assert [p.pupil.pupil_id for p in plan.to_activate] == [stays.id]
    assert [p.pupil_id for p in plan.enrollment_ended] == [left.id]


def test_a_pupil_who_left_is_not_activated_one_by_one(session: Session, school) -> None:
    left = add_pupil(session, school, "50003", "Jan", "Maes")
    left.enrollment_end = LEFT
    session.commit()
    with (
        clock.frozen(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)),
        pytest.raises(DomainError) as refused,
    ):
        accounts.activate_account(
            session,
            school_id=school.id,
            pupil_id=left.id,
            actor=Actor(None, "an.beheer"),
            hashing=get_password_hashing(),
        )
    assert refused.value.message == texts.ENROLLMENT_ENDED.format(date="31 augustus 2026")
    assert accounts.account_of(session, left.id) is None
