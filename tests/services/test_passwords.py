"""Generated basic and advanced passwords, the word list, and the pupil's own password rule."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from leerid_app.models import AccountType
from leerid_app.services import passwords
from leerid_app.services.errors import DomainError
from leerid_app.services.passwords import (
    ADVANCED_ALPHABET,
    CONFUSABLE,
    DIGITS,
    MSG_CHOSEN_HAS_NAME,
    MSG_CHOSEN_MISMATCH,
    MSG_CHOSEN_TOO_COMMON,
    MSG_CHOSEN_TOO_LONG,
    MSG_OWN_PASSWORD_TOO_SHORT,
    OWN_PASSWORD_MIN_LENGTH,
    basic_password_words,
    generate_advanced_password,
    generate_basic_password,
    generate_password,
    load_words,
    validate_own_password,
)

GENERATIONS = 1000
BASIC_SHAPE = re.compile(r"(?P<before>[2-9]*)(?P<word>[a-z]{2,4})(?P<after>[2-9]*)")

# Words that must never reach a child's slip, in Dutch, French or English.
FORBIDDEN_WORDS = {
    "kut",
    "pik",
    "gat",
    "reet",
    "poep",
    "pis",
    "kak",
    "tiet",
    "bil",
    "lul",
    "hoer",
    "slet",
    "seks",
    "sex",
    "geil",
    "dik",
    "gek",
    "vies",
    "trut",
    "bef",
    "zak",
    "pies",
    "bips",
    "dij",
    "wijf",
    "heks",
    "rat",
    "aap",
    "pet",
    "bite",
    "pute",
    "pipi",
    "zizi",
    "kiki",
    "caca",
    "pine",
    "pipe",
    "nu",
    "anus",
    "chie",
    "tit",
    "ass",
    "cum",
    "fag",
    "gay",
    "crap",
    "turd",
    "dick",
    "cock",
    "twat",
    "piss",
    "suck",
    "shag",
    "fart",
    "hump",
    "damn",
    "hell",
    "kill",
    "hate",
    "muts",
    "gans",
    "tang",
    "dijk",
    "buis",
    "kus",
}


@pytest.fixture(scope="module")
def words() -> set[str]:
    return set(basic_password_words())


# --- word list -----------------------------------------------------------------------------


def test_word_list_is_curated(words: set[str]) -> None:
    assert len(words) >= 80
    for word in words:
        assert re.fullmatch(r"[a-z]{2,4}", word), word
        assert not CONFUSABLE & set(word), word
    assert not words & FORBIDDEN_WORDS


def test_word_list_is_loaded_once() -> None:
    assert basic_password_words() is basic_password_words()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("kat\nvis\n", ("kat", "vis")),
        ("# dieren\nkat\n\n  vis  \nbij # insect\n", ("kat", "vis", "bij")),
        ("ei\nmuur\n", ("ei", "muur")),
    ],
)
def test_load_words_reads_words_and_skips_comments(
    tmp_path: Path, content: str, expected: tuple[str, ...]
) -> None:
    path = tmp_path / "words.txt"
    path.write_text(content, encoding="utf-8")
    assert load_words(path) == expected


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("kat\nKat\n", "lower-case"),
        ("kat\nz\n", "lower-case"),
        ("kat\nkatje\n", "lower-case"),
        ("kat\nzoë\n", "lower-case"),
        ("kat\nv1s\n", "lower-case"),
        ("kat\nbij en\n", "lower-case"),
        ("kat\nbos\n", "confusable"),
        ("kat\nbal\n", "confusable"),
        ("kat\nvis\nkat\n", "twice"),
        ("# only a comment\n\n", "no words"),
    ],
)
def test_load_words_refuses_bad_lists(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "words.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=reason):
        load_words(path)


# --- basic passwords -----------------------------------------------------------------------


def test_basic_passwords_have_the_manuals_shape(words: set[str]) -> None:
    seen_positions: set[tuple[int, int]] = set()
    for _ in range(GENERATIONS):
        password = generate_basic_password()
        assert len(password) == 6
        match = BASIC_SHAPE.fullmatch(password)
        assert match is not None, password
        assert match["word"] in words, password
        assert not CONFUSABLE & set(password), password
        seen_positions.add((len(match["before"]), len(match["after"])))
    # Digits land before, after and on both sides of the word.
    assert any(before and after for before, after in seen_positions)
    assert any(before and not after for before, after in seen_positions)
    assert any(after and not before for before, after in seen_positions)


def test_basic_passwords_use_many_words(words: set[str]) -> None:
    used = {BASIC_SHAPE.fullmatch(generate_basic_password())["word"] for _ in range(GENERATIONS)}
    assert len(used) > len(words) // 2


# --- advanced passwords --------------------------------------------------------------------


def test_advanced_passwords_mix_every_class() -> None:
    for _ in range(GENERATIONS):
        password = generate_advanced_password()
        assert len(password) == 8
        assert any(char.isupper() for char in password), password
        assert any(char.islower() for char in password), password
        assert any(char.isdigit() for char in password), password
        assert set(password) <= set(ADVANCED_ALPHABET), password
        assert not CONFUSABLE & set(password), password


def test_advanced_alphabet_holds_no_confusables() -> None:
    assert not CONFUSABLE & set(ADVANCED_ALPHABET)
    assert DIGITS == "23456789"
    assert len(ADVANCED_ALPHABET) == 24 + 24 + 8


def test_advanced_passwords_are_not_repeated() -> None:
    assert len({generate_advanced_password() for _ in range(GENERATIONS)}) == GENERATIONS


# --- randomness and dispatch ---------------------------------------------------------------


@pytest.mark.parametrize(
    "generate",
    [
        generate_basic_password,
        generate_advanced_password,
        lambda rng: generate_password(AccountType.BASIS, rng),
        lambda rng: generate_password(AccountType.GEVORDERD, rng),
    ],
)
def test_injected_rng_makes_passwords_deterministic(
    generate: Callable[[random.Random], str],
) -> None:
    first = [generate(random.Random(1)) for _ in range(3)]
    second = [generate(random.Random(1)) for _ in range(3)]
    assert first == second
    assert generate(random.Random(1)) != generate(random.Random(2))


def test_default_randomness_comes_from_the_operating_system() -> None:
    assert isinstance(passwords.SYSTEM_RANDOM, secrets.SystemRandom)


@pytest.mark.parametrize(
    ("account_type", "length", "shape"),
    [
        (AccountType.BASIS, 6, BASIC_SHAPE),
        (AccountType.GEVORDERD, 8, re.compile(r"[A-Za-z2-9]{8}")),
        ("basis", 6, BASIC_SHAPE),
        ("gevorderd", 8, re.compile(r"[A-Za-z2-9]{8}")),
    ],
)
def test_generate_password_dispatches_on_account_type(
    account_type: AccountType, length: int, shape: re.Pattern[str]
) -> None:
    password = generate_password(account_type)
    assert len(password) == length
    assert shape.fullmatch(password)


def test_generate_password_refuses_an_unknown_type() -> None:
    with pytest.raises(ValueError, match="unknown account type"):
        generate_password("beheerder")  # type: ignore[arg-type]


# --- the pupil's own password --------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["", "a", "x" * 11, "kort wachtw", "ééééééééééé"],
)
def test_own_password_too_short_is_refused(password: str) -> None:
    with pytest.raises(DomainError) as refused:
        validate_own_password(password)
    assert refused.value.message == MSG_OWN_PASSWORD_TOO_SHORT
    assert refused.value.message == "Het wachtwoord moet minstens 12 karakters lang zijn."


@pytest.mark.parametrize(
    "password",
    [
        "Paard-Fiets-Wolk-92",
        "correct paard batterij",
        "Zomerzon2026!x",
        "een heel lang wachtwoord met zeven woorden en nog wat meer tekst erbij 42",
    ],
)
def test_own_password_strong_enough_is_accepted(password: str) -> None:
    assert OWN_PASSWORD_MIN_LENGTH == 12
    assert validate_own_password(password, password) == password


@pytest.mark.parametrize(
    ("password", "repeat", "message"),
    [
        ("x" * 129, "x" * 129, MSG_CHOSEN_TOO_LONG),
        ("Paard-Fiets-Wolk-92", "Paard-Fiets-Wolk-93", MSG_CHOSEN_MISMATCH),
        # Common passwords and keyboard walks, long enough but guessable.
        ("welkom123456", "welkom123456", MSG_CHOSEN_TOO_COMMON),
        ("qwertyuiop123", "qwertyuiop123", MSG_CHOSEN_TOO_COMMON),
        ("xxxxxxxxxxxx", "xxxxxxxxxxxx", MSG_CHOSEN_TOO_COMMON),
        ("wachtwoord1234", "wachtwoord1234", MSG_CHOSEN_TOO_COMMON),
        # The username or a name, in any case and with accents folded.
        ("ArdalanZomerWolk92", "ArdalanZomerWolk92", MSG_CHOSEN_HAS_NAME),
        ("zomer-BHATTI-wolk-92", "zomer-BHATTI-wolk-92", MSG_CHOSEN_HAS_NAME),
        ("x-ardalan.bhatti-x!", "x-ardalan.bhatti-x!", MSG_CHOSEN_HAS_NAME),
        ("Ärdälän-Wolk-Fiets-9", "Ärdälän-Wolk-Fiets-9", MSG_CHOSEN_HAS_NAME),
        (None, None, MSG_OWN_PASSWORD_TOO_SHORT),
        (["Paard-Fiets-Wolk-92"], None, MSG_OWN_PASSWORD_TOO_SHORT),
    ],
)
def test_own_password_is_refused_with_a_dutch_reason(
    password: object, repeat: object, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        validate_own_password(
            password, repeat, username="ardalan.bhatti", names=("Ardalan", "Bhatti")
        )
    assert refused.value.message == message


def test_short_name_parts_do_not_refuse_a_password() -> None:
    # "Li" inside "Lichtblauw" is a coincidence, not the pupil's name.
    assert validate_own_password("Lichtblauw-Fiets-92", username="li.wu", names=("Li", "Wu"))
