"""Plain-text credentials just issued to pupils: in memory only, for the screen and downloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


def slip_order(credential: IssuedCredential) -> tuple[str, str, str]:
    """Sort key for slips and exports: administrative group, then last name, then first name."""
    return (
        credential.administrative_group.casefold(),
        credential.last_name.casefold(),
        credential.first_name.casefold(),
    )
