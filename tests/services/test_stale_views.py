"""A credential change based on a stale view is refused: printed slips always work.

Two administrators (or an administrator and a pupil) change the same LeerID's: the save that
comes second leaves every account changed after its plan or form was shown as it is, reports
it, and never hands out a slip whose password no longer works.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from leerid_app.models import AccountType, AuditEvent, EducationLevel, LeerIDAccount, Pupil
from leerid_app.services import passwords
from leerid_app.services.accounts import (
    Actor,
    CredentialChange,
    account_type_for,
    activate_account,
    change_credentials,
)
from leerid_app.services.audit import AuditAction
from leerid_app.services.bulk import (
    MSG_CHANGED_MEANWHILE,
    BulkSaveResult,
    PlannedPassword,
    hash_passwords,
    plan_activation,
    plan_renewal,
    save_activation,
    save_renewal,
)
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import PasswordHashing, get_password_hashing
from leerid_app.services.versions import StaleAccount
from tests.services.factories import add_account, add_administrator, add_pupil, add_school

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SCHOOL = "GENT - TEST School 7"


@pytest.fixture(scope="module")
def hashing() -> PasswordHashing:
    return get_password_hashing()


@dataclass
class School7:
    """47 pupils in the issue; a handful here, all with a LeerID, and two administrators."""

    school_id: int
    pupil_ids: list[int]
    a: Actor  # beheerder
    b: Actor  # beheerder.b
    old_passwords: dict[int, str]


def build_school(engine: Engine, hashing: PasswordHashing, pupils: int = 8) -> School7:
    with Session(engine, expire_on_commit=False) as setup:
        school = add_school(setup, SCHOOL)
        other = add_school(setup, "BRUSSEL-STAD - TEST School 2")
        admin_a = add_administrator(setup, "beheerder", school, other)
        admin_b = add_administrator(setup, "beheerder.b", school)
        rng = random.Random(14)
        ids, old = [], {}
        for number in range(pupils):
            level = EducationLevel.BASIS if number % 2 else EducationLevel.SECUNDAIR
            pupil = add_pupil(
                setup, school, f"7{number:04d}", f"Leerling{number}", "Peeters", "1A1", level
            )
            password = passwords.generate_password(account_type_for(level), rng)
            add_account(setup, pupil, f"leerling{number}.peeters", hashing.hash(password))
            ids.append(pupil.id)
            old[pupil.id] = password
        setup.commit()
        return School7(
            school.id,
            ids,
            Actor(admin_a.id, "beheerder"),
            Actor(admin_b.id, "beheerder.b"),
            old,
        )


@pytest.fixture
def school7(engine, hashing) -> School7:
    return build_school(engine, hashing)


# --- Helpers: each step in its own session and transaction, as the app runs them ----------------


def hashes_of(planned: Sequence[PlannedPassword], hashing: PasswordHashing) -> list[str]:
    return asyncio.run(hash_passwords([item.password for item in planned], hashing=hashing))


def make_plan(engine: Engine, school_id: int, pupil_ids, *, activation: bool = False):
    with Session(engine) as session:
        if activation:
            return plan_activation(session, school_id=school_id, pupil_ids=pupil_ids).to_activate
        return plan_renewal(session, school_id=school_id, pupil_ids=pupil_ids).renewable


def save(
    engine: Engine,
    school_id: int,
    planned: Sequence[PlannedPassword],
    hashes: Sequence[str],
    actor: Actor,
    *,
    activation: bool = False,
    before: Callable[[], None] | None = None,
) -> BulkSaveResult:
    with Session(engine, expire_on_commit=False) as session:
        if before is not None:
            before()
        with session.begin_nested():  # as run_as_admin does
            result = (save_activation if activation else save_renewal)(
                session,
                school_id=school_id,
                planned=planned,
                password_hashes=hashes,
                actor=actor,
                now=NOW,
            )
        session.commit()
    return result


def accounts(engine: Engine) -> dict[int, LeerIDAccount]:
    with Session(engine) as fresh:
        return {row.pupil_id: row for row in fresh.exec(select(LeerIDAccount))}


def events(engine: Engine, action: AuditAction) -> list[AuditEvent]:
    with Session(engine) as fresh:
        statement = select(AuditEvent).where(AuditEvent.action == action.value)
        return list(fresh.exec(statement.order_by(AuditEvent.id)))


def shown(result: BulkSaveResult) -> dict[int, str]:
    return {credential.pupil_id: credential.password for credential in result.issued}


def assert_every_shown_password_works(
    engine: Engine, hashing: PasswordHashing, *results: BulkSaveResult
) -> None:
    """Each result lists only passwords that verify now; no pupil appears in two results."""
    now = accounts(engine)
    seen: set[int] = set()
    for result in results:
        for pupil_id, password in shown(result).items():
            assert hashing.verify(now[pupil_id].password_hash, password), pupil_id
            assert pupil_id not in seen, "two results hand out a password for one pupil"
            seen.add(pupil_id)
        for credential in result.issued:
            assert credential.username == now[credential.pupil_id].username


def run_both(first: Callable[[], object], second: Callable[[], object]) -> list[object]:
    """Two administrators at once, each on their own connection; errors come back as values."""
    outcomes: list[object] = [None, None]
    start = threading.Barrier(2)

    def run(index: int, work: Callable[[], object]) -> None:
        start.wait(timeout=30)
        try:
            outcomes[index] = work()
        except BaseException as error:  # the test looks at it
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


# --- The version --------------------------------------------------------------------------------


def test_every_credential_write_raises_the_version_a_login_does_not(engine, school7) -> None:
    pupil_id = school7.pupil_ids[0]

    def write(**values) -> int:
        with Session(engine) as other:
            account = other.exec(
                select(LeerIDAccount).where(LeerIDAccount.pupil_id == pupil_id)
            ).one()
            for name, value in values.items():
                setattr(account, name, value)
            other.add(account)
            other.commit()
            return other.exec(
                select(LeerIDAccount.version).where(LeerIDAccount.pupil_id == pupil_id)
            ).one()

    assert accounts(engine)[pupil_id].version == 1
    assert write(last_login_at=NOW) == 1
    assert write(email="leerling0@ond.vlaanderen.be") == 2  # the pupil links an e-mail
    assert write(password_hash="hash-of-the-pupils-own-password") == 3
    assert write(username="zelfgekozen", must_change_password=True) == 4


# --- Bulk against bulk --------------------------------------------------------------------------


def test_overlapping_renewals_one_after_the_other(engine, hashing, school7) -> None:
    ids = school7.pupil_ids
    plan_a = make_plan(engine, school7.school_id, ids[:6])
    plan_b = make_plan(engine, school7.school_id, ids[3:])  # both shown before either saves
    hashes_a, hashes_b = hashes_of(plan_a, hashing), hashes_of(plan_b, hashing)

    first = save(engine, school7.school_id, plan_a, hashes_a, school7.a)
    second = save(engine, school7.school_id, plan_b, hashes_b, school7.b)

    assert set(shown(first)) == set(ids[:6])
    assert set(shown(second)) == set(ids[6:])
    assert [row.pupil_id for row in second.refused] == ids[3:6]
    assert {row.changed_by for row in second.refused} == {"beheerder"}
    assert [row.name_and_stamnummer for row in second.refused] == [
        "Leerling3 Peeters (70003)",
        "Leerling4 Peeters (70004)",
        "Leerling5 Peeters (70005)",
    ]
    assert_every_shown_password_works(engine, hashing, first, second)
    # The refused rows are in the log of the second save; the first one refused nothing.
    refused_events = events(engine, AuditAction.CHANGE_REFUSED)
    assert [e.pupil_id for e in refused_events] == ids[3:6]
    assert {e.actor_username for e in refused_events} == {"beheerder.b"}
    summaries = events(engine, AuditAction.BULK_PASSWORDS_RENEWED)
    assert [json.loads(e.details) for e in summaries] == [
        {"count": 6},
        {"count": 2, "refused": 3},
    ]
    renewed = events(engine, AuditAction.PASSWORD_RENEWED)
    assert sorted(e.pupil_id for e in renewed) == sorted([*ids[:6], *ids[6:]])
    for event in refused_events + renewed:
        assert all(p not in event.details for p in [*shown(first).values()])


def test_overlapping_renewals_at_the_same_moment(engine, hashing, school7) -> None:
    """Both planned before either saves; both click at once on their own connection."""
    ids = school7.pupil_ids
    for round_no in range(3):
        plan_a = make_plan(engine, school7.school_id, ids[: 5 + round_no])
        plan_b = make_plan(engine, school7.school_id, ids[2:])
        hashes_a, hashes_b = hashes_of(plan_a, hashing), hashes_of(plan_b, hashing)

        outcomes = run_both(
            lambda: save(engine, school7.school_id, plan_a, hashes_a, school7.a),  # noqa: B023
            lambda: save(engine, school7.school_id, plan_b, hashes_b, school7.b),  # noqa: B023
        )

        first, second = outcomes
        assert isinstance(first, BulkSaveResult), repr(first)
        assert isinstance(second, BulkSaveResult), repr(second)
        overlap = set(ids[2 : 5 + round_no])
        # Every overlapping pupil went to exactly one of the two; the other reports them.
        for pupil_id in overlap:
            winners = [r for r in (first, second) if pupil_id in shown(r)]
            losers = [r for r in (first, second) if pupil_id in {x.pupil_id for x in r.refused}]
            assert len(winners) == 1 and len(losers) == 1, pupil_id
        assert not ({*shown(first)} - {*ids[: 5 + round_no]})
        assert set(ids) - overlap <= {*shown(first), *shown(second)}
        assert_every_shown_password_works(engine, hashing, first, second)


# --- Bulk against one pupil ---------------------------------------------------------------------


def test_a_single_save_after_the_plan_is_shown_leaves_that_pupil_out(
    engine, hashing, school7
) -> None:
    ids = school7.pupil_ids
    plan = make_plan(engine, school7.school_id, ids)
    hashes = hashes_of(plan, hashing)
    single_password = passwords.generate_password(AccountType.GEVORDERD)
    with Session(engine) as other:
        single = change_credentials(
            other,
            school_id=school7.school_id,
            pupil_id=ids[0],
            change=CredentialChange(new_password=single_password),
            seen_version=1,
            actor=school7.b,
            hashing=hashing,
        )
        other.commit()

    result = save(engine, school7.school_id, plan, hashes, school7.a)

    assert [(r.pupil_id, r.changed_by) for r in result.refused] == [(ids[0], "beheerder.b")]
    assert set(shown(result)) == set(ids[1:])
    assert single.credential is not None
    assert hashing.verify(accounts(engine)[ids[0]].password_hash, single_password)
    assert_every_shown_password_works(engine, hashing, result)


def test_a_single_save_after_a_bulk_run_is_refused_and_keeps_nothing(
    engine, hashing, school7
) -> None:
    ids = school7.pupil_ids
    seen = accounts(engine)[ids[1]].version  # the edit form is shown
    plan = make_plan(engine, school7.school_id, ids)
    bulk_result = save(engine, school7.school_id, plan, hashes_of(plan, hashing), school7.b)

    with Session(engine) as session:
        with pytest.raises(StaleAccount) as caught, session.begin_nested():
            change_credentials(
                session,
                school_id=school7.school_id,
                pupil_id=ids[1],
                change=CredentialChange(
                    username="nieuwe.naam",
                    new_password=passwords.generate_password(AccountType.BASIS),
                ),
                seen_version=seen,
                actor=school7.a,
                hashing=hashing,
            )
        session.commit()

    assert caught.value.message == (
        "Dit LeerID is intussen gewijzigd door beheerder.b. Er is niets bewaard. "
        "Bekijk de gegevens hieronder en bewaar opnieuw."
    )
    assert accounts(engine)[ids[1]].username == "leerling1.peeters"
    assert_every_shown_password_works(engine, hashing, bulk_result)


def test_bulk_and_single_save_at_the_same_moment(engine, hashing, school7) -> None:
    ids = school7.pupil_ids
    for round_no in range(3):
        pupil_id = ids[round_no]
        seen = accounts(engine)[pupil_id].version
        plan = make_plan(engine, school7.school_id, ids)
        hashes = hashes_of(plan, hashing)
        account_type = account_type_for(
            EducationLevel.BASIS if round_no % 2 else EducationLevel.SECUNDAIR
        )
        single_password = passwords.generate_password(account_type)

        def single(pupil_id=pupil_id, seen=seen, single_password=single_password):
            with Session(engine) as session:
                result = change_credentials(
                    session,
                    school_id=school7.school_id,
                    pupil_id=pupil_id,
                    change=CredentialChange(new_password=single_password),
                    seen_version=seen,
                    actor=school7.b,
                    hashing=hashing,
                )
                session.commit()
                return result

        bulk_outcome, single_outcome = run_both(
            lambda: save(engine, school7.school_id, plan, hashes, school7.a),  # noqa: B023
            single,
        )

        assert isinstance(bulk_outcome, BulkSaveResult), repr(bulk_outcome)
        now = accounts(engine)[pupil_id]
        if isinstance(single_outcome, StaleAccount):
            # The bulk run came first: the single save kept nothing, the slip is the bulk's.
            assert "beheerder" in single_outcome.message
            assert pupil_id in shown(bulk_outcome)
        else:
            assert not isinstance(single_outcome, BaseException), repr(single_outcome)
            assert hashing.verify(now.password_hash, single_password)
            assert [r.pupil_id for r in bulk_outcome.refused] == [pupil_id]
        assert_every_shown_password_works(engine, hashing, bulk_outcome)


def test_an_email_linked_by_the_pupil_meanwhile_leaves_the_pupil_out(
    engine, hashing, school7
) -> None:
    """The Leerlingloket (not built yet) writes through the ORM: its change raises the version."""
    ids = school7.pupil_ids
    plan = make_plan(engine, school7.school_id, ids[:3])
    with Session(engine) as pupil_side:
        account = pupil_side.exec(
            select(LeerIDAccount).where(LeerIDAccount.pupil_id == ids[2])
        ).one()
        account.email = "leerling2@ond.vlaanderen.be"
        pupil_side.add(account)
        pupil_side.commit()

    result = save(engine, school7.school_id, plan, hashes_of(plan, hashing), school7.a)

    # Not an administrator of the school: the message names no one.
    assert [(r.pupil_id, r.changed_by) for r in result.refused] == [(ids[2], None)]
    assert accounts(engine)[ids[2]].password_hash != ""
    assert hashing.verify(accounts(engine)[ids[2]].password_hash, school7.old_passwords[ids[2]])
    assert_every_shown_password_works(engine, hashing, result)


def test_a_batch_whose_accounts_all_changed_saves_nothing_but_logs_the_refusal(
    engine, hashing, school7
) -> None:
    ids = school7.pupil_ids[:3]
    stale_plan = make_plan(engine, school7.school_id, ids)
    fresh_plan = make_plan(engine, school7.school_id, ids)
    save(engine, school7.school_id, fresh_plan, hashes_of(fresh_plan, hashing), school7.b)

    result = save(engine, school7.school_id, stale_plan, hashes_of(stale_plan, hashing), school7.a)

    assert result.issued == []
    assert [r.pupil_id for r in result.refused] == ids
    summaries = events(engine, AuditAction.BULK_PASSWORDS_RENEWED)
    assert json.loads(summaries[-1].details) == {"count": 0, "refused": 3}


# --- Activation against activation ----------------------------------------------------------------


@pytest.fixture
def newcomers(engine) -> School7:
    """Namesakes without a LeerID, and a pupil of the same name elsewhere who has one."""
    with Session(engine, expire_on_commit=False) as setup:
        school = add_school(setup, SCHOOL)
        other = add_school(setup, "BRUSSEL-STAD - TEST School 2")
        admin_a = add_administrator(setup, "beheerder", school, other)
        admin_b = add_administrator(setup, "beheerder.b", school)
        ids = [
            add_pupil(
                setup,
                school,
                f"1122{n}",
                "Lucas",
                "Peeters",
                f"{n}de leerjaar",
                EducationLevel.BASIS,
            ).id
            for n in range(1, 7)
        ]
        elsewhere = add_pupil(setup, other, "99999", "Lucas", "Peeters", "6de leerjaar")
        add_account(setup, elsewhere, "lucas.peeters", "not-a-hash")
        setup.commit()
        return School7(
            school.id, ids, Actor(admin_a.id, "beheerder"), Actor(admin_b.id, "beheerder.b"), {}
        )


def assert_one_account_each_with_the_username_it_got_first(
    engine: Engine, first_usernames: dict[int, str]
) -> None:
    with Session(engine) as fresh:
        per_pupil = fresh.exec(
            select(LeerIDAccount.pupil_id, func.count()).group_by(LeerIDAccount.pupil_id)
        ).all()
    assert all(count == 1 for _, count in per_pupil)
    now = accounts(engine)
    for pupil_id, username in first_usernames.items():
        assert now[pupil_id].username == username


def test_activation_plans_show_the_usernames_they_create(engine, hashing, newcomers) -> None:
    plan = make_plan(engine, newcomers.school_id, newcomers.pupil_ids, activation=True)

    planned = {item.pupil.pupil_id: item.pupil.username for item in plan}
    assert sorted(planned.values()) == [f"lucas.peeters{n}" for n in range(1, 7)]

    result = save(
        engine, newcomers.school_id, plan, hashes_of(plan, hashing), newcomers.a, activation=True
    )

    assert {c.pupil_id: c.username for c in result.issued} == planned
    assert result.renamed == [] and result.refused == []
    assert_every_shown_password_works(engine, hashing, result)


def test_overlapping_activations_one_after_the_other(engine, hashing, newcomers) -> None:
    ids = newcomers.pupil_ids
    plan_a = make_plan(engine, newcomers.school_id, ids[:4], activation=True)
    plan_b = make_plan(engine, newcomers.school_id, ids[2:], activation=True)

    first = save(
        engine,
        newcomers.school_id,
        plan_a,
        hashes_of(plan_a, hashing),
        newcomers.a,
        activation=True,
    )
    created = {pupil_id: account.username for pupil_id, account in accounts(engine).items()}
    second = save(
        engine,
        newcomers.school_id,
        plan_b,
        hashes_of(plan_b, hashing),
        newcomers.b,
        activation=True,
    )

    assert set(shown(first)) == set(ids[:4])
    assert set(shown(second)) == set(ids[4:])
    assert [(r.pupil_id, r.changed_by) for r in second.refused] == [
        (pupil_id, "beheerder") for pupil_id in ids[2:4]
    ]
    # Both plans picked the same free names for their first pupils: the second save moved on.
    assert {r.pupil_id for r in second.renamed} == set(ids[4:])
    for renamed in second.renamed:
        assert renamed.planned != renamed.given
        assert renamed.given == accounts(engine)[renamed.pupil_id].username
    assert_one_account_each_with_the_username_it_got_first(engine, created)
    assert_every_shown_password_works(engine, hashing, first, second)
    assert [e.pupil_id for e in events(engine, AuditAction.CHANGE_REFUSED)] == ids[2:4]
    activated = events(engine, AuditAction.ACCOUNT_ACTIVATED)
    moved = [json.loads(e.details) for e in activated if "planned_username" in e.details]
    assert len(moved) == len(second.renamed)


def test_overlapping_activations_at_the_same_moment(engine, hashing, newcomers) -> None:
    ids = newcomers.pupil_ids
    plan_a = make_plan(engine, newcomers.school_id, ids[:4], activation=True)
    plan_b = make_plan(engine, newcomers.school_id, ids[1:], activation=True)
    hashes_a, hashes_b = hashes_of(plan_a, hashing), hashes_of(plan_b, hashing)

    first, second = run_both(
        lambda: save(engine, newcomers.school_id, plan_a, hashes_a, newcomers.a, activation=True),
        lambda: save(engine, newcomers.school_id, plan_b, hashes_b, newcomers.b, activation=True),
    )

    assert isinstance(first, BulkSaveResult), repr(first)
    assert isinstance(second, BulkSaveResult), repr(second)
    for pupil_id in ids[1:4]:
        owners = [r for r in (first, second) if pupil_id in shown(r)]
        refusals = [r for r in (first, second) if pupil_id in {x.pupil_id for x in r.refused}]
        assert len(owners) == 1 and len(refusals) == 1
    assert {*shown(first), *shown(second)} == set(ids)
    usernames = [account.username for account in accounts(engine).values()]
    assert len(usernames) == len(set(usernames)) == len(ids) + 1
    assert_every_shown_password_works(engine, hashing, first, second)


def test_a_pupil_activated_one_by_one_meanwhile_is_left_out(engine, hashing, newcomers) -> None:
    ids = newcomers.pupil_ids
    plan = make_plan(engine, newcomers.school_id, ids[:3], activation=True)
    with Session(engine) as other:
        single = activate_account(
            other,
            school_id=newcomers.school_id,
            pupil_id=ids[1],
            actor=newcomers.b,
            hashing=hashing,
        )
        other.commit()

    result = save(
        engine, newcomers.school_id, plan, hashes_of(plan, hashing), newcomers.a, activation=True
    )

    assert [(r.pupil_id, r.changed_by) for r in result.refused] == [(ids[1], "beheerder.b")]
    assert accounts(engine)[ids[1]].username == single.username
    assert hashing.verify(accounts(engine)[ids[1]].password_hash, single.password)
    assert_every_shown_password_works(engine, hashing, result)


def test_a_changed_education_level_leaves_the_pupil_out(engine, hashing, newcomers) -> None:
    """The planned password has the other type's shape: that pupil must be planned again."""
    ids = newcomers.pupil_ids
    plan = make_plan(engine, newcomers.school_id, ids[:2], activation=True)
    with Session(engine) as other:
        pupil = other.get(Pupil, ids[0])
        pupil.education_level = EducationLevel.SECUNDAIR
        other.add(pupil)
        other.commit()

    result = save(
        engine, newcomers.school_id, plan, hashes_of(plan, hashing), newcomers.a, activation=True
    )

    assert [r.pupil_id for r in result.refused] == [ids[0]]
    assert set(accounts(engine)) - {ids[1]} == {a for a in accounts(engine) if a not in ids}


def test_a_plan_saved_in_another_school_is_refused_whole(engine, hashing, newcomers) -> None:
    plan = make_plan(engine, newcomers.school_id, newcomers.pupil_ids[:2], activation=True)
    with Session(engine) as session:
        other_school = session.exec(
            select(Pupil.school_id).where(Pupil.stamnummer == "99999")
        ).one()

    with pytest.raises(DomainError) as caught:
        save(engine, other_school, plan, hashes_of(plan, hashing), newcomers.a, activation=True)

    assert caught.value.message == MSG_CHANGED_MEANWHILE
    assert events(engine, AuditAction.CHANGE_REFUSED) == []
