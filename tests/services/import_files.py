"""Exports of a pupil administration package as the import tests, fuzz and benchmark build them."""

from __future__ import annotations

import io
import zipfile

import openpyxl

HEADER = ["Stamnummer", "Voornaam", "Naam", "Administratieve groep"]


def csv_bytes(
    rows: list[list[str]],
    header: list[str] | None = None,
    *,
    separator: str = ";",
    encoding: str = "utf-8",
) -> bytes:
    """A CSV export; no quoting needed for the values the tests use."""
    lines = [separator.join(header or HEADER)] + [separator.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    """An .xlsx workbook with one sheet: the header, then the rows as typed values."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(workbook: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change`` (text → text)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            target.writestr(item.filename, data)
    return out.getvalue()


def empty_rows_sheet(count: int) -> bytes:
    """A valid export whose sheet then holds ``count`` empty (formatted) rows, as Excel writes
    them for a formatted column, with the <dimension> telling the truth."""

    def add_rows(xml: str) -> str:
        rows = "".join(f'<row r="{n}" spans="1:4"/>' for n in range(3, count + 3))
        xml = xml.replace("</sheetData>", rows + "</sheetData>")
        return xml.replace('<dimension ref="A1:D2"/>', f'<dimension ref="A1:D{count + 2}"/>')

    return rewrite_sheet(xlsx_bytes([["1", "Emma", "Peeters", "6de leerjaar"]]), add_rows)


def zip_bomb() -> bytes:
    """A workbook-shaped zip whose one member unpacks to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(block)
    return out.getvalue()
