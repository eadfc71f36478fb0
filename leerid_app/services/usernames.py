"""LeerID usernames: generation as firstname.lastname, uniqueness, and checks on typed names."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from itertools import count

from sqlalchemy import and_, or_, text
from sqlmodel import Session, select

from leerid_app import texts
from leerid_app.models import LeerIDAccount
from leerid_app.services.errors import InvalidUsername, UsernameTaken
from leerid_app.services.text import LIKE_ESCAPE, escape_like, fold

MAX_USERNAME_LENGTH = 50

# Used when a name holds no letter or digit we can keep (e.g. only symbols).
FALLBACK_BASE = "leerling"

# The Dutch messages live in texts.py; these names are what callers and tests refer to.
MSG_EMPTY = texts.USERNAME_EMPTY
MSG_TOO_LONG = texts.USERNAME_TOO_LONG.format(count=MAX_USERNAME_LENGTH)
MSG_AT_SIGN = texts.USERNAME_AT_SIGN
MSG_WHITESPACE = texts.USERNAME_WHITESPACE
MSG_INVALID_CHARACTERS = texts.USERNAME_CHARACTERS
MSG_TAKEN = texts.USERNAME_TAKEN

# What the generator produces, and so all a typed username may be: ASCII lower-case letters,
# digits and single separators (. _ -) between them. Lookalikes (Cyrillic "а"), emoji, "%",
# "..", "=1+2" (a formula in Excel) and markup are refused.
USERNAME_SHAPE = re.compile(r"[a-z0-9](?:[._-]?[a-z0-9])*")

_NOT_ALLOWED_IN_PART = re.compile(r"[^a-z0-9-]+")
_HYPHEN_RUN = re.compile(r"-{2,}")
_TRIM_AT_END = ".-"

# The one query in unique_username covers suffixes up to this many digits: ten million
# namesakes is more than the whole system holds, so in practice it never runs out.
_SUFFIX_DIGITS_COVERED = 7

# Characters whose successor is still a letter or digit; see _prefix_upper_bound.
_INCREMENTABLE = "abcdefghijklmnopqrstuvwxy012345678"
# Range conditions OR-ed into one query: well under every database's parameter limit.
_PREFIXES_PER_QUERY = 200


def _name_part(name: str) -> str:
    """One name folded to the characters a username may hold, hyphens trimmed."""
    part = fold(name).replace(" ", "")
    part = _NOT_ALLOWED_IN_PART.sub("", part)
    # "Anne -- Marie" or a dropped character between hyphens would leave "anne--marie".
    part = _HYPHEN_RUN.sub("-", part)
    return part.strip("-")


def _truncate(base: str, length: int) -> str:
    """The base cut to ``length`` characters, never ending in a separator."""
    truncated = base[:length].rstrip(_TRIM_AT_END)
    return truncated or FALLBACK_BASE[:length]


def username_base(first_name: str, last_name: str) -> str:
    """The generated username before any number is appended.

    Args:
        first_name: The pupil's first name (Voornaam).
        last_name: The pupil's last name (Naam).

    Returns:
        ``firstname.lastname`` in lower-case ASCII: accents transliterated, spaces and
        characters other than letters, digits and hyphens dropped, at most 50 characters.
        When one part ends up empty the other is used alone; when both do, ``leerling``.

    Examples:
        ``Pieter-Alexander Bogaert`` gives ``pieter-alexander.bogaert``;
        ``Zoë Van den Broeck`` gives ``zoe.vandenbroeck``.
    """
    parts = [part for part in (_name_part(first_name), _name_part(last_name)) if part]
    base = ".".join(parts) or FALLBACK_BASE
    return _truncate(base, MAX_USERNAME_LENGTH)


def candidate_usernames(base: str) -> Iterator[str]:
    """The usernames to try in order: ``base``, ``base1``, ``base2``, and so on.

    Args:
        base: A username base, normally from :func:`username_base`.

    Yields:
        Candidates of at most 50 characters; the base is shortened as the number grows so
        the number always fits, and a shortened base never ends in ``.`` or ``-``.
    """
    yield _truncate(base, MAX_USERNAME_LENGTH)
    for number in count(1):
        suffix = str(number)
        yield _truncate(base, MAX_USERNAME_LENGTH - len(suffix)) + suffix


# Any fixed number: every transaction that hands out usernames takes this one lock.
_ALLOCATION_LOCK_KEY = 0x4C656572494400


def lock_allocation(session: Session) -> None:
    """Until commit, this transaction alone picks and stores new usernames (PostgreSQL).

    A username picked as free then stays free until it is stored, so a batch never fails
    on a namesake activated by another administrator at the same moment. SQLite needs
    nothing: a writing transaction there holds the database's write lock from BEGIN.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ALLOCATION_LOCK_KEY})


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix``, if there is one.

    Only a letter or digit is ever incremented (``jan.peeters`` gives ``jan.peetert``,
    ``ab9`` gives ``ac``), never ``.`` or ``-``: linguistic collations such as PostgreSQL's
    ``en_US.UTF-8`` may ignore punctuation, while letters and digits keep their order in
    every collation we deploy on, so the range stays right there as well as in byte order.
    """
    for position in range(len(prefix) - 1, -1, -1):
        char = prefix[position]
        if char in _INCREMENTABLE:
            return prefix[:position] + chr(ord(char) + 1)
    return None


def unique_username(
    session: Session,
    first_name: str,
    last_name: str,
    *,
    reserved: Collection[str] = (),
) -> str:
    """The first generated username that no LeerID of any school uses yet.

    One indexed range query fetches every username that starts with the shortest base a
    candidate can have; the choice is then made in memory, so it stays fast with a
    million accounts and costs the same for the first namesake as for the hundredth.
    The database's unique constraint still decides a race between two administrators.

    Args:
        session: An open database session.
        first_name: The pupil's first name.
        last_name: The pupil's last name.
        reserved: Usernames already handed out earlier in the same batch, not yet stored.

    Returns:
        A username not in the database and not in ``reserved``.

    Raises:
        RuntimeError: If every candidate the query covers is taken (ten million namesakes).
    """
    return unique_usernames(session, [(first_name, last_name)], reserved=reserved)[0]


def unique_usernames(
    session: Session,
    names: Sequence[tuple[str, str]],
    *,
    reserved: Collection[str] = (),
) -> list[str]:
    """Free usernames for many pupils at once, unique among themselves too (bulk activation).

    The same indexed range queries as for one pupil, a few hundred prefixes per query, so a
    whole school costs a handful of round trips instead of one per pupil.

    Args:
        session: An open database session.
        names: (first name, last name) per pupil, in the order the usernames are handed out.
        reserved: Usernames already handed out and not yet stored.

    Returns:
        One username per pupil, in the order of ``names``.

    Raises:
        RuntimeError: If every candidate the query covers is taken (ten million namesakes).
    """
    bases = [username_base(first_name, last_name) for first_name, last_name in names]
    # Every candidate with a suffix of up to _SUFFIX_DIGITS_COVERED digits starts with these.
    prefixes = [_truncate(base, MAX_USERNAME_LENGTH - _SUFFIX_DIGITS_COVERED) for base in bases]
    unavailable = _taken_with_prefixes(session, sorted(set(prefixes)))
    unavailable.update(name.lower() for name in reserved)
    chosen: list[str] = []
    for base, prefix in zip(bases, prefixes, strict=True):
        username = _first_free(base, prefix, unavailable)
        unavailable.add(username)
        chosen.append(username)
    return chosen


def _taken_with_prefixes(session: Session, prefixes: Sequence[str]) -> set[str]:
    column = LeerIDAccount.username
    taken: set[str] = set()
    for start in range(0, len(prefixes), _PREFIXES_PER_QUERY):
        ranges = []
        for prefix in prefixes[start : start + _PREFIXES_PER_QUERY]:
            # The LIKE is redundant with the range but exact whatever the collation; the range
            # feeds the index.
            condition = and_(
                column >= prefix, column.like(escape_like(prefix) + "%", escape=LIKE_ESCAPE)
            )
            upper = _prefix_upper_bound(prefix)
            if upper is not None:
                condition = and_(condition, column < upper)
            ranges.append(condition)
        # Stored usernames are always lower case; lower-casing here only guards older data.
        taken.update(name.lower() for name in session.exec(select(column).where(or_(*ranges))))
    return taken


def _first_free(base: str, prefix: str, unavailable: set[str]) -> str:
    for candidate in candidate_usernames(base):
        if not candidate.startswith(prefix):
            break
        if candidate not in unavailable:
            return candidate
    raise RuntimeError(f"no free username left for base {base!r}")


def validate_username(session: Session, username: str, *, account_id: int | None) -> str:
    """Check a username an administrator typed and return it as it will be stored.

    White space anywhere, also at either end, is refused rather than stripped: a silently
    changed username would not match what the administrator hands to the pupil.

    Args:
        session: An open database session.
        username: The username as typed.
        account_id: The account being edited, whose own current username is accepted;
            None for a new account.

    Returns:
        The username in lower case; usernames are case-insensitive.

    Raises:
        InvalidUsername: Empty, longer than 50 characters, with ``@`` or white space, or
            not of USERNAME_SHAPE (what the generator produces).
        UsernameTaken: Another LeerID already uses the username.
    """
    if not username.strip():
        raise InvalidUsername(MSG_EMPTY)
    lowered = username.lower()
    # Measure what will be stored: lower-casing can lengthen a few letters (e.g. "İ").
    if len(lowered) > MAX_USERNAME_LENGTH:
        raise InvalidUsername(MSG_TOO_LONG)
    if "@" in lowered:
        raise InvalidUsername(MSG_AT_SIGN)
    if any(char.isspace() for char in lowered):
        raise InvalidUsername(MSG_WHITESPACE)
    if not USERNAME_SHAPE.fullmatch(lowered):
        raise InvalidUsername(MSG_INVALID_CHARACTERS)
    # Equality on the stored lower-case value uses the unique index; lower() would not.
    query = select(LeerIDAccount.id).where(LeerIDAccount.username == lowered)
    if account_id is not None:
        query = query.where(LeerIDAccount.id != account_id)
    if session.exec(query).first() is not None:
        raise UsernameTaken(MSG_TAKEN)
    return lowered
