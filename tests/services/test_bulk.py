"""Bulk renewal and activation: planning, hashing with progress, all-or-nothing saving, races."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from leerid_app.models import (
    AccountType,
    AuditEvent,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
)
from leerid_app.services import bulk, passwords
from leerid_app.services.accounts import (
    Actor,
    account_type_for,
    is_generated_password,
)
from leerid_app.services.audit import AuditAction
from leerid_app.services.bulk import (
    MAX_BULK_PUPILS,
    MSG_CHANGED_MEANWHILE,
    MSG_NOTHING_TO_DO,
    MSG_TOO_MANY,
    PlannedPassword,
    hash_passwords,
    plan_activation,
    plan_renewal,
    save_activation,
    save_renewal,
)
from leerid_app.services.credentials import slip_order
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import PasswordHashing, get_password_hashing
from leerid_app.settings import get_settings
from tests.services.factories import add_account, add_pupil, add_school

NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
DEADLINE = date(2026, 12, 29)
ACTOR = Actor(administrator_id=None, username="an.beheer")


@pytest.fixture(scope="module")
def hashing() -> PasswordHashing:
    return get_password_hashing()


# --- Helpers ----------------------------------------------------------------------------------


def accounts_by_pupil(engine: Engine) -> dict[int, LeerIDAccount]:
    with Session(engine) as fresh:
        return {account.pupil_id: account for account in fresh.exec(select(LeerIDAccount))}


def audit_events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as fresh:
        return list(fresh.exec(select(AuditEvent).order_by(AuditEvent.id)))


def hash_all(plain: list[str], hashing: PasswordHashing) -> list[str]:
    return asyncio.run(hash_passwords(plain, hashing=hashing))


@dataclass
class World:
    """The manual's bulk example in school A, plus a pupil of school B."""

    school_id: int
    other_school_id: int
    ids: dict[str, int]  # by last name
    old_passwords: dict[int, str]  # by pupil id
    old_hashes: dict[int, str]
    foreign_id: int


@pytest.fixture
def world(session, hashing) -> World:
    school = add_school(session, "BRUSSEL-STAD - TEST School 2")
    other = add_school(session, "GENT - TEST School 7")
    rng = random.Random(7)
    rows = [
        # last, first, stamnummer, group, level, username, email
        ("Bhatti", "Ardalan", "32890", "2e lj 3e gr Elektromechanica TSO", "secundair",
         "ardalan.bhatti", None),
        ("Bockstal", "Amani", "80240", "1e lj 3e gr Sociale en techn. wet. TSO", "secundair",
         "amani.bockstal", None),
        ("Boeren", "Butrint", "47727", "2e lj 2e gr Wetenschappen ASO", "secundair",
         "butrint.boeren1", "t.boerens@ond.vlaanderen.be"),
        ("Bogdan", "Abdulghani", "60351", "6de leerjaar", "basis", "abdulghani.bogdan", None),
        ("Beuken", "Sezen", "70246", "1e lj 3e gr Kantoor BSO", "secundair", "sezen.beuken",
         None),
        ("Bogaert", "Pieter-Alexander", "93504", "2e lj 1e gr Mechanica-elektriciteit",
         "secundair", None, None),
    ]  # fmt: skip
    ids: dict[str, int] = {}
    old_passwords: dict[int, str] = {}
    old_hashes: dict[int, str] = {}
    for last, first, stamnummer, group, level, username, email in rows:
        pupil = add_pupil(session, school, stamnummer, first, last, group, EducationLevel(level))
        ids[last] = pupil.id
        if username:
            password = passwords.generate_password(account_type_for(pupil.education_level), rng)
            old_passwords[pupil.id] = password
            old_hashes[pupil.id] = hashing.hash(password)
            add_account(session, pupil, username, old_hashes[pupil.id], email)
    foreign = add_pupil(session, other, "32891", "Ardalan", "Bhatti", "6de leerjaar")
    add_account(session, foreign, "ardalan.bhatti1", "not-a-hash")
    session.commit()
    return World(school.id, other.id, ids, old_passwords, old_hashes, foreign.id)


def names(rows) -> list[str]:
    return [row.name_and_stamnummer for row in rows]


# --- Planning ---------------------------------------------------------------------------------


