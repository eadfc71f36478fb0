"""Rows the service tests build: a school, a pupil with search keys, a LeerID."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from leerid_app.models import (
    Administrator,
    AdministratorSchool,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services.accounts import account_type_for
from leerid_app.services.pupils import pupil_search_keys


def add_school(session: Session, name: str) -> School:
    school = School(name=name)
    session.add(school)
    session.flush()
    return school


def add_pupil(
    session: Session,
    school: School,
    stamnummer: str,
    first: str,
    last: str,
    group: str = "2e lj 2e gr Wetenschappen ASO",
    level: EducationLevel = EducationLevel.SECUNDAIR,
) -> Pupil:
    search_text, sort_key = pupil_search_keys(stamnummer, first, last)
    pupil = Pupil(
        school_id=school.id,
        stamnummer=stamnummer,
        first_name=first,
        last_name=last,
        administrative_group=group,
        education_level=level,
        enrollment_end=date(2027, 8, 31),
        search_text=search_text,
        sort_key=sort_key,
    )
    session.add(pupil)
    session.flush()
    return pupil


def add_account(
    session: Session,
    pupil: Pupil,
    username: str,
    password_hash: str,
    email: str | None = None,
) -> LeerIDAccount:
    """A LeerID of the pupil's type; a linked e-mail implies the pupil chose their password."""
    account_type = account_type_for(pupil.education_level)
    account = LeerIDAccount(
        pupil_id=pupil.id,
        account_type=account_type,
        username=username,
        password_hash=password_hash,
        password_type=PasswordType.EIGEN if email else PasswordType(account_type.value),
        email=email,
        created_at=datetime(2026, 9, 10, 8, 0, tzinfo=UTC),
    )
    session.add(account)
    session.flush()
    return account


def add_administrator(session: Session, username: str, *schools: School) -> Administrator:
    """A LeerID-beheerder of the given schools (no usable password: services only)."""
    administrator = Administrator(
        username=username,
        display_name=username,
        password_hash="not-a-hash",
        created_at=datetime(2026, 9, 1, 8, 0, tzinfo=UTC),
    )
    session.add(administrator)
    session.flush()
    for school in schools:
        session.add(AdministratorSchool(administrator_id=administrator.id, school_id=school.id))
    session.flush()
    return administrator
