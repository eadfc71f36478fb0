"""Fuzz: 1,000 malformed exports each get a Dutch message or a preview, and change nothing.

A longer run with more files lives in benchmarks/fuzz_import.py.
"""

from __future__ import annotations

import random
import re
import time
from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from leerid_app.models import AuditEvent, Pupil
from leerid_app.services.imports import ImportFileError, build_plan, read_file, reading, rows
from tests.services.factories import add_pupil, add_school
from tests.services.import_files import _good_xlsx, malformed_file

FILES = 1_000
TIME_BUDGET_SECONDS = 60
TODAY = date(2026, 12, 3)


def known_messages() -> list[re.Pattern[str]]:
    """Every whole-file message the reader can give, as patterns (placeholders match anything)."""
    templates = [
        value
        for module in (reading, rows)
        for name, value in vars(module).items()
        if name.startswith("MSG_") and isinstance(value, str)
    ]
    return [
        re.compile("^" + ".*".join(re.escape(part) for part in re.split(r"\{\w*\}", t)) + "$", re.S)
        for t in templates
    ]


def fuzz(session: Session, school_id: int, count: int, seed: int) -> dict[str, int]:
    """Feed ``count`` malformed files; returns how often each outcome happened."""
    rng = random.Random(seed)
    good_xlsx = _good_xlsx(rng)
    patterns = known_messages()
    outcomes: dict[str, int] = {}
    for _ in range(count):
        kind, data = malformed_file(rng, good_xlsx)
        try:
            imported = read_file(data, today=TODAY)
        except ImportFileError as error:
            assert any(p.match(error.message) for p in patterns), (kind, error.message)
            outcomes["message"] = outcomes.get("message", 0) + 1
            continue
        plan = build_plan(session, school_id=school_id, import_file=imported, today=TODAY)
        for item in plan.items["refused"]:
            assert item.details and all(isinstance(reason, str) for reason in item.details)
            assert item.row_number is not None and item.row_number >= 2
        session.rollback()
        outcomes["preview"] = outcomes.get("preview", 0) + 1
    return outcomes


# Reading dominates and does not depend on the database; the preview's queries run on both
# databases in test_imports.py.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_malformed_files_get_a_message_or_a_preview_and_change_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        school = add_school(session, "BRUSSEL-STAD - TEST School 2")
        add_pupil(session, school, "00123", "Emma", "Peeters")
        add_pupil(session, school, "00999", "Jan", "Claes")
        session.commit()
        before = session.exec(select(Pupil.id, Pupil.first_name, Pupil.enrollment_end)).all()
        start = time.monotonic()
        outcomes = fuzz(session, school.id, FILES, seed=2026)
        elapsed = time.monotonic() - start
        assert sum(outcomes.values()) == FILES
        assert outcomes.get("message", 0) > 100 and outcomes.get("preview", 0) > 100, outcomes
        assert elapsed < TIME_BUDGET_SECONDS, f"{FILES} files took {elapsed:.1f} s"
        after = session.exec(select(Pupil.id, Pupil.first_name, Pupil.enrollment_end)).all()
        assert sorted(after) == sorted(before)
        assert session.exec(select(func.count(AuditEvent.id))).one() == 0