def test_plan_renewal_splits_the_selection_like_the_manual(session, world: World) -> None:
    selection = [*world.ids.values(), world.foreign_id, 987654]

    plan = plan_renewal(session, school_id=world.school_id, pupil_ids=selection)

    assert names(planned.pupil for planned in plan.renewable) == [
        "Sezen Beuken (70246)",
        "Ardalan Bhatti (32890)",
        "Amani Bockstal (80240)",
        "Abdulghani Bogdan (60351)",
    ]
    assert [planned.pupil.username for planned in plan.renewable] == [
        "sezen.beuken",
        "ardalan.bhatti",
        "amani.bockstal",
        "abdulghani.bogdan",
    ]
    assert names(plan.email_linked) == ["Butrint Boeren (47727)"]
    assert plan.email_linked[0].username == "butrint.boeren1"
    assert plan.email_linked[0].masked_email == "t*****s@ond.vlaanderen.be"
    assert names(plan.without_account) == ["Pieter-Alexander Bogaert (93504)"]
    every_id = {
        row.pupil_id
        for row in [*(p.pupil for p in plan.renewable), *plan.email_linked, *plan.without_account]
    }
    assert world.foreign_id not in every_id
    assert every_id == set(world.ids.values())


def test_plan_renewal_of_the_manual_example(session, world: World) -> None:
    """Bhatti, Bockstal and Boeren selected: two get a new password, one has an e-mail."""
    selection = [world.ids["Bhatti"], world.ids["Bockstal"], world.ids["Boeren"]]

    plan = plan_renewal(session, school_id=world.school_id, pupil_ids=selection)

    assert len(plan.renewable) == 2
    assert len(plan.email_linked) == 1
    assert plan.without_account == []


@pytest.mark.parametrize(
    "selection", [[], "foreign_only"], ids=["nothing", "only_another_schools_pupil"]
)
def test_plan_renewal_of_nothing_in_this_school(session, world: World, selection) -> None:
    ids = [world.foreign_id] if selection == "foreign_only" else []

    plan = plan_renewal(session, school_id=world.school_id, pupil_ids=ids)

    assert (plan.renewable, plan.email_linked, plan.without_account) == ([], [], [])


def test_selection_is_capped(session) -> None:
    with pytest.raises(DomainError) as caught:
        plan_renewal(session, school_id=1, pupil_ids=range(MAX_BULK_PUPILS + 1))
    assert caught.value.message == MSG_TOO_MANY


@pytest.mark.parametrize("seed", range(4))
def test_planned_passwords_have_the_shape_of_their_type(session, world: World, seed) -> None:
    plan = plan_renewal(
        session, school_id=world.school_id, pupil_ids=world.ids.values(), rng=random.Random(seed)
    )

    assert plan.renewable
    for planned in plan.renewable:
        account_type = planned.pupil.account_type
        password = planned.password
        assert is_generated_password(account_type, password)
        assert not set(password) & passwords.CONFUSABLE
        if account_type is AccountType.BASIS:
            assert len(password) == 6
            assert sum(char.isdigit() for char in password) >= 2
        else:
            assert len(password) == 8
            assert any(char.isupper() for char in password)
            assert any(char.islower() for char in password)
            assert any(char.isdigit() for char in password)
    assert len({planned.password for planned in plan.renewable}) == len(plan.renewable)


# --- Hashing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("interval", [0.0, 3600.0])
@pytest.mark.parametrize("workers", [1, 3])
def test_hash_passwords_keeps_input_order_and_reports_progress(hashing, interval, workers) -> None:
    plain = [passwords.generate_password(AccountType.GEVORDERD, random.Random(n)) for n in range(7)]
    reports: list[tuple[int, int]] = []

    async def on_progress(done: int, total: int) -> None:
        reports.append((done, total))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        hashes = asyncio.run(
            hash_passwords(
                plain,
                hashing=hashing,
                on_progress=on_progress,
                progress_interval=interval,
                executor=pool,
            )
        )

    assert len(hashes) == len(plain)
    for index, (password, password_hash) in enumerate(zip(plain, hashes, strict=True)):
        assert hashing.verify(password_hash, password)
        assert not hashing.verify(password_hash, plain[(index + 1) % len(plain)])
    assert reports, "the final report is always sent"
    assert reports[-1] == (7, 7)
    assert all(total == 7 for _, total in reports)
    done_counts = [done for done, _ in reports]
    assert done_counts == sorted(set(done_counts))
    if interval == 0.0:
        assert done_counts == list(range(1, 8))
    else:
        assert done_counts == [7]


