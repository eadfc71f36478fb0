"""Excel files of the Gegevenscontrole and Wie wordt inactief? reports, built in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from leerid_app import texts
from leerid_app.services.exports.credentials_xlsx import DATE_FORMAT, neutralise_text
from leerid_app.services.reports import DataIssue, Leaver

DATA_CHECK_COLUMNS = (
    texts.COL_ISSUE,
    texts.COL_STAMNUMMER,
    texts.COL_FIRST_NAME,
    texts.COL_LAST_NAME,
    texts.COL_GROUP,
    texts.COL_ENROLLMENT_VALUE,
    texts.COL_OFFICIAL_VALUE,
    texts.COL_RELATED,
)
LEAVERS_COLUMNS = (
    texts.COL_STAMNUMMER,
    texts.COL_FIRST_NAME,
    texts.COL_LAST_NAME,
    texts.COL_GROUP,
    texts.COL_ENROLLMENT_END,
    texts.COL_USERNAME,
    texts.COL_STATUS,
)


def _cell(value: object) -> object:
    # Names come from an outside package: never let one start a formula.
    return neutralise_text(value) if isinstance(value, str) else value


def _workbook(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column) + 4)
        for cell in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell[0].value, date):
                cell[0].number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_data_check_xlsx(issues: Sequence[DataIssue]) -> bytes:
    """One row per finding of the Gegevenscontrole."""
    return _workbook(
        "Gegevenscontrole",
        DATA_CHECK_COLUMNS,
        (
            (
                texts.ISSUE_LABELS[issue.kind.value],
                issue.stamnummer,
                issue.first_name,
                issue.last_name,
                issue.administrative_group,
                issue.enrollment,
                issue.official,
                ", ".join(issue.related),
            )
            for issue in issues
        ),
    )


def build_leavers_xlsx(rows: Sequence[Leaver]) -> bytes:
    """One row per pupil whose enrollment ends in the period."""
    return _workbook(
        "Wie wordt inactief",
        LEAVERS_COLUMNS,
        (
            (
                row.stamnummer,
                row.first_name,
                row.last_name,
                row.administrative_group,
                row.enrollment_end,
                row.username,
                row.status.value,
            )
            for row in rows
        ),
    )
