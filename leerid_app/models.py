"""Every database table of the Schoolloket, as plain SQLModel tables."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, UniqueConstraint, event, inspect
from sqlmodel import Field, SQLModel


class EducationLevel(enum.StrEnum):
    """Onderwijsniveau from the pupil administration package; decides the account type."""

    BASIS = "basis"
    BUITENGEWOON = "buitengewoon"
    SECUNDAIR = "secundair"


class AccountType(enum.StrEnum):
    """Basis LeerID for primary and special education, Gevorderd for regular secondary."""

    BASIS = "basis"
    GEVORDERD = "gevorderd"


class PasswordType(enum.StrEnum):
    """Who set the current password: generated basic/advanced, or the pupil's own."""

    BASIS = "basis"
    GEVORDERD = "gevorderd"
    EIGEN = "eigen"


def utc_datetime_column(*, nullable: bool = True, index: bool = False) -> Column:
    """A timezone-aware timestamp column; values are always UTC."""
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


class School(SQLModel, table=True):
    """An instelling; its name is shown in the header."""

    __tablename__ = "school"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    # The Flemish institution number; the pupil administration package's export names it.
    instellingsnummer: str | None = Field(default=None, max_length=6, unique=True)


class Pupil(SQLModel, table=True):
    """A pupil enrolled in one school: enrollment data plus optional official data."""

    __tablename__ = "pupil"
    __table_args__ = (
        UniqueConstraint("school_id", "stamnummer", name="uq_pupil_school_stamnummer"),
        # The list page always filters on school and sorts on name.
        Index("ix_pupil_school_sort", "school_id", "sort_key"),
        Index("ix_pupil_school_group_sort", "school_id", "administrative_group", "sort_key"),
        # The Gegevenscontrole looks for two pupils of a school with the same INSZ.
        Index("ix_pupil_school_insz", "school_id", "insz"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id")
    stamnummer: str = Field(max_length=20)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    administrative_group: str = Field(max_length=120)
    education_level: EducationLevel
    enrollment_end: date
    enrollment_start: date | None = None

    official_first_name: str | None = Field(default=None, max_length=100)
    official_last_name: str | None = Field(default=None, max_length=100)
    gender: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    # Rijksregisternummer or bisnummer (INSZ), 11 digits, as the package exports it.
    insz: str | None = Field(default=None, max_length=11)

    # Derived, lower-case ASCII keys so search and sort ignore case and accents.
    search_text: str = Field(max_length=260)
    sort_key: str = Field(max_length=210)


class LeerIDAccount(SQLModel, table=True):
    """The one LeerID of a pupil; the password only as a peppered argon2id hash."""

    __tablename__ = "leerid_account"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", unique=True)
    account_type: AccountType
    # Unique across all schools, enforced by the database so racing administrators cannot both win.
    username: str = Field(max_length=50, unique=True)
    password_hash: str = Field(max_length=255)
    password_type: PasswordType
    must_change_password: bool = False
    password_change_deadline: date | None = None
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    last_login_at: datetime | None = Field(default=None, sa_column=utc_datetime_column())
    password_changed_at: datetime | None = Field(default=None, sa_column=utc_datetime_column())
    # Raised by every credential write (see CREDENTIAL_FIELDS): a save based on what an
    # administrator saw changes the account only while it still holds that version.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


# What a pupil logs in with or who manages it; a last-login stamp is not among them.
CREDENTIAL_FIELDS = (
    "account_type",
    "username",
    "password_hash",
    "password_type",
    "must_change_password",
    "password_change_deadline",
    "email",
)


def _bump_version_on_credential_change(_mapper, _connection, account: LeerIDAccount) -> None:
    """Every ORM write of a credential raises the version, whoever makes it (admin or pupil).

    Set-based writes bypass this hook and raise it themselves (services/versions.py). The
    increment is done by the database (``version + 1``), so it never loses a concurrent bump.
    """
    state = inspect(account)
    if state.attrs.version.history.has_changes():
        return
    if any(state.attrs[name].history.has_changes() for name in CREDENTIAL_FIELDS):
        account.version = LeerIDAccount.version + 1  # type: ignore[assignment]


event.listen(LeerIDAccount, "before_update", _bump_version_on_credential_change)


class Administrator(SQLModel, table=True):
    """A LeerID-beheerder who logs in to the Schoolloket."""

    __tablename__ = "administrator"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))


