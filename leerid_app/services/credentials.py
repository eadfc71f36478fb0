"""Plain-text credentials just issued to pupils: in memory only, for the screen and downloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from leerid_app.models import AccountType


@dataclass(frozen=True)
class IssuedCredential:
    """One pupil's new login as the slip and the Excel show it; never stored anywhere."""

    pupil_id: int
    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    username: str
    password: str
    account_type: AccountType
    gender: str | None = None
    birth_date: date | None = None

    @property
    def full_name(self) -> str:
        """``Voornaam Naam`` as on the slip."""
        return f"{self.first_name} {self.last_name}"


class PupilFacts(Protocol):
    """What a slip and the Excel show of a pupil (a Pupil row or a planned bulk row)."""

    stamnummer: str
    first_name: str
    last_name: str
    administrative_group: str
    gender: str | None
    birth_date: date | None


def issue(
    pupil_id: int, pupil: PupilFacts, username: str, account_type: AccountType, password: str
) -> IssuedCredential:
    """The slip and export record of a pupil's freshly set password."""
    return IssuedCredential(
        pupil_id=pupil_id,
        stamnummer=pupil.stamnummer,
        first_name=pupil.first_name,
        last_name=pupil.last_name,
        administrative_group=pupil.administrative_group,
        username=username,
        password=password,
        account_type=account_type,
        gender=pupil.gender,
        birth_date=pupil.birth_date,
    )


def slip_order(credential: IssuedCredential) -> tuple[str, str, str]:
    """Sort key for slips and exports: administrative group, then last name, then first name."""
    return (
        credential.administrative_group.casefold(),
        credential.last_name.casefold(),
        credential.first_name.casefold(),
    )
