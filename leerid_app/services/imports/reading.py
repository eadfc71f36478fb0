"""Reading an export of the pupil administration package (CSV or .xlsx) into text cells, safely."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd
from pandas.errors import ParserError

from leerid_app.services.errors import DomainError

# Limits that keep one upload from exhausting memory or time; a school has a few thousand pupils.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100
# Every row an .xlsx sheet holds, empty ones included: a formatted column can hold 1,000,000.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 1_000
MAX_ZIP_MEMBERS = 200
MAX_CELL_CHARS = 1_000

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls format
SEPARATORS = (";", ",", "\t")


class ImportFileError(DomainError):
    """The file as a whole cannot be read; nothing was imported."""


MSG_EMPTY = "Het bestand is leeg."
MSG_TOO_LARGE = (
    "Het bestand is groter dan {limit} MB. Exporteer enkel de leerlingen van deze instelling."
)
MSG_TOO_MANY_ROWS = (
    "Het bestand telt meer dan {limit} rijen. Exporteer enkel de leerlingen van deze instelling."
)
MSG_SHEET_TOO_LONG = (
    "Het werkblad telt meer dan {limit} rijen, lege rijen meegerekend. Verwijder de lege rijen "
    "onderaan of exporteer opnieuw als CSV."
)
MSG_TOO_MANY_COLUMNS = "Het bestand telt meer dan {limit} kolommen."
MSG_OLD_EXCEL = (
    "Dit is een oud Excel-bestand (.xls). Bewaar het als Excel-werkmap (.xlsx) of als CSV."
)
MSG_NOT_XLSX = (
    "Dit bestand is geen geldige Excel-werkmap (.xlsx). Exporteer opnieuw als .xlsx of CSV."
)
MSG_ZIP_BOMB = "Dit Excel-bestand pakt uit tot een onredelijk grote omvang en wordt niet gelezen."
MSG_FORMULA = (
    "Cel {cell} bevat een formule. Het bestand moet gewone waarden bevatten: exporteer opnieuw "
    "uit het leerlingadministratiepakket of plak de waarden als tekst."
)
MSG_NO_SHEET = "De Excel-werkmap bevat geen werkblad."
MSG_BINARY = (
    "Dit bestand is geen CSV- of Excel-bestand. Kies een export van het "
    "leerlingadministratiepakket (.csv of .xlsx)."
)
MSG_ENCODING = (
    "De tekens in dit bestand zijn niet leesbaar (geen UTF-8 of Windows-1252). Exporteer "
    "opnieuw als CSV in UTF-8."
)
MSG_NO_HEADER = "Het bestand heeft geen kopregel met kolomnamen."
# Without a single pupil the file cannot be a complete export: it would end every enrollment.
MSG_NO_PUPILS = "Het bestand bevat geen leerlingen, enkel een kopregel."
MSG_BAD_CSV = "Het CSV-bestand is niet leesbaar: {detail}."
MSG_BAD_CSV_LINE = "Regel {line} van het bestand telt meer kolommen dan de kopregel."


@dataclass(frozen=True)
class RawTable:
    """The file's header and data rows as text cells; ``row_numbers`` as the spreadsheet shows.

    Rows without any value are left out; their numbers are skipped, so every number still
    points at the row the administrator sees in their spreadsheet.
    """

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    file_kind: str  # "CSV" or "Excel"


def read_table(data: bytes) -> RawTable:
    """Read an uploaded export; the kind is recognised from the content, not the file name.

    Raises:
        ImportFileError: With a Dutch message when the file cannot be read at all.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(MSG_TOO_LARGE.format(limit=MAX_FILE_BYTES // (1024 * 1024)))
    if not data.strip():
        raise ImportFileError(MSG_EMPTY)
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(MSG_OLD_EXCEL)
    return _read_csv(data)


def thousands(number: int) -> str:
    """``50.000``: the Flemish thousands separator."""
    return f"{number:,}".replace(",", ".")


def shown_file_name(name: str) -> str:
    """The uploaded file's name as the page may show it: the last path part, printable, short."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(char for char in base if char.isprintable())
    return printable[:80] or "bestand"


# --- CSV ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(MSG_ENCODING) from None
    if b"\x00" in data:
        raise ImportFileError(MSG_BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1252 leaves five bytes undefined: a file using them is not text.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(MSG_ENCODING) from None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


def sniff_separator(header_line: str) -> str:
    """The separator the header line uses most: `;` (Flemish Excel), `,` or a tab."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters="".join(SEPARATORS)).delimiter
    except csv.Error:
        counts = {separator: header_line.count(separator) for separator in SEPARATORS}
        return max(counts, key=lambda separator: counts[separator])


def _read_csv(data: bytes) -> RawTable:
    text = decode_text(data)
    if _looks_binary(text):
        raise ImportFileError(MSG_BINARY)
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        raise ImportFileError(MSG_EMPTY)
    separator = sniff_separator(header_line)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            header=None,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            # No nrows: cutting the file short would hide pupils (and end them); the size
            # limit already bounds what is parsed.
            engine="c",
            quoting=csv.QUOTE_MINIMAL,
        )
    except ParserError as error:
        line = re.search(r"line (\d+)", str(error))
        if line:
            raise ImportFileError(MSG_BAD_CSV_LINE.format(line=line.group(1))) from None
        raise ImportFileError(MSG_BAD_CSV.format(detail=_short(error))) from None
    except (ValueError, UnicodeError, OverflowError, MemoryError) as error:
        raise ImportFileError(MSG_BAD_CSV.format(detail=_short(error))) from None
    frame = frame.fillna("")
    cells = frame.to_numpy(dtype=object).tolist()
    # With blank lines kept, the frame's index + 1 is the line the spreadsheet program shows.
    return _table(cells, first_row_number=1, file_kind="CSV")


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


# --- Excel -------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    """Refuse a zip that is no workbook or unpacks far beyond its size, before openpyxl opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception:  # zipfile raises many kinds (BadZipFile, NotImplementedError, …)
        raise ImportFileError(MSG_NOT_XLSX) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise ImportFileError(MSG_NOT_XLSX)
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(MSG_ZIP_BOMB)
    total = 0
    for member in members:
        # The sizes in the directory are claims; openpyxl's reader stops at the declared size,
        # and zipfile checks the CRC, so a lying entry fails instead of growing unbounded.
        total += member.file_size
        ratio = member.file_size / max(1, member.compress_size)
        if total > MAX_UNCOMPRESSED_BYTES or (
            member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO
        ):
            raise ImportFileError(MSG_ZIP_BOMB)


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> RawTable:
    # Imported here: openpyxl is only needed for Excel uploads.
    import openpyxl
    from openpyxl.utils import get_column_letter

    _check_zip(data)
    try:
        # read_only streams the sheet: memory stays flat however many rows it claims.
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception:  # openpyxl raises anything on a damaged workbook
        raise ImportFileError(MSG_NOT_XLSX) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ImportFileError(MSG_NO_SHEET)
        cells: list[list[str]] = []
        try:
            # The <dimension> a file declares may be wrong (or absent): read what is there.
            sheet.reset_dimensions()
            for index, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1)):
                if index >= MAX_SHEET_ROWS:
                    limit = thousands(MAX_SHEET_ROWS)
                    raise ImportFileError(MSG_SHEET_TOO_LONG.format(limit=limit))
                texts = []
                for column, cell in enumerate(row, start=1):
                    if getattr(cell, "data_type", None) == "f":
                        name = f"{get_column_letter(column)}{index + 1}"
                        raise ImportFileError(MSG_FORMULA.format(cell=name))
                    texts.append(_excel_text(getattr(cell, "value", None)))
                cells.append(texts)
        except ImportFileError:
            raise
        except Exception:  # a damaged sheet XML surfaces as any error
            raise ImportFileError(MSG_NOT_XLSX) from None
    finally:
        workbook.close()
    width = max((len(row) for row in cells), default=0)
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in cells], dtype=str)
    return _table(frame.fillna("").to_numpy(dtype=object).tolist(), 1, "Excel")


# --- Both --------------------------------------------------------------------------------------


def _table(cells: list[list[object]], first_row_number: int, file_kind: str) -> RawTable:
    """Split off the header (the first non-empty row), drop empty rows, check the limits."""
    numbered = [
        (number, [str(cell).strip() for cell in row])
        for number, row in enumerate(cells, start=first_row_number)
    ]
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        raise ImportFileError(MSG_EMPTY)
    _, headers = numbered[0]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ImportFileError(MSG_NO_HEADER)
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(MSG_TOO_MANY_COLUMNS.format(limit=MAX_COLUMNS))
    body = numbered[1:]
    if not body:
        raise ImportFileError(MSG_NO_PUPILS)
    if len(body) > MAX_ROWS:
        raise ImportFileError(MSG_TOO_MANY_ROWS.format(limit=thousands(MAX_ROWS)))
    rows, numbers = [], []
    for number, row in body:
        # A huge cell is cut just past the limit: validation refuses the row, with little memory.
        row = [cell[: MAX_CELL_CHARS + 1] for cell in row[: len(headers)]]
        rows.append(row + [""] * (len(headers) - len(row)))
        numbers.append(number)
    return RawTable(headers=headers, rows=rows, row_numbers=numbers, file_kind=file_kind)
