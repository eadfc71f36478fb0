"""Importing pupils from the school's administration package: read, check, preview, apply."""

from __future__ import annotations

from datetime import date

from leerid_app.services.imports.plan import (
    Category,
    ImportPlan,
    ImportResult,
    PreviewItem,
    apply_import,
    build_plan,
    find_school,
    school_number,
    summer_rule_applies,
)
from leerid_app.services.imports.reading import ImportFileError, RawTable, read_table
from leerid_app.services.imports.rows import ImportFile, check_rows, insz_is_valid, parse_date

__all__ = [
    "Category",
    "ImportFile",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "PreviewItem",
    "RawTable",
    "apply_import",
    "build_plan",
    "check_rows",
    "find_school",
    "insz_is_valid",
    "parse_date",
    "read_file",
    "read_table",
    "school_number",
    "summer_rule_applies",
]


def read_file(data: bytes, *, today: date) -> ImportFile:
    """Read and check an export in one step (no database needed).

    Raises:
        ImportFileError: The file as a whole is unreadable; the message says why, in Dutch.
    """
    return check_rows(read_table(data), today=today)
