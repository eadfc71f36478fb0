"""Every main flow by keyboard alone, with where focus lands after each page change.

Only Tab, Shift+Tab, Enter, Space, Escape, the arrow keys and typing are used. The pupils
changed here (Jos Van den Bergh's password, the bulk pair in ``BULK_PAIR``) no other test uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from leerid_app import routes, texts
from leerid_app.services.demo import SECOND_SCHOOL
from tests.e2e.conftest import (
    DEMO_ADMIN,
    DEMO_PASSWORD,
    SCHOOL_NAME,
    LiveApp,
    column_cells,
    expect_pupil_list_loaded,
    expect_selected,
    expect_total,
    find_account,
    find_pupil,
    open_login_page,
)

pytestmark = pytest.mark.e2e

MAX_KEY_PRESSES = 80
BULK_PAIR = (("77511", "Katia Vermeersch"), ("94934", "Costantino Vergassola"))


def is_focused(target: Locator) -> bool:
    """Whether the element has keyboard focus right now."""
    return bool(target.evaluate("(element) => element === document.activeElement"))


def press_until_focused(page: Page, key: str, target: Locator) -> None:
    """Press a key (Tab, Shift+Tab, ArrowDown …) until the target has focus."""
    expect(target).to_be_visible()
    for _ in range(MAX_KEY_PRESSES):
        page.keyboard.press(key)
        if is_focused(target):
            return
    focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{key} never reached {target}; focus is on {focused}")


def tab_to(page: Page, target: Locator) -> None:
    """Tab forward until the target has focus."""
    press_until_focused(page, "Tab", target)


def expect_focus_on_page_heading(page: Page, text: str | re.Pattern[str]) -> None:
    """After a page change focus is on the new page's h1, which says where the user is."""
    heading = page.get_by_role("main").get_by_role("heading", level=1)
    expect(heading).to_have_text(text)
    expect(heading).to_be_focused()


def type_search(page: Page, text: str) -> None:
    """Tab to the free-text filter and type (the list waits 300 ms before it asks)."""
    box = page.get_by_role("searchbox", name=texts.SEARCH_PLACEHOLDER)
    tab_to(page, box)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose_by_keyboard(page: Page, label: str, option: str) -> None:
    """Open a drop-down with Enter, arrow to the option, choose it with Enter."""
    combobox = page.get_by_role("combobox", name=label)
    tab_to(page, combobox)
    page.keyboard.press("Enter")
    press_until_focused(page, "ArrowDown", page.get_by_role("option", name=option, exact=True))
    page.keyboard.press("Enter")
    expect(combobox).to_have_text(option)
    expect(combobox).to_be_focused()


def select_by_keyboard(page: Page, stamnummer: str, name: str) -> None:
    """Search a pupil and tick the row's check box with Space."""
    type_search(page, stamnummer)
    expect(column_cells(page, "Stamnummer")).to_have_text([stamnummer])
    box = page.get_by_role("checkbox", name=f"Selecteer {name}", exact=True)
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def download_by_keyboard(page: Page, button: Locator) -> Path:
    """Tab to a download button and press Enter; the file the browser received."""
    tab_to(page, button)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    return Path(download_info.value.path())


def test_login_search_filter_select_and_detail(page: Page, live_app: LiveApp) -> None:
    open_login_page(page)
    username = page.get_by_label("Gebruikersnaam", exact=True)
    expect(username).to_be_focused()
    page.keyboard.type(DEMO_ADMIN)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect_pupil_list_loaded(page)
    expect_focus_on_page_heading(page, texts.NAV_PUPILS)

    # On a freshly loaded page the skip link is the first stop and leads past the header.
    page.reload()
    expect_pupil_list_loaded(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=texts.SKIP_TO_CONTENT)
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    pupil = find_pupil(live_app, BULK_PAIR[0][0])
    type_search(page, pupil.last_name)
    expect(column_cells(page, "Naam").first).to_have_text(pupil.last_name)
    choose_by_keyboard(page, texts.STATUS_LABEL, "Actief")
    choose_by_keyboard(page, texts.TYPE_LABEL, "Basis")
    expect(column_cells(page, "Stamnummer")).to_contain_text([pupil.stamnummer])

    box = page.get_by_role("checkbox", name=f"Selecteer {pupil.first_name} {pupil.last_name}")
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect_selected(page, 1)

    row = page.locator("tbody tr").filter(has_text=pupil.stamnummer)
    tab_to(page, row.get_by_role("link", name=pupil.last_name))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/leerling/{pupil.id}/?$"))
    expect_focus_on_page_heading(page, f"{pupil.first_name} {pupil.last_name}")

    # Back to the list: the link sits just before the heading.
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name=texts.BACK_TO_LIST)).to_be_focused()
    page.keyboard.press("Enter")
    expect_focus_on_page_heading(page, texts.NAV_PUPILS)
    expect_selected(page, 1)


