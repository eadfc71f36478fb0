"""Generated LeerID passwords (basic and advanced) and the rule for a pupil's own password."""

from __future__ import annotations

import random
import re
import secrets
import string
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn

from leerid_app.models import AccountType
from leerid_app.services.errors import DomainError
from leerid_app.services.text import fold

# Characters a teacher or pupil easily misreads on a printed slip; never generated.
CONFUSABLE = set("0Oo1lI")

BASIC_PASSWORD_LENGTH = 6
ADVANCED_PASSWORD_LENGTH = 8
OWN_PASSWORD_MIN_LENGTH = 12

MSG_OWN_PASSWORD_TOO_SHORT = (
    f"Het wachtwoord moet minstens {OWN_PASSWORD_MIN_LENGTH} karakters lang zijn."
)

DIGITS = "".join(char for char in string.digits if char not in CONFUSABLE)
UPPERCASE = "".join(char for char in string.ascii_uppercase if char not in CONFUSABLE)
LOWERCASE = "".join(char for char in string.ascii_lowercase if char not in CONFUSABLE)
ADVANCED_ALPHABET = UPPERCASE + LOWERCASE + DIGITS

WORD_MIN_LENGTH = 2
WORD_MAX_LENGTH = 4
WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "basic_password_words.txt"

_WORD_SHAPE = re.compile(rf"[a-z]{{{WORD_MIN_LENGTH},{WORD_MAX_LENGTH}}}")

# The operating system's CSPRNG; one shared instance is enough as it keeps no state.
SYSTEM_RANDOM: random.Random = secrets.SystemRandom()


def load_words(path: Path) -> tuple[str, ...]:
    """Read and check a word list for basic passwords.

    Args:
        path: A UTF-8 file with one word per line; blank lines and lines starting with
            ``#`` are skipped, and text after ``#`` on a line is a comment.

    Returns:
        The words in file order.

    Raises:
        ValueError: A word is not 2 to 4 lower-case letters a-z, holds a confusable
            letter, appears twice, or the file holds no words at all. Failing loudly
            at load keeps a bad edit of the list from reaching a printed slip.
    """
    words: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        word = line.split("#", 1)[0].strip()
        if not word:
            continue
        if not _WORD_SHAPE.fullmatch(word):
            raise ValueError(
                f"{path.name}:{number}: {word!r} is not {WORD_MIN_LENGTH} to "
                f"{WORD_MAX_LENGTH} lower-case letters a-z"
            )
        if CONFUSABLE & set(word):
            raise ValueError(f"{path.name}:{number}: {word!r} holds a confusable letter")
        if word in seen:
            raise ValueError(f"{path.name}:{number}: {word!r} appears twice")
        seen.add(word)
        words.append(word)
    if not words:
        raise ValueError(f"{path.name} holds no words")
    return tuple(words)


@cache
def basic_password_words() -> tuple[str, ...]:
    """The curated child-friendly words, read and checked once per process.

    Returns:
        The words of ``leerid_app/data/basic_password_words.txt``.
    """
    return load_words(WORDS_FILE)


def generate_basic_password(rng: random.Random = SYSTEM_RANDOM) -> str:
    """A basic password: one short word with digits before and/or after it, e.g. ``34mij1``.

    Args:
        rng: The source of randomness; only tests pass a seeded ``random.Random``.

    Returns:
        Exactly 6 characters: a word from the list and digits 2-9.
    """
    word = rng.choice(basic_password_words())
    digit_count = BASIC_PASSWORD_LENGTH - len(word)
    # Where the word sits varies too, which adds to the few bits a 6-character password has.
    before = rng.randint(0, digit_count)
    digits = "".join(rng.choice(DIGITS) for _ in range(digit_count))
    return digits[:before] + word + digits[before:]


