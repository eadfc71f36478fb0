"""Recognising the export's columns and checking every row, with Dutch reasons per row."""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from leerid_app.models import EducationLevel
from leerid_app.services.imports.reading import ImportFileError, RawTable
from leerid_app.services.text import fold


class Column(enum.StrEnum):
    """A column the import understands."""

    STAMNUMMER = "stamnummer"
    FIRST_NAME = "voornaam"
    LAST_NAME = "naam"
    GROUP = "administratieve groep"
    GENDER = "geslacht"
    BIRTH_DATE = "geboortedatum"
    INSZ = "rijksregisternummer"
    START = "begindatum"
    END = "einddatum"
    LEVEL = "onderwijsniveau"


COLUMN_LABELS: dict[Column, str] = {
    Column.STAMNUMMER: "Stamnummer",
    Column.FIRST_NAME: "Voornaam",
    Column.LAST_NAME: "Naam",
    Column.GROUP: "Administratieve groep",
    Column.GENDER: "Geslacht",
    Column.BIRTH_DATE: "Geboortedatum",
    Column.INSZ: "Rijksregisternummer",
    Column.START: "Begindatum",
    Column.END: "Einddatum",
    Column.LEVEL: "Onderwijsniveau",
}
REQUIRED = (Column.STAMNUMMER, Column.FIRST_NAME, Column.LAST_NAME, Column.GROUP)

# The names packages (Informat, Wisa, Smartschool, Discimus …) give these columns, written as
# header_key() folds them: lower case, no accents, no spaces, underscores, dots or hyphens.
ALIASES: dict[str, Column] = {
    **dict.fromkeys(
        ("stamnummer", "stamnr", "stamnrkort", "stamnummerkort", "leerlingnummer"),
        Column.STAMNUMMER,
    ),
    **dict.fromkeys(("voornaam", "roepnaam", "voornaamleerling"), Column.FIRST_NAME),
    **dict.fromkeys(
        ("naam", "achternaam", "familienaam", "naamleerling", "achternaamleerling"),
        Column.LAST_NAME,
    ),
    **dict.fromkeys(
        ("klas", "klascode", "administratievegroep", "admgroep", "groep", "klasnaam"),
        Column.GROUP,
    ),
    **dict.fromkeys(("geslacht", "gender"), Column.GENDER),
    **dict.fromkeys(("geboortedatum", "geboren", "gebdatum"), Column.BIRTH_DATE),
    **dict.fromkeys(
        (
            "rijksregisternummer",
            "rijksregisternr",
            "rijksregnr",
            "insz",
            "insznummer",
            "inszbisnummer",
            "bisnummer",
            "rrn",
        ),
        Column.INSZ,
    ),
    **dict.fromkeys(
        ("begindatum", "inschrijvingsdatum", "begindatuminschrijving", "startdatum"),
        Column.START,
    ),
    **dict.fromkeys(("einddatum", "einddatuminschrijving", "uitschrijvingsdatum"), Column.END),
    **dict.fromkeys(("onderwijsniveau", "niveau", "onderwijsvorm"), Column.LEVEL),
}

MAX_LENGTHS = {
    Column.STAMNUMMER: 20,
    Column.FIRST_NAME: 100,
    Column.LAST_NAME: 100,
    Column.GROUP: 120,
}
MIN_YEAR, MAX_YEAR = 1900, 2100
SHOWN_VALUE_CHARS = 40

MSG_MISSING_COLUMNS = "Het bestand mist de verplichte kolom(men): {columns}."
MSG_REQUIRED = "{column} ontbreekt."
MSG_TOO_LONG = "{column} is langer dan {limit} tekens."
MSG_CONTROL = "{column} bevat een onzichtbaar stuurteken."
MSG_STAMNUMMER = "Stamnummer '{value}' mag enkel letters, cijfers en - bevatten."
MSG_DUPLICATE = "Stamnummer {value} komt meer dan één keer voor in het bestand (rijen {rows})."
MSG_DATE_UNREADABLE = "{column} '{value}' is geen datum (dd/mm/jjjj)."
MSG_DATE_IMPOSSIBLE = "{column} '{value}' bestaat niet."
MSG_BIRTH_FUTURE = "Geboortedatum '{value}' ligt in de toekomst."
MSG_END_BEFORE_START = "Einddatum ligt voor de begindatum."
MSG_INSZ_FORMAT = "Rijksregisternummer moet 11 cijfers tellen."
MSG_INSZ_CHECKSUM = "Rijksregisternummer {value} klopt niet (controlegetal)."
MSG_GENDER = "Geslacht '{value}' is geen M, V of X."
MSG_LEVEL = "Onderwijsniveau '{value}' is geen basis, buitengewoon of secundair."


@dataclass(frozen=True)
class ImportRow:
    """A valid row of the export, in the app's terms."""

    row_number: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    gender: str | None = None
    birth_date: date | None = None
    insz: str | None = None
    enrollment_start: date | None = None
    enrollment_end: date | None = None
    education_level: EducationLevel | None = None


