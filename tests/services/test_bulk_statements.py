"""A bulk save costs a fixed number of statements per batch, not one per pupil."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlmodel import Session

from leerid_app.models import (
    AccountType,
    AuditEvent,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
)
from leerid_app.services import bulk, versions
from leerid_app.services.accounts import Actor
from leerid_app.services.audit import AuditAction
from tests.services.factories import add_school

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
ACTOR = Actor(administrator_id=None, username="an.beheer")
# Any well-formed hash will do: the statements are counted, not the passwords checked.
HASH = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$" + "A" * 43


def _school_of(session: Session, size: int, *, with_accounts: bool) -> list[int]:
    """A school of ``size`` basic-education pupils, with a LeerID each or none; their ids."""
    school = add_school(session, f"School {size} {with_accounts}")
    session.execute(
        insert(Pupil),
        [
            {
                "school_id": school.id,
                "stamnummer": f"{i:05d}",
                "first_name": f"Voornaam{i}",
                "last_name": "Achternaam",
                "administrative_group": "6de leerjaar",
                "education_level": EducationLevel.BASIS,
                "enrollment_end": date(2027, 8, 31),
                "search_text": f"{i:05d} voornaam{i} achternaam",
                "sort_key": f"achternaam voornaam{i:05d}",
            }
            for i in range(size)
        ],
    )
    ids = list(session.scalars(select(Pupil.id).where(Pupil.school_id == school.id)))
    if with_accounts:
        session.execute(
            insert(LeerIDAccount),
            [
                {
                    "pupil_id": pupil_id,
                    "account_type": AccountType.BASIS,
                    "username": f"voornaam{pupil_id}.achternaam",
                    "password_hash": HASH,
                    "password_type": PasswordType.BASIS,
                    "created_at": NOW,
                }
                for pupil_id in ids
            ],
        )
    session.commit()
    return ids


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database meanwhile (an executemany counts once)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement: str, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements_of_a_save(
    engine: Engine, size: int, mode: str
) -> tuple[list[str], bulk.BulkSaveResult]:
    with Session(engine, expire_on_commit=False) as session:
        ids = _school_of(session, size, with_accounts=mode == "renew")
        school_id = session.get(Pupil, ids[0]).school_id
        plan: Callable = bulk.plan_renewal if mode == "renew" else bulk.plan_activation
        planned = plan(session, school_id=school_id, pupil_ids=ids)
        items = planned.renewable if mode == "renew" else planned.to_activate
        session.commit()
        save = bulk.save_renewal if mode == "renew" else bulk.save_activation
        with counted(engine) as statements:
            result = save(
                session,
                school_id=school_id,
                planned=items,
                password_hashes=[HASH] * len(items),
                actor=ACTOR,
                now=NOW,
            )
            session.commit()
    return statements, result


@pytest.mark.parametrize("mode", ["renew", "activate"])
def test_a_bulk_save_issues_a_fixed_number_of_statements_per_batch(
    engine: Engine, mode: str
) -> None:
    small, small_result = _statements_of_a_save(engine, 3, mode)
    one_batch, one_batch_result = _statements_of_a_save(engine, versions.CHUNK, mode)
    three_batches, three_result = _statements_of_a_save(engine, 2 * versions.CHUNK + 1, mode)

    assert len(small_result.issued) == 3
    assert len(one_batch_result.issued) == versions.CHUNK
    assert len(three_result.issued) == 2 * versions.CHUNK + 1
    # As many statements for 400 pupils as for 3: none per pupil.
    assert len(one_batch) == len(small)
    # Each further batch of 400 adds a few statements, never hundreds.
    assert len(three_batches) <= len(small) + 2 * 6
    assert len(small) <= 15


def test_the_set_based_save_writes_every_audit_detail(engine: Engine) -> None:
    """One event per pupil as before, each with its details, plus the batch's summary."""
    _, result = _statements_of_a_save(engine, 5, "renew")
    with Session(engine) as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    summary, *per_pupil = events
    assert summary.action == AuditAction.BULK_PASSWORDS_RENEWED.value
    assert {event.pupil_id for event in per_pupil} == {c.pupil_id for c in result.issued}
    assert all(event.action == AuditAction.PASSWORD_RENEWED.value for event in per_pupil)
    by_pupil = {c.pupil_id: c.username for c in result.issued}
    assert [json.loads(event.details) for event in per_pupil] == [
        {"username": by_pupil[event.pupil_id], "bulk": True} for event in per_pupil
    ]
    assert json.loads(summary.details) == {"count": 5}