class AdministratorSchool(SQLModel, table=True):
    """Which schools an administrator administers."""

    __tablename__ = "administrator_school"
    __table_args__ = {"extend_existing": True}

    administrator_id: int = Field(foreign_key="administrator.id", primary_key=True)
    school_id: int = Field(foreign_key="school.id", primary_key=True, index=True)


class AdminSession(SQLModel, table=True):
    """A server-side login session; only a SHA-256 of the browser's token is stored."""

    __tablename__ = "admin_session"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    administrator_id: int = Field(foreign_key="administrator.id", index=True)
    current_school_id: int | None = Field(default=None, foreign_key="school.id")
    created_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    last_seen_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=utc_datetime_column())


class LoginThrottle(SQLModel, table=True):
    """Failed-login counter per (login name, client), known name or not, so both look the same.

    ``client_key`` is a device or network address, or ``*`` for the row all untrusted clients
    of a name share (see services/identity/throttle.py).
    """

    __tablename__ = "login_throttle"
    __table_args__ = (
        UniqueConstraint("realm", "login_key", "client_key", name="uq_login_throttle_client"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    realm: str = Field(max_length=20)  # "admin" or "pupil"
    login_key: str = Field(max_length=120)
    client_key: str = Field(default="*", max_length=80)
    failures: int = 0
    blocked_until: datetime | None = Field(default=None, sa_column=utc_datetime_column())
    last_failure_at: datetime | None = Field(default=None, sa_column=utc_datetime_column())


class AuditEvent(SQLModel, table=True):
    """An append-only record of who did what to which account; never holds a password."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_school_time", "school_id", "occurred_at"),
        # The Overzicht's logins per day read a month of one school's pupil logins from it alone.
        Index("ix_audit_school_action_time", "school_id", "action", "occurred_at"),
        {"extend_existing": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    actor_administrator_id: int | None = Field(default=None, foreign_key="administrator.id")
    actor_username: str = Field(max_length=80)
    school_id: int | None = Field(default=None, foreign_key="school.id")
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id")
    action: str = Field(max_length=40, index=True)
    details: str = Field(default="", max_length=2000)


class PupilSession(SQLModel, table=True):
    """A pupil's server-side Leerlingloket session; apart from AdminSession, so neither grants
    the other anything. Only a SHA-256 of the browser's token is stored."""

    __tablename__ = "pupil_session"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="leerid_account.id", index=True)
    created_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    last_seen_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=utc_datetime_column())


class AccountToken(SQLModel, table=True):
    """A mailed link: confirm an e-mail address or reset a password; single-use, stored as a
    SHA-256 of the token only."""

    __tablename__ = "account_token"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="leerid_account.id", index=True)
    purpose: str = Field(max_length=20)  # "confirm_email" or "reset_password"
    # The address to link once confirmed (only for confirm_email).
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=utc_datetime_column())


class DemoMail(SQLModel, table=True):
    """The demo's outbox (`/demo/postvak`): mails land here when the app runs in demo mode."""

    __tablename__ = "demo_mail"
    __table_args__ = {"extend_existing": True}

    id: int | None = Field(default=None, primary_key=True)
    sent_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    recipient: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    text_body: str
    html_body: str


class BulkRun(SQLModel, table=True):
    """A bulk save in progress: the worker running it beats a heartbeat; a stale row means the
    worker died, and the administrator's next page load says so (services/bulk_runs.py)."""

    __tablename__ = "bulk_run"
    __table_args__ = {"extend_existing": True}

    id: str = Field(primary_key=True, max_length=32)
    session_id: int = Field(foreign_key="admin_session.id", index=True)
    school_id: int = Field(foreign_key="school.id")
    mode: str = Field(max_length=10)
    count: int
    started_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    heartbeat_at: datetime = Field(sa_column=utc_datetime_column(nullable=False))
    # Set by the save's own transaction: committed together with the accounts, or not at all.
    saved: bool = Field(default=False)