def test_hash_passwords_of_nothing(hashing) -> None:
    reports: list[tuple[int, int]] = []

    async def on_progress(done: int, total: int) -> None:
        reports.append((done, total))

    assert asyncio.run(hash_passwords([], hashing=hashing, on_progress=on_progress)) == []
    assert reports == []


class FailingHashing:
    """Hashes like the real one, except one password makes it fail."""

    def __init__(self, real: PasswordHashing, poison: str) -> None:
        self.real, self.poison = real, poison

    def hash(self, password: str) -> str:
        if password == self.poison:
            raise RuntimeError("hashing failed")
        return self.real.hash(password)


def test_hash_passwords_propagates_a_failure(hashing) -> None:
    plain = ["aaa22b", "poison", "ccc33d"]
    with pytest.raises(RuntimeError, match="hashing failed"):
        asyncio.run(hash_passwords(plain, hashing=FailingHashing(hashing, "poison")))


# --- Saving a renewal -------------------------------------------------------------------------


def test_save_renewal_renews_every_planned_account(session, engine, hashing, world) -> None:
    plan = plan_renewal(session, school_id=world.school_id, pupil_ids=world.ids.values())
    hashes = hash_all([planned.password for planned in plan.renewable], hashing)

    issued = save_renewal(
        session,
        school_id=world.school_id,
        planned=plan.renewable,
        password_hashes=hashes,
        actor=ACTOR,
        now=NOW,
    ).issued
    session.commit()

    # Sorted by administrative group, then name: the order of the slips.
    assert [credential.full_name for credential in issued] == [
        "Sezen Beuken",  # 1e lj 3e gr Kantoor BSO
        "Amani Bockstal",  # 1e lj 3e gr Sociale en techn. wet. TSO
        "Ardalan Bhatti",  # 2e lj 3e gr Elektromechanica TSO
        "Abdulghani Bogdan",  # 6de leerjaar
    ]
    assert issued == sorted(issued, key=slip_order)
    planned_passwords = {planned.pupil.pupil_id: planned.password for planned in plan.renewable}
    accounts = accounts_by_pupil(engine)
    for credential in issued:
        account = accounts[credential.pupil_id]
        assert credential.password == planned_passwords[credential.pupil_id]
        assert credential.username == account.username
        assert hashing.verify(account.password_hash, credential.password)
        assert not hashing.verify(account.password_hash, world.old_passwords[account.pupil_id])
        advanced = account.account_type is AccountType.GEVORDERD
        assert credential.account_type is account.account_type
        assert account.must_change_password is advanced
        assert account.password_change_deadline == (DEADLINE if advanced else None)
        assert account.password_type == PasswordType(account.account_type.value)
    # The e-mail-linked account is left alone.
    butrint = accounts[world.ids["Boeren"]]
    assert butrint.password_hash == world.old_hashes[world.ids["Boeren"]]
    assert butrint.email == "t.boerens@ond.vlaanderen.be"

    events = audit_events(engine)
    summary = [e for e in events if e.action == AuditAction.BULK_PASSWORDS_RENEWED.value]
    assert len(summary) == 1
    assert json.loads(summary[0].details) == {"count": 4}
    per_pupil = [e for e in events if e.action == AuditAction.PASSWORD_RENEWED.value]
    assert sorted(e.pupil_id for e in per_pupil) == sorted(c.pupil_id for c in issued)
    for event in events:
        assert event.school_id == world.school_id
        for credential in issued:
            assert credential.password not in event.details


def test_save_renewal_of_nothing_is_refused(session, world: World) -> None:
    with pytest.raises(DomainError) as caught:
        save_renewal(
            session, school_id=world.school_id, planned=[], password_hashes=[], actor=ACTOR
        )
    assert caught.value.message == MSG_NOTHING_TO_DO


def test_save_renewal_ignores_a_plan_for_another_school(session, engine, hashing, world) -> None:
    """A plan made in school A cannot be saved while working in school B."""
    plan = plan_renewal(session, school_id=world.school_id, pupil_ids=[world.ids["Bhatti"]])
    hashes = hash_all([plan.renewable[0].password], hashing)

    with pytest.raises(DomainError):
        save_renewal(
            session,
            school_id=world.other_school_id,
            planned=plan.renewable,
            password_hashes=hashes,
            actor=ACTOR,
        )
    session.rollback()

    assert (
        accounts_by_pupil(engine)[world.ids["Bhatti"]].password_hash
        == (world.old_hashes[world.ids["Bhatti"]])
    )


