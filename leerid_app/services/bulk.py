"""Bulk work on the selected pupils: plan, hash on a thread pool, then save all or nothing."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import select
from sqlmodel import Session

from leerid_app.models import AccountType, LeerIDAccount, Pupil
from leerid_app.services import audit, passwords, usernames
from leerid_app.services.accounts import (
    Actor,
    account_type_for,
    flush_or_conflict,
    issued_credential,
    mask_email,
    password_type_for,
    set_generated_password,
)
from leerid_app.services.audit import AuditAction
from leerid_app.services.credentials import IssuedCredential, slip_order
from leerid_app.services.errors import DomainError
from leerid_app.services.hashing import PasswordHashing
from leerid_app.settings import get_settings

MAX_BULK_PUPILS = 5_000
MSG_TOO_MANY = f"Selecteer ten hoogste {MAX_BULK_PUPILS} leerlingen tegelijk."
MSG_NOTHING_TO_DO = "Er zijn geen LeerID's om aan te passen."
MSG_CHANGED_MEANWHILE = (
    "Sommige LeerID's zijn intussen gewijzigd. Er is niets bewaard; probeer het opnieuw."
)


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

    @property
    def name_and_stamnummer(self) -> str:
        """``Naam + stamnummer`` as in the manual: ``Ardalan Bhatti (32890)``."""
        return f"{self.first_name} {self.last_name} ({self.stamnummer})"


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
        elif account.email:
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
) -> ActivationPlan:
    """The selected pupils without a LeerID, each with a password of their future type."""
    to_activate: list[PlannedPassword] = []
    already_active: list[BulkPupil] = []
    for pupil, account in _selected(session, school_id=school_id, pupil_ids=pupil_ids):
        row = _bulk_pupil(pupil, account)
        if account is not None:
            already_active.append(row)
            continue
        account_type = account_type_for(pupil.education_level)
        password = passwords.generate_password(account_type, rng)
        to_activate.append(PlannedPassword(pupil=_with_type(row, account_type), password=password))
    to_activate.sort(key=lambda planned: _name_key(planned.pupil))
    already_active.sort(key=_name_key)
    return ActivationPlan(to_activate, already_active)


def _with_type(row: BulkPupil, account_type: AccountType) -> BulkPupil:
    return BulkPupil(**{**row.__dict__, "account_type": account_type})


@lru_cache(maxsize=1)
def hashing_pool() -> ThreadPoolExecutor:
    """The process-wide pool that hashes passwords; argon2 releases the GIL, so threads scale."""
    return ThreadPoolExecutor(
        max_workers=get_settings().hash_workers, thread_name_prefix="leerid-hash"
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
    in_flight = asyncio.Semaphore(2 * get_settings().hash_workers)

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


def _current_rows(
    session: Session, *, school_id: int, pupil_ids: Sequence[int], lock_accounts: bool
) -> dict[int, tuple[Pupil, LeerIDAccount | None]]:
    """The pupils and accounts as they are now; on PostgreSQL the accounts locked for update.

    SQLite needs no row locks: every transaction there starts with BEGIN IMMEDIATE.
    """
    rows: dict[int, tuple[Pupil, LeerIDAccount | None]] = {}
    ids = sorted(pupil_ids)
    lock = lock_accounts and session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(ids), 900):
        statement = (
            select(Pupil, LeerIDAccount)
            .outerjoin(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
            .where(Pupil.school_id == school_id, Pupil.id.in_(ids[start : start + 900]))
            .order_by(Pupil.id)
        )
        if lock:
            # Inner join: FOR UPDATE cannot lock the nullable side of an outer join.
            statement = (
                select(Pupil, LeerIDAccount)
                .join(LeerIDAccount, LeerIDAccount.pupil_id == Pupil.id)
                .where(Pupil.school_id == school_id, Pupil.id.in_(ids[start : start + 900]))
                .order_by(Pupil.id)
                .with_for_update(of=LeerIDAccount)
            )
        # The rows as the database holds them now, not as the plan loaded them into this
        # session: the checks below must see an e-mail or username changed meanwhile.
        statement = statement.execution_options(populate_existing=True)
        for pupil, account in session.execute(statement):
            assert pupil.id is not None
            rows[pupil.id] = (pupil, account)
    return rows


def _rows_to_save(
    session: Session, *, school_id: int, planned: Sequence[PlannedPassword], lock_accounts: bool
) -> dict[int, tuple[Pupil, LeerIDAccount | None]]:
    """Refuse an empty or doubled plan, then read the planned pupils as they are now."""
    if not planned:
        raise DomainError(MSG_NOTHING_TO_DO)
    _refuse_duplicates(planned)
    return _current_rows(
        session,
        school_id=school_id,
        pupil_ids=[p.pupil.pupil_id for p in planned],
        lock_accounts=lock_accounts,
    )


def save_renewal(
    session: Session,
    *,
    school_id: int,
    planned: Sequence[PlannedPassword],
    password_hashes: Sequence[str],
    actor: Actor,
    now: datetime | None = None,
) -> list[IssuedCredential]:
    """Store every new password in the caller's one transaction, or none of them."""
    now = now or datetime.now(UTC)
    current = _rows_to_save(session, school_id=school_id, planned=planned, lock_accounts=True)
    issued: list[IssuedCredential] = []
    for item, password_hash in zip(planned, password_hashes, strict=True):
        pupil, account = current.get(item.pupil.pupil_id, (None, None))
        # What was shown must still hold: the account exists, has no e-mail, same username.
        unchanged = (
            account is not None
            and not account.email
            and account.username == item.pupil.username
            and account.account_type == item.pupil.account_type
        )
        if pupil is None or account is None or not unchanged:
            raise DomainError(MSG_CHANGED_MEANWHILE)
        set_generated_password(account, password_hash, now=now)
        issued.append(issued_credential(pupil, account, item.password))
    session.flush()
    _audit_batch(
        session,
        AuditAction.PASSWORD_RENEWED,
        AuditAction.BULK_PASSWORDS_RENEWED,
        school_id=school_id,
        issued=issued,
        actor=actor,
        now=now,
    )
    return sorted(issued, key=slip_order)


