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


GOOD_ROWS = [
    ["00123", "Emma", "Peeters", "6de leerjaar", "V", "07/11/2010", "Basis"],
    ["00124", "Noah", "Janssens", "5de leerjaar", "M", "2011-03-02", "basis"],
    ["00125", "Şükrü", "Yılmaz", "2e lj 3e gr Elektromechanica TSO", "M", "", "Secundair"],
    ["00126", "Zoë", "Françoise", "BuSO OV3 Kantoor", "X", "31-12-2009", "BuSO"],
]
GOOD_HEADER = [*HEADER, "Geslacht", "Geboortedatum", "Onderwijsniveau"]


def _good_csv(rng) -> bytes:
    rows = [list(row) for row in GOOD_ROWS for _ in range(rng.randint(1, 3))]
    return csv_bytes(rows, GOOD_HEADER, separator=rng.choice(";,\t"))


def _good_xlsx(_rng) -> bytes:
    return xlsx_bytes([list(row) for row in GOOD_ROWS], GOOD_HEADER)


def _flip_bytes(data: bytes, rng) -> bytes:
    mutable = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        mutable[rng.randrange(len(mutable))] = rng.randrange(256)
    return bytes(mutable)


def malformed_file(rng, good_xlsx: bytes) -> tuple[str, bytes]:
    """One malformed export of a random kind, and the kind's name."""
    kind = rng.choice(
        [
            "random",
            "truncated-csv",
            "truncated-xlsx",
            "flipped-xlsx",
            "flipped-csv",
            "encoding",
            "shuffled-columns",
            "missing-columns",
            "huge-cell",
            "ragged",
            "quotes",
        ]
    )
    if kind == "random":
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
        if rng.random() < 0.3:
            data = (
                rng.choice([b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf"])
                + data
            )
    elif kind == "truncated-csv":
        good = _good_csv(rng)
        data = good[: rng.randint(0, len(good))]
    elif kind == "truncated-xlsx":
        data = good_xlsx[: rng.randint(0, len(good_xlsx))]
    elif kind == "flipped-xlsx":
        data = _flip_bytes(good_xlsx, rng)
    elif kind == "flipped-csv":
        data = _flip_bytes(_good_csv(rng), rng)
    elif kind == "encoding":
        text = _good_csv(rng).decode("utf-8")
        encoding = rng.choice(["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp437", "utf-7"])
        data = text.encode(encoding, errors="replace")
    elif kind in ("shuffled-columns", "missing-columns"):
        order = list(range(len(GOOD_HEADER)))
        rng.shuffle(order)
        if kind == "missing-columns":
            order = order[: rng.randint(0, len(order) - 1)]
        header = [GOOD_HEADER[index] for index in order]
        rows = [[row[index] for index in order] for row in GOOD_ROWS]
        if rng.random() < 0.5:
            data = xlsx_bytes(rows, header)
        else:
            data = csv_bytes(rows, header, separator=rng.choice(";,"))
    elif kind == "huge-cell":
        rows = [list(row) for row in GOOD_ROWS]
        row, column = rng.randrange(len(rows)), rng.randrange(len(GOOD_HEADER))
        rows[row][column] = rng.choice('xé\u200b;"\n') * rng.randint(1_000, 200_000)
        data = csv_bytes(rows, GOOD_HEADER)
    elif kind == "ragged":
        rows = [list(row)[: rng.randint(0, 9)] + ["extra"] * rng.randint(0, 3) for row in GOOD_ROWS]
        data = csv_bytes(rows, GOOD_HEADER)
    else:
        text = _good_csv(rng).decode("utf-8")
        for _ in range(rng.randint(1, 5)):
            at = rng.randrange(len(text))
            text = (
                text[:at] + rng.choice(['"', '""', "\r", "\n", ";", "\x00", "\ufeff"]) + text[at:]
            )
        data = text.encode("utf-8")
    return kind, data
