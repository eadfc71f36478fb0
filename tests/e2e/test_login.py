"""Issue: administrators log in, see only their own schools' pupils, and log out."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, col, select

from leerid_app.models import AdminSession, AuditEvent
from leerid_app.services.demo import DEMO_SCHOOL, SECOND_SCHOOL
from tests.e2e.conftest import (
    DEMO_ADMIN,
    DEMO_ADMIN_B,
    DEMO_PASSWORD,
    SCHOOL_NAME,
    LiveApp,
    column_cells,
    expect_login_page,
    expect_total,
    find_pupil,
    login,
    school_pupils_in_list_order,
    search,
)

pytestmark = pytest.mark.e2e

LOGIN_FAILED = "Onjuiste gebruikersnaam of wachtwoord."
SESSION_EXPIRED = "Je sessie is verlopen. Meld je opnieuw aan."
NOT_IN_SCHOOL = "Deze leerling bestaat niet in je instelling."
SESSION_COOKIE = "leerid_session"


def _session_cookie(context: BrowserContext) -> dict:
    cookies = [c for c in context.cookies() if c["name"] == SESSION_COOKIE and c["value"]]
    assert len(cookies) == 1, "the browser holds one session cookie after login"
    return cookies[0]


def _session_row(live_app: LiveApp, token: str) -> AdminSession:
    token_hash = hashlib.sha256(token.encode("ascii")).hexdigest()
    with Session(live_app.engine, expire_on_commit=False) as session:
        return session.exec(select(AdminSession).where(AdminSession.token_hash == token_hash)).one()


def test_wrong_password_is_refused(page: Page, live_app: LiveApp) -> None:
    login(page, DEMO_ADMIN, "niet-het-wachtwoord")

    expect(page.get_by_text(LOGIN_FAILED, exact=True)).to_be_visible()
    expect_login_page(page, live_app)
    expect(page.get_by_label("Gebruikersnaam", exact=True)).to_have_value(DEMO_ADMIN)


def test_unknown_user_gets_the_same_message(page: Page, live_app: LiveApp) -> None:
    login(page, "onbekende.beheerder", DEMO_PASSWORD)

    expect(page.get_by_text(LOGIN_FAILED, exact=True)).to_be_visible()
    expect_login_page(page, live_app)


@pytest.mark.parametrize("path", ["/", "/leerling/1"])
def test_anonymous_visitor_is_sent_to_login(page: Page, live_app: LiveApp, path: str) -> None:
    page.goto(path)

    expect_login_page(page, live_app)
    expect(page.get_by_text("Meld je aan om verder te gaan.", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: [1-9]"))).to_have_count(0)


def test_admin_logs_in_and_switches_school(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    expect(page.locator(SCHOOL_NAME)).to_have_text(DEMO_SCHOOL)
    expect_total(page, 200)

    page.get_by_role("button", name="Wijzig instelling").click()
    page.get_by_role("menuitem", name=SECOND_SCHOOL).click()

    second = school_pupils_in_list_order(live_app, SECOND_SCHOOL)
    expect(page.locator(SCHOOL_NAME)).to_have_text(SECOND_SCHOOL)
    expect(page.locator(SCHOOL_NAME)).not_to_have_text(DEMO_SCHOOL)
    expect_total(page, len(second))
    expect(column_cells(page, "Stamnummer")).to_have_text([p.stamnummer for p in second[:50]])


def test_admin_of_another_school_cannot_reach_a_pupil(
    login_as: Callable[[str], Page], live_app: LiveApp
) -> None:
    pupil = find_pupil(live_app, "60351", DEMO_SCHOOL)
    assert (pupil.first_name, pupil.last_name) == ("Abdulghani", "Bogdan")
    page = login_as(DEMO_ADMIN_B)
    expect(page.locator(SCHOOL_NAME)).to_have_text(SECOND_SCHOOL)
    expect(page.get_by_role("button", name="Wijzig instelling")).to_have_count(0)

    search(page, "60351")
    expect_total(page, 0)
    expect(page.get_by_text("Geen leerlingen gevonden.", exact=True)).to_be_visible()

    started = datetime.now(UTC) - timedelta(seconds=1)
    page.goto(f"/leerling/{pupil.id}")
    expect(page.get_by_text(NOT_IN_SCHOOL, exact=True)).to_be_visible()
    expect(page.get_by_text("Abdulghani")).to_have_count(0)
    expect(page.get_by_text("Bogdan")).to_have_count(0)
    expect(page.get_by_text("6de leerjaar")).to_have_count(0)

    with Session(live_app.engine) as session:
        refusals = session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "access_denied",
                AuditEvent.actor_username == DEMO_ADMIN_B,
                col(AuditEvent.occurred_at) >= started.replace(tzinfo=None),
            )
        ).all()
    assert any(
        json.loads(event.details or "{}").get("argument") == repr(pupil.id) for event in refusals
    ), [event.details for event in refusals]
    # The refusal names no pupil of the other school in this school's log.
    assert all(event.pupil_id is None for event in refusals)


def test_log_out_ends_the_session_on_the_server(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    cookie = _session_cookie(page.context)

    page.get_by_role("button", name="Afmelden").click()
    expect_login_page(page, live_app)
    expect(page.get_by_text("Je bent afgemeld.", exact=True)).to_be_visible()
    assert _session_row(live_app, cookie["value"]).ended_at is not None

    page.goto("/")
    expect_login_page(page, live_app)

    # A copy of the old cookie (say, kept by someone else) opens nothing any more.
    page.context.add_cookies([cookie])
    page.goto("/")
    expect_login_page(page, live_app)
    expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: [1-9]"))).to_have_count(0)


def test_expired_session_leads_to_login(admin_page: Page, live_app: LiveApp) -> None:
    page = admin_page
    token = _session_cookie(page.context)["value"]
    row = _session_row(live_app, token)
    with Session(live_app.engine) as session:
        stored = session.get(AdminSession, row.id)
        assert stored is not None
        stored.last_seen_at = datetime.now(UTC) - timedelta(days=2)
        session.add(stored)
        session.commit()

    page.goto("/")

    expect_login_page(page, live_app)
    expect(page.get_by_text(SESSION_EXPIRED, exact=True)).to_be_visible()
    assert _session_row(live_app, token).ended_at is not None
