"""Text folding for usernames and search, and escaping of user text inside SQL LIKE patterns."""

from __future__ import annotations

import re

from anyascii import anyascii

_WHITESPACE_RUN = re.compile(r"\s+")

LIKE_ESCAPE = "\\"


def fold(text: str) -> str:
    """Fold text to lower-case ASCII with single spaces, for usernames and search keys.

    Transliterating instead of dropping accented letters keeps ``Élodie`` findable as
    ``elodie`` and turns ``Şükrü`` into a username a pupil can type on any keyboard.

    Args:
        text: Any text, e.g. a first or last name or a search term.

    Returns:
        The text transliterated to ASCII, lower-cased, with every run of white space
        collapsed to one space and no white space at either end.
    """
    # Lower-case after transliterating: anyascii may emit capitals (e.g. for "ẞ").
    return _WHITESPACE_RUN.sub(" ", anyascii(text).lower()).strip()


def escape_like(term: str) -> str:
    """Escape the LIKE wildcards in user text so it matches literally.

    Use the result with ``column.like(pattern, escape="\\\\")``; without this, a search
    for ``50%`` or ``jan_`` would match far more than the administrator typed.

    Args:
        term: The literal text to look for.

    Returns:
        The text with ``\\``, ``%`` and ``_`` each preceded by a backslash.
    """
    # The escape character itself first, or the backslashes added below would be doubled.
    return (
        term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def search_words(search: str) -> list[str]:
    """The folded words of a search; control characters separate words like spaces do.

    A NUL byte would otherwise cut SQLite's LIKE pattern short (so it matched everyone)
    and make PostgreSQL refuse the query.
    """
    text = "".join(char if char.isprintable() else " " for char in search)
    return fold(text).split()
