"""No plain-text password ever reaches the database file, nor any audit event."""

from __future__ import annotations

import asyncio
import random
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, select

from leerid_app.db import make_engine
from leerid_app.models import AccountType, AuditEvent, LeerIDAccount, Pupil, School
from leerid_app.services import auth, passwords
from leerid_app.services.accounts import (
    Actor,
    CredentialChange,
    activate_account,
    change_credentials,
)
from leerid_app.services.bulk import (
    hash_passwords,
    plan_activation,
    plan_renewal,
    save_activation,
    save_renewal,
)
from leerid_app.services.demo import DEMO_ADMIN_PASSWORD, DEMO_SCHOOL, seed_demo
from leerid_app.services.hashing import get_password_hashing

TODAY = date(2026, 11, 29)
ACTOR = Actor(administrator_id=None, username="beheerder")
WRONG_ADMIN_PASSWORD = "Verkeerd-wachtwoord-42"


def _database_bytes(path: Path) -> bytes:
    """The database file and its WAL and shared-memory files, whichever exist."""
    chunks = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            chunks.append(candidate.read_bytes())
    return b"".join(chunks)


def _version(session: Session, pupil_id: int) -> int:
    """The account's version as the edit form would have seen it."""
    return session.exec(
        select(LeerIDAccount.version).where(LeerIDAccount.pupil_id == pupil_id)
    ).one()


def _pupil_id(session: Session, school_id: int, stamnummer: str) -> int:
    return session.exec(
        select(Pupil.id).where(Pupil.school_id == school_id, Pupil.stamnummer == stamnummer)
    ).one()


def test_no_plain_text_password_reaches_the_database_file(tmp_path) -> None:
    path = tmp_path / "leerid.db"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    hashing = get_password_hashing()
    rng = random.Random(2023)
    issued: dict[str, str] = {}  # username → the latest password the services handed out
    handed_out: list[str] = []  # every password, also those replaced later

    def remember(credential) -> None:
        issued[credential.username] = credential.password
        handed_out.append(credential.password)

    try:
        with Session(engine, expire_on_commit=False) as session:
            assert seed_demo(session, today=TODAY)
            session.commit()
            school_id = session.exec(select(School.id).where(School.name == DEMO_SCHOOL)).one()

            # Administrators log in, once with a wrong password (its audit must not hold it).
            assert auth.authenticate(session, "beheerder", DEMO_ADMIN_PASSWORD).ok
            assert not auth.authenticate(session, "beheerder", WRONG_ADMIN_PASSWORD).ok
            session.commit()

            # One pupil activated: Pieter-Alexander Bogaert.
            bogaert = _pupil_id(session, school_id, "93504")
            credential = activate_account(
                session,
                school_id=school_id,
                pupil_id=bogaert,
                actor=ACTOR,
                hashing=hashing,
                rng=rng,
            )
            remember(credential)
            session.commit()

            # Abdulghani Bogdan: a new username and a new password.
            new_password = passwords.generate_password(AccountType.BASIS, rng)
            result = change_credentials(
                session,
                school_id=school_id,
                pupil_id=_pupil_id(session, school_id, "60351"),
                change=CredentialChange(username="abdul.bogdan", new_password=new_password),
                seen_version=_version(session, _pupil_id(session, school_id, "60351")),
                actor=ACTOR,
                hashing=hashing,
            )
            remember(result.credential)
            session.commit()

            # Butrint Boeren's e-mail removed, with a new advanced password.
            new_password = passwords.generate_password(AccountType.GEVORDERD, rng)
            result = change_credentials(
                session,
                school_id=school_id,
                pupil_id=_pupil_id(session, school_id, "47727"),
                change=CredentialChange(new_password=new_password, remove_email=True),
                seen_version=_version(session, _pupil_id(session, school_id, "47727")),
                actor=ACTOR,
                hashing=hashing,
            )
            remember(result.credential)
            session.commit()

            # A bulk renewal of the manual's example plus a few others.
            selection = [
                _pupil_id(session, school_id, stamnummer) for stamnummer in ("32890", "80240")
            ]
            selection += session.exec(
                select(Pupil.id)
                .join(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
                .where(Pupil.school_id == school_id, LeerIDAccount.email.is_(None))
                .order_by(Pupil.stamnummer)
                .limit(8)
            ).all()
            plan = plan_renewal(session, school_id=school_id, pupil_ids=selection, rng=rng)
            plain = [item.password for item in plan.renewable]
            hashes = asyncio.run(hash_passwords(plain, hashing=hashing))
            renewed = save_renewal(
                session,
                school_id=school_id,
                planned=plan.renewable,
                password_hashes=hashes,
                actor=ACTOR,
            ).issued
            for credential in renewed:
                remember(credential)
            session.commit()

            # A bulk activation of the two Lucas Peeters.
            lucas = [_pupil_id(session, school_id, stamnummer) for stamnummer in ("11223", "11224")]
            activation = plan_activation(session, school_id=school_id, pupil_ids=lucas, rng=rng)
            hashes = asyncio.run(
                hash_passwords([item.password for item in activation.to_activate], hashing=hashing)
            )
            activated = save_activation(
                session,
                school_id=school_id,
                planned=activation.to_activate,
                password_hashes=hashes,
                actor=ACTOR,
            ).issued
            for credential in activated:
                remember(credential)
            session.commit()

            assert len(handed_out) == 3 + len(renewed) + 2
            assert len(renewed) >= 8
            details = [event.details for event in session.exec(select(AuditEvent)).all()]
            account_hashes = dict(
                session.exec(select(LeerIDAccount.username, LeerIDAccount.password_hash)).all()
            )

        secrets = {*handed_out, DEMO_ADMIN_PASSWORD, WRONG_ADMIN_PASSWORD}
        # Every issued password works, so the check below looks for real passwords.
        for username, password in issued.items():
            assert hashing.verify(account_hashes[username], password), username

        assert len(details) > 20
        for text in details:
            for secret in secrets:
                assert secret not in text, "a password in audit_event.details"

        while_open = _database_bytes(path)
        engine.dispose()  # closing the last connection checkpoints the WAL into the file
        after_close = _database_bytes(path)
        assert len(while_open) > 100_000
        for content in (while_open, after_close):
            for secret in secrets:
                for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                    assert encoded not in content, "a plain-text password in the database file"
    finally:
        engine.dispose()


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_the_byte_check_would_see_a_password(tmp_path, suffix) -> None:
    """The check above is not blind: text stored in the database does show in its bytes."""
    path = tmp_path / "probe.db"
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            session.add(School(name="qxu7Benc-school"))
            session.commit()
        if suffix == "-wal":
            assert Path(f"{path}-wal").exists()
        assert b"qxu7Benc-school" in _database_bytes(path)
    finally:
        engine.dispose()
    assert b"qxu7Benc-school" in _database_bytes(path)
