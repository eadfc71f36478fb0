"""The demo school's sample export: its pupils plus new pupils, changes, leavers and bad rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, SQLModel

from leerid_app.db import make_engine
from leerid_app.models import EducationLevel
from leerid_app.services.demo import MANUAL_PUPILS, _build_demo_school
from leerid_app.settings import PROJECT_ROOT

SAMPLE_PATH = PROJECT_ROOT / "assets" / "demo" / "leerlingen-export-046623.csv"
HEADERS = (
    "Stamnr_kort",
    "Voornaam",
    "Naam",
    "Klascode",
    "Geslacht",
    "Geboortedatum",
    "Rijksregisternummer",
    "Onderwijsniveau",
    "Opmerking",
)
# The names and stamnummers of the demo do not depend on the day it was seeded.
BUILD_DAY = date(2026, 12, 1)
LEVEL_TEXT = {
    EducationLevel.BASIS: "Basis",
    EducationLevel.BUITENGEWOON: "Buitengewoon",
    EducationLevel.SECUNDAIR: "Secundair",
}
NEW_PUPILS = (
    ("100001", "Lina", "Vermeulen", "6de leerjaar", "V", date(2015, 3, 14), EducationLevel.BASIS),
    (
        "100002",
        "Youssef",
        "El Amrani",
        "1e lj 1e gr A-stroom",
        "M",
        date(2014, 7, 2),
        EducationLevel.SECUNDAIR,
    ),
    ("100003", "Marie-Louise", "Dubois", "3de leerjaar", "V", date(2018, 1, 9), None),
    (
        "100004",
        "Wiktoria",
        "Kowalska",
        "BuSO OV3 Kantoor",
        "V",
        date(2011, 10, 23),
        EducationLevel.BUITENGEWOON,
    ),
)
CHANGED_GROUP = ("70246", "2e lj 3e gr Kantoor BSO")  # Sezen Beuken moves up a year


def insz_for(birth: date, serial: int) -> str:
    """A rijksregisternummer with a correct checksum (a 2 in front for births from 2000)."""
    body = f"{birth:%y%m%d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


@dataclass
class SampleExport:
    """The file's text and what importing it into the fresh demo must show."""

    text: str
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    ending: list[str] = field(default_factory=list)
    returning: list[str] = field(default_factory=list)
    refused_rows: list[int] = field(default_factory=list)
    unchanged: int = 0


def build_sample() -> SampleExport:
    """Build the sample export from the demo data, the same on every run."""
    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        _school, builder = _build_demo_school(session, BUILD_DAY)
        planned = list(builder.planned)
        session.rollback()
    engine.dispose()

    manual = {pupil.stamnummer for pupil in MANUAL_PUPILS}
    ordinary = sorted(
        (p for p in planned if p.pupil.stamnummer not in manual and p.account_type),
        key=lambda p: p.pupil.stamnummer,
    )
    active = [p for p in ordinary if p.pupil.enrollment_end >= BUILD_DAY]
    left = [p for p in ordinary if p.pupil.enrollment_end < BUILD_DAY]
    leavers = {p.pupil.stamnummer for p in active[:3]}
    returning = left[0].pupil.stamnummer
    renamed = active[3].pupil.stamnummer

    sample = SampleExport(text="")
    rows: list[list[str]] = []
    for item in planned:
        pupil = item.pupil
        if pupil.stamnummer in leavers:
            sample.ending.append(pupil.stamnummer)
            continue
        if pupil.enrollment_end < BUILD_DAY and pupil.stamnummer != returning:
            continue  # left earlier: the package no longer exports them
        group = pupil.administrative_group
        last_name = pupil.last_name
        if pupil.stamnummer == CHANGED_GROUP[0]:
            group = CHANGED_GROUP[1]
        if pupil.stamnummer == renamed:
            last_name = f"{last_name}-Janssens"  # a corrected double surname
        if pupil.stamnummer in (CHANGED_GROUP[0], renamed, returning):
            sample.changed.append(pupil.stamnummer)
        else:
            sample.unchanged += 1
        if pupil.stamnummer == returning:
            sample.returning.append(pupil.stamnummer)
        # Birth dates only where the demo fixes them: the random ones follow the school year.
        fixed_birth = pupil.birth_date if pupil.stamnummer in manual else None
        rows.append(
            [
                pupil.stamnummer,
                pupil.first_name,
                last_name,
                group,
                pupil.gender or "",
                f"{fixed_birth:%d/%m/%Y}" if fixed_birth else "",
                "",
                LEVEL_TEXT[pupil.education_level],
                "",
            ]
        )
    for serial, (stamnummer, first, last, group, gender, birth, level) in enumerate(NEW_PUPILS):
        sample.new.append(stamnummer)
        rows.append(
            [
                stamnummer,
                first,
                last,
                group,
                gender,
                f"{birth:%d/%m/%Y}",
                insz_for(birth, 101 + 2 * serial),
                LEVEL_TEXT[level] if level else "",
                "nieuw",
            ]
        )
    bad_birth = date(2016, 5, 5)
    wrong_checksum = insz_for(bad_birth, 202)
    wrong_checksum = wrong_checksum[:-2] + f"{(int(wrong_checksum[-2:]) + 1) % 100:02d}"
    bad_rows = [
        ["100005", "Ilias", "Aerts", "4de leerjaar", "M", "12/09/2016", "", "Basis", "dubbel"],
        ["100005", "Elias", "Aerts", "4de leerjaar", "M", "12/09/2016", "", "Basis", "dubbel"],
        [
            "100006",
            "Noor",
            "Wouters",
            "2de leerjaar",
            "V",
            "05/05/2016",
            wrong_checksum,
            "Basis",
            "",
        ],
        ["100007", "Mats", "Claes", "1ste leerjaar", "M", "31/02/2019", "", "Basis", ""],
        ["100008", "", "Maes", "5de leerjaar", "V", "", "", "Basis", ""],
    ]
    first_bad = len(rows) + 2  # the header is row 1
    sample.refused_rows = list(range(first_bad, first_bad + len(bad_rows)))
    rows += bad_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    # With a BOM, as Excel writes "CSV UTF-8"; Excel opens it with the accents intact.
    sample.text = "\ufeff" + buffer.getvalue()
    return sample


def write_sample() -> str:
    """Write the sample export into assets/demo/; returns its path."""
    SAMPLE_PATH.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE_PATH.write_bytes(build_sample().text.encode("utf-8"))
    return str(SAMPLE_PATH)
