"""Compare-and-set on LeerID versions: a save changes only accounts still as they were shown."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, tuple_, update
from sqlmodel import Session

from leerid_app.models import AccountType, AdministratorSchool, AuditEvent, LeerIDAccount, Pupil
from leerid_app.services.audit import AuditAction
from leerid_app.services.errors import DomainError

# Rows per statement: well under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 400

# The audited actions that change a LeerID's credentials (see models.CREDENTIAL_FIELDS).
CREDENTIAL_ACTIONS = (
    AuditAction.ACCOUNT_ACTIVATED,
    AuditAction.USERNAME_CHANGED,
    AuditAction.PASSWORD_RENEWED,
    AuditAction.EMAIL_REMOVED,
)

MSG_STALE_BY = (
    "Dit LeerID is intussen gewijzigd door {who}. Er is niets bewaard. "
    "Bekijk de gegevens hieronder en bewaar opnieuw."
)
MSG_STALE = (
    "Dit LeerID is intussen door iemand anders gewijzigd. Er is niets bewaard. "
    "Bekijk de gegevens hieronder en bewaar opnieuw."
)


class StaleAccount(DomainError):
    """The account changed after the administrator's form was shown; nothing was saved."""


@dataclass(frozen=True)
class ClaimedAccount:
    """An account whose version this transaction just raised: its new credentials may follow."""

    account_id: int
    pupil_id: int
    username: str
    account_type: AccountType


@dataclass(frozen=True)
class RefusedPupil:
    """A planned pupil left as they were: someone changed them after the plan was shown."""

    pupil_id: int
    name_and_stamnummer: str
    # The administrator of this school who made the last credential change, if it was one.
    changed_by: str | None


def stale_message(changed_by: str | None) -> str:
    """The single-pupil message when the form was based on an older version."""
    return MSG_STALE_BY.format(who=changed_by) if changed_by else MSG_STALE


def claim_accounts(
    session: Session, *, school_id: int, seen: Mapping[int, int]
) -> dict[int, ClaimedAccount]:
    """Raise the version of every planned account still at the version seen, in one go.

    ``seen`` maps pupil ids to the version the plan showed. One set-based UPDATE per chunk
    changes only rows whose (pupil, version) still match, have no e-mail linked and belong
    to the school; the rows it returns are this transaction's, the others are stale. On
    PostgreSQL the rows are first locked in pupil order, so two overlapping batches wait for
    each other instead of deadlocking; SQLite's BEGIN IMMEDIATE already lets one writer in.

    Returns:
        The claimed accounts by pupil id.
    """
    table = LeerIDAccount.__table__
    ids = sorted(seen)
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(ids), CHUNK):
            session.execute(
                select(table.c.id)
                .where(table.c.pupil_id.in_(ids[start : start + CHUNK]))
                .order_by(table.c.pupil_id)
                .with_for_update()
            )
    claimed: dict[int, ClaimedAccount] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        in_school = select(Pupil.id).where(Pupil.school_id == school_id, Pupil.id.in_(chunk))
        statement = (
            update(table)
            .where(
                tuple_(table.c.pupil_id, table.c.version).in_([(p, seen[p]) for p in chunk]),
                # As the plan judges it: no e-mail linked (NULL, or empty in older data).
                or_(table.c.email.is_(None), table.c.email == ""),
                table.c.pupil_id.in_(in_school),
            )
            .values(version=table.c.version + 1)
            .returning(table.c.id, table.c.pupil_id, table.c.username, table.c.account_type)
        )
        for account_id, pupil_id, username, account_type in session.execute(statement):
            claimed[pupil_id] = ClaimedAccount(
                account_id, pupil_id, username, AccountType(account_type)
            )
    return claimed


def changed_by(session: Session, *, school_id: int, pupil_ids: Collection[int]) -> dict[int, str]:
    """Per pupil, the administrator of this school who made the last credential change.

    Pupils whose last change came from elsewhere (the pupil, the command line, an
    administrator no longer of this school) are left out: the message then says "iemand".
    """
    ids = sorted(set(pupil_ids))
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        statement = (
            select(AuditEvent.pupil_id, AuditEvent.actor_username, AdministratorSchool.school_id)
            .outerjoin(
                AdministratorSchool,
                and_(
                    AdministratorSchool.administrator_id == AuditEvent.actor_administrator_id,
                    AdministratorSchool.school_id == school_id,
                ),
            )
            .where(
                AuditEvent.school_id == school_id,
                AuditEvent.pupil_id.in_(ids[start : start + CHUNK]),
                AuditEvent.action.in_([action.value for action in CREDENTIAL_ACTIONS]),
            )
            .order_by(AuditEvent.pupil_id, AuditEvent.id.desc())
        )
        latest: dict[int, tuple[str, int | None]] = {}
        for pupil_id, actor, admin_school in session.execute(statement):
            latest.setdefault(pupil_id, (actor, admin_school))
        found.update({pid: actor for pid, (actor, school) in latest.items() if school})
    return found