class BrokenHashes:
    """A hashes sequence that breaks after ``good`` items, like a crash in mid-batch."""

    def __init__(self, hashes: list[str], good: int) -> None:
        self.hashes, self.good = hashes, good

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self) -> Iterator[str]:
        for index, password_hash in enumerate(self.hashes):
            if index == self.good:
                raise RuntimeError("crash in the middle of the batch")
            yield password_hash


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ("hashes_break_mid_batch", RuntimeError),
        ("too_few_hashes", ValueError),
        ("pupil_twice_in_the_plan", DomainError),
    ],
)
def test_a_failure_in_the_middle_of_a_batch_changes_no_account(
    session, engine, hashing, world: World, failure, error
) -> None:
    selection = [world.ids[name] for name in ("Beuken", "Bhatti", "Bockstal", "Bogdan")]
    plan = plan_renewal(session, school_id=world.school_id, pupil_ids=selection)
    # The plan is shown; its transaction ends while the administrator looks at it.
    session.commit()
    planned = list(plan.renewable)
    hashes = hash_all([item.password for item in planned], hashing)
    expected_message = MSG_CHANGED_MEANWHILE
    if failure == "hashes_break_mid_batch":
        hashes = BrokenHashes(hashes, good=2)
    elif failure == "too_few_hashes":
        hashes = hashes[:3]
    else:
        planned = [*planned, PlannedPassword(planned[0].pupil, planned[1].password)]
        hashes = [*hashes, hashes[1]]
    before = accounts_by_pupil(engine)

    with pytest.raises(error) as caught:
        save_renewal(
            session,
            school_id=world.school_id,
            planned=planned,
            password_hashes=hashes,
            actor=ACTOR,
            now=NOW,
        )
    session.rollback()

    if error is DomainError:
        assert caught.value.message == expected_message
    after = accounts_by_pupil(engine)
    for pupil_id in selection:
        assert after[pupil_id].password_hash == before[pupil_id].password_hash
        assert after[pupil_id].password_hash == world.old_hashes[pupil_id]
        assert after[pupil_id].must_change_password is False
        assert hashing.verify(after[pupil_id].password_hash, world.old_passwords[pupil_id])
    assert audit_events(engine) == []


# --- Activation -------------------------------------------------------------------------------


@pytest.fixture
def newcomers(session) -> dict:
    """Pupils without a LeerID: two namesakes, one of each level; and one who has an account."""
    school = add_school(session, "BRUSSEL-STAD - TEST School 2")
    other = add_school(session, "GENT - TEST School 7")
    rows = [
        ("11223", "Lucas", "Peeters", "3de leerjaar", EducationLevel.BASIS),
        ("11224", "Lucas", "Peeters", "5de leerjaar", EducationLevel.BASIS),
        ("93504", "Pieter-Alexander", "Bogaert", "2e lj 1e gr Mechanica-elektriciteit",
         EducationLevel.SECUNDAIR),
        ("31415", "Élodie", "Van den Broeck", "BuSO OV3 Kantoor", EducationLevel.BUITENGEWOON),
    ]  # fmt: skip
    ids = {}
    for stamnummer, first, last, group, level in rows:
        ids[stamnummer] = add_pupil(session, school, stamnummer, first, last, group, level).id
    active = add_pupil(session, school, "32890", "Ardalan", "Bhatti", "2e lj 3e gr TSO")
    add_account(session, active, "ardalan.bhatti", "not-a-hash")
    foreign = add_pupil(session, other, "11225", "Lucas", "Peeters", "6de leerjaar")
    session.commit()
    return {
        "school_id": school.id,
        "other_school": other,
        "ids": ids,
        "active_id": active.id,
        "foreign_id": foreign.id,
    }


