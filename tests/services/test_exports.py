"""The PDF slips, the Excel and their file names, read back the way a school would open them."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import openpyxl
import pdfplumber
import pytest
from pypdf import PdfReader

from leerid_app.models import AccountType
from leerid_app.services.credentials import IssuedCredential, slip_order
from leerid_app.services.exports import export_filename, slips_pdf
from leerid_app.services.exports.credentials_xlsx import (
    CREDENTIAL_COLUMNS,
    build_credentials_xlsx,
    neutralise_text,
)
from leerid_app.services.exports.slips_pdf import WARNING_TEXT, build_slips_pdf

SCHOOL = "BRUSSEL-STAD - TEST School 2"

ARDALAN = IssuedCredential(
    pupil_id=2,
    stamnummer="32890",
    first_name="Ardalan",
    last_name="Bhatti",
    administrative_group="2e lj 3e gr Elektromechanica TSO",
    username="ardalan.bhatti",
    password="qxu7Benc",
    account_type=AccountType.GEVORDERD,
    gender="M",
    birth_date=date(2010, 6, 11),
)
AMANI = IssuedCredential(
    pupil_id=3,
    stamnummer="80240",
    first_name="Amani",
    last_name="Bockstal",
    administrative_group="1e lj 3e gr Sociale en techn. wet. TSO",
    username="amani.bockstal",
    password="CMixM2ae",
    account_type=AccountType.GEVORDERD,
    gender="M",
    birth_date=date(2007, 6, 3),
)
ABDULGHANI = IssuedCredential(
    pupil_id=1,
    stamnummer="60351",
    first_name="Abdulghani",
    last_name="Bogdan",
    administrative_group="6de leerjaar",
    username="abdulghani.bogdan",
    password="34mij1",
    account_type=AccountType.BASIS,
)


def make_credential(index: int, group: str, first: str, last: str) -> IssuedCredential:
    """A credential with a distinct username and password derived from ``index``."""
    return IssuedCredential(
        pupil_id=100 + index,
        stamnummer=f"{10000 + index}",
        first_name=first,
        last_name=last,
        administrative_group=group,
        username=f"{first}.{last}{index}".lower(),
        password=f"Pw{index:02d}abcd",
        account_type=AccountType.GEVORDERD,
    )


FIRST_NAMES = [
    "Emma",
    "Noah",
    "Yasmine",
    "Liam",
    "Fatima",
    "Lucas",
    "Nora",
    "Arthur",
    "Lina",
    "Adam",
]
LAST_NAMES = ["Peeters", "Janssens", "El Amrani", "Maes", "Claes", "Öztürk", "Wouters", "Goossens"]
GROUPS = ["6de leerjaar", "1e lj 1e gr A-stroom", "2e lj 3e gr Elektromechanica TSO"]


def twenty_credentials() -> list[IssuedCredential]:
    """Twenty pupils in three groups, deliberately not in slip order."""
    return [
        make_credential(
            i,
            GROUPS[i % 3],
            FIRST_NAMES[i % len(FIRST_NAMES)],
            LAST_NAMES[(i * 3) % len(LAST_NAMES)],
        )
        for i in range(20)
    ]


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with runs of white space (line breaks of the warning) made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "school", "extension", "expected"),
    [
        ("LeerID", SCHOOL, "pdf", "LeerID-BRUSSEL-STAD-TEST-School-2-2026-11-29.pdf"),
        ("LeerID", SCHOOL, ".xlsx", "LeerID-BRUSSEL-STAD-TEST-School-2-2026-11-29.xlsx"),
        (
            "LeerID",
            "Sint-Jozefscollege Aalst – Ürsel",
            "PDF",
            "LeerID-Sint-Jozefscollege-Aalst-Ursel-2026-11-29.pdf",
        ),
        ("LeerID", "../../etc/passwd", "pdf", "LeerID-etc-passwd-2026-11-29.pdf"),
        ("LeerID", "   ", "pdf", "LeerID-2026-11-29.pdf"),
        (
            "LeerID data",
            "École 'De Klimop' & Co.",
            "xlsx",
            "LeerID-data-Ecole-De-Klimop-Co-2026-11-29.xlsx",
        ),
    ],
)
def test_export_filename(kind: str, school: str, extension: str, expected: str) -> None:
    assert export_filename(kind, school, date(2026, 11, 29), extension) == expected


def test_export_filename_is_short_ascii_for_a_very_long_school_name() -> None:
    name = export_filename("LeerID", "Ł" * 500, date(2026, 11, 29), "pdf")
    assert name.isascii()
    assert re.fullmatch(r"[A-Za-z0-9-]+\.pdf", name)
    assert len(name) < 120


def test_export_filename_refuses_an_empty_extension() -> None:
    with pytest.raises(ValueError):
        export_filename("LeerID", SCHOOL, date(2026, 11, 29), ".")


# --- PDF slips --------------------------------------------------------------------------------


def test_twenty_slips_fill_three_pages_with_everything_the_manual_shows() -> None:
    credentials = twenty_credentials()
    pdf = build_slips_pdf(credentials, school_name=SCHOOL)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    text = pdf_text(pdf)
    for credential in credentials:
        assert f"{credential.full_name} LeerID" in text
        assert f"Gebruikersnaam: {credential.username}" in text
        assert f"Wachtwoord: {credential.password}" in text
        assert credential.administrative_group in text
    assert text.count(WARNING_TEXT) == 20


def test_slips_are_in_group_then_name_order_reading_row_by_row() -> None:
    credentials = twenty_credentials()
    pdf = build_slips_pdf(credentials, school_name=SCHOOL)

    positions: dict[str, tuple[int, float, float]] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page_number, page in enumerate(document.pages):
            for credential in credentials:
                # The username is unique per slip, unlike a name.
                for match in page.search(f"Gebruikersnaam: {credential.username}", regex=False):
                    positions[credential.username] = (page_number, round(match["top"]), match["x0"])
    assert len(positions) == len(credentials)

    reading_order = sorted(positions, key=positions.__getitem__)
    expected = [c.username for c in sorted(credentials, key=slip_order)]
    assert reading_order == expected
    # Two slips side by side, four rows: eight per page.
    assert {page for page, _, _ in positions.values()} == {0, 1, 2}
    assert sum(1 for page, _, _ in positions.values() if page == 0) == 8


def test_a_single_slip_for_one_pupil() -> None:
    pdf = build_slips_pdf([ABDULGHANI], school_name=SCHOOL)

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert "6de leerjaar" in text
    assert "Abdulghani Bogdan LeerID" in text
    assert "Gebruikersnaam: abdulghani.bogdan" in text
    assert "Wachtwoord: 34mij1" in text
    assert WARNING_TEXT in text


def test_no_slips_is_an_error() -> None:
    with pytest.raises(ValueError):
        build_slips_pdf([], school_name=SCHOOL)


def test_metadata_has_the_title_and_no_credentials() -> None:
    pdf = build_slips_pdf([ARDALAN, AMANI], school_name=SCHOOL, title="LeerID aanmeldgegevens")

    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "LeerID aanmeldgegevens"
    values = " ".join(str(value) for value in metadata.values())
    for secret in ("qxu7Benc", "CMixM2ae", "ardalan.bhatti", "amani.bockstal"):
        assert secret not in values


def test_names_beyond_latin1_print_without_crashing() -> None:
    credentials = [
        make_credential(1, "6de leerjaar", "Łukasz", "Wiśniewski"),
        make_credential(2, "6de leerjaar", "Şükrü", "Yılmaz"),
        make_credential(3, "5de leerjaar", "Ștefan", "Țăranu"),
        make_credential(4, "5de leerjaar", "Zoë", "Nguyễn"),
    ]
    text = pdf_text(build_slips_pdf(credentials, school_name="Basisschool Ål"))

    # Both fonts the module may pick (DejaVu or reportlab's own Vera) have these letters.
    assert "Łukasz" in text
    assert "Şükrü Yılmaz LeerID" in text
    # Vera lacks ś, ș, ț and ă: then they are printed transliterated, never as empty boxes.
    assert "Łukasz Wiśniewski" in text or "Łukasz Wisniewski" in text
    assert "Ștefan Țăranu" in text or "Stefan Taranu" in text
    assert "Zoë" in text


def test_fallback_to_the_fonts_bundled_with_reportlab(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a server without DejaVu: reportlab's Vera for text, Courier-Bold for the login.
    monkeypatch.setattr(
        slips_pdf,
        "_FONT_CANDIDATES",
        {"regular": ("Vera.ttf",), "bold": ("VeraBd.ttf",), "mono": ()},
    )
    monkeypatch.setattr(slips_pdf, "_fonts", None)
    credentials = [
        make_credential(1, "5de leerjaar", "Ștefan", "Țăranu"),
        make_credential(2, "6de leerjaar", "Łukasz", "Şahin"),
    ]
    pdf = build_slips_pdf(credentials, school_name=SCHOOL)

    text = pdf_text(pdf)
    assert "Stefan Taranu LeerID" in text
    assert "Łukasz Şahin LeerID" in text
    assert f"Wachtwoord: {credentials[0].password}" in text
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        fonts = {char["fontname"] for char in document.pages[0].chars}
    assert any(font.endswith("Courier-Bold") for font in fonts)
    assert any("Vera" in font for font in fonts)


def test_long_names_and_usernames_are_never_cut_off() -> None:
    username = "pieter-alexander-maximiliaan-johannes.vandenbossche"[:50]
    credential = IssuedCredential(
        pupil_id=9,
        stamnummer="93504",
        first_name="Pieter-Alexander Maximiliaan Johannes",
        last_name="Van den Bossche-De Vlaminck",
        administrative_group="2e lj 2e gr Wetenschappen ASO",
        username=username,
        password="xK7mPq2r",
        account_type=AccountType.GEVORDERD,
    )
    text = pdf_text(build_slips_pdf([credential], school_name=SCHOOL))

    assert "Van den Bossche-De Vlaminck LeerID" in text
    assert username in text
    assert "Wachtwoord: xK7mPq2r" in text


# --- Excel ------------------------------------------------------------------------------------


def read_sheet(xlsx: bytes) -> openpyxl.worksheet.worksheet.Worksheet:
    """The LeerID sheet of the workbook, as Excel would open it."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert workbook.sheetnames == ["LeerID"]
    return workbook["LeerID"]


