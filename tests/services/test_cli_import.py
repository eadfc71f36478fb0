"""`cli import FILE --school INSTELLINGSNUMMER [--apply] [--only-valid]`: preview, exit status."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from leerid_app import cli, db
from leerid_app.models import AuditEvent, Pupil, School
from tests.services.factories import add_pupil
from tests.services.import_files import csv_bytes
from tests.services.test_cli import _run

GOOD = [
    ["1001", "Sara", "Claes", "2e lj 2e gr Wetenschappen ASO"],
    ["2001", "Lina", "Vermeulen", "2e lj 2e gr Wetenschappen ASO"],
]
BAD = [*GOOD, ["", "Zonder", "Stamnummer", "2e lj 2e gr Wetenschappen ASO"]]


@pytest.fixture
def school_engine(engine, monkeypatch):
    """The CLI on the test database, with one school numbered 046623 and one pupil."""
    monkeypatch.setattr(db, "get_engine", lambda: engine)
    with Session(engine) as session:
        school = School(name="BRUSSEL-STAD - TEST School 2", instellingsnummer="046623")
        session.add(school)
        session.flush()
        add_pupil(session, school, "1001", "Sara", "Claes")
        session.commit()
    return engine


def _write(tmp_path: Path, rows: list[list[str]]) -> str:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(rows))
    return str(path)


def _stamnummers(engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Pupil.stamnummer)).all())


@pytest.mark.parametrize(
    ("rows", "flags", "code", "applied"),
    [
        (GOOD, [], 0, False),
        (GOOD, ["--apply"], 0, True),
        (BAD, [], 1, False),
        (BAD, ["--apply"], 1, False),
        (BAD, ["--apply", "--only-valid"], 1, True),
    ],
)
def test_preview_apply_and_exit_status(
    school_engine, tmp_path, monkeypatch, capsys, rows, flags, code, applied
) -> None:
    status, out, _err = _run(
        monkeypatch, capsys, ["import", _write(tmp_path, rows), "--school", "046623", *flags]
    )
    assert status == code
    assert "Instelling: BRUSSEL-STAD - TEST School 2 (046623)" in out
    assert "Nieuw: 1" in out and "rij 3  2001  Lina Vermeulen" in out
    assert ("2001" in _stamnummers(school_engine)) is applied
    if rows is BAD:
        assert "rij 4" in out and "Stamnummer ontbreekt." in out
    with Session(school_engine) as session:
        events = session.exec(select(AuditEvent)).all()
    assert [event.actor_username for event in events] == (["commandoregel"] if applied else [])


@pytest.mark.parametrize(
    ("content", "school", "message"),
    [
        (b"\x00\x01\x02" * 100, "046623", "geen CSV- of Excel-bestand"),
        (csv_bytes(GOOD), "999999", "geen instelling met instellingsnummer 999999"),
    ],
)
def test_unreadable_file_or_unknown_school_exit_2(
    school_engine, tmp_path, monkeypatch, capsys, content, school, message
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    status, _out, err = _run(monkeypatch, capsys, ["import", str(path), "--school", school])
    assert status == 2
    assert message in err


def test_a_missing_file_exits_2(school_engine, tmp_path, monkeypatch, capsys) -> None:
    status, _out, err = _run(
        monkeypatch, capsys, ["import", str(tmp_path / "nope.csv"), "--school", "046623"]
    )
    assert status == 2 and "cannot read" in err


def test_help_lists_the_import_and_sample_commands() -> None:
    help_text = cli.build_parser().format_help()
    assert "import" in help_text and "demo-import-file" in help_text
