"""The schema builds and enforces its unique constraints on both databases."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from leerid_app.models import (
    AccountType,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)


def test_username_is_unique_across_schools(session) -> None:
    schools = [School(name="A"), School(name="B")]
    session.add_all(schools)
    session.flush()
    pupils = [
        Pupil(
            school_id=s.id,
            stamnummer="1",
            first_name="An",
            last_name="Peeters",
            administrative_group="1A",
            education_level=EducationLevel.BASIS,
            enrollment_end=date(2027, 8, 31),
            search_text="1 an peeters",
            sort_key="peeters an",
        )
        for s in schools
    ]
    session.add_all(pupils)
    session.flush()
    for pupil in pupils:
        session.add(
            LeerIDAccount(
                pupil_id=pupil.id,
                account_type=AccountType.BASIS,
                username="an.peeters",
                password_hash="x",
                password_type=PasswordType.BASIS,
                created_at=datetime.now(UTC),
            )
        )
    with pytest.raises(IntegrityError):
        session.flush()
