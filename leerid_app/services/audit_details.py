"""The Logboek's details column: an audit event's stored facts as a short Dutch sentence."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

LOGIN_FAILURES = {
    "unknown_username": "Onbekende gebruikersnaam „{username}”.",
    "wrong_password": "Verkeerd wachtwoord voor „{username}”.",
    "inactive": "Het beheerdersaccount „{username}” is niet actief.",
    "throttled": "Te veel mislukte pogingen voor „{username}”: even geblokkeerd.",
}
SESSION_ENDINGS = {
    "idle": "Te lang niet actief geweest.",
    "absolute": "De maximale duur van een sessie is bereikt.",
    "inactive": "Het beheerdersaccount is niet meer actief.",
    "no_school": "Geen instelling meer om te beheren.",
}
REFUSALS = {
    "pupil_not_in_school": "Gevraagd: een leerling die niet in deze instelling zit "
    "(intern nummer {argument}).",
    "invalid_argument": "Gevraagd met een ongeldige waarde ({argument}).",
    "school_not_administered": "Gevraagd: een instelling die deze beheerder niet beheert "
    "(intern nummer {argument}).",
}
PASSWORD_KINDS = {"basis": "basis", "gevorderd": "gevorderd", "eigen": "eigen gekozen"}
# Generic labels for facts no sentence below knows (older or future events).
FACT_LABELS = {
    "bulk": "bulk",
    "count": "aantal",
    "from": "van",
    "to": "naar",
    "type": "type",
    "username": "gebruikersnaam",
    "reason": "reden",
    "argument": "waarde",
}


def _leerids(count: object) -> str:
    return "1 LeerID" if count == 1 else f"{count} LeerID's"


def _login_failed(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
    template = LOGIN_FAILURES.get(str(facts.get("reason")))
    return template.format(username=facts.get("username", "")) if template else ""


def _session_expired(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
    return SESSION_ENDINGS.get(str(facts.get("reason")), "")


def _access_denied(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
    template = REFUSALS.get(str(facts.get("reason")))
    return template.format(argument=facts.get("argument", "")) if template else ""


def _school_switched(facts: Mapping[str, object], schools: Mapping[int, str]) -> str:
    previous = facts.get("from_school_id")
    name = schools.get(previous) if isinstance(previous, int) else None
    return f"Vorige instelling: {name}." if name else ""


def _activated(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
    kind = PASSWORD_KINDS.get(str(facts.get("type")))
    username = facts.get("username")
    if not username:
        return ""
    return f"Gebruikersnaam {username}" + (f", {kind} wachtwoord." if kind else ".")


def _username_changed(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
    if "from" not in facts or "to" not in facts:
        return ""
    return f"Van {facts['from']} naar {facts['to']}."


def _password_renewed(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
    if facts.get("bulk") is True:
        username = facts.get("username")
        return f"In bulk, gebruikersnaam {username}." if username else "In bulk."
    kind = PASSWORD_KINDS.get(str(facts.get("type")))
    return f"Nieuw {kind} wachtwoord." if kind else ""


def _count_of(sentence: str) -> Callable[[Mapping[str, object], Mapping[int, str]], str]:
    def describe(facts: Mapping[str, object], _schools: Mapping[int, str]) -> str:
        count = facts.get("count")
        return sentence.format(leerids=_leerids(count)) if isinstance(count, int) else ""

    return describe


SENTENCES: dict[str, Callable[[Mapping[str, object], Mapping[int, str]], str]] = {
    "login_failed": _login_failed,
    "session_expired": _session_expired,
    "access_denied": _access_denied,
    "school_switched": _school_switched,
    "account_activated": _activated,
    "username_changed": _username_changed,
    "password_renewed": _password_renewed,
    "bulk_passwords_renewed": _count_of("Voor {leerids}."),
    "bulk_accounts_activated": _count_of("Voor {leerids}."),
    "slips_downloaded": _count_of("Met {leerids}."),
    "excel_downloaded": _count_of("Met {leerids}."),
}


def decode(details: str) -> dict[str, object] | None:
    """The stored JSON facts, or None when they cannot be read as an object."""
    try:
        decoded = json.loads(details)
    except ValueError:
        return None  # cut at the column limit, so no longer valid JSON
    return decoded if isinstance(decoded, dict) else None


def school_ids(details: str) -> set[int]:
    """The schools a details text names by id (to look their names up in one query)."""
    facts = decode(details) if details else None
    previous = facts.get("from_school_id") if facts else None
    return {previous} if isinstance(previous, int) else set()


def describe(action: str, details: str, schools: Mapping[int, str] | None = None) -> str:
    """A Dutch sentence for the Logboek; generic `label: value` text for unknown facts."""
    if not details:
        return ""
    facts = decode(details)
    if facts is None:
        return details
    sentence = SENTENCES.get(action, lambda _facts, _schools: "")(facts, schools or {})
    if sentence:
        return sentence
    return "; ".join(
        f"{FACT_LABELS.get(key, key)}: {_value(value)}" for key, value in facts.items()
    )


def _value(value: object) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)