def test_edit_save_and_slip(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    pupil = find_pupil(live_app, "95576")  # Jos Van den Bergh
    before = find_account(live_app, pupil.id or 0)
    assert before is not None
    name = f"{pupil.first_name} {pupil.last_name}"
    type_search(page, pupil.stamnummer)
    expect_total(page, 1)
    tab_to(page, page.get_by_role("link", name=pupil.last_name))
    page.keyboard.press("Enter")
    expect_focus_on_page_heading(page, name)

    tab_to(page, page.get_by_role("button", name=texts.EDIT_CREDENTIALS))
    page.keyboard.press("Enter")
    expect_focus_on_page_heading(page, re.compile(re.escape(name)))
    expect(page.get_by_label(re.compile("^Gebruikersnaam"))).to_have_value(before.username)

    tab_to(page, page.get_by_role("button", name=texts.GENERATE_PASSWORD))
    page.keyboard.press("Enter")
    password = page.locator("#new-password")
    expect(password).to_have_text(re.compile(r"^\S{6}$"))
    new_password = password.inner_text()

    tab_to(page, page.get_by_role("button", name=texts.SAVE_AND_PRINT))
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".pdf")
    expect(page).to_have_url(re.compile(rf"/leerling/{pupil.id}/?$"))
    expect_focus_on_page_heading(page, name)
    expect(page.get_by_role("status").filter(has_text=texts.SAVED)).to_be_visible()
    after = find_account(live_app, pupil.id or 0)
    assert after is not None and live_app.hashing.verify(after.password_hash, new_password)


def test_bulk_renewal_and_both_downloads(admin_page: Page) -> None:
    page = admin_page
    for stamnummer, name in BULK_PAIR:
        select_by_keyboard(page, stamnummer, name)
    expect_selected(page, 2)
    tab_to(page, page.get_by_role("button", name=texts.RENEW_PASSWORDS))
    page.keyboard.press("Enter")
    expect_focus_on_page_heading(page, texts.BULK_RENEW_HEADING)
    expect(page.get_by_role("table", name=texts.WITHOUT_EMAIL).locator("tbody tr")).to_have_count(2)

    tab_to(page, page.get_by_role("button", name=texts.SAVE_AND_PRINT))
    page.keyboard.press("Enter")
    # The plan (and the button pressed) made way for the result: focus went with it.
    result = page.locator("#result-heading")
    expect(result).to_have_text("2 LeerID's hebben een nieuw wachtwoord")
    expect(result).to_be_focused()

    pdf = download_by_keyboard(page, page.get_by_role("button", name=texts.DOWNLOAD_PDF))
    assert pdf.read_bytes().startswith(b"%PDF")
    excel = download_by_keyboard(page, page.get_by_role("button", name=texts.DOWNLOAD_EXCEL))
    assert excel.read_bytes().startswith(b"PK")

    tab_to(page, page.get_by_role("button", name=texts.DONE))
    page.keyboard.press("Enter")
    expect_focus_on_page_heading(page, texts.NAV_PUPILS)
    expect_selected(page, 0)


def test_school_switch_and_logout(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    # From the page heading back up into the header.
    press_until_focused(page, "Shift+Tab", page.get_by_role("button", name=texts.SWITCH_SCHOOL))
    page.keyboard.press("Enter")
    press_until_focused(page, "ArrowDown", page.get_by_role("menuitem", name=SECOND_SCHOOL))
    page.keyboard.press("Enter")
    expect(page.locator(SCHOOL_NAME)).to_have_text(SECOND_SCHOOL)
    expect(page.get_by_role("menu")).to_have_count(0)
    expect_focus_on_page_heading(page, texts.NAV_PUPILS)

    press_until_focused(page, "Shift+Tab", page.get_by_role("button", name=texts.LOG_OUT))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(live_app.url(routes.LOGIN)) + "/?$"))
    expect(page.get_by_text(texts.LOGGED_OUT, exact=True)).to_be_visible()
    # On the login page the form's first field has focus, ready to type.
    expect(page.get_by_label("Gebruikersnaam", exact=True)).to_be_focused()