@dataclass(frozen=True)
class RefusedRow:
    """A row that is not imported, with every reason."""

    row_number: int
    stamnummer: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportFile:
    """The checked content of one export."""

    rows: list[ImportRow]
    refused: list[RefusedRow]
    columns: frozenset[Column]
    ignored_columns: list[str]
    file_kind: str

    @property
    def stamnummers(self) -> set[str]:
        """Every stamnummer the file names, refused rows too: none of them may be ended."""
        return {row.stamnummer for row in self.rows} | {
            row.stamnummer for row in self.refused if row.stamnummer
        }


def header_key(header: str) -> str:
    """``Administratieve_groep`` and ``administratieve groep`` alike: ``administratievegroep``."""
    return re.sub(r"[\s_.\-/]+", "", fold(header))


def map_columns(headers: list[str]) -> tuple[dict[Column, int], list[str]]:
    """Which header position holds which column, and the headers that are ignored.

    Raises:
        ImportFileError: When a required column is missing; the message names it.
    """
    positions: dict[Column, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        column = ALIASES.get(header_key(header))
        if column is None or column in positions:
            if header:
                ignored.append(shown(header))
            continue
        positions[column] = index
    missing = [COLUMN_LABELS[column] for column in REQUIRED if column not in positions]
    if missing:
        raise ImportFileError(MSG_MISSING_COLUMNS.format(columns=", ".join(missing)))
    return positions, ignored


def shown(value: str) -> str:
    """A cell's value as a message may quote it: printable, and short."""
    printable = "".join(char if char.isprintable() else "\ufffd" for char in value)
    if len(printable) > SHOWN_VALUE_CHARS:
        return printable[: SHOWN_VALUE_CHARS - 1] + "…"
    return printable


def _has_control(text: str) -> bool:
    if text.isprintable():  # the fast path: printable text has none of these categories
        return False
    return any(unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in text)


_SPACES = re.compile(r"[ \u00a0\u2007\u202f]+")


def _clean_text(value: str, column: Column, reasons: list[str], *, required: bool) -> str:
    text = _SPACES.sub(" ", value).strip()
    if not text:
        if required:
            reasons.append(MSG_REQUIRED.format(column=COLUMN_LABELS[column]))
        return ""
    if _has_control(text):
        reasons.append(MSG_CONTROL.format(column=COLUMN_LABELS[column]))
    limit = MAX_LENGTHS.get(column)
    if limit is not None and len(text) > limit:
        reasons.append(MSG_TOO_LONG.format(column=COLUMN_LABELS[column], limit=limit))
    return text


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")


def parse_date(value: str) -> date:
    """``7/11/2010``, ``07-11-2010``, ``07.11.2010``, ``2010-11-07`` or an Excel date cell.

    Raises:
        ValueError: ``"unreadable"`` or ``"impossible"``.
    """
    text = value.strip()
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError("unreadable")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError("impossible")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("impossible") from None


def _date(value: str, column: Column, reasons: list[str]) -> date | None:
    if not value.strip():
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        template = MSG_DATE_UNREADABLE if str(error) == "unreadable" else MSG_DATE_IMPOSSIBLE
        reasons.append(template.format(column=COLUMN_LABELS[column], value=shown(value.strip())))
        return None


def insz_is_valid(digits: str) -> bool:
    """The checksum of a rijksregisternummer or bisnummer (11 digits).

    97 minus the first nine digits modulo 97; for births from 2000 on, a 2 is put in front of
    those nine digits first. A bisnummer has the same checksum with the month raised by 20
    (gender unknown) or 40 (gender known); month 0 means the birth date is unknown.
    """
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    month = int(digits[2:4])
    if not (month <= 12 or 20 <= month <= 32 or 40 <= month <= 52):
        return False
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - int("2" + digits[:9]) % 97)


def _insz(value: str, reasons: list[str]) -> str | None:
    text = value.strip()
    if not text:
        return None
    digits = re.sub(r"[\s.\-/]", "", text)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        reasons.append(MSG_INSZ_FORMAT)
        return None
    if not insz_is_valid(digits):
        reasons.append(MSG_INSZ_CHECKSUM.format(value=format_insz(digits)))
        return None
    return digits


def format_insz(digits: str) -> str:
    """``07.06.03-123.45``, the way the identity card prints it."""
    if len(digits) != 11:
        return digits
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


GENDERS = {
    "m": "M",
    "man": "M",
    "mannelijk": "M",
    "jongen": "M",
    "v": "V",
    "f": "V",
    "vrouw": "V",
    "vrouwelijk": "V",
    "meisje": "V",
    "x": "X",
}


def _gender(value: str, reasons: list[str]) -> str | None:
    text = value.strip()
    if not text:
        return None
    gender = GENDERS.get(fold(text))
    if gender is None:
        reasons.append(MSG_GENDER.format(value=shown(text)))
    return gender


