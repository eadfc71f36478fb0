"""Bulk work on the selected pupils: plan, hash on a thread pool, then save all or nothing."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import random
import threading
from collections.abc import Awaitable, Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from leerid_app import texts
from leerid_app.models import AccountType, EducationLevel, LeerIDAccount, Pupil
from leerid_app.services import audit, clock, credentials, passwords, usernames, versions
from leerid_app.services.accounts import (
    Actor,
    account_type_for,
    generated_password_values,
    mask_email,
    new_password_allowed,
)
from leerid_app.services.audit import AuditAction
from leerid_app.services.credentials import IssuedCredential, slip_order
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import PasswordHashing
from leerid_app.services.pupils import enrollment_ended
from leerid_app.settings import get_settings

MAX_BULK_PUPILS = 5_000
MSG_TOO_MANY = texts.BULK_TOO_MANY.format(count=MAX_BULK_PUPILS)
MSG_NOTHING_TO_DO = texts.BULK_NOTHING_TO_DO
MSG_CHANGED_MEANWHILE = texts.BULK_CHANGED_MEANWHILE


@dataclass(frozen=True)
class BulkPupil:
    """A selected pupil as the bulk tables show them."""

    pupil_id: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    username: str
    account_type: AccountType | None
    masked_email: str = ""
    # The account's version as shown; the save changes the account only while it holds it.
    version: int | None = None
    # For the Excel of the result, as the plan read them.
    gender: str | None = None
    birth_date: date | None = None

    @property
    def name_and_stamnummer(self) -> str:
        """``Naam + stamnummer`` as in the manual: ``Ardalan Bhatti (32890)``."""
        return f"{self.first_name} {self.last_name} ({self.stamnummer})"

    def credential(
        self, username: str, account_type: AccountType, password: str
    ) -> IssuedCredential:
        """The slip and Excel row of this pupil's new login."""
        return credentials.issue(self.pupil_id, self, username, account_type, password)


@dataclass(frozen=True)
class PlannedPassword:
    """A pupil with the password generated for them, shown before saving."""

    pupil: BulkPupil
    password: str


@dataclass(frozen=True)
class RenewalPlan:
    """The two tables of `Bulk: genereer nieuw wachtwoord`, plus who was skipped."""

    renewable: list[PlannedPassword]
    email_linked: list[BulkPupil]
    without_account: list[BulkPupil]


@dataclass(frozen=True)
class ActivationPlan:
    """Selected pupils without a LeerID, each with a password; and who already has one."""

    to_activate: list[PlannedPassword]
    already_active: list[BulkPupil]
    # Pupils who left (Inactief): never given an account, named with the reason.
    enrollment_ended: list[BulkPupil] = field(default_factory=list)


def _name_key(pupil: BulkPupil) -> tuple[str, str, str]:
    return (pupil.last_name.casefold(), pupil.first_name.casefold(), pupil.stamnummer)


def _selected(
    session: Session, *, school_id: int, pupil_ids: Collection[int]
) -> list[tuple[Pupil, LeerIDAccount | None]]:
    ids = sorted({int(pupil_id) for pupil_id in pupil_ids})
    if len(ids) > MAX_BULK_PUPILS:
        raise DomainError(MSG_TOO_MANY)
    rows: list[tuple[Pupil, LeerIDAccount | None]] = []
    for start in range(0, len(ids), 900):
        statement = (
            select(Pupil, LeerIDAccount)
            .outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
            # The school scope: ids of other schools simply match nothing.
            .where(Pupil.school_id == school_id, Pupil.id.in_(ids[start : start + 900]))
        )
        rows.extend(tuple(row) for row in session.execute(statement))
    return rows


def _bulk_pupil(pupil: Pupil, account: LeerIDAccount | None) -> BulkPupil:
    assert pupil.id is not None
    return BulkPupil(
        pupil_id=pupil.id,
        stamnummer=pupil.stamnummer,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        administrative_group=pupil.administrative_group,
        username=account.username if account else "",
        account_type=account.account_type if account else None,
        masked_email=mask_email(account.email) if account and account.email else "",
        version=account.version if account else None,
        gender=pupil.gender,
        birth_date=pupil.birth_date,
    )