def test_excel_has_exactly_the_manual_columns_in_bold() -> None:
    sheet = read_sheet(build_credentials_xlsx([ARDALAN]))

    header = next(sheet.iter_rows(min_row=1, max_row=1))
    assert tuple(cell.value for cell in header) == CREDENTIAL_COLUMNS
    assert CREDENTIAL_COLUMNS == (
        "Stamnummer",
        "Voornaam",
        "Achternaam",
        "LeerID Gebruikersnaam",
        "LeerID Wachtwoord",
        "Administratieve groep",
        "Geslacht",
        "Geboortedatum",
        "Accounttype",
    )
    assert all(cell.font.b for cell in header)
    assert sheet.column_dimensions["F"].width >= 30


def test_excel_rows_match_the_manual_example_in_slip_order() -> None:
    sheet = read_sheet(build_credentials_xlsx([ARDALAN, AMANI]))

    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [
        (
            "80240", "Amani", "Bockstal", "amani.bockstal", "CMixM2ae",
            "1e lj 3e gr Sociale en techn. wet. TSO", "M", datetime(2007, 6, 3), "Gevorderd",
        ),
        (
            "32890", "Ardalan", "Bhatti", "ardalan.bhatti", "qxu7Benc",
            "2e lj 3e gr Elektromechanica TSO", "M", datetime(2010, 6, 11), "Gevorderd",
        ),
    ]  # fmt: skip
    for row in (2, 3):
        birth = sheet.cell(row=row, column=8)
        assert birth.is_date
        # d/mm/yyyy: 3 June 2007 shows as 3/06/2007, as in the manual.
        assert birth.number_format == "d/mm/yyyy"


