"""Gegevenscontrole and Wie wordt inactief?: every rule, with the clock injected."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import Session

from leerid_app.models import Pupil
from leerid_app.services.dates import school_year_end
from leerid_app.services.errors import DomainError
from leerid_app.services.exports.reports_xlsx import build_data_check_xlsx, build_leavers_xlsx
from leerid_app.services.pupils import AccountStatus
from leerid_app.services.reports import (
    DataIssueKind,
    data_check,
    insz_birth_date,
    issue_counts,
    leavers,
)
from tests.services.factories import add_account, add_pupil, add_school

TODAY = date(2026, 12, 3)


def insz(born: date, sequence: int = 123) -> str:
    """A valid rijksregisternummer for a birth date (checksum with the 2000 prefix if needed)."""
    body = f"{born:%y%m%d}{sequence:03d}"
    prefixed = ("2" if born.year >= 2000 else "") + body
    return f"{body}{97 - int(prefixed) % 97:02d}"


def test_insz_birth_date_reads_both_centuries_and_bisnummers() -> None:
    assert insz_birth_date(insz(date(2010, 11, 7))) == date(2010, 11, 7)
    assert insz_birth_date(insz(date(1999, 2, 3))) == date(1999, 2, 3)
    bis = "10" + "31" + "07123"  # month 11 + 20
    bis += f"{97 - int('2' + bis) % 97:02d}"
    assert insz_birth_date(bis) == date(2010, 11, 7)
    wrong_checksum = insz(date(2010, 11, 7))[:-2] + "00"
    assert insz_birth_date(wrong_checksum) is None
    assert insz_birth_date("abc") is None and insz_birth_date(None) is None


def _pupil(session: Session, school, stamnummer: str, first: str, last: str, **fields) -> Pupil:
    pupil = add_pupil(session, school, stamnummer, first, last, "6de leerjaar")
    values = {
        "official_first_name": first,
        "official_last_name": last,
        "gender": "M",
        "birth_date": date(2014, 5, 1),
    }
    values.update(fields)
    for name, value in values.items():
        setattr(pupil, name, value)
    session.flush()
    return pupil


def test_every_data_rule(session: Session) -> None:
    school = add_school(session, "School A")
    _pupil(session, school, "1", "Jan", "Peeters", insz=insz(date(2014, 5, 1)))  # all fine
    # Case and spacing alone are no difference; a letter or an accent is.
    _pupil(session, school, "2", "Jan", "VAN  DAMME", official_last_name="Van Damme")
    differs = _pupil(session, school, "3", "Elodie", "Maes", official_first_name="Élodie")
    wrong_birth = _pupil(session, school, "4", "Sara", "Claes", insz=insz(date(2014, 5, 2)))
    missing = _pupil(
        session,
        school,
        "5",
        "Noor",
        "Wouters",
        official_first_name=None,
        official_last_name=None,
        gender=None,
        birth_date=None,
    )
    shared = insz(date(2013, 1, 9), 456)
    twin_a = _pupil(session, school, "6", "Ali", "Yilmaz", insz=shared, birth_date=date(2013, 1, 9))
    twin_b = _pupil(
        session, school, "7", "Aliye", "Yilmaz", insz=shared, birth_date=date(2013, 1, 9)
    )
    dup_a = _pupil(session, school, "8", "Lucas", "Peeters", birth_date=date(2012, 3, 3))
    dup_b = _pupil(session, school, "9", "Lucas", "Peeters", birth_date=date(2012, 3, 3))
    # Left already: not the package's current problem.
    _pupil(session, school, "10", "Oud", "Leerling", official_first_name="Anders",
           enrollment_end=date(2026, 6, 30))  # fmt: skip
    # Another school's same INSZ and name are no clash here.
    other = add_school(session, "School B")
    _pupil(session, other, "6", "Ali", "Yilmaz", insz=shared, birth_date=date(2013, 1, 9))
    session.commit()

    issues = data_check(session, school_id=school.id, today=TODAY)
    found = {(issue.kind, issue.stamnummer) for issue in issues}
    assert found == {
        (DataIssueKind.NAME_DIFFERS, differs.stamnummer),
        (DataIssueKind.BIRTH_DATE_DIFFERS, wrong_birth.stamnummer),
        (DataIssueKind.MISSING_OFFICIAL, missing.stamnummer),
        (DataIssueKind.DUPLICATE_INSZ, twin_a.stamnummer),
        (DataIssueKind.DUPLICATE_INSZ, twin_b.stamnummer),
        (DataIssueKind.LIKELY_DUPLICATE, dup_a.stamnummer),
        (DataIssueKind.LIKELY_DUPLICATE, dup_b.stamnummer),
    }
    by_key = {(issue.kind, issue.stamnummer): issue for issue in issues}
    assert by_key[(DataIssueKind.NAME_DIFFERS, "3")].official == "Élodie Maes"
    assert by_key[(DataIssueKind.BIRTH_DATE_DIFFERS, "4")].enrollment == "2014-05-02"
    assert by_key[(DataIssueKind.DUPLICATE_INSZ, "6")].related == ("7",)
    assert by_key[(DataIssueKind.LIKELY_DUPLICATE, "9")].related == ("8",)
    assert dict(issue_counts(issues))[DataIssueKind.DUPLICATE_INSZ] == 2

    workbook = openpyxl.load_workbook(io.BytesIO(build_data_check_xlsx(issues)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Bevinding", "Stamnummer")
    assert len(rows) == 1 + len(issues)


def test_leavers_until_31_august_per_group(session: Session) -> None:
    school = add_school(session, "School A")
    end = school_year_end(TODAY)
    stays = add_pupil(session, school, "1", "Blijft", "Hier")
    stays.enrollment_end = date(2027, 9, 1)  # the day after: not in the period
    on_the_day = add_pupil(session, school, "2", "Gaat", "Weg", "6de leerjaar")
    on_the_day.enrollment_end = end
    add_account(session, on_the_day, "gaat.weg", "hash")
    soon = add_pupil(session, school, "3", "Vertrekt", "Snel", "5de leerjaar")
    soon.enrollment_end = TODAY
    gone = add_pupil(session, school, "4", "Al", "Weg")
    gone.enrollment_end = date(2026, 12, 2)  # before the period
    session.commit()

    report = leavers(session, school_id=school.id, date_from=TODAY, date_to=end, today=TODAY)
    assert report.per_group == [("5de leerjaar", 1), ("6de leerjaar", 1)]
    assert [row.stamnummer for row in report.rows] == ["3", "2"]
    assert report.rows[1].username == "gaat.weg"
    assert report.rows[1].status is AccountStatus.ACTIEF
    assert report.rows[0].status is AccountStatus.GEEN_ACCOUNT
    later = leavers(
        session, school_id=school.id, date_from=TODAY, date_to=date(2027, 9, 1), today=TODAY
    )
    assert later.total == 3
    with pytest.raises(DomainError):
        leavers(session, school_id=school.id, date_from=end, date_to=TODAY, today=TODAY)

    workbook = openpyxl.load_workbook(io.BytesIO(build_leavers_xlsx(report.rows)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[1][0] == "3" and len(rows) == 3