def save_activation(
    session: Session,
    *,
    school_id: int,
    planned: Sequence[PlannedPassword],
    password_hashes: Sequence[str],
    actor: Actor,
    now: datetime | None = None,
) -> list[IssuedCredential]:
    """Create every account in the caller's one transaction, usernames unique in the batch."""
    now = now or datetime.now(UTC)
    # No rows to lock yet: the unique pupil_id and username constraints catch a racing batch.
    current = _rows_to_save(session, school_id=school_id, planned=planned, lock_accounts=False)
    pupils: list[Pupil] = []
    for item in planned:
        pupil, existing = current.get(item.pupil.pupil_id, (None, None))
        if pupil is None or existing is not None:
            raise DomainError(MSG_CHANGED_MEANWHILE)
        if account_type_for(pupil.education_level) != item.pupil.account_type:
            # The education level changed: the planned password is of the other type.
            raise DomainError(MSG_CHANGED_MEANWHILE)
        pupils.append(pupil)
    # All usernames in a few queries, unique within the batch too, before anything is added.
    names = usernames.unique_usernames(session, [(p.first_name, p.last_name) for p in pupils])
    issued: list[IssuedCredential] = []
    for item, pupil, username, password_hash in zip(
        planned, pupils, names, password_hashes, strict=True
    ):
        account_type = item.pupil.account_type
        assert account_type is not None
        account = LeerIDAccount(
            pupil_id=item.pupil.pupil_id,
            account_type=account_type,
            username=username,
            password_hash="",
            password_type=password_type_for(account_type),
            created_at=now,
        )
        set_generated_password(account, password_hash, now=now)
        session.add(account)
        issued.append(issued_credential(pupil, account, item.password))
    flush_or_conflict(session, MSG_CHANGED_MEANWHILE)
    _audit_batch(
        session,
        AuditAction.ACCOUNT_ACTIVATED,
        AuditAction.BULK_ACCOUNTS_ACTIVATED,
        school_id=school_id,
        issued=issued,
        actor=actor,
        now=now,
    )
    return sorted(issued, key=slip_order)


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
    actor: Actor,
    now: datetime,
) -> None:
    common = {
        "actor_administrator_id": actor.administrator_id,
        "actor_username": actor.username,
        "school_id": school_id,
        "now": now,
    }
    audit.record_event(session, action=summary, details={"count": len(issued)}, **common)
    for credential in issued:
        audit.record_event(
            session,
            action=per_pupil,
            pupil_id=credential.pupil_id,
            details={"username": credential.username, "bulk": True},
            **common,
        )


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
) -> list[IssuedCredential]:
    """Save a FixPlan's rows in the caller's one transaction: all activations and renewals, or none.

    A planned row without a username is an activation (the username is chosen on saving).
    """
    now = now or datetime.now(UTC)
    activate = [
        (p, h) for p, h in zip(planned, password_hashes, strict=True) if not p.pupil.username
    ]
    renew = [(p, h) for p, h in zip(planned, password_hashes, strict=True) if p.pupil.username]
    issued: list[IssuedCredential] = []
    for rows, save in ((activate, save_activation), (renew, save_renewal)):
        if rows:
            issued += save(
                session,
                school_id=school_id,
                planned=[p for p, _h in rows],
                password_hashes=[h for _p, h in rows],
                actor=actor,
                now=now,
            )
    if not issued:
        raise DomainError(MSG_NOTHING_TO_DO)
    return sorted(issued, key=slip_order)