def test_excel_basis_account_with_unknown_official_data_leaves_cells_empty() -> None:
    sheet = read_sheet(build_credentials_xlsx([ABDULGHANI]))

    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row == (
        "60351", "Abdulghani", "Bogdan", "abdulghani.bogdan", "34mij1",
        "6de leerjaar", None, None, "Basis",
    )  # fmt: skip


def test_excel_keeps_leading_zeros_of_the_stamnummer_as_text() -> None:
    credential = make_credential(1, "6de leerjaar", "An", "Peeters")
    credential = IssuedCredential(**{**credential.__dict__, "stamnummer": "000123"})
    sheet = read_sheet(build_credentials_xlsx([credential]))

    cell = sheet.cell(row=2, column=1)
    assert cell.value == "000123"
    assert cell.data_type == "s"
    assert cell.number_format == "@"


def test_excel_neutralises_formula_injection_in_names() -> None:
    credential = IssuedCredential(
        pupil_id=1,
        stamnummer="1",
        first_name='=HYPERLINK("http://example.invalid","klik")',
        last_name="+SUM(A1)",
        administrative_group="@groep",
        username="an.peeters",
        password="34mij1",
        account_type=AccountType.BASIS,
    )
    sheet = read_sheet(build_credentials_xlsx([credential]))

    first, last, group = (sheet.cell(row=2, column=c) for c in (2, 3, 6))
    assert first.value == '\'=HYPERLINK("http://example.invalid","klik")'
    assert last.value == "'+SUM(A1)"
    assert group.value == "'@groep"
    assert {first.data_type, last.data_type, group.data_type} == {"s"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+32", "'+32"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Van-den Berg", "Van-den Berg"),
        ("Anne=Marie", "Anne=Marie"),
        ("bel\x07l", "bell"),
        ("", ""),
    ],
)
def test_neutralise_text(value: str, expected: str) -> None:
    assert neutralise_text(value) == expected


def test_excel_is_built_without_a_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # openpyxl streams sheets through a temporary file by default: passwords would hit the disk.
    from openpyxl.worksheet import _writer

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("the Excel export touched the disk")

    monkeypatch.setattr(_writer, "create_temporary_file", refuse)
    sheet = read_sheet(build_credentials_xlsx([ARDALAN, AMANI, ABDULGHANI]))
    assert sheet.max_row == 4


def test_excel_with_no_credentials_has_only_the_header() -> None:
    sheet = read_sheet(build_credentials_xlsx([]))
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == []
