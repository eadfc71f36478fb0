"""`Importeer leerlingen` in the browser: the demo's sample export, preview, confirm, activate.

This test changes the demo school's roster (new pupils, leavers), so it runs after every other
browser test (see tests/conftest.py).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from leerid_app import routes
from leerid_app.services.audit import AuditAction
from leerid_app.services.imports import summer_rule_applies
from leerid_app.services.imports.sample import NEW_PUPILS, SAMPLE_PATH, build_sample
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.conftest import (
    LiveApp,
    audit_since,
    column_cells,
    expect_pupil_list_loaded,
    find_account,
    find_pupil,
    last_audit_id,
    search,
    wait_for_hydration,
)

pytestmark = pytest.mark.e2e


def _tab(page: Page, label: str, count: int) -> None:
    expect(page.get_by_role("tab", name=f"{label} ({count})", exact=True)).to_be_visible()


def test_import_the_sample_then_activate_a_new_pupil(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    sample = build_sample()
    summer = summer_rule_applies(date.today())
    leaver = find_pupil(live_app, sample.ending[0])
    leaver_account = find_account(live_app, leaver.id)
    assert leaver_account is not None

    page.get_by_role("link", name="Importeer leerlingen").click()
    expect(page.get_by_role("heading", level=1, name="Importeer leerlingen")).to_be_visible()
    expect(page.get_by_text("Instellingsnummer: 046623")).to_be_visible()
    assert_no_axe_violations(page, "the import page")
    wait_for_hydration(page, ".rx-Upload")
    page.locator('input[type="file"]').set_input_files(SAMPLE_PATH)

    _tab(page, "Nieuw", len(sample.new))
    _tab(page, "Gewijzigd", len(sample.changed))
    _tab(page, "Einde inschrijving", 0 if summer else len(sample.ending))
    _tab(page, "Ongewijzigd", sample.unchanged)
    _tab(page, "Geweigerd", len(sample.refused_rows))
    expect(page.get_by_text("Genegeerde kolommen: Opmerking")).to_be_visible()
    assert_no_axe_violations(page, "the import preview")

    page.get_by_role("tab", name=re.compile(r"^Geweigerd")).click()
    refused = page.get_by_role("table", name="Geweigerd")
    expect(refused.get_by_role("row").filter(has_text="Mats Claes")).to_contain_text(
        "Geboortedatum '31/02/2019' bestaat niet."
    )
    confirm = page.get_by_role("button", name="Importeer", exact=True)
    expect(confirm).to_be_disabled()  # refused rows block it until the box is ticked
    only_valid = page.get_by_role("checkbox", name=re.compile("^Importeer enkel de geldige rijen"))
    only_valid.click()
    expect(only_valid).to_be_checked()
    expect(confirm).to_be_enabled()

    audit_before = last_audit_id(live_app)
    confirm.click()
    expect(page.get_by_text(re.compile(r"^De import is uitgevoerd: 4 nieuwe"))).to_be_visible()
    (event,) = audit_since(live_app, audit_before, AuditAction.PUPILS_IMPORTED)
    assert '"new":4' in event.details and "Vermeulen" not in event.details

    # A new pupil is in the list with `Geen account`; activate them in bulk.
    stamnummer, first, last = NEW_PUPILS[0][:3]
    page.get_by_role("link", name="Naar de leerlingenlijst").click()
    expect_pupil_list_loaded(page)
    search(page, stamnummer)
    expect(column_cells(page, "Stamnummer")).to_have_text([stamnummer])
    expect(column_cells(page, "Status")).to_have_text(["Geen account"])
    box = page.get_by_role("checkbox", name=f"Selecteer {first} {last}", exact=True)
    box.click()
    expect(box).to_be_checked()
    page.get_by_role("button", name="Activeer LeerID", exact=True).click()
    expect(page.get_by_role("heading", name="Bulk: activeer LeerID's")).to_be_visible()
    page.get_by_role("button", name="Bewaren en afdrukken").click()
    expect(page.get_by_text("1 LeerID is geactiveerd", exact=True)).to_be_visible()
    new_pupil = find_pupil(live_app, stamnummer)
    account = find_account(live_app, new_pupil.id)
    assert account is not None and account.username == "lina.vermeulen"

    # A leaver is Inactief and keeps their LeerID (outside July and August).
    page.goto(routes.PUPILS)
    expect_pupil_list_loaded(page)
    search(page, leaver.stamnummer)
    expect(column_cells(page, "Stamnummer")).to_have_text([leaver.stamnummer])
    expect(column_cells(page, "Status")).to_have_text(["Actief" if summer else "Inactief"])
    kept = find_account(live_app, leaver.id)
    assert kept is not None
    assert (kept.id, kept.username, kept.password_hash) == (
        leaver_account.id,
        leaver_account.username,
        leaver_account.password_hash,
    )
