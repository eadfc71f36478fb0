"""The Excel download with all LeerID data, built in memory with openpyxl's write-only mode."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from leerid_app import texts
from leerid_app.models import AccountType
from leerid_app.services.credentials import IssuedCredential, slip_order

CREDENTIAL_COLUMNS: tuple[str, ...] = texts.EXCEL_COLUMNS
SHEET_TITLE = "LeerID"
# The manual's example shows 3/06/2007: day without, month with a leading zero.
DATE_FORMAT = "d/mm/yyyy"
TEXT_FORMAT = "@"
# Widths in characters, wide enough for the manual's longest examples without wrapping.
COLUMN_WIDTHS = (12, 18, 22, 32, 18, 40, 10, 14, 13)
# A spreadsheet treats text starting with these as a formula (or a DDE payload once the sheet
# is saved as CSV); names come from an outside package, so none of them may start one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: str) -> str:
    """Make ``value`` safe as a spreadsheet text cell.

    Drops the control characters the xlsx format cannot hold (openpyxl would refuse the whole
    file) and prefixes a single quote when the text could be read as a formula.

    Args:
        value: Any text destined for a cell.

    Returns:
        The text to write.
    """
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _MemoryWorksheetWriter(WorksheetWriter):
    """openpyxl's sheet writer, streaming into memory.

    By default openpyxl streams every sheet, inline strings and all, into a named temporary
    file, which would put the plain-text passwords on disk (and leave them there if the
    process dies mid-save). ``WorksheetWriter`` accepts a ``BytesIO`` as ``out``.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        super().__init__(sheet, out=io.BytesIO())

    def cleanup(self) -> None:
        """Nothing to delete: the sheet never was a file."""


class _MemoryZipFile(ZipFile):
    """A zip archive that also takes the in-memory sheet where openpyxl passes a file name."""

    def write(  # type: ignore[override]
        self,
        filename: str | io.BytesIO,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add ``filename``; a ``BytesIO`` is added from memory under ``arcname``."""
        if isinstance(filename, io.BytesIO):
            self.writestr(arcname or "", filename.getvalue(), compress_type, compresslevel)
            return
        super().write(filename, arcname, compress_type, compresslevel)


def _text(value: str | None) -> str | None:
    """A neutralised string, or ``None`` for an empty cell."""
    return None if value is None else neutralise_text(value)


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A string cell in Excel's text format.

    Without the text format Excel offers to "convert to number", dropping leading zeros of a
    stamnummer or turning an all-digit password into a number.
    """
    cell = WriteOnlyCell(sheet, value=neutralise_text(value))
    cell.number_format = TEXT_FORMAT
    return cell


def _date_cell(sheet: WriteOnlyWorksheet, value: date | None) -> WriteOnlyCell | None:
    """A real date cell, so the sheet can sort and filter on it; empty when unknown."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = DATE_FORMAT
    return cell


def build_credentials_xlsx(credentials: Sequence[IssuedCredential]) -> bytes:
    """Build the Excel with one row per issued credential, as in the manual's example.

    Rows are sorted by administrative group, then name, like the PDF slips. The workbook is
    built in memory only, because it holds plain-text passwords.

    Args:
        credentials: The freshly issued credentials; may be empty (header row only).

    Returns:
        The .xlsx file as bytes.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # Write-only sheets take column widths and panes only before the sheet writer starts.
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet._writer = _MemoryWorksheetWriter(sheet)
    sheet._writer.write_top()

    bold = Font(bold=True)
    header = []
    for title in CREDENTIAL_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    # Plain values where no format is needed: styled cells cost several times more to write.
    for credential in sorted(credentials, key=slip_order):
        sheet.append(
            (
                _text_cell(sheet, credential.stamnummer),
                _text(credential.first_name),
                _text(credential.last_name),
                _text_cell(sheet, credential.username),
                _text_cell(sheet, credential.password),
                _text(credential.administrative_group),
                _text(credential.gender or None),
                _date_cell(sheet, credential.birth_date),
                texts.ACCOUNT_TYPE_LABELS[AccountType(credential.account_type).value],
            )
        )

    buffer = io.BytesIO()
    with _MemoryZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return buffer.getvalue()
