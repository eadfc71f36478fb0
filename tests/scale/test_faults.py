"""Faults in the production setup: the database away, Redis restarted, a worker killed mid-save."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable

import psutil
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from leerid_app import texts
from leerid_app.models import BulkRun
from leerid_app.services.demo import SECOND_SCHOOL
from tests.e2e.conftest import column_cells, expect_total, search
from tests.pg_cluster import PgCluster
from tests.scale.flows import SAVE, plan_second_school, renewable_hashes, select_manual_pair
from tests.scale.stack import Stack

pytestmark = pytest.mark.e2e

# Beats every half second, silent for 3 s means dead: the test need not wait 10 s.
STACK_ENV = {"LEERID_BULK_HEARTBEAT_SECONDS": "0.5", "LEERID_BULK_STALE_SECONDS": "3"}
LOCK_WAIT_SECONDS = 90


def test_the_database_away_for_a_moment_gives_a_message_then_works(
    stack_admin: Callable[[str], Page], scale_pg: PgCluster
) -> None:
    page = stack_admin("beheerder")
    scale_pg.stop_server()
    try:
        search(page, "60351")
        expect(page.get_by_text(texts.DATABASE_UNAVAILABLE)).to_be_visible()
    finally:
        scale_pg.start_server()
    search(page, "32890")
    expect_total(page, 1)
    expect(column_cells(page, "Stamnummer")).to_have_text(["32890"])


def test_a_redis_restart_logs_out_cleanly(stack_admin: Callable[[str], Page], stack: Stack) -> None:
    page = stack_admin("beheerder")
    select_manual_pair(page)
    page.get_by_role("button", name="Vernieuw wachtwoord", exact=True).click()
    page.get_by_role("button", name=SAVE).click()
    expect(page.get_by_text("2 LeerID's hebben een nieuw wachtwoord", exact=True)).to_be_visible()
    shown = page.get_by_role("table").filter(has_text="ardalan.bhatti")
    password = shown.locator("tbody tr").first.get_by_role("cell").nth(2).inner_text().strip()
    assert len(password) == 8

    stack.redis.restart()  # no persistence: every tab's state is gone

    page.get_by_role("button", name="Download de Excel met alle LeerID data").click()
    expect(page.get_by_text(texts.STATE_LOST, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Aanmelden", exact=True)).to_be_visible()
    expect(page.get_by_text(password)).to_have_count(0)
    assert not [c for c in page.context.cookies() if c["name"] == "leerid_session" and c["value"]]
    # Logging in again works at once.
    page.get_by_label("Gebruikersnaam", exact=True).fill("beheerder")
    page.get_by_label("Wachtwoord", exact=True).fill("LeerID-demo-2023")
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: [1-9]\d*$"))).to_be_visible()


def _worker_waiting_on_lock(stack: Stack, engine: Engine) -> psutil.Process:
    """The app worker whose database connection waits for the row the test holds."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            ports = connection.execute(
                text(
                    "SELECT client_port FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
            waiting = set(ports)
        for app in stack.apps.values():
            for worker in app.workers():
                with_port = {c.laddr.port for c in worker.net_connections(kind="tcp")}
                if waiting & with_port:
                    return worker
        time.sleep(0.05)
    raise AssertionError("no app worker ever waited for the locked account")


def test_a_worker_killed_mid_save_changes_nothing_and_says_so(
    stack_admin: Callable[[str], Page], stack: Stack, stack_engine: Engine
) -> None:
    before = renewable_hashes(stack_engine, SECOND_SCHOOL)
    assert len(before) >= 30
    page = stack_admin("beheerder")
    plan_second_school(page, stack_engine, len(before))

    # Hold one account's row: the save's one transaction blocks there, halfway through its
    # writes, so the kill lands inside it.
    held = max(before)
    with stack_engine.connect() as holder:
        transaction = holder.begin()
        holder.execute(
            text("SELECT id FROM leerid_account WHERE pupil_id = :id FOR UPDATE"), {"id": held}
        )
        page.get_by_role("button", name=SAVE).click()
        page.get_by_role("button", name=f"Ja, vervang {len(before)} wachtwoorden").click()
        worker = _worker_waiting_on_lock(stack, stack_engine)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        transaction.rollback()

    # The administrator: no spinner for ever, but what happened, in Dutch.
    expect(page.get_by_text(texts.BULK_RUN_INTERRUPTED, exact=True)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    # The accounts: every one as it was (never a mix), and the run is not left behind.
    assert renewable_hashes(stack_engine, SECOND_SCHOOL) == before
    with Session(stack_engine) as session:
        assert session.exec(select(BulkRun)).all() == []
    # The killed worker is replaced, and the next click works.
    for app in stack.apps.values():
        deadline = time.monotonic() + 30
        while len(app.workers()) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(app.workers()) == 3
    page.goto("/")
    expect(page.get_by_text(re.compile(r"^Totaal aantal rijen: [1-9]\d*$"))).to_be_visible()
