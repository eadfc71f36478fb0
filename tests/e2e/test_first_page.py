"""After login, the start page lists the school's pupils as the database holds them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leerid_app.services.demo import DEMO_SCHOOL
from tests.e2e.conftest import (
    SCHOOL_NAME,
    LiveApp,
    column_cells,
    expect_total,
    pupil_rows,
    school_pupils_in_list_order,
)

pytestmark = pytest.mark.e2e

PAGE_SIZE = 50


def test_start_page_lists_the_pupils_of_the_database(admin_page: Page, live_app: LiveApp) -> None:
    pupils = school_pupils_in_list_order(live_app, DEMO_SCHOOL)
    assert len(pupils) == 200

    expect(admin_page.locator(SCHOOL_NAME)).to_have_text(DEMO_SCHOOL)
    expect_total(admin_page, 200)
    expect(admin_page.get_by_text("Pagina 1 van 4", exact=True)).to_be_visible()

    first_page = pupils[:PAGE_SIZE]
    expect(pupil_rows(admin_page)).to_have_count(PAGE_SIZE)
    expect(column_cells(admin_page, "Stamnummer")).to_have_text([p.stamnummer for p in first_page])
    expect(column_cells(admin_page, "Voornaam")).to_have_text([p.first_name for p in first_page])
    expect(column_cells(admin_page, "Naam")).to_have_text([p.last_name for p in first_page])
    expect(column_cells(admin_page, "Administratieve groep")).to_have_text(
        [p.administrative_group for p in first_page]
    )
