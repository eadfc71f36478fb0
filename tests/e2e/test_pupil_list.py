"""Issue: the pupil list: search, filters, sorting, paging and a selection that survives them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import Session, col, select

from leerid_app.models import AccountType, LeerIDAccount, Pupil
from leerid_app.services.demo import DEMO_SCHOOL
from tests.e2e.conftest import (
    LiveApp,
    choose_filter,
    column_cells,
    expect_selected,
    expect_total,
    pupil_rows,
    school_id,
    school_pupils_in_list_order,
    search,
)

pytestmark = pytest.mark.e2e

PAGE_SIZE = 50


def _ids_with_type(live_app: LiveApp, account_type: AccountType) -> set[int]:
    with Session(live_app.engine) as session:
        return set(
            session.exec(
                select(Pupil.id)
                .join(LeerIDAccount, col(LeerIDAccount.pupil_id) == col(Pupil.id))
                .where(
                    Pupil.school_id == school_id(live_app, DEMO_SCHOOL),
                    LeerIDAccount.account_type == account_type,
                )
            )
        )


def _click_box(box: Locator, *, checked: bool) -> None:
    # The check boxes show the selection the server keeps: a click asks, the server answers.
    box.click()
    if checked:
        expect(box).to_be_checked()
    else:
        expect(box).not_to_be_checked()


def _filter_on_type(page: Page, live_app: LiveApp, label: str, account_type: AccountType) -> int:
    choose_filter(page, "Type", label)
    total = len(_ids_with_type(live_app, account_type))
    expect_total(page, total)
    return total


def test_search_on_stamnummer_finds_the_one_pupil(admin_page: Page) -> None:
    search(admin_page, "60351")

    expect_total(admin_page, 1)
    expect(pupil_rows(admin_page)).to_have_count(1)
    expect(column_cells(admin_page, "Stamnummer")).to_have_text(["60351"])
    expect(column_cells(admin_page, "Voornaam")).to_have_text(["Abdulghani"])
    expect(column_cells(admin_page, "Naam")).to_have_text(["Bogdan"])
    expect(column_cells(admin_page, "Administratieve groep")).to_have_text(["6de leerjaar"])


def test_filter_on_type_gevorderd(admin_page: Page, live_app: LiveApp) -> None:
    total = _filter_on_type(admin_page, live_app, "Gevorderd", AccountType.GEVORDERD)

    assert 0 < total < 200
    shown = min(total, PAGE_SIZE)
    expect(pupil_rows(admin_page)).to_have_count(shown)
    expect(column_cells(admin_page, "Type")).to_have_text(["Gevorderd"] * shown)


def test_sort_on_naam_both_ways(admin_page: Page, live_app: LiveApp) -> None:
    ascending = school_pupils_in_list_order(live_app, DEMO_SCHOOL)
    descending = school_pupils_in_list_order(live_app, DEMO_SCHOOL, descending=True)
    assert ascending[0].last_name != descending[0].last_name
    sort_button = admin_page.get_by_role("button", name="Sorteer op Naam")

    # The start page sorts on Naam, ascending; a click reverses, a second click restores.
    expect(column_cells(admin_page, "Naam").first).to_have_text(ascending[0].last_name)
    sort_button.click()
    expect(column_cells(admin_page, "Naam").first).to_have_text(descending[0].last_name)
    expect(column_cells(admin_page, "Stamnummer")).to_have_text(
        [p.stamnummer for p in descending[:PAGE_SIZE]]
    )
    sort_button.click()
    expect(column_cells(admin_page, "Naam").first).to_have_text(ascending[0].last_name)
    expect(column_cells(admin_page, "Stamnummer")).to_have_text(
        [p.stamnummer for p in ascending[:PAGE_SIZE]]
    )


def test_selection_survives_paging(admin_page: Page, live_app: LiveApp) -> None:
    pupils = school_pupils_in_list_order(live_app, DEMO_SCHOOL)
    rows = pupil_rows(admin_page)
    expect_selected(admin_page, 0)

    _click_box(rows.nth(0).get_by_role("checkbox"), checked=True)
    _click_box(rows.nth(1).get_by_role("checkbox"), checked=True)
    expect_selected(admin_page, 2)

    admin_page.get_by_role("button", name="Volgende").click()
    expect(admin_page.get_by_text("Pagina 2 van 4", exact=True)).to_be_visible()
    expect(column_cells(admin_page, "Stamnummer").first).to_have_text(pupils[PAGE_SIZE].stamnummer)
    expect(rows.get_by_role("checkbox", checked=True)).to_have_count(0)
    _click_box(rows.nth(0).get_by_role("checkbox"), checked=True)
    expect_selected(admin_page, 3)

    admin_page.get_by_role("button", name="Vorige").click()
    expect(admin_page.get_by_text("Pagina 1 van 4", exact=True)).to_be_visible()
    expect(column_cells(admin_page, "Stamnummer").first).to_have_text(pupils[0].stamnummer)
    expect(rows.nth(0).get_by_role("checkbox")).to_be_checked()
    expect(rows.nth(1).get_by_role("checkbox")).to_be_checked()
    expect(rows.nth(2).get_by_role("checkbox")).not_to_be_checked()
    expect_selected(admin_page, 3)


def test_page_check_box_selects_the_page(admin_page: Page) -> None:
    page_box = admin_page.get_by_role("checkbox", name="Selecteer alle leerlingen op deze pagina")
    rows = pupil_rows(admin_page)

    _click_box(page_box, checked=True)
    expect_selected(admin_page, PAGE_SIZE)
    expect(rows.get_by_role("checkbox", checked=True)).to_have_count(PAGE_SIZE)

    _click_box(rows.nth(3).get_by_role("checkbox"), checked=False)
    expect_selected(admin_page, PAGE_SIZE - 1)
    expect(page_box).not_to_be_checked()

    _click_box(page_box, checked=True)
    expect_selected(admin_page, PAGE_SIZE)
    _click_box(page_box, checked=False)
    expect_selected(admin_page, 0)
    expect(rows.get_by_role("checkbox", checked=True)).to_have_count(0)


def test_select_all_matching_after_a_filter(admin_page: Page, live_app: LiveApp) -> None:
    total = _filter_on_type(admin_page, live_app, "Gevorderd", AccountType.GEVORDERD)

    admin_page.get_by_role("button", name=f"Selecteer alle {total} leerlingen").click()
    expect_selected(admin_page, total)
    expect(
        admin_page.get_by_role("checkbox", name="Selecteer alle leerlingen op deze pagina")
    ).to_be_checked()


def test_selection_survives_changing_a_filter(admin_page: Page, live_app: LiveApp) -> None:
    first_two = {p.id for p in school_pupils_in_list_order(live_app, DEMO_SCHOOL)[:2]}
    advanced = _ids_with_type(live_app, AccountType.GEVORDERD)
    rows = pupil_rows(admin_page)
    _click_box(rows.nth(0).get_by_role("checkbox"), checked=True)
    _click_box(rows.nth(1).get_by_role("checkbox"), checked=True)
    expect_selected(admin_page, 2)

    total = _filter_on_type(admin_page, live_app, "Gevorderd", AccountType.GEVORDERD)
    expect_selected(admin_page, 2)
    admin_page.get_by_role("button", name=f"Selecteer alle {total} leerlingen").click()
    expect_selected(admin_page, len(first_two | advanced))

    choose_filter(admin_page, "Type", "Alle")
    expect_total(admin_page, 200)
    expect_selected(admin_page, len(first_two | advanced))
    expect(rows.nth(0).get_by_role("checkbox")).to_be_checked()
    expect(rows.nth(1).get_by_role("checkbox")).to_be_checked()

    search(admin_page, "60351")  # a Basis pupil, never selected
    expect_total(admin_page, 1)
    expect(rows.nth(0).get_by_role("checkbox")).not_to_be_checked()
    expect_selected(admin_page, len(first_two | advanced))

    admin_page.get_by_role("button", name="Wis selectie").click()
    expect_selected(admin_page, 0)
