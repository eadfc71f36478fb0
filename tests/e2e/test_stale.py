"""Two administrators renew the same pupils at once: the second is told, every slip works."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from leerid_app.models import LeerIDAccount, Pupil
from leerid_app.services.demo import SECOND_SCHOOL
from tests.e2e.conftest import LiveApp, expect_selected, school_id
from tests.e2e.test_bulk import (
    DOWNLOAD_PDF,
    RENEW_HEADING,
    SAVE,
    WITHOUT_EMAIL,
    _body_rows,
    _card,
    _download,
    _pdf_text,
    _read_rows,
    _select,
    _start_bulk,
)

pytestmark = pytest.mark.e2e

PUPILS = 4


def _renewable_gent_pupils(live_app: LiveApp) -> list[Pupil]:
    """A few pupils of GENT - TEST School 7 with a LeerID and no e-mail, by stamnummer."""
    gent = school_id(live_app, SECOND_SCHOOL)
    with Session(live_app.engine, expire_on_commit=False) as session:
        return list(
            session.exec(
                select(Pupil)
                .join(LeerIDAccount, col(LeerIDAccount.pupil_id) == col(Pupil.id))
                .where(Pupil.school_id == gent, col(LeerIDAccount.email).is_(None))
                .order_by(col(Pupil.stamnummer).desc())
                .limit(PUPILS)
            )
        )


def _slips(pdf: bytes) -> dict[str, str]:
    """Username → password of every slip in a PDF."""
    text = _pdf_text(pdf)
    found = re.findall(r"Gebruikersnaam: (\S+) Wachtwoord: (\S+)", text)
    assert found, text
    return dict(found)


def _assert_slips_work(live_app: LiveApp, slips: dict[str, str]) -> None:
    with Session(live_app.engine) as session:
        hashes = dict(
            session.exec(
                select(LeerIDAccount.username, LeerIDAccount.password_hash).where(
                    col(LeerIDAccount.username).in_(list(slips))
                )
            ).all()
        )
    for username, password in slips.items():
        assert live_app.hashing.verify(hashes[username], password), username


def _plan(page: Page, pupils: list[Pupil]) -> None:
    for pupil in pupils:
        _select(page, pupil.stamnummer, f"{pupil.first_name} {pupil.last_name}")
    expect_selected(page, len(pupils))
    _start_bulk(page, "Vernieuw wachtwoord", RENEW_HEADING)
    expect(_body_rows(_card(page, WITHOUT_EMAIL))).to_have_count(len(pupils))


def test_two_administrators_renew_the_same_pupils(
    login_as: Callable[[str], Page], live_app: LiveApp
) -> None:
    pupils = _renewable_gent_pupils(live_app)
    assert len(pupils) == PUPILS
    first = login_as("beheerder")
    first.get_by_role("button", name="Wijzig instelling").click()
    first.get_by_role("menuitem", name=SECOND_SCHOOL).click()
    expect(first.locator("#school-name")).to_have_text(SECOND_SCHOOL)
    second = login_as("beheerder.b")  # administers GENT - TEST School 7 only
    expect(second.locator("#school-name")).to_have_text(SECOND_SCHOOL)

    # Both open the plan for the same pupils before either saves.
    _plan(first, pupils)
    _plan(second, pupils)
    # The first administrator leaves one pupil out, so the second still renews that one.
    left_out = pupils[0]
    label = f"{left_out.first_name} {left_out.last_name} ({left_out.stamnummer})"
    box = _card(first, WITHOUT_EMAIL).get_by_role("checkbox", name=f"Neem {label} op")
    box.click()
    expect(box).not_to_be_checked()

    first.get_by_role("button", name=SAVE).click()
    expect(
        first.get_by_text(f"{PUPILS - 1} LeerID's hebben een nieuw wachtwoord", exact=True)
    ).to_be_visible()
    second.get_by_role("button", name=SAVE).click()
    expect(second.get_by_text("1 LeerID heeft een nieuw wachtwoord", exact=True)).to_be_visible()

    # The second administrator reads which pupils someone else changed, and by whom.
    message = second.locator("#refused-message")
    expect(message).to_contain_text("Intussen door iemand anders gewijzigd")
    for pupil in pupils[1:]:
        expect(message).to_contain_text(
            f"{pupil.first_name} {pupil.last_name} ({pupil.stamnummer}) (door beheerder)"
        )
    expect(message).not_to_contain_text(label)
    expect(second.get_by_role("button", name="Plan deze leerlingen opnieuw")).to_be_visible()
    # One result table per account type: the one pupil left is in whichever fits their type.
    result_card = second.locator(".rt-Card").filter(
        has=second.get_by_role("heading", name=re.compile("^LEERID'S MET NIEUW"))
    )
    rows = _read_rows(result_card, with_check_box=False)
    assert [row.name_and_stamnummer for row in rows] == [label]

    # Every password in each PDF works; each pupil is on exactly one administrator's slips.
    first_slips = _slips(_download(first, DOWNLOAD_PDF)[1])
    second_slips = _slips(_download(second, DOWNLOAD_PDF)[1])
    assert len(first_slips) == PUPILS - 1 and len(second_slips) == 1
    assert not set(first_slips) & set(second_slips)
    _assert_slips_work(live_app, first_slips)
    _assert_slips_work(live_app, second_slips)

    # `Plan deze leerlingen opnieuw` opens a new plan of exactly the refused pupils.
    second.get_by_role("button", name="Plan deze leerlingen opnieuw").click()
    expect(second.get_by_role("heading", name=RENEW_HEADING)).to_be_visible()
    expect(_body_rows(_card(second, WITHOUT_EMAIL))).to_have_count(PUPILS - 1)
