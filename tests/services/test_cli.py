"""The operator command line: administrators, schools, and the lead's migrate/seed hooks."""

from __future__ import annotations

import io
import subprocess
import sys
import types

import pytest
from sqlmodel import Session, select

from leerid_app import cli, db
from leerid_app.models import Administrator, School
from leerid_app.services.hashing import get_password_hashing

PASSWORD = "LeerID-demo-2023"


@pytest.fixture
def cli_engine(engine, monkeypatch):
    """Point the CLI's session_scope at the test database, with two schools in it."""
    monkeypatch.setattr(db, "get_engine", lambda: engine)
    with Session(engine) as session:
        session.add_all([School(name="BRUSSEL-STAD - TEST School 2"), School(name="Atheneum")])
        session.commit()
    return engine


def _run(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        cli.main(argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _school_id(engine, name: str) -> int:
    with Session(engine) as session:
        return session.exec(select(School.id).where(School.name == name)).one()


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for command in (
        "create-admin",
        "set-password",
        "grant",
        "revoke",
        "list-admins",
        "list-schools",
        "migrate",
        "seed-demo",
    ):
        assert command in out


def test_runs_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "leerid_app.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0
    assert "create-admin" in completed.stdout


def test_admin_lifecycle(cli_engine, monkeypatch, capsys) -> None:
    school_2 = _school_id(cli_engine, "BRUSSEL-STAD - TEST School 2")
    steps = [
        (["create-admin", "an.beheer", "--name", "An Beheer", "--password-stdin"], PASSWORD + "\n"),
        (["grant", "an.beheer", "BRUSSEL-STAD - TEST School 2"], ""),
        (["grant", "an.beheer", "Atheneum"], ""),
        (["revoke", "an.beheer", str(school_2)], ""),
    ]
    for argv, stdin in steps:
        code, _out, err = _run(monkeypatch, capsys, argv, stdin)
        assert (code, err) == (0, "")

    code, out, _err = _run(monkeypatch, capsys, ["list-admins"])
    assert code == 0
    assert out == "an.beheer\tAn Beheer\tactive\tAtheneum\n"
    code, out, _err = _run(monkeypatch, capsys, ["list-schools"])
    assert out.splitlines()[1] == f"{school_2}\tBRUSSEL-STAD - TEST School 2"

    with Session(cli_engine) as session:
        administrator = session.exec(select(Administrator)).one()
        assert get_password_hashing().verify(administrator.password_hash, PASSWORD)
        assert PASSWORD not in administrator.password_hash


def test_set_password_asks_twice(cli_engine, monkeypatch, capsys) -> None:
    _run(
        monkeypatch,
        capsys,
        ["create-admin", "an.beheer", "--name", "An", "--password-stdin"],
        PASSWORD + "\n",
    )
    answers = iter(["Nieuw-wachtwoord-1", "Nieuw-wachtwoord-2"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    code, _out, err = _run(monkeypatch, capsys, ["set-password", "an.beheer"])
    assert code == 2
    assert "do not match" in err

    answers = iter(["Nieuw-wachtwoord-1", "Nieuw-wachtwoord-1"])
    code, _out, err = _run(monkeypatch, capsys, ["set-password", "an.beheer"])
    assert (code, err) == (0, "")
    with Session(cli_engine) as session:
        administrator = session.exec(select(Administrator)).one()
        assert get_password_hashing().verify(administrator.password_hash, "Nieuw-wachtwoord-1")


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (
            ["create-admin", "an.beheer", "--name", "An", "--password-stdin"],
            "kort\n",
            "minstens 12",
        ),
        (["create-admin", "an.beheer", "--name", "An", "--password-stdin"], "", "no password"),
        (["create-admin", "a b", "--name", "An", "--password-stdin"], PASSWORD, "3 tot 80"),
        (["grant", "niemand", "Atheneum"], "", "bestaat niet"),
        (["revoke", "niemand", "Onbekend"], "", "bestaat niet"),
        (["set-password", "niemand", "--password-stdin"], PASSWORD, "bestaat niet"),
        # A password as an argument is not even accepted by the parser.
        (["create-admin", "an.beheer", "--name", "An", "--password", PASSWORD], "", "unrecognized"),
        (["create-admin", "an.beheer"], "", "required"),
    ],
)
def test_errors_go_to_stderr_with_status_2(
    cli_engine, monkeypatch, capsys, argv, stdin, message
) -> None:
    code, out, err = _run(monkeypatch, capsys, argv, stdin)
    assert code == 2
    assert message in err
    if PASSWORD not in argv:  # argparse echoes unrecognized arguments, as typed
        assert PASSWORD not in out + err
    with Session(cli_engine) as session:
        assert session.exec(select(Administrator)).all() == []


def test_migrate_and_seed_demo_call_the_lead_hooks(cli_engine, monkeypatch, capsys) -> None:
    calls: list[object] = []
    migrations = types.ModuleType("leerid_app.migrations")
    migrations.upgrade_to_head = lambda: calls.append("migrate")  # type: ignore[attr-defined]
    demo = types.ModuleType("leerid_app.services.demo")
    demo.seed_demo = lambda session: calls.append(type(session).__name__)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leerid_app.migrations", migrations)
    monkeypatch.setitem(sys.modules, "leerid_app.services.demo", demo)

    assert _run(monkeypatch, capsys, ["migrate"])[0] == 0
    assert _run(monkeypatch, capsys, ["seed-demo"])[0] == 0
    assert calls == ["migrate", "Session"]