def plan_renewal(
    session: Session,
    *,
    school_id: int,
    pupil_ids: Collection[int],
    rng: random.Random = passwords.SYSTEM_RANDOM,
) -> RenewalPlan:
    """Split the selection: renewable accounts get a new password; e-mail-linked ones cannot."""
    renewable: list[PlannedPassword] = []
    email_linked: list[BulkPupil] = []
    without_account: list[BulkPupil] = []
    for pupil, account in _selected(session, school_id=school_id, pupil_ids=pupil_ids):
        row = _bulk_pupil(pupil, account)
        if account is None:
            without_account.append(row)
        elif not new_password_allowed(email_linked=bool(account.email), removing_email=False):
            email_linked.append(row)
        else:
            password = passwords.generate_password(account.account_type, rng)
            renewable.append(PlannedPassword(pupil=row, password=password))
    renewable.sort(key=lambda planned: _name_key(planned.pupil))
    email_linked.sort(key=_name_key)
    without_account.sort(key=_name_key)
    return RenewalPlan(renewable, email_linked, without_account)


def plan_activation(
    session: Session,
    *,
    school_id: int,
    pupil_ids: Collection[int],
    rng: random.Random = passwords.SYSTEM_RANDOM,
    today: date | None = None,
) -> ActivationPlan:
    """The selected pupils without a LeerID, each with a password of their future type.

    Pupils whose enrollment ended are left out (``enrollment_ended``): their account would
    be Inactief at once.
    """
    today = today or clock.today()
    to_activate: list[PlannedPassword] = []
    already_active: list[BulkPupil] = []
    ended: list[BulkPupil] = []
    for pupil, account in _selected(session, school_id=school_id, pupil_ids=pupil_ids):
        row = _bulk_pupil(pupil, account)
        if account is not None:
            already_active.append(row)
            continue
        if enrollment_ended(pupil.enrollment_end, today):
            ended.append(row)
            continue
        account_type = account_type_for(pupil.education_level)
        password = passwords.generate_password(account_type, rng)
        to_activate.append(
            PlannedPassword(pupil=_with(row, account_type=account_type), password=password)
        )
    to_activate.sort(key=lambda planned: _name_key(planned.pupil))
    already_active.sort(key=_name_key)
    ended.sort(key=_name_key)
    # The usernames the accounts will get, shown in the plan; the save keeps them if free.
    names = usernames.unique_usernames(
        session, [(item.pupil.first_name, item.pupil.last_name) for item in to_activate]
    )
    to_activate = [
        PlannedPassword(pupil=_with(item.pupil, username=name), password=item.password)
        for item, name in zip(to_activate, names, strict=True)
    ]
    return ActivationPlan(to_activate, already_active, ended)


def _with(row: BulkPupil, **changes: object) -> BulkPupil:
    return dataclasses.replace(row, **changes)


# Bulk hashing yields the CPU to everyone's clicks: on a busy machine the event loop that
# answers them would otherwise queue behind the hashing threads for tens of milliseconds.
HASHING_NICENESS = 10


def _lower_priority() -> None:
    """Runs in each hashing thread; Linux gives every thread its own nice value."""
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + HASHING_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(19, niceness))


@lru_cache(maxsize=1)
def hashing_pool() -> ThreadPoolExecutor:
    """The process-wide pool that hashes passwords; argon2 releases the GIL, so threads scale."""
    return ThreadPoolExecutor(
        max_workers=get_settings().hash_workers,
        thread_name_prefix="leerid-hash",
        initializer=_lower_priority,
    )


ProgressCallback = Callable[[int, int], Awaitable[None]]


async def hash_passwords(
    plain_passwords: Sequence[str],
    *,
    hashing: PasswordHashing,
    on_progress: ProgressCallback | None = None,
    progress_interval: float = 0.25,
    executor: ThreadPoolExecutor | None = None,
) -> list[str]:
    """Hash every password on the pool, reporting (done, total) at most every interval.

    Only a few hashes per run wait on the shared pool at a time, so a second administrator's
    small batch takes turns with a whole school's run instead of queueing behind all of it.
    """
    loop = asyncio.get_running_loop()
    pool = executor or hashing_pool()
    # The window follows the pool actually used (not the settings: a machine with 32 cores
    # and a small pool would otherwise let one run queue 64 hashes ahead of everyone).
    workers = getattr(pool, "_max_workers", None) or get_settings().hash_workers
    in_flight = asyncio.Semaphore(2 * workers)

    async def hash_one(password: str) -> str:
        async with in_flight:
            return await loop.run_in_executor(pool, hashing.hash, password)

    futures = [asyncio.ensure_future(hash_one(password)) for password in plain_passwords]
    total, done, last_report = len(futures), 0, loop.time()
    try:
        for finished in asyncio.as_completed(futures):
            await finished
            done += 1
            if on_progress and (loop.time() - last_report >= progress_interval or done == total):
                last_report = loop.time()
                await on_progress(done, total)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    # as_completed yields in completion order; results are read back in input order.
    return [future.result() for future in futures]