def parse_level(value: str) -> EducationLevel | None:
    """basis / buitengewoon / secundair, also as the packages abbreviate them (BuSO, BaO …)."""
    key = re.sub(r"[^a-z]", "", fold(value))
    if "buiten" in key or key.startswith("bu"):
        return EducationLevel.BUITENGEWOON
    if "secundair" in key or key in {"so", "sec", "gso"}:
        return EducationLevel.SECUNDAIR
    if any(word in key for word in ("basis", "lager", "kleuter")) or key in {"bao", "bo", "gbo"}:
        return EducationLevel.BASIS
    return None


def _level(value: str, reasons: list[str]) -> EducationLevel | None:
    text = value.strip()
    if not text:
        return None
    level = parse_level(text)
    if level is None:
        reasons.append(MSG_LEVEL.format(value=shown(text)))
    return level


_STAMNUMMER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")


def check_rows(table: RawTable, *, today: date) -> ImportFile:
    """Check every row; a row with any problem is refused with all its reasons."""
    positions, ignored = map_columns(table.headers)

    def cell(row: list[str], column: Column) -> str:
        index = positions.get(column)
        return row[index] if index is not None else ""

    valid: list[ImportRow] = []
    refused: list[RefusedRow] = []
    for number, row in zip(table.row_numbers, table.rows, strict=True):
        reasons: list[str] = []
        stamnummer = _clean_text(
            cell(row, Column.STAMNUMMER), Column.STAMNUMMER, reasons, required=True
        )
        well_formed = bool(_STAMNUMMER.match(stamnummer)) and len(stamnummer) <= 20
        if stamnummer and not _STAMNUMMER.match(stamnummer) and not _has_control(stamnummer):
            reasons.append(MSG_STAMNUMMER.format(value=shown(stamnummer)))
        first = _clean_text(cell(row, Column.FIRST_NAME), Column.FIRST_NAME, reasons, required=True)
        last = _clean_text(cell(row, Column.LAST_NAME), Column.LAST_NAME, reasons, required=True)
        group = _clean_text(cell(row, Column.GROUP), Column.GROUP, reasons, required=True)
        gender = _gender(cell(row, Column.GENDER), reasons)
        birth = _date(cell(row, Column.BIRTH_DATE), Column.BIRTH_DATE, reasons)
        if birth is not None and birth > today:
            reasons.append(MSG_BIRTH_FUTURE.format(value=shown(cell(row, Column.BIRTH_DATE))))
        insz = _insz(cell(row, Column.INSZ), reasons)
        start = _date(cell(row, Column.START), Column.START, reasons)
        end = _date(cell(row, Column.END), Column.END, reasons)
        if start and end and end < start:
            reasons.append(MSG_END_BEFORE_START)
        level = _level(cell(row, Column.LEVEL), reasons)
        if reasons:
            refused.append(
                RefusedRow(
                    row_number=number,
                    stamnummer=stamnummer if well_formed else "",
                    name=shown(f"{first} {last}".strip()),
                    reasons=tuple(reasons),
                )
            )
            continue
        valid.append(
            ImportRow(
                row_number=number,
                stamnummer=stamnummer,
                first_name=first,
                last_name=last,
                administrative_group=group,
                gender=gender,
                birth_date=birth,
                insz=insz,
                enrollment_start=start,
                enrollment_end=end,
                education_level=level,
            )
        )
    valid, refused = _refuse_duplicates(valid, refused)
    return ImportFile(
        rows=valid,
        refused=refused,
        columns=frozenset(positions),
        ignored_columns=ignored,
        file_kind=table.file_kind,
    )


def _refuse_duplicates(
    valid: list[ImportRow], refused: list[RefusedRow]
) -> tuple[list[ImportRow], list[RefusedRow]]:
    """Every row of a stamnummer that occurs twice is refused: which one is right is unknown."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for row in [*valid, *refused]:
        if row.stamnummer:
            numbers[row.stamnummer].append(row.row_number)
    duplicated = {stamnummer: sorted(rows) for stamnummer, rows in numbers.items() if len(rows) > 1}
    if not duplicated:
        return valid, refused

    def reason(stamnummer: str) -> str:
        rows = duplicated[stamnummer]
        listed = ", ".join(str(number) for number in rows[:10]) + (" …" if len(rows) > 10 else "")
        return MSG_DUPLICATE.format(value=stamnummer, rows=listed)

    kept = [row for row in valid if row.stamnummer not in duplicated]
    refused = [
        RefusedRow(r.row_number, r.stamnummer, r.name, (*r.reasons, reason(r.stamnummer)))
        if r.stamnummer in duplicated
        else r
        for r in refused
    ]
    refused += [
        RefusedRow(
            row.row_number,
            row.stamnummer,
            f"{row.first_name} {row.last_name}",
            (reason(row.stamnummer),),
        )
        for row in valid
        if row.stamnummer in duplicated
    ]
    refused.sort(key=lambda row: row.row_number)
    return kept, refused
