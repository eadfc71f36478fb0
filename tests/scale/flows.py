"""Steps the production-setup tests share: the accounts a renewal replaces, the pupils to tick."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from leerid_app.models import LeerIDAccount, Pupil, School
from leerid_app.services.demo import SECOND_SCHOOL
from tests.e2e.conftest import (
    SCHOOL_NAME,
    column_cells,
    expect_selected,
    expect_total,
    search,
)

SAVE = "Bewaren en afdrukken"


def renewable_hashes(engine: Engine, school: str) -> dict[int, str]:
    """Pupil id → password hash of the school's accounts a bulk renewal replaces (no e-mail)."""
    with Session(engine) as session:
        rows = session.exec(
            select(LeerIDAccount.pupil_id, LeerIDAccount.password_hash)
            .join(Pupil, col(Pupil.id) == col(LeerIDAccount.pupil_id))
            .join(School, col(School.id) == col(Pupil.school_id))
            .where(School.name == school, col(LeerIDAccount.email).is_(None))
        ).all()
    return dict(rows)


def select_manual_pair(page: Page) -> None:
    """Tick Ardalan Bhatti and Amani Bockstal, each found by stamnummer."""
    for stamnummer, name in (("32890", "Ardalan Bhatti"), ("80240", "Amani Bockstal")):
        search(page, stamnummer)
        # The search's own answer first: a box of the previous list is ignored by the server.
        expect(column_cells(page, "Stamnummer")).to_have_text([stamnummer])
        box = page.get_by_role("checkbox", name=f"Selecteer {name}", exact=True)
        box.click()
        expect(box).to_be_checked()
    expect_selected(page, 2)


def plan_second_school(page: Page, engine: Engine, count: int) -> None:
    """Switch to the second school, select all its pupils and open the renewal plan."""
    with Session(engine) as session:
        pupils = len(
            session.exec(
                select(Pupil.id)
                .join(School, col(School.id) == col(Pupil.school_id))
                .where(School.name == SECOND_SCHOOL)
            ).all()
        )
    page.get_by_role("button", name="Wijzig instelling").click()
    page.get_by_role("menuitem", name=SECOND_SCHOOL).click()
    expect(page.locator(SCHOOL_NAME)).to_have_text(SECOND_SCHOOL)
    # The new school's list itself: its load resets the selection, so select after it.
    expect_total(page, pupils)
    page.get_by_role("button", name=f"Selecteer alle {pupils} leerlingen").click()
    expect_selected(page, pupils)
    page.get_by_role("button", name="Vernieuw wachtwoord", exact=True).click()
    expect(
        page.get_by_role("heading", name="Bulk: genereer nieuw wachtwoord", exact=True)
    ).to_be_visible()
    expect(page.get_by_text(f"Totaal aantal rijen: {count}", exact=True).first).to_be_visible()