@dataclass(frozen=True)
class RenamedPupil:
    """A pupil whose planned username was taken meanwhile; the account got the next free one."""

    pupil_id: int
    name_and_stamnummer: str
    planned: str
    given: str


@dataclass(frozen=True)
class BulkSaveResult:
    """What a save did: new credentials for the slips, and who was left as they were."""

    issued: list[IssuedCredential]
    refused: list[versions.RefusedPupil]
    renamed: list[RenamedPupil] = dataclasses.field(default_factory=list)


def _check_plan(planned: Sequence[PlannedPassword], password_hashes: Sequence[str]) -> None:
    """Refuse an empty or doubled plan, or hashes that do not match it one to one."""
    if not planned:
        raise DomainError(MSG_NOTHING_TO_DO)
    _refuse_duplicates(planned)
    if len(password_hashes) != len(planned):
        raise ValueError("one password hash per planned pupil")


def _levels_in_school(
    session: Session, *, school_id: int, pupil_ids: Collection[int]
) -> dict[int, EducationLevel]:
    """The planned pupils' education levels now; all of them must be of this school.

    A pupil of another school is no stale view but a plan saved in the wrong school: the
    whole batch is refused, and nothing about that pupil reaches this school's log.
    """
    ids = sorted(pupil_ids)
    found: dict[int, EducationLevel] = {}
    for start in range(0, len(ids), versions.CHUNK):
        statement = select(Pupil.id, Pupil.education_level).where(
            Pupil.school_id == school_id, Pupil.id.in_(ids[start : start + versions.CHUNK])
        )
        found.update(session.execute(statement).all())
    if len(found) != len(ids):
        raise DomainError(MSG_CHANGED_MEANWHILE)
    return found


def _refused(
    session: Session, *, school_id: int, pupils: Sequence[BulkPupil]
) -> list[versions.RefusedPupil]:
    who = versions.changed_by(
        session, school_id=school_id, pupil_ids=[pupil.pupil_id for pupil in pupils]
    )
    return [
        versions.RefusedPupil(p.pupil_id, p.name_and_stamnummer, who.get(p.pupil_id))
        for p in sorted(pupils, key=_name_key)
    ]


def save_renewal(
    session: Session,
    *,
    school_id: int,
    planned: Sequence[PlannedPassword],
    password_hashes: Sequence[str],
    actor: Actor,
    now: datetime | None = None,
) -> BulkSaveResult:
    """Store the new passwords of every account still as planned, in the caller's transaction.

    An account changed since the plan was shown (its version rose: another administrator,
    a single-pupil save, the pupil linking an e-mail) keeps its credentials and is reported;
    the others all get their new password in this one transaction, or none of them do.
    """
    now = clock.now_or(now)
    _check_plan(planned, password_hashes)
    seen = {item.pupil.pupil_id: item.pupil.version or 0 for item in planned}
    _levels_in_school(session, school_id=school_id, pupil_ids=seen)
    claimed = versions.claim_accounts(session, school_id=school_id, seen=seen)
    issued: list[IssuedCredential] = []
    rows: list[dict[str, object]] = []
    for item, password_hash in zip(planned, password_hashes, strict=True):
        account = claimed.get(item.pupil.pupil_id)
        if account is None:
            continue
        values = generated_password_values(account.account_type, password_hash, now=now)
        rows.append({"b_id": account.account_id, **{f"b_{k}": v for k, v in values.items()}})
        issued.append(item.pupil.credential(account.username, account.account_type, item.password))
    if rows:
        # One executemany; the versions were raised by the claim above.
        table = LeerIDAccount.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in _PASSWORD_COLUMNS}),
            rows,
        )
    refused = _refused(
        session,
        school_id=school_id,
        pupils=[item.pupil for item in planned if item.pupil.pupil_id not in claimed],
    )
    _audit_batch(
        session,
        AuditAction.PASSWORD_RENEWED,
        AuditAction.BULK_PASSWORDS_RENEWED,
        school_id=school_id,
        issued=issued,
        refused=refused,
        actor=actor,
        now=now,
    )
    return BulkSaveResult(sorted(issued, key=slip_order), refused)


_PASSWORD_COLUMNS = (
    "password_hash",
    "password_type",
    "password_changed_at",
    "must_change_password",
    "password_change_deadline",
)