def generate_advanced_password(rng: random.Random = SYSTEM_RANDOM) -> str:
    """An advanced password of random upper case, lower case and digits, e.g. ``qxu7Benc``.

    Args:
        rng: The source of randomness; only tests pass a seeded ``random.Random``.

    Returns:
        Exactly 8 characters with at least one upper-case letter, one lower-case letter
        and one digit, none of them confusable.
    """
    # One of each class guarantees the mix; the shuffle hides where they were put.
    chars = [rng.choice(UPPERCASE), rng.choice(LOWERCASE), rng.choice(DIGITS)]
    chars += [rng.choice(ADVANCED_ALPHABET) for _ in range(ADVANCED_PASSWORD_LENGTH - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def generate_password(account_type: AccountType, rng: random.Random = SYSTEM_RANDOM) -> str:
    """A new generated password of the kind the account type gets.

    Args:
        account_type: ``BASIS`` gets a basic password, ``GEVORDERD`` an advanced one.
        rng: The source of randomness; only tests pass a seeded ``random.Random``.

    Returns:
        The plain-text password, to show once and hash at once.

    Raises:
        ValueError: For an account type this function does not know.
    """
    if account_type == AccountType.BASIS:
        return generate_basic_password(rng)
    if account_type == AccountType.GEVORDERD:
        return generate_advanced_password(rng)
    raise ValueError(f"unknown account type: {account_type!r}")


OWN_PASSWORD_MAX_LENGTH = 128
# zxcvbn's score runs 0-4; 3 means "safely unguessable" against an online attack and more.
OWN_PASSWORD_MIN_SCORE = 3
# Parts of a name shorter than this (e.g. "Li") would refuse too many good passwords.
NAME_PART_MIN_LENGTH = 3
# zxcvbn's own limit; the rest of a longer password only adds strength.
ZXCVBN_MAX_LENGTH = 72

MSG_CHOSEN_TOO_LONG = f"Het wachtwoord mag hoogstens {OWN_PASSWORD_MAX_LENGTH} karakters lang zijn."
MSG_CHOSEN_MISMATCH = "De twee wachtwoorden zijn niet gelijk. Typ twee keer hetzelfde."
MSG_CHOSEN_HAS_NAME = "Je wachtwoord mag je gebruikersnaam, je voornaam of je naam niet bevatten."
MSG_CHOSEN_TOO_COMMON = (
    "Dit wachtwoord is te makkelijk te raden: het lijkt op een veelgebruikt wachtwoord. "
    "Kies bijvoorbeeld een paar woorden die niet bij elkaar horen."
)
MSG_CHOSEN_SAME_AS_OLD = "Kies een ander wachtwoord dan je huidige wachtwoord."


def _name_parts(username: str, names: tuple[str, ...]) -> set[str]:
    parts = {fold(username).strip()}
    for name in (username, *names):
        parts.update(re.split(r"[^a-z0-9]+", fold(name)))
    return {part for part in parts if len(part) >= NAME_PART_MIN_LENGTH}


def validate_own_password(
    password: object,
    repeat: object | None = None,
    *,
    username: str = "",
    names: tuple[str, ...] = (),
) -> str:
    """Check a password a pupil with an advanced account chose themselves.

    Args:
        password: The password as typed (anything a client sent).
        repeat: The second typing; None skips that check (the caller compared already).
        username: The pupil's username, which the password must not contain.
        names: The pupil's first and last names, which it must not contain either.

    Returns:
        The password, checked.

    Raises:
        DomainError: With the Dutch reason: too short or long, the two typings differ, it
            holds the username or a name, or zxcvbn scores it below 3.
    """
    if not isinstance(password, str) or len(password) < OWN_PASSWORD_MIN_LENGTH:
        raise DomainError(MSG_OWN_PASSWORD_TOO_SHORT)
    if len(password) > OWN_PASSWORD_MAX_LENGTH:
        raise DomainError(MSG_CHOSEN_TOO_LONG)
    if repeat is not None and repeat != password:
        raise DomainError(MSG_CHOSEN_MISMATCH)
    folded = fold(password)
    parts = _name_parts(username, names)
    if any(part in folded for part in parts):
        raise DomainError(MSG_CHOSEN_HAS_NAME)
    estimate = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=sorted(parts))
    if estimate["score"] < OWN_PASSWORD_MIN_SCORE:
        raise DomainError(MSG_CHOSEN_TOO_COMMON)
    return password
