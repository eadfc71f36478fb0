"""Folding of names and search terms, and escaping of LIKE wildcards."""

from __future__ import annotations

import sqlite3

import pytest

from leerid_app.services.text import escape_like, fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Élodie  Çelik", "elodie celik"),
        ("Zoë Van den Broeck", "zoe van den broeck"),
        ("Şükrü", "sukru"),
        ("Pieter-Alexander", "pieter-alexander"),
        ("  leading and trailing  ", "leading and trailing"),
        ("tab\tand\nnewline", "tab and newline"),
        ("no\u00a0break", "no break"),
        ("ÆSIR Straße", "aesir strasse"),
        ("O'Neil", "o'neil"),
        ("ALREADY folded", "already folded"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("jan", "jan"),
        ("50%", "50\\%"),
        ("jan_peeters", "jan\\_peeters"),
        ("back\\slash", "back\\\\slash"),
        ("\\%_", "\\\\\\%\\_"),
        ("'; DROP TABLE pupil; --", "'; DROP TABLE pupil; --"),
        ("", ""),
    ],
)
def test_escape_like(term: str, expected: str) -> None:
    assert escape_like(term) == expected


@pytest.mark.parametrize(
    ("stored", "term", "matches"),
    [
        ("50% korting", "50%", True),
        ("500 korting", "50%", False),
        ("jan_peeters", "jan_", True),
        ("janxpeeters", "jan_", False),
        ("a\\b", "a\\", True),
        ("ab", "a\\", False),
    ],
)
def test_escaped_term_matches_literally_in_sqlite(stored: str, term: str, matches: bool) -> None:
    connection = sqlite3.connect(":memory:")
    try:
        row = connection.execute(
            "SELECT ? LIKE ? ESCAPE '\\'", (stored, escape_like(term) + "%")
        ).fetchone()
    finally:
        connection.close()
    assert bool(row[0]) is matches