def save_activation(
    session: Session,
    *,
    school_id: int,
    planned: Sequence[PlannedPassword],
    password_hashes: Sequence[str],
    actor: Actor,
    now: datetime | None = None,
) -> BulkSaveResult:
    """Create the account of every planned pupil still without one, in the caller's transaction.

    A pupil who got an account meanwhile, or whose education level (so account type) changed,
    is left as they are and reported: never a second account, never a changed username. A
    planned username taken meanwhile by someone else's LeerID becomes the next free one.
    """
    now = clock.now_or(now)
    _check_plan(planned, password_hashes)
    usernames.lock_allocation(session)
    ids = [item.pupil.pupil_id for item in planned]
    levels = _levels_in_school(session, school_id=school_id, pupil_ids=ids)
    with_account = _existing(session, LeerIDAccount.pupil_id, ids)
    keep: list[tuple[PlannedPassword, str]] = []
    stale: list[BulkPupil] = []
    for item, password_hash in zip(planned, password_hashes, strict=True):
        if (
            item.pupil.pupil_id in with_account
            or account_type_for(levels[item.pupil.pupil_id]) != item.pupil.account_type
        ):
            stale.append(item.pupil)
        else:
            keep.append((item, password_hash))
    names, renamed = _free_usernames(session, [item for item, _ in keep])
    rows = []
    for (item, password_hash), username in zip(keep, names, strict=True):
        account_type = item.pupil.account_type
        assert account_type is not None
        rows.append(
            {
                "pupil_id": item.pupil.pupil_id,
                "account_type": account_type,
                "username": username,
                "created_at": now,
                **generated_password_values(account_type, password_hash, now=now),
            }
        )
    created = _insert_new_accounts(session, rows)
    issued: list[IssuedCredential] = []
    for (item, _), username in zip(keep, names, strict=True):
        if item.pupil.pupil_id in created:
            assert item.pupil.account_type is not None
            issued.append(item.pupil.credential(username, item.pupil.account_type, item.password))
        else:
            stale.append(item.pupil)  # an account appeared between the check and the insert
    refused = _refused(session, school_id=school_id, pupils=stale)
    _audit_batch(
        session,
        AuditAction.ACCOUNT_ACTIVATED,
        AuditAction.BULK_ACCOUNTS_ACTIVATED,
        school_id=school_id,
        issued=issued,
        refused=refused,
        actor=actor,
        now=now,
        renamed={r.pupil_id: r.planned for r in renamed if r.pupil_id in created},
    )
    return BulkSaveResult(
        sorted(issued, key=slip_order),
        refused,
        [r for r in renamed if r.pupil_id in created],
    )


def _existing(session: Session, column, values: Sequence) -> set:
    """Which of ``values`` a LeerID already has in ``column`` (pupil id, username)."""
    found: set = set()
    for start in range(0, len(values), versions.CHUNK):
        chunk = values[start : start + versions.CHUNK]
        found.update(session.execute(select(column).where(column.in_(chunk))).scalars())
    return found


def _free_usernames(
    session: Session, items: Sequence[PlannedPassword]
) -> tuple[list[str], list[RenamedPupil]]:
    """The planned usernames, each replaced by the next free one if taken meanwhile."""
    planned = [item.pupil.username for item in items]
    taken = _existing(session, LeerIDAccount.username, planned)
    # An empty or doubled planned name (an old plan) is picked afresh too.
    seen: set[str] = set()
    again: list[int] = []
    for index, name in enumerate(planned):
        if not name or name in taken or name in seen:
            again.append(index)
        seen.add(name)
    if not again:
        return planned, []
    redo = set(again)
    keep = {name for index, name in enumerate(planned) if index not in redo}
    fresh = usernames.unique_usernames(
        session,
        [(items[index].pupil.first_name, items[index].pupil.last_name) for index in again],
        reserved=keep,
    )
    names = list(planned)
    renamed: list[RenamedPupil] = []
    for index, name in zip(again, fresh, strict=True):
        names[index] = name
        item = items[index]
        if item.pupil.username:
            renamed.append(
                RenamedPupil(
                    item.pupil.pupil_id, item.pupil.name_and_stamnummer, item.pupil.username, name
                )
            )
    return names, renamed


def _insert_new_accounts(session: Session, rows: list[dict[str, object]]) -> set[int]:
    """Insert accounts, skipping a pupil who has one by now; the pupil ids really created.

    ON CONFLICT on the pupil makes "no account yet" part of the insert itself. A username
    clash cannot happen while lock_allocation is held, except with a writer that skips it;
    then the whole batch is refused rather than giving anyone another name unseen.
    """
    if not rows:
        return set()
    table = LeerIDAccount.__table__
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        dialect_insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.pupil_id])
        .returning(table.c.pupil_id)
    )
    created: set[int] = set()
    try:
        with session.begin_nested():
            for start in range(0, len(rows), versions.CHUNK):
                created.update(
                    session.execute(statement, rows[start : start + versions.CHUNK]).scalars()
                )
    except IntegrityError as error:
        raise DomainError(MSG_CHANGED_MEANWHILE) from error
    return created


