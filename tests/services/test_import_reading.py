"""Reading and checking an export: headers, encodings, separators, dates, reasons, unsafe files."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from leerid_app.models import EducationLevel
from leerid_app.services.imports import (
    ImportFileError,
    insz_is_valid,
    parse_date,
    read_file,
    reading,
)
from leerid_app.services.imports.reading import MAX_FILE_BYTES, MAX_ROWS
from leerid_app.services.imports.rows import Column
from leerid_app.services.imports.sample import SAMPLE_PATH, build_sample, insz_for
from tests.services.import_files import (
    HEADER,
    csv_bytes,
    empty_rows_sheet,
    rewrite_sheet,
    xlsx_bytes,
    zip_bomb,
)

TODAY = date(2026, 12, 3)
EMMA = ["00123", "Emma", "Peeters", "6de leerjaar"]


def _read(data: bytes):
    return read_file(data, today=TODAY)


def _refusal(extra_header: list[str], extra_cells: list[str], base: list[str] | None = None):
    imported = _read(csv_bytes([(base or EMMA) + extra_cells], HEADER + extra_header))
    assert not imported.rows, imported.rows
    (refused,) = imported.refused
    return refused


# --- Headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Stamnummer", Column.STAMNUMMER),
        ("stamnr", Column.STAMNUMMER),
        ("Stamnr_kort", Column.STAMNUMMER),
        ("STAMNR KORT", Column.STAMNUMMER),
        ("Voornaam", Column.FIRST_NAME),
        ("voor_naam", Column.FIRST_NAME),
        ("Naam", Column.LAST_NAME),
        ("Achternaam", Column.LAST_NAME),
        ("Klas", Column.GROUP),
        ("Klascode", Column.GROUP),
        ("Administratieve groep", Column.GROUP),
        ("administratieve_groep", Column.GROUP),
        ("Geslacht", Column.GENDER),
        ("Geboortedatum", Column.BIRTH_DATE),
        ("Rijksregisternummer", Column.INSZ),
        ("INSZ", Column.INSZ),
        ("rijksregnr", Column.INSZ),
        ("Begindatum", Column.START),
        ("Inschrijvingsdatum", Column.START),
        ("Einddatum", Column.END),
        ("Onderwijsniveau", Column.LEVEL),
        ("Óndèrwijs niveau", Column.LEVEL),
    ],
)
def test_each_header_variant_is_recognised(header: str, column: Column) -> None:
    headers, row = list(HEADER), list(EMMA)
    if column in REQUIRED_POSITIONS:
        headers[REQUIRED_POSITIONS[column]] = header
    else:
        headers.append(header)
        row.append(OPTIONAL_VALUES[column][0])
    imported = _read(csv_bytes([row], headers))
    assert column in imported.columns
    assert not imported.refused, imported.refused
    (pupil,) = imported.rows
    attribute, expected = EXPECTED[column]
    assert getattr(pupil, attribute) == expected


REQUIRED_POSITIONS = {
    Column.STAMNUMMER: 0,
    Column.FIRST_NAME: 1,
    Column.LAST_NAME: 2,
    Column.GROUP: 3,
}
EMMA_INSZ = insz_for(date(2010, 11, 7), 124)
OPTIONAL_VALUES = {
    Column.GENDER: ("V", "gender", "V"),
    Column.BIRTH_DATE: ("07/11/2010", "birth_date", date(2010, 11, 7)),
    Column.INSZ: (EMMA_INSZ, "insz", EMMA_INSZ),
    Column.START: ("01/09/2026", "enrollment_start", date(2026, 9, 1)),
    Column.END: ("31/08/2027", "enrollment_end", date(2027, 8, 31)),
    Column.LEVEL: ("basis", "education_level", EducationLevel.BASIS),
}
EXPECTED = {
    Column.STAMNUMMER: ("stamnummer", "00123"),
    Column.FIRST_NAME: ("first_name", "Emma"),
    Column.LAST_NAME: ("last_name", "Peeters"),
    Column.GROUP: ("administrative_group", "6de leerjaar"),
    **{column: values[1:] for column, values in OPTIONAL_VALUES.items()},
}


def test_unknown_columns_are_listed_as_ignored() -> None:
    imported = _read(csv_bytes([[*EMMA, "x", "y"]], [*HEADER, "Telefoon", "Opmerking"]))
    assert imported.ignored_columns == ["Telefoon", "Opmerking"]
    assert len(imported.rows) == 1


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["Voornaam", "Naam", "Klas"], "Stamnummer"),
        (["Stamnummer", "Naam", "Klas"], "Voornaam"),
        (["Stamnummer", "Voornaam", "Klas"], "Naam"),
        (["Stamnummer", "Voornaam", "Naam"], "Administratieve groep"),
    ],
)
def test_a_missing_required_column_is_named(header: list[str], missing: str) -> None:
    with pytest.raises(ImportFileError) as error:
        _read(csv_bytes([["1", "2", "3"]], header))
    assert error.value.message == f"Het bestand mist de verplichte kolom(men): {missing}."


# --- Encodings, separators, Excel --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_each_encoding_and_separator(encoding: str, separator: str) -> None:
    data = csv_bytes(
        [["00123", "Zoë", "Françoise-Dûbois", "6de leerjaar"]],
        separator=separator,
        encoding=encoding,
    )
    (pupil,) = _read(data).rows
    assert (pupil.stamnummer, pupil.first_name, pupil.last_name) == (
        "00123",
        "Zoë",
        "Françoise-Dûbois",
    )


def test_quoted_cells_keep_their_separator() -> None:
    data = b'Stamnummer,Voornaam,Naam,Klas\r\n00123,"Emma, Louise",Peeters,"6de leerjaar"\r\n'
    (pupil,) = _read(data).rows
    assert pupil.first_name == "Emma, Louise"


def test_excel_keeps_text_stamnummers_and_reads_date_cells() -> None:
    data = xlsx_bytes(
        [["00123", "Emma", "Peeters", "6de leerjaar", datetime(2010, 11, 7), 60351]],
        [*HEADER, "Geboortedatum", "Stamnr_kort"],
    )
    imported = _read(data)
    (pupil,) = imported.rows
    assert pupil.stamnummer == "00123"
    assert pupil.birth_date == date(2010, 11, 7)
    assert imported.ignored_columns == ["Stamnr_kort"]  # a second stamnummer column
    assert imported.file_kind == "Excel"


def test_row_numbers_are_the_spreadsheet_rows_blank_lines_included() -> None:
    data = csv_bytes([EMMA, [], ["", "Noah", "Janssens", "5de leerjaar"]])
    (refused,) = _read(data).refused
    assert refused.row_number == 4


# --- Dates and INSZ ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "07/11/2010",
        "7/11/2010",
        "07-11-2010",
        "7-11-2010",
        "07.11.2010",
        "2010-11-07",
        "2010-11-07 00:00:00",
        "2010-11-07T00:00:00",
    ],
)
def test_each_date_form(text: str) -> None:
    assert parse_date(text) == date(2010, 11, 7)


@pytest.mark.parametrize(
    ("birth", "serial", "bis"),
    [
        (date(1999, 12, 31), 1, 0),
        (date(2010, 11, 7), 124, 0),
        (date(2010, 11, 7), 124, 20),
        (date(2007, 6, 3), 5, 40),
    ],
)
def test_insz_and_bisnummer_checksums(birth: date, serial: int, bis: int) -> None:
    digits = insz_for(birth, serial)
    if bis:
        # A bisnummer raises the month; the checksum is computed on the raised digits.
        body = f"{birth:%y}{birth.month + bis:02d}{birth:%d}{serial:03d}"
        base = int(("2" if birth.year >= 2000 else "") + body)
        digits = f"{body}{97 - base % 97:02d}"
    assert insz_is_valid(digits)
    wrong = digits[:-2] + f"{(int(digits[-2:]) + 1) % 100:02d}"
    assert not insz_is_valid(wrong)


def test_insz_accepts_the_card_notation() -> None:
    digits = insz_for(date(2010, 11, 7), 124)
    card = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:]}"
    (pupil,) = _read(csv_bytes([[*EMMA, card]], [*HEADER, "INSZ"])).rows
    assert pupil.insz == digits


# --- Refusal reasons ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "extra_header", "extra_cells", "reason"),
    [
        (["", "Emma", "Peeters", "6de"], [], [], "Stamnummer ontbreekt."),
        (["1", "", "Peeters", "6de"], [], [], "Voornaam ontbreekt."),
        (["1", "Emma", "", "6de"], [], [], "Naam ontbreekt."),
        (["1", "Emma", "Peeters", ""], [], [], "Administratieve groep ontbreekt."),
        (["1", "Em\x07ma", "Peeters", "6de"], [], [], "Voornaam bevat een onzichtbaar stuurteken."),
        (["1", "Emma", "Pee\u200bters", "6de"], [], [], "Naam bevat een onzichtbaar stuurteken."),
        (
            ["1", "Emma", "Peeters", "x" * 121],
            [],
            [],
            "Administratieve groep is langer dan 120 tekens.",
        ),
        (["1", "E" * 101, "Peeters", "6de"], [], [], "Voornaam is langer dan 100 tekens."),
        (
            ["1 2", "Emma", "Peeters", "6de"],
            [],
            [],
            "Stamnummer '1 2' mag enkel letters, cijfers en - bevatten.",
        ),
        (None, ["Geboortedatum"], ["7 november"], "Geboortedatum '7 november' is geen datum"),
        (None, ["Geboortedatum"], ["31/02/2010"], "Geboortedatum '31/02/2010' bestaat niet."),
        (None, ["Geboortedatum"], ["01/01/2099"], "ligt in de toekomst"),
        (None, ["Einddatum"], ["31/13/2027"], "Einddatum '31/13/2027' bestaat niet."),
        (
            None,
            ["Begindatum", "Einddatum"],
            ["01/09/2026", "31/08/2026"],
            "Einddatum ligt voor de begindatum.",
        ),
        (None, ["Rijksregisternummer"], ["10110712345"], "klopt niet (controlegetal)"),
        (None, ["Rijksregisternummer"], ["1011071234"], "moet 11 cijfers tellen"),
        (None, ["Geslacht"], ["Q"], "Geslacht 'Q' is geen M, V of X."),
        (None, ["Onderwijsniveau"], ["hoger"], "Onderwijsniveau 'hoger' is geen basis"),
    ],
)
def test_each_refusal_reason(base, extra_header, extra_cells, reason) -> None:
    refused = _refusal(extra_header, extra_cells, base)
    assert refused.row_number == 2
    assert any(reason in text for text in refused.reasons), refused.reasons


def test_a_duplicate_stamnummer_refuses_every_row_of_it() -> None:
    data = csv_bytes([EMMA, ["00124", "Noah", "Janssens", "5de"], [*EMMA[:1], "Lars", "X", "5de"]])
    imported = _read(data)
    assert [row.stamnummer for row in imported.rows] == ["00124"]
    assert [row.row_number for row in imported.refused] == [2, 4]
    assert imported.refused[0].reasons == (
        "Stamnummer 00123 komt meer dan één keer voor in het bestand (rijen 2, 4).",
    )


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("basis", EducationLevel.BASIS),
        ("Gewoon lager onderwijs", EducationLevel.BASIS),
        ("BaO", EducationLevel.BASIS),
        ("Buitengewoon basisonderwijs", EducationLevel.BUITENGEWOON),
        ("BuSO", EducationLevel.BUITENGEWOON),
        ("Secundair", EducationLevel.SECUNDAIR),
        ("SO", EducationLevel.SECUNDAIR),
    ],
)
def test_education_levels_as_packages_write_them(text: str, level: EducationLevel) -> None:
    (pupil,) = _read(csv_bytes([[*EMMA, text]], [*HEADER, "Onderwijsniveau"])).rows
    assert pupil.education_level is level


# --- Whole-file refusals -----------------------------------------------------------------------


def _future_zip_version() -> bytes:
    """A workbook whose central directory asks for zip version 9.5 (found by the long fuzz)."""
    data = bytearray(xlsx_bytes([EMMA]))
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = (95).to_bytes(2, "little")
    return bytes(data)


def _formula_workbook() -> bytes:
    return xlsx_bytes([["=1+1", "Emma", "Peeters", "6de"]])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Het bestand is leeg."),
        (b"   \r\n\r\n", "Het bestand is leeg."),
        (b"Stamnummer;Voornaam;Naam;Klas\r\n", "geen leerlingen, enkel een kopregel"),
        (b"\x00\x01\x02binary\xff\xfe\x00" * 50, "geen CSV- of Excel-bestand"),
        (bytes(range(256)) * 20, "geen CSV- of Excel-bestand"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "oud Excel-bestand (.xls)"),
        (b"PK\x03\x04 not really a zip", "geen geldige Excel-werkmap"),
        (zip_bomb(), "onredelijk grote omvang"),
        (empty_rows_sheet(1_000_000), "meer dan 100.000 rijen, lege rijen meegerekend"),
        (_formula_workbook(), "Cel A2 bevat een formule"),
        (_future_zip_version(), "geen geldige Excel-werkmap"),
        (b"Stamnummer;Voornaam;Naam;Klas\r\n1;a;b;c;d;e\r\n", "Regel 2 van het bestand"),
        (b"x" * (MAX_FILE_BYTES + 1), "groter dan 20 MB"),
    ],
)
def test_unreadable_files_get_a_dutch_message(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError) as error:
        _read(data)
    assert message in error.value.message


def test_a_zip_that_is_no_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError) as error:
        _read(buffer.getvalue())
    assert "geen geldige Excel-werkmap" in error.value.message


def test_a_lying_dimension_does_not_hide_rows() -> None:
    data = xlsx_bytes([EMMA, ["00124", "Noah", "Janssens", "5de"]])
    lying = rewrite_sheet(
        data, lambda xml: xml.replace('<dimension ref="A1:D3"/>', '<dimension ref="A1:D2"/>')
    )
    assert [row.stamnummer for row in _read(lying).rows] == ["00123", "00124"]


def test_the_row_limit() -> None:
    rows = [[str(n), "Emma", "Peeters", "6de"] for n in range(MAX_ROWS + 1)]
    with pytest.raises(ImportFileError) as error:
        _read(csv_bytes(rows))
    assert "meer dan 50.000 rijen" in error.value.message


def test_the_committed_sample_is_what_the_generator_writes() -> None:
    assert SAMPLE_PATH.read_bytes() == build_sample().text.encode("utf-8"), (
        "regenerate it: python -m leerid_app.cli demo-import-file"
    )


def test_a_blank_line_does_not_hide_a_row_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 10)
    rows = [[str(n), "Emma", "Peeters", "6de"] for n in range(10)]
    with pytest.raises(ImportFileError) as error:
        _read(csv_bytes([*rows[:5], [], *rows[5:], ["99", "Noah", "Janssens", "5de"]]))
    assert "meer dan 10 rijen" in error.value.message