@pytest.mark.parametrize(
    ("taken", "lucas_usernames"),
    [
        ((), ["lucas.peeters", "lucas.peeters1"]),
        (("lucas.peeters",), ["lucas.peeters1", "lucas.peeters2"]),
        (("lucas.peeters", "lucas.peeters2"), ["lucas.peeters1", "lucas.peeters3"]),
    ],
)
def test_plan_and_save_activation(
    session, engine, hashing, newcomers, taken, lucas_usernames
) -> None:
    for number, username in enumerate(taken):
        namesake = add_pupil(
            session, newcomers["other_school"], f"9{number}", "Lucas", "Peeters", "1"
        )
        add_account(session, namesake, username, "not-a-hash")
    session.commit()
    selection = [*newcomers["ids"].values(), newcomers["active_id"], newcomers["foreign_id"]]

    plan = plan_activation(session, school_id=newcomers["school_id"], pupil_ids=selection)

    assert names(plan.already_active) == ["Ardalan Bhatti (32890)"]
    assert sorted(item.pupil.pupil_id for item in plan.to_activate) == sorted(
        newcomers["ids"].values()
    )
    for item in plan.to_activate:
        assert is_generated_password(item.pupil.account_type, item.password)

    hashes = hash_all([item.password for item in plan.to_activate], hashing)
    issued = save_activation(
        session,
        school_id=newcomers["school_id"],
        planned=plan.to_activate,
        password_hashes=hashes,
        actor=ACTOR,
        now=NOW,
    ).issued
    session.commit()

    assert issued == sorted(issued, key=slip_order)
    by_stamnummer = {credential.stamnummer: credential for credential in issued}
    assert set(by_stamnummer) == set(newcomers["ids"])
    assert sorted([by_stamnummer["11223"].username, by_stamnummer["11224"].username]) == (
        lucas_usernames
    )
    assert by_stamnummer["93504"].username == "pieter-alexander.bogaert"
    assert by_stamnummer["31415"].username == "elodie.vandenbroeck"
    expected_types = {
        "11223": AccountType.BASIS,
        "11224": AccountType.BASIS,
        "93504": AccountType.GEVORDERD,
        "31415": AccountType.BASIS,
    }
    accounts = accounts_by_pupil(engine)
    assert newcomers["foreign_id"] not in accounts
    for stamnummer, credential in by_stamnummer.items():
        account = accounts[newcomers["ids"][stamnummer]]
        assert account.account_type is expected_types[stamnummer]
        assert credential.account_type is expected_types[stamnummer]
        assert account.username == credential.username
        assert hashing.verify(account.password_hash, credential.password)
        advanced = account.account_type is AccountType.GEVORDERD
        assert account.must_change_password is advanced
        assert account.password_change_deadline == (DEADLINE if advanced else None)
        assert account.created_at.date() == NOW.date()

    events = audit_events(engine)
    summary = [e for e in events if e.action == AuditAction.BULK_ACCOUNTS_ACTIVATED.value]
    assert [json.loads(e.details) for e in summary] == [{"count": 4}]
    activated = [e for e in events if e.action == AuditAction.ACCOUNT_ACTIVATED.value]
    assert sorted(e.pupil_id for e in activated) == sorted(newcomers["ids"].values())
    for event in activated:
        assert json.loads(event.details)["username"] == accounts[event.pupil_id].username
        for credential in issued:
            assert credential.password not in event.details


def test_save_activation_of_nothing_is_refused(session, newcomers) -> None:
    with pytest.raises(DomainError) as caught:
        save_activation(
            session,
            school_id=newcomers["school_id"],
            planned=[],
            password_hashes=[],
            actor=ACTOR,
        )
    assert caught.value.message == MSG_NOTHING_TO_DO


@pytest.mark.parametrize("machine_cores", [2, 32])
def test_a_small_batch_is_not_queued_behind_a_whole_school(
    machine_cores: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two administrators share the hashing pool: the small run finishes long before the big.

    Also where the settings say many cores: the window follows the pool in use.
    """
    monkeypatch.setattr(get_settings(), "hash_workers", machine_cores)

    class SlowHashing:
        def hash(self, password: str) -> str:
            time.sleep(0.02)
            return f"hash-{password}"

    async def both() -> tuple[float, float]:
        pool = ThreadPoolExecutor(max_workers=2)
        start = time.perf_counter()

        async def timed(count: int, delay: float) -> float:
            await asyncio.sleep(delay)
            passwords = [str(number) for number in range(count)]
            hashes = await bulk.hash_passwords(passwords, hashing=SlowHashing(), executor=pool)
            assert hashes == [f"hash-{password}" for password in passwords]
            return time.perf_counter() - start

        try:
            return tuple(await asyncio.gather(timed(200, 0), timed(4, 0.05)))
        finally:
            pool.shutdown()

    big, small = asyncio.run(both())
    assert small < big / 3