def _refuse_duplicates(planned: Sequence[PlannedPassword]) -> None:
    """One pupil twice in a batch would hand out a slip whose password no longer works."""
    if len({item.pupil.pupil_id for item in planned}) != len(planned):
        raise DomainError(MSG_CHANGED_MEANWHILE)


def _audit_batch(
    session: Session,
    per_pupil: AuditAction,
    summary: AuditAction,
    *,
    school_id: int,
    issued: Sequence[IssuedCredential],
    refused: Sequence[versions.RefusedPupil],
    actor: Actor,
    now: datetime,
    renamed: dict[int, str] | None = None,
) -> None:
    """The batch's summary, one event per changed pupil and one per refused pupil."""
    common = {
        "actor_administrator_id": actor.administrator_id,
        "actor_username": actor.username,
        "school_id": school_id,
        "now": now,
    }
    counts: dict[str, object] = {"count": len(issued)}
    if refused:
        counts["refused"] = len(refused)
    audit.record_event(session, action=summary, details=counts, **common)
    renamed = renamed or {}
    audit.record_events(
        session,
        action=per_pupil,
        per_pupil=[
            (
                credential.pupil_id,
                {"username": credential.username, "bulk": True}
                | (
                    {"planned_username": renamed[credential.pupil_id]}
                    if credential.pupil_id in renamed
                    else {}
                ),
            )
            for credential in issued
        ],
        **common,
    )
    audit.record_events(
        session,
        action=AuditAction.CHANGE_REFUSED,
        per_pupil=[(row.pupil_id, {"bulk": True, "reason": _REFUSED_REASON}) for row in refused],
        **common,
    )


_REFUSED_REASON = "intussen gewijzigd"


@dataclass(frozen=True)
class FixPlan:
    """A readiness fix: activations and renewals shown as one table and saved in one run."""

    to_activate: list[PlannedPassword]
    to_renew: list[PlannedPassword]
    email_linked: list[BulkPupil]

    @property
    def planned(self) -> list[PlannedPassword]:
        """Both kinds in one list, sorted by name like the other plans."""
        return sorted([*self.to_activate, *self.to_renew], key=lambda p: _name_key(p.pupil))


def plan_fix(
    session: Session,
    *,
    school_id: int,
    activate_ids: Collection[int],
    renew_ids: Collection[int],
    rng: random.Random = passwords.SYSTEM_RANDOM,
) -> FixPlan:
    """Activation for the pupils without a LeerID, renewal for the others; never an e-mail one.

    Each half goes through its own plan, so the rules (the e-mail exception, account types)
    are those of the two ordinary bulk actions.
    """
    if len(activate_ids) + len(renew_ids) > MAX_BULK_PUPILS:
        raise DomainError(MSG_TOO_MANY)
    activation = plan_activation(session, school_id=school_id, pupil_ids=activate_ids, rng=rng)
    renewal = plan_renewal(session, school_id=school_id, pupil_ids=renew_ids, rng=rng)
    return FixPlan(activation.to_activate, renewal.renewable, renewal.email_linked)


def save_fix(
    session: Session,
    *,
    school_id: int,
    planned: Sequence[PlannedPassword],
    password_hashes: Sequence[str],
    actor: Actor,
    now: datetime | None = None,
) -> BulkSaveResult:
    """Save a FixPlan's rows in the caller's one transaction: all activations and renewals, or none.

    A planned row without an account version had no LeerID when planned: an activation.
    """
    now = clock.now_or(now)
    _check_plan(planned, password_hashes)
    pairs = list(zip(planned, password_hashes, strict=True))
    activate = [(p, h) for p, h in pairs if p.pupil.version is None]
    renew = [(p, h) for p, h in pairs if p.pupil.version is not None]
    results: list[BulkSaveResult] = []
    for rows, save in ((activate, save_activation), (renew, save_renewal)):
        if rows:
            results.append(
                save(
                    session,
                    school_id=school_id,
                    planned=[p for p, _h in rows],
                    password_hashes=[h for _p, h in rows],
                    actor=actor,
                    now=now,
                )
            )
    return BulkSaveResult(
        sorted((c for r in results for c in r.issued), key=slip_order),
        sorted((x for r in results for x in r.refused), key=lambda x: x.name_and_stamnummer),
        [x for r in results for x in r.renamed],
    )
