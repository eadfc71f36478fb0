"""The load generator's websocket client keeps working as the app changes (a bounded run)."""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, col, select

from benchmarks import data
from benchmarks.loadgen import report, scenario
from benchmarks.loadgen.protocol import ProtocolError
from leerid_app.models import LeerIDAccount
from tests.e2e.conftest import LiveApp

PASSWORD = "Load-Generator-Test-2026"
BULK_ACCOUNTS = 8


def test_two_administrators_click_through_every_page_while_a_bulk_run_goes_on(
    live_app: LiveApp,
) -> None:
    # Schools of their own: the demo school's pupils and passwords stay as other tests know them.
    password_hash = live_app.hashing.hash(PASSWORD)
    rng, taken = random.Random(12), {}
    with live_app.engine.begin() as conn:
        clickers = []
        for name in ("load.een", "load.twee"):
            school, _ = data.add_school(
                conn, f"LOAD - {name}", with_account=60, without_account=3,
                prefix=name[-3:].upper(), rng=rng, taken=taken,
            )  # fmt: skip
            data.add_administrator(conn, name, password_hash, [school])
            clickers.append((name, PASSWORD))
        bulk_school, bulk_ids = data.add_school(
            conn, "LOAD - bulk", with_account=BULK_ACCOUNTS, prefix="LB", rng=rng, taken=taken
        )
        data.add_administrator(conn, "load.bulk", password_hash, [bulk_school])

    run = scenario.run_load(
        live_app.base_url,
        clickers,
        [("load.bulk", PASSWORD)],
        baseline_s=1.0,
        min_s=4.0,
        think=0.05,
    )
    # A thread of its own: the browser tests' Playwright may own this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        recorder = pool.submit(asyncio.run, run).result(timeout=180)
        # A refusal is an error, never a quick answer: the generator sees what the page shows.
        with pytest.raises(ProtocolError, match="login_error"):
            pool.submit(asyncio.run, _log_in_with_a_wrong_password(live_app)).result(timeout=60)
    figures = report.summarise(recorder, scenario.CLICKS, scenario.BULK_STEPS, 0.02)

    assert figures["error_count"] == 0, figures["errors"]
    measured = {
        row["action"]: row["n"] for row in [*figures["idle"], *figures["during_bulk"]] if row["n"]
    }
    assert set(scenario.CLICKS) <= set(measured), measured
    steps = {row["action"]: row for row in figures["bulk_steps"]}
    for step in ("login", *scenario.BULK_STEPS, "logout"):
        assert steps[step]["n"] >= 1 and steps[step]["errors"] == 0, steps[step]
    assert steps["login"]["n"] == steps["logout"]["n"] == 3  # every administrator, both ends
    assert [run["accounts"] for run in figures["bulk_runs"]] == [BULK_ACCOUNTS]
    # Both downloads arrived as the browser gets them, and the renewal really was saved.
    bulk_samples = [s for s in recorder.samples if s.who == "load.bulk"]
    assert [s.action for s in bulk_samples][1:6] == list(scenario.BULK_STEPS)
    with Session(live_app.engine) as session:
        hashes_after = session.exec(
            select(LeerIDAccount.password_hash).where(
                col(LeerIDAccount.pupil_id).in_(list(bulk_ids.values()))
            )
        ).all()
    assert len(hashes_after) == BULK_ACCOUNTS
    assert data.DUMMY_HASH not in hashes_after


async def _log_in_with_a_wrong_password(live_app: LiveApp) -> None:
    client = scenario.new_client(live_app.base_url)
    try:
        await scenario.log_in(client, "load.een", "Not-The-Password-2026")
    finally:
        await client.close()
