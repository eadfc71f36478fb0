"""Command line for operators: administrators, their schools, migrations and demo data."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence

from leerid_app.db import session_scope
from leerid_app.services import admins
from leerid_app.services.errors import DomainError


class CliError(Exception):
    """A problem the operator must fix; printed to stderr, exit status 2."""


def _read_password(args: argparse.Namespace) -> str:
    # Never from an argument: those end up in shell history and in `ps` for every user.
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise CliError("no password on standard input")
        return password
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Repeat password: ")
    if first != second:
        raise CliError("the passwords do not match")
    return first


def _create_admin(args: argparse.Namespace) -> None:
    password = _read_password(args)
    with session_scope() as session:
        administrator = admins.create_administrator(session, args.username, args.name, password)
        username = administrator.username
    print(f"Created administrator {username}.")


def _set_password(args: argparse.Namespace) -> None:
    password = _read_password(args)
    with session_scope() as session:
        admins.set_administrator_password(session, args.username, password)
    print(f"Password changed for {args.username}; their open sessions were ended.")


def _grant(args: argparse.Namespace) -> None:
    with session_scope() as session:
        school = admins.grant_school(session, args.username, args.school)
        name = school.name
    print(f"{args.username} now administers {name}.")


def _revoke(args: argparse.Namespace) -> None:
    with session_scope() as session:
        school = admins.revoke_school(session, args.username, args.school)
        name = school.name
    print(f"{args.username} no longer administers {name}.")


def _list_admins(_args: argparse.Namespace) -> None:
    with session_scope() as session:
        administrators = admins.list_administrators(session)
    if not administrators:
        print("No administrators.")
    for administrator in administrators:
        state = "active" if administrator.is_active else "inactive"
        schools = ", ".join(administrator.schools) or "-"
        print(f"{administrator.username}\t{administrator.display_name}\t{state}\t{schools}")


def _list_schools(_args: argparse.Namespace) -> None:
    with session_scope() as session:
        schools = admins.list_schools(session)
        numbers = admins.school_numbers(session)
    if not schools:
        print("No schools.")
    for school in schools:
        number = numbers.get(school.id)
        print(f"{school.id}\t{school.name}" + (f"\t{number}" if number else ""))


def _migrate(_args: argparse.Namespace) -> None:
    # Imported here: alembic is only needed for this command.
    from leerid_app.migrations import upgrade_to_head

    upgrade_to_head()
    print("Database is at the newest revision.")


def _seed_demo(_args: argparse.Namespace) -> None:
    # Imported here: the demo data module is large and only needed for this command.
    from leerid_app.services.demo import seed_demo

    with session_scope() as session:
        loaded = seed_demo(session)
    print("Demo data loaded." if loaded else "Demo data already present; nothing changed.")


def _import(args: argparse.Namespace) -> None:
    # Imported here: pandas and openpyxl are only needed for this command.
    from leerid_app.services import imports
    from leerid_app.services.accounts import Actor
    from leerid_app.services.dates import school_today
    from leerid_app.services.imports.report import preview_text, result_text

    today = school_today()
    try:
        data = _read_limited(args.file, imports.reading.MAX_FILE_BYTES)
        import_file = imports.read_file(data, today=today)
    except imports.ImportFileError as error:
        print(f"error: {error.message}", file=sys.stderr)
        raise SystemExit(2) from None
    with session_scope() as session:
        school = imports.find_school(session, args.school)
        label = f"{school.name} ({school.instellingsnummer})"
        plan = imports.build_plan(
            session, school_id=school.id, import_file=import_file, today=today
        )
        print(preview_text(plan, school=label, file_name=args.file))
        refused = plan.count(imports.Category.REFUSED)
        if args.apply and (not refused or args.only_valid):
            result = imports.apply_import(
                session,
                school_id=school.id,
                import_file=import_file,
                today=today,
                only_valid=args.only_valid,
                confirmed_signature=plan.signature,
                actor=Actor(None, CLI_ACTOR),
            )
            print("\n" + result_text(result))
        elif args.apply:
            print("\nNiets geïmporteerd: er zijn geweigerde rijen (gebruik --only-valid).")
        else:
            print("\nVoorbeeld: er is niets gewijzigd (gebruik --apply).")
    if refused:
        raise SystemExit(1)


CLI_ACTOR = "commandoregel"


def _demo_import_file(_args: argparse.Namespace) -> None:
    # Imported here: building the sample needs the demo data module.
    from leerid_app.services.imports.sample import write_sample

    print(f"Wrote {write_sample()}.")


def _read_limited(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror}") from None
    # One byte over the limit is enough for the reader's size message.
    return data


def _add_password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand.

    Returns:
        The parser; each subcommand sets ``handler`` to the function that runs it.
    """
    parser = argparse.ArgumentParser(
        prog="python -m leerid_app.cli",
        description="Manage LeerID Schoolloket administrators, schools and the database.",
        # No abbreviations: "--password" must not silently mean "--password-stdin".
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], None], help_text: str):
        sub = commands.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        sub.set_defaults(handler=handler)
        return sub

    create = command("create-admin", _create_admin, "create an administrator (asks a password)")
    create.add_argument("username", metavar="USERNAME")
    create.add_argument("--name", required=True, help="display name, e.g. 'An Peeters'")
    _add_password_option(create)

    set_password = command("set-password", _set_password, "set an administrator's password")
    set_password.add_argument("username", metavar="USERNAME")
    _add_password_option(set_password)

    for name, handler, help_text in (
        ("grant", _grant, "let an administrator administer a school"),
        ("revoke", _revoke, "take a school away from an administrator"),
    ):
        sub = command(name, handler, help_text)
        sub.add_argument("username", metavar="USERNAME")
        sub.add_argument("school", metavar="SCHOOL", help="the school's exact name or its id")

    command("list-admins", _list_admins, "list administrators and their schools")
    command("list-schools", _list_schools, "list schools with their ids")
    command("migrate", _migrate, "bring the database schema to the newest revision")
    command("seed-demo", _seed_demo, "fill the database with the demo school and administrators")
    command(
        "demo-import-file",
        _demo_import_file,
        "write the demo school's sample export to assets/demo/ (the same on every run)",
    )
    importer = command(
        "import",
        _import,
        "preview (or apply) an export of the pupil administration package; "
        "exit status 0 = fine, 1 = refused rows, 2 = unreadable file or unknown school",
    )
    importer.add_argument("file", metavar="FILE", help="the export, .csv or .xlsx")
    importer.add_argument(
        "--school", required=True, metavar="INSTELLINGSNUMMER", help="the school's number"
    )
    importer.add_argument("--apply", action="store_true", help="apply it (default: preview)")
    importer.add_argument(
        "--only-valid",
        action="store_true",
        help="with --apply: import the valid rows even when some rows are refused",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run one command; on an error print it to stderr and exit with status 2.

    Args:
        argv: The arguments without the program name; defaults to ``sys.argv[1:]``.
    """
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        raise SystemExit(2) from None
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except ImportError as error:
        # migrate and seed-demo depend on modules that may not be installed in this build.
        print(f"error: this command is not available: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except (KeyboardInterrupt, EOFError):
        print("error: cancelled", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
