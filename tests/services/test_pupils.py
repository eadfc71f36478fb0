"""The pupil list and detail: search, filters, sorting, paging and the school scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, func, select

from leerid_app.models import (
    AccountType,
    EducationLevel,
    LeerIDAccount,
    PasswordType,
    Pupil,
    School,
)
from leerid_app.services.errors import NotFound
from leerid_app.services.pupils import (
    MAX_PAGE_SIZE,
    AccountStatus,
    PupilFilter,
    SortField,
    administrative_groups,
    count_pupils,
    get_pupil_detail,
    list_pupils,
    matching_pupil_ids,
    pupil_ids_in_school,
    pupil_search_keys,
)

TODAY = date(2026, 11, 29)
STILL_ENROLLED = date(2027, 8, 31)
LEFT = date(2026, 10, 15)

ELEKTRO = "2e lj 3e gr Elektromechanica TSO"
KANTOOR = "1e lj 3e gr Kantoor BSO"
SOCIAAL = "1e lj 3e gr Sociale en techn. wet. TSO"
WETENSCHAPPEN = "2e lj 2e gr Wetenschappen ASO"
MECHANICA = "2e lj 1e gr Mechanica-elektriciteit"
VIJFDE = "5de leerjaar"
ZESDE = "6de leerjaar"

# stamnummer, first, last, group, level, enrollment end, account (type, password type,
# must change, e-mail) or None, official data
PUPILS = [
    ("60351", "Abdulghani", "Bogdan", ZESDE, "basis", STILL_ENROLLED,
     ("basis", "basis", False, None), True),
    ("32890", "Ardalan", "Bhatti", ELEKTRO, "secundair", STILL_ENROLLED,
     ("gevorderd", "gevorderd", True, None), True),
    ("80240", "Amani", "Bockstal", SOCIAAL, "secundair", LEFT,
     ("gevorderd", "eigen", False, None), True),
    ("47727", "Butrint", "Boeren", WETENSCHAPPEN, "secundair", STILL_ENROLLED,
     ("gevorderd", "eigen", False, "tomas@ond.vlaanderen.be"), True),
    ("70246", "Sezen", "Beuken", KANTOOR, "secundair", STILL_ENROLLED,
     ("gevorderd", "eigen", False, None), False),
    ("93504", "Pieter-Alexander", "Bogaert", MECHANICA, "secundair", STILL_ENROLLED, None,
     True),
    ("12345", "Élodie", "Claes", VIJFDE, "basis", STILL_ENROLLED, None, False),
    ("23456", "Elodie", "Janssens", VIJFDE, "buitengewoon", LEFT,
     ("basis", "basis", False, None), True),
    ("50001", "Jan", "Peeters", ZESDE, "basis", STILL_ENROLLED,
     ("basis", "basis", False, None), True),
    ("50002", "Marie", "Peeters", VIJFDE, "basis", STILL_ENROLLED, None, True),
    ("50003", "Jan", "Maes", ZESDE, "basis", LEFT, None, True),
    ("44444", "Lotte", "D'Hondt", ZESDE, "basis", STILL_ENROLLED,
     ("basis", "basis", False, None), True),
]  # fmt: skip

# Another school: the same names and a stamnummer, a group only it has.
OTHER_PUPILS = [
    ("60351", "Abdulghani", "Bogdan", "Klas Gent", "basis"),
    ("77777", "Elodie", "Gentenaar", "Klas Gent", "basis"),
    ("88888", "Jan", "Peeters", "Klas Gent", "basis"),
]


@dataclass
class World:
    school_id: int
    other_school_id: int
    ids: dict[str, int]  # stamnummer → id, in the school
    other_ids: dict[str, int]


def _add_pupil(session: Session, school_id: int, row) -> Pupil:
    stamnummer, first, last, group, level, end, _account, official = row
    search_text, sort_key = pupil_search_keys(stamnummer, first, last)
    pupil = Pupil(
        school_id=school_id,
        stamnummer=stamnummer,
        first_name=first,
        last_name=last,
        administrative_group=group,
        education_level=EducationLevel(level),
        enrollment_end=end,
        official_first_name=first if official else None,
        official_last_name=last if official else None,
        gender="M" if official else None,
        birth_date=date(2012, 3, 4) if official else None,
        search_text=search_text,
        sort_key=sort_key,
    )
    session.add(pupil)
    session.flush()
    return pupil


@pytest.fixture
def world(session) -> World:
    school = School(name="BRUSSEL-STAD - TEST School 2")
    other = School(name="GENT - TEST School 7")
    session.add_all([school, other])
    session.flush()
    ids: dict[str, int] = {}
    for row in PUPILS:
        pupil = _add_pupil(session, school.id, row)
        ids[pupil.stamnummer] = pupil.id
        account = row[6]
        if account is not None:
            account_type, password_type, must_change, email = account
            session.add(
                LeerIDAccount(
                    pupil_id=pupil.id,
                    account_type=AccountType(account_type),
                    username=f"{pupil.first_name}.{pupil.stamnummer}".lower(),
                    password_hash="not-a-hash",
                    password_type=PasswordType(password_type),
                    must_change_password=must_change,
                    password_change_deadline=date(2026, 12, 29) if must_change else None,
                    email=email,
                    created_at=datetime(2026, 9, 10, 8, 0, tzinfo=UTC),
                )
            )
    other_ids: dict[str, int] = {}
    for stamnummer, first, last, group, level in OTHER_PUPILS:
        row = (stamnummer, first, last, group, level, STILL_ENROLLED, None, True)
        pupil = _add_pupil(session, other.id, row)
        other_ids[stamnummer] = pupil.id
        session.add(
            LeerIDAccount(
                pupil_id=pupil.id,
                account_type=AccountType.BASIS,
                username=f"gent.{stamnummer}",
                password_hash="not-a-hash",
                password_type=PasswordType.BASIS,
                created_at=datetime(2026, 9, 10, 8, 0, tzinfo=UTC),
            )
        )
    session.commit()
    return World(school.id, other.id, ids, other_ids)


def stamnummers(session: Session, world: World, filters: PupilFilter, **options) -> list[str]:
    page = list_pupils(
        session,
        school_id=world.school_id,
        filters=filters,
        today=TODAY,
        page_size=MAX_PAGE_SIZE,
        **options,
    )
    return [row.stamnummer for row in page.rows]


# --- Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("", {row[0] for row in PUPILS}),
        ("   ", {row[0] for row in PUPILS}),
        ("élodie", {"12345", "23456"}),
        ("elodie", {"12345", "23456"}),
        ("ELODIE", {"12345", "23456"}),
        ("Élodie Claes", {"12345"}),
        ("BOGDAN", {"60351"}),
        ("bogdan", {"60351"}),
        ("abdulGHANI", {"60351"}),
        ("035", {"60351"}),
        ("60351", {"60351"}),
        ("5000", {"50001", "50002", "50003"}),
        ("jan peeters", {"50001"}),
        ("peeters jan", {"50001"}),
        ("  jan   peeters ", {"50001"}),
        ("peeters", {"50001", "50002"}),
        ("jan", {"50001", "50003", "23456"}),  # Janssens holds "jan" too
        ("pieter alexander", {"93504"}),
        ("pieter-alexander", {"93504"}),
        ("d'hondt", {"44444"}),
        ("bo", {"60351", "80240", "47727", "93504"}),
        ("jan gentenaar", set()),  # only in another school
        ("gentenaar", set()),
        ("xyz", set()),
    ],
)
def test_search_ignores_case_and_accents_and_needs_every_word(
    session, world: World, search: str, expected: set[str]
) -> None:
    filters = PupilFilter(search=search)

    page = list_pupils(
        session, school_id=world.school_id, filters=filters, today=TODAY, page_size=MAX_PAGE_SIZE
    )

    assert {row.stamnummer for row in page.rows} == expected
    assert page.total == len(expected)
    assert count_pupils(session, school_id=world.school_id, filters=filters, today=TODAY) == len(
        expected
    )


@pytest.mark.parametrize(
    "search",
    [
        "%",
        "%%",
        "_",
        "__%",
        "\\",
        "' OR 1=1 --",
        "'; DROP TABLE pupil; --",
        '" OR ""="',
        "<script>alert(1)</script>",
        "<b>Bogdan</b>",
        "Bogdan%",
        "B_gdan",
        "é" * 500,
    ],
)
def test_search_with_sql_or_html_finds_nothing_and_raises_nothing(
    session, world: World, search: str
) -> None:
    page = list_pupils(
        session, school_id=world.school_id, filters=PupilFilter(search=search), today=TODAY
    )

    assert page.rows == []
    assert page.total == 0
    assert page.page == 1
    assert page.page_count == 1
    # The table is still there and whole.
    assert session.exec(select(func.count(Pupil.id))).one() == len(PUPILS) + len(OTHER_PUPILS)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("\x00", {row[0] for row in PUPILS}),  # nothing left to look for: everyone
        ("\x00\x1f\x7f", {row[0] for row in PUPILS}),
        ("bogdan\x00", {"60351"}),
        ("\x00zzz", set()),
        ("jan\tpeeters", {"50001"}),
        ("jan\u00a0peeters", {"50001"}),
        ("jan\npeeters\r\n", {"50001"}),
    ],
)
def test_search_with_control_characters(
    session, world: World, search: str, expected: set[str]
) -> None:
    filters = PupilFilter(search=search)

    page = list_pupils(
        session, school_id=world.school_id, filters=filters, today=TODAY, page_size=MAX_PAGE_SIZE
    )

    assert {row.stamnummer for row in page.rows} == expected
    assert page.total == len(expected)


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (PupilFilter(administrative_group=VIJFDE), {"12345", "23456", "50002"}),
        (PupilFilter(administrative_group=ZESDE), {"60351", "50001", "50003", "44444"}),
        (PupilFilter(administrative_group="Klas Gent"), set()),
        (PupilFilter(administrative_group="6de"), set()),  # exact, not a substring
        (
            PupilFilter(status=AccountStatus.ACTIEF),
            {"60351", "32890", "47727", "70246", "50001", "44444"},
        ),
        # 50003 left without an account: Inactief, not Geen account (issue 8).
        (PupilFilter(status=AccountStatus.INACTIEF), {"80240", "23456", "50003"}),
        (PupilFilter(status=AccountStatus.GEEN_ACCOUNT), {"93504", "12345", "50002"}),
        (PupilFilter(account_type=AccountType.BASIS), {"60351", "23456", "50001", "44444"}),
        (PupilFilter(account_type=AccountType.GEVORDERD), {"32890", "80240", "47727", "70246"}),
        (PupilFilter(administrative_group=ZESDE, status=AccountStatus.GEEN_ACCOUNT), set()),
        (PupilFilter(search="elodie", status=AccountStatus.INACTIEF), {"23456"}),
        (
            PupilFilter(account_type=AccountType.BASIS, status=AccountStatus.INACTIEF),
            {"23456"},
        ),
        (PupilFilter(account_type=AccountType.GEVORDERD, status=AccountStatus.GEEN_ACCOUNT), set()),
    ],
)
def test_filters(session, world: World, filters: PupilFilter, expected: set[str]) -> None:
    page = list_pupils(
        session, school_id=world.school_id, filters=filters, today=TODAY, page_size=MAX_PAGE_SIZE
    )

    assert {row.stamnummer for row in page.rows} == expected
    assert page.total == len(expected)
    ids = matching_pupil_ids(session, school_id=world.school_id, filters=filters, today=TODAY)
    assert sorted(ids) == sorted(world.ids[stamnummer] for stamnummer in expected)


def test_rows_show_status_and_type_in_the_manuals_words(session, world: World) -> None:
    page = list_pupils(
        session, school_id=world.school_id, filters=PupilFilter(), today=TODAY, page_size=50
    )
    by_stamnummer = {row.stamnummer: row for row in page.rows}

    assert (by_stamnummer["32890"].status, by_stamnummer["32890"].account_type) == (
        "Actief",
        "Gevorderd",
    )
    assert (by_stamnummer["60351"].status, by_stamnummer["60351"].account_type) == (
        "Actief",
        "Basis",
    )
    assert by_stamnummer["80240"].status == "Inactief"
    assert (by_stamnummer["93504"].status, by_stamnummer["93504"].account_type) == (
        "Geen account",
        "",
    )
    row = by_stamnummer["93504"]
    assert (row.first_name, row.last_name, row.administrative_group) == (
        "Pieter-Alexander",
        "Bogaert",
        MECHANICA,
    )
    assert row.id == world.ids["93504"]


def test_status_follows_the_day(session, world: World) -> None:
    """Amani left on 15 October: active until that day, inactive the day after."""
    filters = PupilFilter(search="80240")
    on_the_day = list_pupils(session, school_id=world.school_id, filters=filters, today=LEFT)
    day_after = list_pupils(
        session, school_id=world.school_id, filters=filters, today=date(2026, 10, 16)
    )

    assert on_the_day.rows[0].status == "Actief"
    assert day_after.rows[0].status == "Inactief"


# --- Sorting ----------------------------------------------------------------------------------

BY_NAME = [
    "70246",  # Beuken Sezen
    "32890",  # Bhatti Ardalan
    "80240",  # Bockstal Amani
    "47727",  # Boeren Butrint
    "93504",  # Bogaert Pieter-Alexander
    "60351",  # Bogdan Abdulghani
    "12345",  # Claes Élodie
    "44444",  # D'Hondt Lotte
    "23456",  # Janssens Elodie
    "50003",  # Maes Jan
    "50001",  # Peeters Jan
    "50002",  # Peeters Marie
]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (SortField.NAAM, BY_NAME),
        (SortField.STAMNUMMER, sorted(row[0] for row in PUPILS)),
        (
            SortField.GROEP,
            [
                "70246",  # 1e lj 3e gr Kantoor BSO
                "80240",  # 1e lj 3e gr Sociale ...
                "93504",  # 2e lj 1e gr Mechanica-elektriciteit
                "47727",  # 2e lj 2e gr Wetenschappen ASO
                "32890",  # 2e lj 3e gr Elektromechanica TSO
                "12345",  # 5de: Claes, Janssens, Peeters
                "23456",
                "50002",
                "60351",  # 6de: Bogdan, D'Hondt, Maes, Peeters
                "44444",
                "50003",
                "50001",
            ],
        ),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_sorting(session, world: World, sort: SortField, expected, descending: bool) -> None:
    got = stamnummers(session, world, PupilFilter(), sort=sort, descending=descending)

    assert got == (list(reversed(expected)) if descending else expected)


@pytest.mark.parametrize("descending", [False, True])
def test_sorting_on_first_name(session, world: World, descending: bool) -> None:
    # Accented first names aside (databases order them differently), then by name.
    filters = PupilFilter(administrative_group=ZESDE)
    expected = ["60351", "50003", "50001", "44444"]  # Abdulghani, Jan Maes, Jan Peeters, Lotte

    got = stamnummers(session, world, filters, sort=SortField.VOORNAAM, descending=descending)

    assert got == (list(reversed(expected)) if descending else expected)


def test_sorting_keeps_namesakes_in_a_stable_order(session, world: World) -> None:
    """Same name twice: the id decides, so paging never shows one twice or skips one."""
    extra = _add_pupil(
        session,
        world.school_id,
        ("50009", "Jan", "Peeters", ZESDE, "basis", STILL_ENROLLED, None, True),
    )
    session.commit()
    filters = PupilFilter(search="jan peeters")

    ascending = stamnummers(session, world, filters)
    descending = stamnummers(session, world, filters, descending=True)

    assert ascending == ["50001", "50009"]
    assert descending == ["50009", "50001"]
    assert extra.id > world.ids["50001"]


# --- Paging -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "page_size", "expected_page", "expected"),
    [
        (1, 5, 1, BY_NAME[0:5]),
        (2, 5, 2, BY_NAME[5:10]),
        (3, 5, 3, BY_NAME[10:12]),
        (4, 5, 3, BY_NAME[10:12]),  # beyond the end: the last page
        (999, 5, 3, BY_NAME[10:12]),
        (0, 5, 1, BY_NAME[0:5]),
        (-3, 5, 1, BY_NAME[0:5]),
        (1, 12, 1, BY_NAME),
        (2, 12, 1, BY_NAME),
        (1, 0, 1, BY_NAME[0:1]),  # at least one row a page
        (12, 1, 12, BY_NAME[11:12]),
        (1, 10_000, 1, BY_NAME),  # capped at MAX_PAGE_SIZE
    ],
)
def test_paging(session, world: World, page, page_size, expected_page, expected) -> None:
    result = list_pupils(
        session,
        school_id=world.school_id,
        filters=PupilFilter(),
        today=TODAY,
        page=page,
        page_size=page_size,
    )

    assert [row.stamnummer for row in result.rows] == expected
    assert result.page == expected_page
    assert result.total == len(PUPILS)
    assert 1 <= result.page_size <= MAX_PAGE_SIZE
    assert result.page_count == -(-len(PUPILS) // result.page_size)


def test_paging_of_an_empty_result(session, world: World) -> None:
    result = list_pupils(
        session,
        school_id=world.school_id,
        filters=PupilFilter(search="niemand"),
        today=TODAY,
        page=3,
    )

    assert (result.rows, result.total, result.page, result.page_count) == ([], 0, 1, 1)


# --- School scope -----------------------------------------------------------------------------


def test_another_schools_pupils_never_appear(session, world: World) -> None:
    for sort in SortField:
        page = list_pupils(
            session,
            school_id=world.school_id,
            filters=PupilFilter(),
            today=TODAY,
            sort=sort,
            page_size=MAX_PAGE_SIZE,
        )
        assert {row.id for row in page.rows} == set(world.ids.values())
    other = list_pupils(
        session, school_id=world.other_school_id, filters=PupilFilter(), today=TODAY
    )
    assert {row.id for row in other.rows} == set(world.other_ids.values())
    assert other.total == len(OTHER_PUPILS)
    all_ids = matching_pupil_ids(
        session, school_id=world.school_id, filters=PupilFilter(), today=TODAY
    )
    assert sorted(all_ids) == sorted(world.ids.values())


def test_an_unknown_school_has_no_pupils(session, world: World) -> None:
    page = list_pupils(session, school_id=999_999, filters=PupilFilter(), today=TODAY)
    assert (page.rows, page.total) == ([], 0)


@pytest.mark.parametrize(
    ("pick", "expected"),
    [
        ("own", "own"),
        ("other", "none"),
        ("mixed", "own"),
        ("missing", "none"),
        ("empty", "none"),
    ],
)
def test_pupil_ids_in_school(session, world: World, pick: str, expected: str) -> None:
    own = list(world.ids.values())[:4]
    other = list(world.other_ids.values())
    candidates = {
        "own": own,
        "other": other,
        "mixed": [*own, *other, 999_999],
        "missing": [999_998, 999_999],
        "empty": [],
    }[pick]

    found = pupil_ids_in_school(session, school_id=world.school_id, pupil_ids=candidates)

    assert found == (set(own) if expected == "own" else set())


def test_administrative_groups_of_the_school_only(session, world: World) -> None:
    groups = administrative_groups(session, school_id=world.school_id)

    assert groups == [KANTOOR, SOCIAAL, MECHANICA, WETENSCHAPPEN, ELEKTRO, VIJFDE, ZESDE]
    assert "Klas Gent" not in groups
    assert administrative_groups(session, school_id=world.other_school_id) == ["Klas Gent"]


# --- Detail -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamnummer", "status", "has_account", "official", "must_choose"),
    [
        ("60351", AccountStatus.ACTIEF, True, True, False),  # basic
        ("32890", AccountStatus.ACTIEF, True, True, True),  # advanced, generated password
        ("80240", AccountStatus.INACTIEF, True, True, False),  # advanced, own password
        ("47727", AccountStatus.ACTIEF, True, True, False),  # e-mail linked
        ("70246", AccountStatus.ACTIEF, True, False, False),  # no official data
        ("93504", AccountStatus.GEEN_ACCOUNT, False, True, False),
        ("12345", AccountStatus.GEEN_ACCOUNT, False, False, False),
    ],
)
def test_get_pupil_detail(
    session, world: World, stamnummer, status, has_account, official, must_choose
) -> None:
    detail = get_pupil_detail(
        session, school_id=world.school_id, pupil_id=world.ids[stamnummer], today=TODAY
    )

    assert detail.pupil.stamnummer == stamnummer
    assert detail.status is status
    assert (detail.account is not None) is has_account
    assert detail.has_official_data is official
    assert detail.must_choose_password is must_choose
    if has_account:
        assert detail.account.pupil_id == world.ids[stamnummer]


def test_detail_shows_the_email_of_a_linked_account(session, world: World) -> None:
    detail = get_pupil_detail(
        session, school_id=world.school_id, pupil_id=world.ids["47727"], today=TODAY
    )
    assert detail.account.email == "tomas@ond.vlaanderen.be"


@pytest.mark.parametrize("whose", ["other_school", "missing"])
def test_get_pupil_detail_refuses_a_pupil_outside_the_school(session, world: World, whose) -> None:
    pupil_id = world.other_ids["60351"] if whose == "other_school" else 999_999

    with pytest.raises(NotFound) as caught:
        get_pupil_detail(session, school_id=world.school_id, pupil_id=pupil_id, today=TODAY)

    assert caught.value.message == "Deze leerling bestaat niet in je instelling."
